package dpdk

/*
#include "dataplane.h"
*/
import "C"

import (
	"errors"
	"fmt"

	"github.com/spp-go/spp/common/component"
)

// Config is a component: a kernel and its endpoints, as many of each as
// the kernel's row of the component catalogue allows. The classifier also
// takes Table (its tx indexes are indexes of Tx); the mirror copies to
// Tx[1] from ClonePool (nil: the packet's own pool), and DeepCopy copies
// the data instead of cloning (ClonePool must then have a data room).
type Config struct {
	Kernel    component.Kernel
	Rx, Tx    []*Endpoint
	Table     *MACTable
	ClonePool *Mempool
	DeepCopy  bool
}

// check refuses what the C loop cannot run: a kernel without a catalogue
// row or a C value, port counts outside the row's ranges, a classifier
// whose table is missing or points past its tx ports, a nil endpoint.
func (c *Config) check() error {
	if c == nil || c.Kernel == component.KernelIdle {
		return nil
	}
	t, ok := component.ByKernel(c.Kernel)
	if _, inC := cKernels[c.Kernel]; !ok || !inC {
		return fmt.Errorf("unknown kernel %d", int(c.Kernel))
	}
	nrx, ntx := len(c.Rx), len(c.Tx)
	if !t.PortsOK(nrx, ntx) {
		return fmt.Errorf("%v with %d rx and %d tx ports", c.Kernel, nrx, ntx)
	}
	if c.Kernel == component.KernelClassifier {
		if c.Table == nil || c.Table.c == nil {
			return errors.New("classifier without a MAC table")
		}
		if int(c.Table.c.max_tx) > ntx {
			return fmt.Errorf("MAC table uses tx index %d, classifier has %d tx ports", c.Table.c.max_tx-1, ntx)
		}
	}
	for _, e := range append(append([]*Endpoint{}, c.Rx...), c.Tx...) {
		if e == nil || e.c == nil {
			return fmt.Errorf("%v with a nil or freed endpoint", c.Kernel)
		}
	}
	return nil
}

// fill writes c into a config slot no lcore is reading.
func (c *Config) fill(s *C.struct_spp_config) {
	*s = C.struct_spp_config{}
	if c == nil {
		return
	}
	s.kernel = cKernels[c.Kernel]
	s.nb_rx = C.uint16_t(len(c.Rx))
	s.nb_tx = C.uint16_t(len(c.Tx))
	for i, e := range c.Rx {
		s.rx[i] = e.c
	}
	for i, e := range c.Tx {
		s.tx[i] = e.c
	}
	if c.Table != nil {
		s.table = c.Table.c
	}
	if c.ClonePool != nil {
		s.clone_pool = c.ClonePool.c()
	}
	if c.DeepCopy {
		s.deep = 1
	}
}
