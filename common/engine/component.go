package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// VLANAction is what a VLANOp does to each packet.
type VLANAction uint8

const (
	VLANNone VLANAction = iota // leave the packet as it is
	VLANAdd                    // push an 802.1Q tag with ID and PCP
	VLANDel                    // strip the outer 802.1Q tag, if there is one
)

// VLANOp is the VLAN operation a component applies on one of its ports: on
// an rx port to each packet as it is received, on a tx port just before it
// is sent (protocol.md 9.4).
type VLANOp struct {
	Op  VLANAction
	ID  uint16 // 1..4094, VLANAdd only
	PCP uint8  // 0..7, VLANAdd only
}

// PortRef is a port of a component and the VLAN operation this component
// applies on it.
type PortRef struct {
	Port port.Port
	VLAN VLANOp
}

// Component is one component: what it is, the lcore it runs on and its
// ports. The engine hands the data plane a fresh value whenever anything
// of it changes and never modifies one afterwards; an unchanged component
// is handed over again as the same pointer.
type Component struct {
	Name   string
	Type   string // canonical type name (common/component)
	Kernel component.Kernel
	Core   int
	Rx, Tx []PortRef

	// Classifier only: the table entries whose port is one of Tx (nil when
	// there are none), keyed by VLAN id << 48 | MAC (VLAN id 0: an
	// untagged "mac" entry; 1..4094: a "vlan" entry), and the port unmapped
	// unicast goes to (nil: drop). MACs are packed with the first octet in
	// the most significant of the low 48 bits (00:11:.. = 0x0011..).
	MACs    map[uint64]port.Port
	Default *port.Port
}

// entryKey packs a classifier entry's VLAN id (0 for a mac entry) and MAC
// into the key of Component.MACs.
func entryKey(vlan int, mac uint64) uint64 { return uint64(vlan)<<48 | mac }

// splitKey is the inverse of entryKey.
func splitKey(k uint64) (vlan int, mac uint64) { return int(k >> 48), k & (1<<48 - 1) }

// Idle reports whether c has fewer ports than its type needs to run
// (protocol.md 9.2). An idle component is staged, flushed and shown in
// status, but never handed to the data plane.
func (c *Component) Idle() bool {
	t, ok := component.ByKernel(c.Kernel)
	return !ok || len(c.Rx) < t.RxMin || len(c.Tx) < t.TxMin
}

// idleDetail says what an idle component lacks: "it needs 1 tx port".
func (c *Component) idleDetail() string {
	t, ok := component.ByKernel(c.Kernel)
	if !ok {
		return "it has no type"
	}
	var need []string
	if n := t.RxMin - len(c.Rx); n > 0 {
		need = append(need, fmt.Sprintf("%d rx port%s", n, plural(n)))
	}
	if n := t.TxMin - len(c.Tx); n > 0 {
		need = append(need, fmt.Sprintf("%d tx port%s", n, plural(n)))
	}
	return "it needs " + strings.Join(need, " and ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// clone returns a deep copy.
func (c *Component) clone() *Component {
	n := *c
	n.Rx = append([]PortRef(nil), c.Rx...)
	n.Tx = append([]PortRef(nil), c.Tx...)
	if c.MACs != nil {
		n.MACs = make(map[uint64]port.Port, len(c.MACs))
		for k, v := range c.MACs {
			n.MACs[k] = v
		}
	}
	if c.Default != nil {
		d := *c.Default
		n.Default = &d
	}
	return &n
}

// equal reports whether a and b are the same component, on the same lcore.
func equal(a, b *Component) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Name != b.Name || a.Type != b.Type || a.Kernel != b.Kernel || a.Core != b.Core ||
		!slices.Equal(a.Rx, b.Rx) || !slices.Equal(a.Tx, b.Tx) {
		return false
	}
	return sameTable(a.MACs, b.MACs, a.Default, b.Default)
}

// sameTable reports whether two classifier tables (entries and default)
// hold the same entries.
func sameTable(a, b map[uint64]port.Port, aDef, bDef *port.Port) bool {
	if !maps.Equal(a, b) || (aDef == nil) != (bDef == nil) {
		return false
	}
	return aDef == nil || *aDef == *bDef
}

// vlanOp is a VLAN operation of a command, checked by proto.
func vlanOp(v proto.VLAN) VLANOp {
	switch v.Operation {
	case proto.VLANAdd:
		return VLANOp{Op: VLANAdd, ID: uint16(v.ID), PCP: uint8(v.PCP)}
	case proto.VLANDel:
		return VLANOp{Op: VLANDel}
	}
	return VLANOp{}
}

// status is the VLAN operation as status shows it.
func (v VLANOp) status() proto.VLAN {
	switch v.Op {
	case VLANAdd:
		return proto.VLAN{Operation: proto.VLANAdd, ID: int(v.ID), PCP: int(v.PCP)}
	case VLANDel:
		return proto.VLAN{Operation: proto.VLANDel}
	}
	return proto.VLAN{Operation: proto.VLANNone}
}

// String is the port as the daemon log writes it: "ring0", "ring0 (push
// 100/0)", "ring0 (strip)".
func (r PortRef) String() string {
	switch r.VLAN.Op {
	case VLANAdd:
		return fmt.Sprintf("%s (push %d/%d)", r.Port, r.VLAN.ID, r.VLAN.PCP)
	case VLANDel:
		return r.Port.String() + " (strip)"
	}
	return r.Port.String()
}

// describe is a component as the daemon log writes it.
func describe(c *Component) string {
	s := fmt.Sprintf("%s (%s) rx %s tx %s", c.Name, c.Type, refList(c.Rx), refList(c.Tx))
	if c.Kernel == component.KernelClassifier {
		s += fmt.Sprintf(", %d MAC(s)", len(c.MACs))
		if c.Default != nil {
			s += ", default " + c.Default.String()
		}
	}
	return s
}

// describeLcore is what an lcore runs, as the daemon log writes it.
func describeLcore(cs []*Component) string {
	if len(cs) == 0 {
		return "idle"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = describe(c)
	}
	return strings.Join(s, " + ")
}

func refList(rs []PortRef) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ",")
}
