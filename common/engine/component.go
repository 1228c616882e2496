package engine

import (
	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
)

// Component is what one worker lcore runs. The engine hands the data plane
// a fresh value on every change and never modifies it afterwards.
type Component struct {
	Name   string
	Type   string // canonical type name (common/component)
	Kernel component.Kernel
	Rx, Tx []port.Port

	// Classifier only: destination MAC -> tx port, for the entries whose
	// port is one of Tx (nil when there are none), and the port unmapped
	// unicast goes to (nil: drop). MACs are packed with the first octet in
	// the most significant of the low 48 bits (00:11:.. = 0x0011..).
	MACs    map[uint64]port.Port
	Default *port.Port
}

// clone returns a deep copy.
func (c *Component) clone() *Component {
	if c == nil {
		return nil
	}
	n := *c
	n.Rx = append([]port.Port(nil), c.Rx...)
	n.Tx = append([]port.Port(nil), c.Tx...)
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

// equal reports whether a and b run the same thing (nil is idle).
func equal(a, b *Component) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Name != b.Name || a.Type != b.Type || a.Kernel != b.Kernel ||
		!samePorts(a.Rx, b.Rx) || !samePorts(a.Tx, b.Tx) || len(a.MACs) != len(b.MACs) {
		return false
	}
	for k, v := range a.MACs {
		if w, ok := b.MACs[k]; !ok || w != v {
			return false
		}
	}
	if (a.Default == nil) != (b.Default == nil) {
		return false
	}
	return a.Default == nil || *a.Default == *b.Default
}

func samePorts(a, b []port.Port) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
