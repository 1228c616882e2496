//go:build !goexperiment.randomizedheapbase64

package dpdk

// heapNote: the Go heap is at its fixed base, clear of DPDK's memory (see
// heapbase.go).
const heapNote = ""
