package dpdk

/*
#include <stdlib.h>
#include <string.h>
#include <rte_malloc.h>
#include "dataplane.h"
#include "eth.h"
#include "mem.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/yerden/go-dpdk/eal"
)

// MaxPorts bounds the rx ports of a merge and the tx ports of a classifier.
const MaxPorts = C.SPP_MAX_PORTS

// Endpoint is where a kernel receives or sends: an ethdev (queue 0) or a
// ring, with its packet counters, in C memory. Keep one per port for the
// life of the port, so that its counters accumulate across components.
type Endpoint struct{ c *C.struct_spp_endpoint }

func newEndpoint() *Endpoint {
	p := C.spp_calloc_aligned(C.sizeof_struct_spp_endpoint)
	if p == nil {
		panic("dpdk: out of memory for an endpoint")
	}
	return &Endpoint{(*C.struct_spp_endpoint)(p)}
}

// EthEndpoint is an endpoint on queue 0 of port id.
func EthEndpoint(id uint16) *Endpoint {
	e := newEndpoint()
	e.c.port = C.uint16_t(id)
	return e
}

// RingEndpoint is an endpoint on a ring.
func RingEndpoint(r *Ring) *Endpoint {
	e := newEndpoint()
	e.c.ring = r.c()
	return e
}

// Counters are the packets received, sent, and dropped on each side since
// the endpoint was made. rxDrop is reserved for what the receive side loses
// (always 0 for a kernel; see EthStatsGet for a port's own figures); txDrop
// counts what the endpoint refused and the kernel freed.
func (e *Endpoint) Counters() (rx, tx, rxDrop, txDrop uint64) {
	return load(&e.c.rx), load(&e.c.tx), load(&e.c.rx_drop), load(&e.c.tx_drop)
}

// Free releases the endpoint. No lcore may use it any more.
func (e *Endpoint) Free() {
	if e.c != nil {
		C.free(unsafe.Pointer(e.c))
		e.c = nil
	}
}

func load(p *C.uint64_t) uint64 { return atomic.LoadUint64((*uint64)(unsafe.Pointer(p))) }

// Kernel is what a worker lcore runs.
type Kernel int

const (
	KernelIdle       Kernel = C.SPP_IDLE
	KernelForward    Kernel = C.SPP_FORWARD
	KernelMerge      Kernel = C.SPP_MERGE
	KernelClassifier Kernel = C.SPP_CLASSIFIER
	KernelMirror     Kernel = C.SPP_MIRROR
)

func (k Kernel) String() string {
	switch k {
	case KernelIdle:
		return "idle"
	case KernelForward:
		return "forward"
	case KernelMerge:
		return "merge"
	case KernelClassifier:
		return "classifier"
	case KernelMirror:
		return "mirror"
	}
	return fmt.Sprintf("kernel(%d)", int(k))
}

// MACTable maps destination MACs to tx indexes of a classifier, in C memory.
// Build it completely before it goes into a Config: a table in use by an
// lcore must not change. Free it only after a Switch took it out of use.
type MACTable struct {
	c      *C.struct_spp_mactable
	slots  []uint64
	perTx  [MaxPorts]int // MACs mapped to each tx index
	hasDef bool
}

// NewMACTable makes a table that holds up to capacity MACs (at least 1).
func NewMACTable(capacity int) (*MACTable, error) {
	if capacity < 1 {
		capacity = 1
	}
	n := 16
	for n < 2*capacity {
		n <<= 1
	}
	size := C.size_t(n) * 8
	slots := C.rte_zmalloc(nil, size, C.RTE_CACHE_LINE_SIZE)
	if slots == nil {
		return nil, fmt.Errorf("no memory for a MAC table of %d entries", capacity)
	}
	c := (*C.struct_spp_mactable)(C.spp_calloc_aligned(C.sizeof_struct_spp_mactable))
	if c == nil {
		C.rte_free(slots)
		return nil, errors.New("no memory for a MAC table")
	}
	c.slots = (*C.uint64_t)(slots)
	c.mask = C.uint64_t(n - 1)
	c.shift = C.uint32_t(64 - bits.TrailingZeros(uint(n)))
	c.def = -1
	return &MACTable{c: c, slots: unsafe.Slice((*uint64)(slots), n)}, nil
}

// wireMAC turns 0xaabbccddeeff (aa:bb:cc:dd:ee:ff) into the value the C side
// reads from a frame: its first six bytes as a little-endian integer.
func wireMAC(mac uint64) uint64 {
	return bits.ReverseBytes64(mac<<16) & C.SPP_MAC_MASK
}

// Add maps mac (0xaabbccddeeff for aa:bb:cc:dd:ee:ff) to tx index tx.
func (t *MACTable) Add(mac uint64, tx int) error {
	if tx < 0 || tx >= MaxPorts {
		return fmt.Errorf("tx index %d out of range 0..%d", tx, MaxPorts-1)
	}
	if mac > C.SPP_MAC_MASK {
		return fmt.Errorf("MAC %#x is more than 48 bits", mac)
	}
	if 2*(int(t.c.count)+1) > len(t.slots) {
		return fmt.Errorf("MAC table full (%d entries)", t.c.count)
	}
	key := wireMAC(mac)
	h := (key * 0x9e3779b97f4a7c15) >> uint(t.c.shift)
	for {
		s := t.slots[h]
		if s&C.SPP_SLOT_USED == 0 {
			break
		}
		if s&C.SPP_MAC_MASK == key {
			if int(s>>56) == tx {
				return nil
			}
			return fmt.Errorf("MAC %012x is already mapped to tx %d", mac, s>>56)
		}
		h = (h + 1) & uint64(t.c.mask)
	}
	t.slots[h] = key | C.SPP_SLOT_USED | uint64(tx)<<56
	t.c.count++
	t.perTx[tx]++
	t.update()
	return nil
}

// SetDefault sets the tx index of unmapped unicast; -1 for none.
func (t *MACTable) SetDefault(tx int) error {
	if tx < -1 || tx >= MaxPorts {
		return fmt.Errorf("tx index %d out of range -1..%d", tx, MaxPorts-1)
	}
	t.c.def = C.int32_t(tx)
	t.update()
	return nil
}

// Len is the number of MACs mapped.
func (t *MACTable) Len() int { return int(t.c.count) }

// update rebuilds the flood list (tx indexes with a mapping, default
// included, ascending) and the highest tx index used.
func (t *MACTable) update() {
	n, max := 0, 0
	for i := 0; i < MaxPorts; i++ {
		if t.perTx[i] > 0 || int(t.c.def) == i {
			t.c.flood[n] = C.uint8_t(i)
			n++
			max = i + 1
		}
	}
	t.c.n_flood = C.uint16_t(n)
	t.c.max_tx = C.uint16_t(max)
}

// Free releases the table. No lcore may use it any more.
func (t *MACTable) Free() {
	if t.c != nil {
		C.rte_free(unsafe.Pointer(t.c.slots))
		C.free(unsafe.Pointer(t.c))
		t.c, t.slots = nil, nil
	}
}

// Config is a component: a kernel and its endpoints.
//
//	forward:    1 rx, 1 tx
//	merge:      1..MaxPorts rx, 1 tx
//	classifier: 1 rx, 1..MaxPorts tx, Table (its tx indexes are indexes of Tx)
//	mirror:     1 rx, 2 tx; copies to Tx[1] come from ClonePool (nil: the
//	            packet's own pool); DeepCopy copies the data instead of
//	            cloning (ClonePool must then have a data room)
type Config struct {
	Kernel    Kernel
	Rx, Tx    []*Endpoint
	Table     *MACTable
	ClonePool *Mempool
	DeepCopy  bool
}

func (c *Config) check() error {
	if c == nil || c.Kernel == KernelIdle {
		return nil
	}
	nrx, ntx := len(c.Rx), len(c.Tx)
	ok := false
	switch c.Kernel {
	case KernelForward:
		ok = nrx == 1 && ntx == 1
	case KernelMerge:
		ok = nrx >= 1 && nrx <= MaxPorts && ntx == 1
	case KernelClassifier:
		ok = nrx == 1 && ntx >= 1 && ntx <= MaxPorts
		if ok && (c.Table == nil || c.Table.c == nil) {
			return errors.New("classifier without a MAC table")
		}
		if ok && int(c.Table.c.max_tx) > ntx {
			return fmt.Errorf("MAC table uses tx index %d, classifier has %d tx ports", c.Table.c.max_tx-1, ntx)
		}
	case KernelMirror:
		ok = nrx == 1 && ntx == 2
	default:
		return fmt.Errorf("unknown kernel %d", int(c.Kernel))
	}
	if !ok {
		return fmt.Errorf("%v with %d rx and %d tx ports", c.Kernel, nrx, ntx)
	}
	for _, e := range append(append([]*Endpoint{}, c.Rx...), c.Tx...) {
		if e == nil || e.c == nil {
			return fmt.Errorf("%v with a nil or freed endpoint", c.Kernel)
		}
	}
	return nil
}

// fill writes c into a config slot no lcore is reading.
func (c *Config) fill(s *C.struct_spp_config) {
	*s = C.struct_spp_config{}
	if c == nil {
		return
	}
	s.kernel = C.int32_t(c.Kernel)
	s.nb_rx = C.uint16_t(len(c.Rx))
	s.nb_tx = C.uint16_t(len(c.Tx))
	for i, e := range c.Rx {
		s.rx[i] = e.c
	}
	for i, e := range c.Tx {
		s.tx[i] = e.c
	}
	if c.Table != nil {
		s.table = c.Table.c
	}
	if c.ClonePool != nil {
		s.clone_pool = c.ClonePool.c()
	}
	if c.DeepCopy {
		s.deep = 1
	}
}

// lcore is a worker lcore running the C loop.
type lcore struct {
	c    *C.struct_spp_lcore
	busy bool       // its active component is not idle
	done chan error // the loop returned
}

var (
	loopsMu sync.Mutex
	loops   = map[int]*lcore{}
)

// ackTimeout bounds the wait for an lcore to take a new component. An lcore
// thread that shares a loaded CPU can wait seconds for its turn, and a
// timeout leaves a switch half done, so it is generous.
const ackTimeout = 10 * time.Second

// StartLoops enters the C loop on every worker lcore, each idle.
func StartLoops() error {
	loopsMu.Lock()
	defer loopsMu.Unlock()
	if len(loops) > 0 {
		return errors.New("lcore loops already started")
	}
	for _, id := range WorkerLcores() {
		p := C.spp_calloc_aligned(C.sizeof_struct_spp_lcore)
		if p == nil {
			return errors.New("no memory for lcore state")
		}
		lc := &lcore{c: (*C.struct_spp_lcore)(p), done: make(chan error, 1)}
		eal.ExecOnLcoreAsync(uint(id), lc.done, func(*eal.LcoreCtx) { C.spp_lcore_loop(lc.c) })
		loops[id] = lc
	}
	deadline := time.Now().Add(ackTimeout)
	for id, lc := range loops {
		for atomic.LoadInt32((*int32)(unsafe.Pointer(&lc.c.running))) == 0 {
			if time.Now().After(deadline) {
				return fmt.Errorf("lcore %d did not start its loop", id)
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	return nil
}

// stopLoops makes every loop return and waits for it.
func stopLoops() {
	loopsMu.Lock()
	defer loopsMu.Unlock()
	for _, lc := range loops {
		atomic.StoreInt32((*int32)(unsafe.Pointer(&lc.c.stop)), 1)
	}
	for id, lc := range loops {
		<-lc.done
		C.free(unsafe.Pointer(lc.c))
		delete(loops, id)
	}
}

func (lc *lcore) req() *uint64 { return (*uint64)(unsafe.Pointer(&lc.c.req)) }
func (lc *lcore) ack() *uint64 { return (*uint64)(unsafe.Pointer(&lc.c.ack)) }

// post hands cfg to the loop: it goes into the slot the loop is not using,
// then the request number moves on.
func (lc *lcore) post(cfg *Config) {
	next := atomic.LoadUint64(lc.req()) + 1
	cfg.fill(&lc.c.cfg[next&1])
	atomic.StoreUint64(lc.req(), next)
}

func waitAcks(ids []int, deadline time.Time) error {
	for _, id := range ids {
		lc := loops[id]
		for atomic.LoadUint64(lc.ack()) != atomic.LoadUint64(lc.req()) {
			if time.Now().After(deadline) {
				return fmt.Errorf("lcore %d did not take its new component within %v", id, ackTimeout)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
	return nil
}

// Switch gives each lcore of changes its new component (nil or KernelIdle:
// idle), in two phases: every changed lcore that runs something goes idle
// and acks, then every one takes its new component and acks. So no two
// lcores ever poll one endpoint, even when a component moves between
// lcores, and since kernels hold no packet across bursts nothing is lost or
// duplicated. Tables and endpoints taken out of use may be freed once
// Switch returns. Nothing changes if a config is invalid.
func Switch(changes map[int]*Config) error {
	loopsMu.Lock()
	defer loopsMu.Unlock()
	var ids []int
	for _, id := range WorkerLcores() { // lcore order, for stable errors
		cfg, ok := changes[id]
		if !ok {
			continue
		}
		lc := loops[id]
		if lc == nil {
			return fmt.Errorf("lcore %d runs no loop", id)
		}
		if atomic.LoadUint64(lc.ack()) != atomic.LoadUint64(lc.req()) {
			return fmt.Errorf("lcore %d has not answered an earlier switch", id)
		}
		if err := cfg.check(); err != nil {
			return fmt.Errorf("lcore %d: %v", id, err)
		}
		ids = append(ids, id)
	}
	if len(ids) != len(changes) {
		for id := range changes {
			if loops[id] == nil {
				return fmt.Errorf("lcore %d is not a worker lcore with a loop", id)
			}
		}
	}
	deadline := time.Now().Add(ackTimeout)
	var stopping []int
	for _, id := range ids {
		if loops[id].busy {
			loops[id].post(nil)
			stopping = append(stopping, id)
		}
	}
	if err := waitAcks(stopping, deadline); err != nil {
		return err
	}
	var starting []int
	for _, id := range ids {
		lc := loops[id]
		lc.busy = false
		if cfg := changes[id]; cfg != nil && cfg.Kernel != KernelIdle {
			lc.post(cfg)
			lc.busy = true
			starting = append(starting, id)
		}
	}
	return waitAcks(starting, time.Now().Add(ackTimeout))
}

// LcoreCounters are the packets received and dropped by the component now on
// lcore (zero for an idle one; reset when the lcore takes a new component).
func LcoreCounters(id int) (packets, drops uint64) {
	loopsMu.Lock()
	lc := loops[id]
	loopsMu.Unlock()
	if lc == nil {
		return 0, 0
	}
	return load(&lc.c.packets), load(&lc.c.drops)
}

// SendFrames sends n copies of frame out of e, outside any kernel and not
// counted on e: for tests and tools. It returns how many e took.
func SendFrames(e *Endpoint, pool *Mempool, frame []byte, n int) int {
	if len(frame) == 0 || len(frame) > 2048 {
		return 0
	}
	f := C.CBytes(frame)
	defer C.free(f)
	return int(C.spp_send_frames(e.c, pool.c(), f, C.uint16_t(len(frame)), C.int(n)))
}

// RecvFrames receives and frees up to n frames from e, outside any kernel
// and not counted on e: for tests and tools. It returns the destination MAC
// of each (0xaabbccddeeff form).
func RecvFrames(e *Endpoint, n int) []uint64 {
	if n <= 0 {
		return nil
	}
	buf := (*C.uint64_t)(C.malloc(C.size_t(n) * 8))
	defer C.free(unsafe.Pointer(buf))
	got := int(C.spp_recv_frames(e.c, C.int(n), nil, nil, buf, C.int(n)))
	out := make([]uint64, got)
	for i, v := range unsafe.Slice((*uint64)(unsafe.Pointer(buf)), got) {
		out[i] = bits.ReverseBytes64(v) >> 16
	}
	return out
}
