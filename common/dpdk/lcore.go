package dpdk

/*
#include <stdlib.h>
#include "dataplane.h"
#include "mem.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/yerden/go-dpdk/eal"

	"github.com/spp-go/spp/common/component"
)

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

// Switch gives each lcore of changes its new component (nil or
// component.KernelIdle: idle), in two phases: every changed lcore that runs something goes idle
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
		if cfg := changes[id]; cfg != nil && cfg.Kernel != component.KernelIdle {
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
