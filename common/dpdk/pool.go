package dpdk

/*
#include <rte_mempool.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include "eth.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/yerden/go-dpdk/eal"

	"github.com/yerden/go-dpdk/mempool"
	"github.com/yerden/go-dpdk/ring"
)

// Mempool is an mbuf pool.
type Mempool struct{ mp *mempool.Mempool }

// pools are the pools this process made or looked up: at Shutdown, what the
// caches of its lcores hold goes back to them, rather than stay stranded in
// caches indexed by lcore ids another process may never use.
var (
	poolsMu sync.Mutex
	pools   = map[*mempool.Mempool]bool{}
)

func track(mp *mempool.Mempool) *Mempool {
	poolsMu.Lock()
	pools[mp] = true
	poolsMu.Unlock()
	return &Mempool{mp}
}

// flushCaches empties this process's lcore caches of every tracked pool.
// The lcores must not be using them (the loops are stopped).
func flushCaches() {
	ids := eal.Lcores()
	if len(ids) == 0 {
		return
	}
	cids := make([]C.uint, len(ids))
	for i, id := range ids {
		cids[i] = C.uint(id)
	}
	poolsMu.Lock()
	defer poolsMu.Unlock()
	for mp := range pools {
		C.spp_flush_caches((*C.struct_rte_mempool)(unsafe.Pointer(mp)), &cids[0], C.int(len(cids)))
	}
}

func (p *Mempool) c() *C.struct_rte_mempool { return (*C.struct_rte_mempool)(unsafe.Pointer(p.mp)) }

// CreateMbufPool creates a pool of n mbufs of the default data room
// (2048 bytes + headroom), with per-lcore caches of up to 256.
func CreateMbufPool(name string, n uint32) (*Mempool, error) {
	cache := uint32(256)
	if cache > n/2 { // DPDK wants cache * 1.5 <= n
		cache = n / 2
	}
	mp, err := mempool.CreateMbufPool(name, n, C.RTE_MBUF_DEFAULT_BUF_SIZE, mempool.OptCacheSize(cache))
	if err != nil {
		return nil, fmt.Errorf("create mbuf pool %s: %v", name, err)
	}
	return track(mp), nil
}

// CreateClonePool creates a pool of n mbufs without a data room, for
// clones (indirect mbufs: they point at another mbuf's data), with
// per-lcore caches of up to 256. An mbuf of it is its header alone (two
// cache lines), so a burst of clones touches no more than it writes.
func CreateClonePool(name string, n uint32) (*Mempool, error) {
	cache := uint32(256)
	if cache > n/2 {
		cache = n / 2
	}
	mp, err := mempool.CreateMbufPool(name, n, 0, mempool.OptCacheSize(cache))
	if err != nil {
		return nil, fmt.Errorf("create clone pool %s: %v", name, err)
	}
	return track(mp), nil
}

// LookupMbufPool finds a pool by name (one the primary created).
func LookupMbufPool(name string) (*Mempool, error) {
	mp, err := mempool.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("mbuf pool %s: %v", name, err)
	}
	return track(mp), nil
}

// cacheLen is how many mbufs lcore's cache of p holds.
func (p *Mempool) cacheLen(lcore int) int { return int(C.spp_cache_len(p.c(), C.uint(lcore))) }

// Name of the pool.
func (p *Mempool) Name() string { return C.GoString(&p.c().name[0]) }

// Size is the number of mbufs in the pool.
func (p *Mempool) Size() uint64 { return uint64(p.c().size) }

// Available counts free mbufs, those in per-lcore caches included, so that
// Size - Available is exactly what is in use.
func (p *Mempool) Available() uint64 { return uint64(C.rte_mempool_avail_count(p.c())) }

// Free releases the pool. No mbuf of it may be in use.
func (p *Mempool) Free() {
	poolsMu.Lock()
	delete(pools, p.mp)
	poolsMu.Unlock()
	p.mp.Free()
}

// Ring is a shared rte_ring (multi-producer, multi-consumer).
type Ring struct{ r *ring.Ring }

func (r *Ring) c() *C.struct_rte_ring { return (*C.struct_rte_ring)(unsafe.Pointer(r.r)) }

// CreateRing creates a ring of size slots (a power of two); it holds
// size - 1 packets.
func CreateRing(name string, size uint) (*Ring, error) {
	r, err := ring.Create(name, size)
	if err != nil {
		return nil, fmt.Errorf("create ring %s: %v", name, err)
	}
	return &Ring{r}, nil
}

// LookupRing finds a ring by name (one the primary created).
func LookupRing(name string) (*Ring, error) {
	r, err := ring.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("ring %s: %v", name, err)
	}
	return &Ring{r}, nil
}

// Name of the ring.
func (r *Ring) Name() string { return r.r.Name() }

// Count is the number of packets in the ring now.
func (r *Ring) Count() uint64 { return uint64(r.r.Count()) }

// Capacity is the number of packets the ring can hold.
func (r *Ring) Capacity() uint64 { return uint64(r.r.Cap()) }

// Free releases the ring and the packets still in it. Nothing may use it.
func (r *Ring) Free() {
	C.spp_ring_drain(r.c())
	r.r.Free()
}
