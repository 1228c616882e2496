package dpdk

import "unsafe"

// The C object behind a value, for the cgo packages under common/dpdk
// (dpdktest), which cannot name this package's C types: they cast it to
// their own view of the same struct (dataplane.h, rte_mempool.h,
// rte_ring.h). Nothing else needs these.

// EndpointPtr is e's struct spp_endpoint.
func EndpointPtr(e *Endpoint) unsafe.Pointer { return unsafe.Pointer(e.c) }

// MempoolPtr is p's struct rte_mempool.
func MempoolPtr(p *Mempool) unsafe.Pointer { return unsafe.Pointer(p.c()) }

// RingPtr is r's struct rte_ring.
func RingPtr(r *Ring) unsafe.Pointer { return unsafe.Pointer(r.c()) }
