//go:build goexperiment.randomizedheapbase64

package dpdk

// heapNote is added to an EAL init failure when this binary was built with
// Go's randomized heap base (the default since Go 1.26). The Go heap, mapped
// before EAL runs, then lands anywhere in the address space: about one start
// in a thousand it takes part of the range a secondary must map at its
// primary's addresses (from 4 GiB up, 16 GiB per memseg list), and EAL fails
// with "Cannot get a virtual area at requested address". The Makefile builds
// with GOEXPERIMENT=norandomizedheapbase64, which keeps the heap at Go's
// usual 0xc000000000, far above DPDK's memory.
const heapNote = " (this binary was built with Go's randomized heap base, which can take the addresses of the primary's memory: build it with `make build`, or with GOEXPERIMENT=norandomizedheapbase64)"
