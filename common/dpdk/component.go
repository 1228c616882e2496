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
	"unsafe"
)

// Component is a component the lcore loops can run: its Config, fixed once
// made, and its packets and drops counters, in C memory. It keeps its
// counters for as long as it lives, whichever lcore runs it; a changed
// component is a new one (counters from 0).
type Component struct {
	c    *C.struct_spp_component
	name string // kernel name, for errors
}

// NewComponent makes a component of cfg (checked). cfg's endpoints and
// table must outlive it.
func NewComponent(cfg *Config) (*Component, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	p := C.spp_calloc_aligned(C.sizeof_struct_spp_component)
	if p == nil {
		return nil, errors.New("no memory for a component")
	}
	c := &Component{c: (*C.struct_spp_component)(p), name: cfg.Kernel.String()}
	cfg.fill(c.c)
	return c, nil
}

// Counters are the packets the component received and those it dropped
// (tx refused, copies that could not be made, VLAN operations that could
// not be done, unmapped unicast without a default) since it was made.
func (c *Component) Counters() (packets, drops uint64) {
	return load(&c.c.packets), load(&c.c.drops)
}

// Free releases the component. No lcore may run it any more (a Switch took
// it off).
func (c *Component) Free() {
	if c.c != nil {
		C.free(unsafe.Pointer(c.c))
		c.c = nil
	}
}

func (c *Component) String() string { return fmt.Sprintf("%s@%p", c.name, c.c) }
