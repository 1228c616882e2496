// Package dpdktest holds the C that only tests and the benchmark use, out
// of the daemons' binaries: frame I/O outside any kernel (frames.c) and
// the benchmark's traffic generator and sink (gen.c). It is cgo under
// common/dpdk and reads common/dpdk's C structs through its headers.
package dpdktest

/*
#cgo pkg-config: libdpdk
#cgo CFLAGS: -O3 -D_GNU_SOURCE -Wno-deprecated-declarations -I${SRCDIR}/..
#include <stdlib.h>
#include "frames.h"
*/
import "C"

import (
	"math/bits"
	"unsafe"

	"github.com/spp-go/spp/common/dpdk"
)

// The C objects behind common/dpdk's values, as this package's C types.
func endpoint(e *dpdk.Endpoint) *C.struct_spp_endpoint {
	return (*C.struct_spp_endpoint)(dpdk.EndpointPtr(e))
}

func mempool(p *dpdk.Mempool) *C.struct_rte_mempool {
	return (*C.struct_rte_mempool)(dpdk.MempoolPtr(p))
}

// SendFrames sends n copies of frame out of e, outside any kernel and not
// counted on e: for tests and tools. It returns how many e took.
func SendFrames(e *dpdk.Endpoint, pool *dpdk.Mempool, frame []byte, n int) int {
	return SendFramesHeadroom(e, pool, frame, n, -1)
}

// SendFramesHeadroom is SendFrames with the frames headroom bytes into
// their mbufs' data room (at most the pool's default headroom), as a PMD
// that leaves less room in front than usual would.
func SendFramesHeadroom(e *dpdk.Endpoint, pool *dpdk.Mempool, frame []byte, n, headroom int) int {
	if len(frame) == 0 || len(frame) > 2048 {
		return 0
	}
	f := C.CBytes(frame)
	defer C.free(f)
	return int(C.spp_send_frames(endpoint(e), mempool(pool), f, C.uint16_t(len(frame)), C.int(n), C.int(headroom)))
}

// RecvFrames receives and frees up to n frames from e, outside any kernel
// and not counted on e: for tests and tools. It returns the destination MAC
// of each (0xaabbccddeeff form).
func RecvFrames(e *dpdk.Endpoint, n int) []uint64 {
	if n <= 0 {
		return nil
	}
	buf := (*C.uint64_t)(C.malloc(C.size_t(n) * 8))
	defer C.free(unsafe.Pointer(buf))
	got := int(C.spp_recv_frames(endpoint(e), C.int(n), nil, nil, buf, C.int(n)))
	out := make([]uint64, got)
	for i, v := range unsafe.Slice((*uint64)(unsafe.Pointer(buf)), got) {
		out[i] = bits.ReverseBytes64(v) >> 16
	}
	return out
}

// RecvBytes receives and frees up to n frames from e, outside any kernel
// and not counted on e, and returns each one's bytes (up to 2048).
func RecvBytes(e *dpdk.Endpoint, n int) [][]byte {
	const stride = 2048
	if n <= 0 {
		return nil
	}
	buf := (*C.uint8_t)(C.malloc(C.size_t(n) * stride))
	defer C.free(unsafe.Pointer(buf))
	lens := (*C.uint16_t)(C.malloc(C.size_t(n) * 2))
	defer C.free(unsafe.Pointer(lens))
	got := int(C.spp_recv_bytes(endpoint(e), C.int(n), buf, stride, lens))
	all := unsafe.Slice((*byte)(unsafe.Pointer(buf)), n*stride)
	ls := unsafe.Slice((*uint16)(unsafe.Pointer(lens)), n)
	out := make([][]byte, got)
	for i := range out {
		out[i] = append([]byte(nil), all[i*stride:i*stride+int(ls[i])]...)
	}
	return out
}
