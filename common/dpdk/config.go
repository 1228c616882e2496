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

// Config describes a component: a kernel and its endpoints, as many of
// each as the kernel's row of the component catalogue allows, and the VLAN
// operation of each endpoint (RxVLAN, TxVLAN: nil for none, or one per
// endpoint). The classifier also takes Table (its tx indexes are indexes
// of Tx); the mirror clones to Tx[1] from ClonePool (nil: the pool of the
// burst's first packet), which needs no data room (CreateClonePool), and
// DeepCopy copies the data instead of cloning (ClonePool must then have a
// data room). Without DeepCopy, a VLAN operation on a tx port makes the
// mirror copy the data all the same, from CopyPool (nil: the packet's own
// pool; it must have a data room).
type Config struct {
	Kernel         component.Kernel
	Rx, Tx         []*Endpoint
	RxVLAN, TxVLAN []VLAN
	Table          *MACTable
	ClonePool      *Mempool
	CopyPool       *Mempool
	DeepCopy       bool
}

// VLANOp is what a component does to the 802.1Q tag of the frames of one
// of its ports (protocol.md 9.4).
type VLANOp int

const (
	VLANNone VLANOp = iota
	VLANAdd         // push a tag with ID and PCP
	VLANDel         // strip the outer tag, if there is one
)

// VLAN is the VLAN operation of one port of a component.
type VLAN struct {
	Op  VLANOp
	ID  uint16 // 1..4094, VLANAdd only
	PCP uint8  // 0..7, VLANAdd only
}

func (v VLAN) check() error {
	switch v.Op {
	case VLANNone, VLANDel:
		return nil
	case VLANAdd:
		if v.ID < 1 || v.ID > 4094 || v.PCP > 7 {
			return fmt.Errorf("VLAN push with id %d pcp %d (1..4094, 0..7)", v.ID, v.PCP)
		}
		return nil
	}
	return fmt.Errorf("unknown VLAN operation %d", int(v.Op))
}

// c is the operation as the kernels read it: the tag control information
// of a push is pcp << 13 | id (drop eligible indicator 0).
func (v VLAN) c() C.struct_spp_vlan {
	var op C.uint16_t
	switch v.Op {
	case VLANAdd:
		op = C.SPP_VLAN_ADD
	case VLANDel:
		op = C.SPP_VLAN_DEL
	}
	return C.struct_spp_vlan{op: op, tci: C.uint16_t(uint16(v.PCP)<<13 | v.ID)}
}

// check refuses what the C loop cannot run: idle (no component; an empty
// list idles an lcore), a kernel without a catalogue row or a C value, port
// counts outside the row's ranges, VLAN operations that are not one per
// port or out of range, a classifier whose table is missing or points past
// its tx ports, a nil endpoint.
func (c *Config) check() error {
	if c == nil || c.Kernel == component.KernelIdle {
		return errors.New("idle is not a component")
	}
	t, ok := component.ByKernel(c.Kernel)
	if _, inC := cKernels[c.Kernel]; !ok || !inC {
		return fmt.Errorf("unknown kernel %d", int(c.Kernel))
	}
	nrx, ntx := len(c.Rx), len(c.Tx)
	if !t.PortsOK(nrx, ntx) {
		return fmt.Errorf("%v with %d rx and %d tx ports", c.Kernel, nrx, ntx)
	}
	for _, l := range []struct {
		ops []VLAN
		n   int
	}{{c.RxVLAN, nrx}, {c.TxVLAN, ntx}} {
		if l.ops != nil && len(l.ops) != l.n {
			return fmt.Errorf("%v with %d ports and %d VLAN operations", c.Kernel, l.n, len(l.ops))
		}
		for _, v := range l.ops {
			if err := v.check(); err != nil {
				return err
			}
		}
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

// fill writes c into a new component no lcore runs yet. A VLAN operation
// on any port selects the kernel's VLAN variant.
func (c *Config) fill(s *C.struct_spp_component) {
	s.kernel = cKernels[c.Kernel]
	s.nb_rx = C.uint16_t(len(c.Rx))
	s.nb_tx = C.uint16_t(len(c.Tx))
	for i, e := range c.Rx {
		s.rx[i] = e.c
	}
	for i, e := range c.Tx {
		s.tx[i] = e.c
	}
	ops := false
	for i, v := range c.RxVLAN {
		s.rx_vlan[i] = v.c()
		ops = ops || v.Op != VLANNone
	}
	for i, v := range c.TxVLAN {
		s.tx_vlan[i] = v.c()
		if v.Op != VLANNone {
			s.tx_ops |= 1 << i
		}
	}
	if ops || s.tx_ops != 0 {
		s.kernel |= C.SPP_VLAN
	}
	if c.Table != nil {
		s.table = c.Table.c
	}
	if c.ClonePool != nil {
		s.clone_pool = c.ClonePool.c()
	}
	if c.CopyPool != nil {
		s.copy_pool = c.CopyPool.c()
	}
	if c.DeepCopy {
		s.deep = 1
	}
}
