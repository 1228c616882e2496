package dpdk

/*
#include <stdlib.h>
#include "dataplane.h"
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
