package dpdktest

/*
#include <stdlib.h>
#include <string.h>
#include <rte_cycles.h>
#include <rte_mempool.h>
#include "gen.h"
#include "mem.h"

static const char *spp_gen_ops_name(struct rte_mempool *mp)
{
	return rte_mempool_get_ops(mp->ops_index)->name;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math/bits"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/yerden/go-dpdk/eal"

	"github.com/spp-go/spp/common/dpdk"
)

// GenFrameLen is the length of the generator's frames.
const GenFrameLen = C.SPP_GEN_LEN

// Generator is a benchmark traffic source: a C loop on one lcore that fills
// a ring with template frames whose destination MACs follow a fixed
// sequence. It is for bench/ only.
type Generator struct {
	c    *C.struct_spp_gen
	dst  unsafe.Pointer
	done chan error
}

// NewGenerator prepares a source that takes mbufs from pool and enqueues
// into r. frame is the template (GenFrameLen bytes at most, zero padded);
// its first six bytes are replaced by dsts[i % len(dsts)] for the i-th
// packet (0xaabbccddeeff for aa:bb:cc:dd:ee:ff). len(dsts) must be a power
// of two.
//
// It writes the template and the header fields into every mbuf of the pool
// now, and later only sets destination MACs: the pool must not be in use
// yet, and whatever consumes the packets must not rewrite mbuf headers or
// frames (rings, forward, classifier and net_null's tx do not), unless
// RewriteEach is set.
func NewGenerator(pool *dpdk.Mempool, r *dpdk.Ring, frame []byte, dsts []uint64) (*Generator, error) {
	if len(frame) > GenFrameLen {
		return nil, fmt.Errorf("template frame of %d bytes, at most %d", len(frame), GenFrameLen)
	}
	// A pool's ops are an index into a table each process fills as it
	// loads mempool drivers. Processes that loaded them in different
	// orders (testpmd links one directly) disagree on the index, and the
	// generator would then run another driver's code on the pool.
	if ops := C.GoString(C.spp_gen_ops_name(mempool(pool))); ops != "ring_mp_mc" {
		return nil, fmt.Errorf("pool %s has mempool ops %q in this process, want ring_mp_mc: its mempool drivers were registered in another order than the pool creator's", pool.Name(), ops)
	}
	if len(dsts) == 0 || len(dsts)&(len(dsts)-1) != 0 {
		return nil, fmt.Errorf("%d destination MACs, want a power of two", len(dsts))
	}
	dst := C.malloc(C.size_t(8 * len(dsts)))
	if dst == nil {
		return nil, errors.New("no memory for the destination MACs")
	}
	ds := unsafe.Slice((*uint64)(dst), len(dsts))
	for i, m := range dsts {
		ds[i] = bits.ReverseBytes64(m<<16) & 0xffffffffffff
	}
	c := (*C.struct_spp_gen)(C.spp_calloc_aligned(C.sizeof_struct_spp_gen))
	if c == nil {
		C.free(dst)
		return nil, errors.New("no memory for a generator")
	}
	c.ring = (*C.struct_rte_ring)(dpdk.RingPtr(r))
	c.pool = mempool(pool)
	c.dst = (*C.uint64_t)(dst)
	c.dst_mask = C.uint64_t(len(dsts) - 1)
	for i, b := range frame {
		c.frame[i] = C.uint8_t(b)
	}
	if bad := C.spp_gen_prepare(c); bad != 0 {
		C.free(dst)
		C.free(unsafe.Pointer(c))
		return nil, fmt.Errorf("pool %s: %d mbufs do not have their data room right after them", pool.Name(), -bad)
	}
	return &Generator{c: c, dst: dst}, nil
}

// RewriteEach makes the loop write a packet whole again before it sends
// it, as a NIC's receive would, when its consumer changed it (a VLAN push
// or strip moves the frame's start and its MACs): the header fields and the
// template frame with its destination MAC. Otherwise such mbufs would come
// back from the pool with the changed frame. A packet whose frame still has
// the template's bytes 6..17 (source MAC, tag, EtherType) is taken as
// unchanged and only gets its destination MAC. Call it before Start.
func (g *Generator) RewriteEach() { g.c.rewrite = 1 }

// Start enters the loop on worker lcore id.
func (g *Generator) Start(id int) error {
	g.done = make(chan error, 1)
	eal.ExecOnLcoreAsync(uint(id), g.done, func(*eal.LcoreCtx) { C.spp_gen_loop(g.c) })
	return waitRunning((*int32)(unsafe.Pointer(&g.c.running)), g.done, id)
}

// GenCounters are a generator's counters since it started.
type GenCounters struct {
	Sent   uint64 // packets the ring took
	Full   uint64 // tries that found the ring full
	NoMbuf uint64 // tries that found the pool empty
	// WaitFull is the time the loop spent waiting for room in a full
	// ring (TSC time: if the thread lost its CPU meanwhile, that counts
	// too). While it waits, the consumer, not the generator, limits the
	// rate.
	WaitFull time.Duration
	// Rewritten is the number of packets written whole again because
	// their consumer had changed them (RewriteEach).
	Rewritten uint64
}

// Counters reads the counters (the loop may be running).
func (g *Generator) Counters() GenCounters {
	return GenCounters{
		Sent:      genLoad(&g.c.sent),
		Full:      genLoad(&g.c.full),
		NoMbuf:    genLoad(&g.c.nombuf),
		Rewritten: genLoad(&g.c.rewritten),
		WaitFull:  time.Duration(float64(genLoad(&g.c.wait_cycles)) * 1e9 / float64(C.rte_get_tsc_hz())),
	}
}

// Stop makes the loop return (it gives back the mbufs it holds), waits for
// it and frees the generator.
func (g *Generator) Stop() error {
	if g.c == nil {
		return nil
	}
	atomic.StoreInt32((*int32)(unsafe.Pointer(&g.c.stop)), 1)
	err := <-g.done
	C.free(g.dst)
	C.free(unsafe.Pointer(g.c))
	g.c = nil
	return err
}

// Sink drains a ring and frees what it takes, reading each frame's
// destination MAC as it goes: the consumer used to measure a generator
// alone. It is for bench/ only.
type Sink struct {
	c    *C.struct_spp_sink
	done chan error
}

// StartSink enters a sink loop on r on worker lcore id.
func StartSink(r *dpdk.Ring, id int) (*Sink, error) {
	c := (*C.struct_spp_sink)(C.spp_calloc_aligned(C.sizeof_struct_spp_sink))
	if c == nil {
		return nil, errors.New("no memory for a sink")
	}
	c.ring = (*C.struct_rte_ring)(dpdk.RingPtr(r))
	s := &Sink{c: c, done: make(chan error, 1)}
	eal.ExecOnLcoreAsync(uint(id), s.done, func(*eal.LcoreCtx) { C.spp_sink_loop(s.c) })
	if err := waitRunning((*int32)(unsafe.Pointer(&c.running)), s.done, id); err != nil {
		return nil, err
	}
	return s, nil
}

// Got is the number of packets drained so far.
func (s *Sink) Got() uint64 { return genLoad(&s.c.got) }

// Stop makes the loop return, waits for it and frees the sink.
func (s *Sink) Stop() error {
	if s.c == nil {
		return nil
	}
	atomic.StoreInt32((*int32)(unsafe.Pointer(&s.c.stop)), 1)
	err := <-s.done
	C.free(unsafe.Pointer(s.c))
	s.c = nil
	return err
}

func genLoad(p *C.uint64_t) uint64 { return atomic.LoadUint64((*uint64)(unsafe.Pointer(p))) }

// waitRunning waits until a loop says it runs, or fails.
func waitRunning(running *int32, done chan error, id int) error {
	deadline := time.Now().Add(time.Second)
	for atomic.LoadInt32(running) == 0 {
		select {
		case err := <-done:
			done <- err
			return fmt.Errorf("lcore %d: loop returned at once: %v", id, err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lcore %d did not start its loop", id)
		}
		time.Sleep(50 * time.Microsecond)
	}
	return nil
}
