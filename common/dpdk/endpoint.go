package dpdk

/*
#include <stdlib.h>
#include "eth.h"
#include "mem.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

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
// the endpoint was made. rxDrop counts what was lost on the receive side:
// frames an rx VLAN operation could not change, and what Drain freed (see
// EthStatsGet for a port's own figures); txDrop counts what the endpoint
// refused or a tx VLAN operation could not change, and the kernel freed.
func (e *Endpoint) Counters() (rx, tx, rxDrop, txDrop uint64) {
	return load(&e.c.rx), load(&e.c.tx), load(&e.c.rx_drop), load(&e.c.tx_drop)
}

// Drain frees every packet waiting in a ring endpoint's ring and counts
// them as rx_drop (protocol.md 9.7), returning how many; 0 for an ethdev.
// No lcore of this process may be reading the ring.
func (e *Endpoint) Drain() uint64 {
	if e.c.ring == nil {
		return 0
	}
	n := uint64(C.spp_ring_drain(e.c.ring))
	atomic.AddUint64((*uint64)(unsafe.Pointer(&e.c.rx_drop)), n)
	return n
}

// Free releases the endpoint. No lcore may use it any more.
func (e *Endpoint) Free() {
	if e.c != nil {
		C.free(unsafe.Pointer(e.c))
		e.c = nil
	}
}

func load(p *C.uint64_t) uint64 { return atomic.LoadUint64((*uint64)(unsafe.Pointer(p))) }
