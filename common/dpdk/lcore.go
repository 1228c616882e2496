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
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/yerden/go-dpdk/eal"
)

// lcore is a worker lcore running the C loop.
type lcore struct {
	c     *C.struct_spp_lcore
	comps []*Component // what it runs (once it acked its last request)
	done  chan error   // the loop returned
}

var (
	loopsMu sync.Mutex
	loops   = map[int]*lcore{}
)

// ackTimeout bounds the wait for an lcore to take new components. An lcore
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

// post hands the loop a new list: it goes into the slot the loop is not
// using, then the request number moves on.
func (lc *lcore) post(comps []*Component) {
	next := atomic.LoadUint64(lc.req()) + 1
	l := &lc.c.list[next&1]
	*l = C.struct_spp_list{n: C.uint32_t(len(comps))}
	for i, c := range comps {
		l.comps[i] = c.c
	}
	lc.comps = append([]*Component(nil), comps...)
	atomic.StoreUint64(lc.req(), next)
}

func waitAcks(ids []int, deadline time.Time) error {
	for _, id := range ids {
		lc := loops[id]
		for atomic.LoadUint64(lc.ack()) != atomic.LoadUint64(lc.req()) {
			if time.Now().After(deadline) {
				return fmt.Errorf("lcore %d did not take its new components within %v", id, ackTimeout)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
	return nil
}

// MaxComponents is how many components one lcore runs in turn.
const MaxComponents = C.SPP_MAX_COMPS

// Switch gives each lcore of changes its new list of components (empty or
// nil: idle), which it runs in turn, one burst each. A component on the
// lcore before and after keeps running untouched. The switch has two
// phases: every changed lcore first stops the components it does not keep
// and acks, then every one takes its new list and acks. So no two lcores
// ever run one component or poll one endpoint, even when a component moves
// between lcores, and since kernels hold no packet across bursts nothing is
// lost or duplicated. Components, tables and endpoints taken out of use may
// be freed once Switch returns. Nothing changes if a list is invalid: too
// long, a freed component, or a component on two lcores.
func Switch(changes map[int][]*Component) error {
	loopsMu.Lock()
	defer loopsMu.Unlock()
	if err := checkLists(changes); err != nil {
		return err
	}
	var ids []int
	for _, id := range WorkerLcores() { // lcore order, for stable errors
		if _, ok := changes[id]; ok {
			ids = append(ids, id)
		}
	}
	deadline := time.Now().Add(ackTimeout)
	var stopping []int
	for _, id := range ids {
		lc := loops[id]
		keep := common(changes[id], lc.comps)
		if len(keep) != len(lc.comps) {
			lc.post(keep)
			stopping = append(stopping, id)
		}
	}
	if err := waitAcks(stopping, deadline); err != nil {
		return err
	}
	var starting []int
	for _, id := range ids {
		lc := loops[id]
		if !slices.Equal(changes[id], lc.comps) {
			lc.post(changes[id])
			starting = append(starting, id)
		}
	}
	return waitAcks(starting, time.Now().Add(ackTimeout))
}

// checkLists refuses changes Switch cannot make: an lcore without a loop
// or still busy with an earlier switch, a list too long, a nil or freed
// component, one component twice in the lcores' lists after the change.
func checkLists(changes map[int][]*Component) error {
	for id, list := range changes {
		lc := loops[id]
		if lc == nil {
			return fmt.Errorf("lcore %d is not a worker lcore with a loop", id)
		}
		if atomic.LoadUint64(lc.ack()) != atomic.LoadUint64(lc.req()) {
			return fmt.Errorf("lcore %d has not answered an earlier switch", id)
		}
		if len(list) > MaxComponents {
			return fmt.Errorf("lcore %d: %d components, at most %d", id, len(list), MaxComponents)
		}
	}
	where := map[*Component]int{}
	for id, lc := range loops {
		list, changed := changes[id]
		if !changed {
			list = lc.comps
		}
		for _, c := range list {
			if c == nil || c.c == nil {
				return fmt.Errorf("lcore %d: a nil or freed component", id)
			}
			if other, dup := where[c]; dup {
				return fmt.Errorf("%v on lcores %d and %d", c, min(id, other), max(id, other))
			}
			where[c] = id
		}
	}
	return nil
}

// common is the components of next that are also in cur, in next's order.
func common(next, cur []*Component) []*Component {
	var out []*Component
	for _, c := range next {
		for _, d := range cur {
			if c == d {
				out = append(out, c)
				break
			}
		}
	}
	return out
}
