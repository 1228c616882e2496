package engine

import (
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// Kernel names the per-packet loop a component runs. The data plane maps it
// to its C kernel.
type Kernel string

const (
	KernelForward    Kernel = "forward"    // 1 rx -> 1 tx
	KernelMerge      Kernel = "merge"      // n rx polled in turn -> 1 tx
	KernelClassifier Kernel = "classifier" // 1 rx -> tx by destination MAC
	KernelMirror     Kernel = "mirror"     // 1 rx -> tx[0], a copy to tx[1]
)

// MaxPorts bounds the rx and tx lists of one component (merge rx,
// classifier tx). The data plane sizes its per-component arrays with it.
const MaxPorts = 64

// Type is one component type: which daemon runs it, how many ports it
// takes, and which kernel does the work.
type Type struct {
	Name         string   // canonical name, as status reports it
	Aliases      []string // other names accepted on input
	Daemon       string   // proto.TypeVF or proto.TypeMirror
	RxMin, RxMax int
	TxMin, TxMax int
	Kernel       Kernel
}

// TypeNone clears a core; it is accepted by every daemon and takes no ports.
const TypeNone = "none"

// Types is the one place where component types are registered
// (protocol.md 3.3). Adding a type is adding a row here and a kernel to the
// data plane.
var Types = []Type{
	{Name: "forward", Daemon: proto.TypeVF, RxMin: 1, RxMax: 1, TxMin: 1, TxMax: 1, Kernel: KernelForward},
	{Name: "merge", Daemon: proto.TypeVF, RxMin: 1, RxMax: MaxPorts, TxMin: 1, TxMax: 1, Kernel: KernelMerge},
	{Name: "classifier", Aliases: []string{"classifier_mac"}, Daemon: proto.TypeVF,
		RxMin: 1, RxMax: 1, TxMin: 1, TxMax: MaxPorts, Kernel: KernelClassifier},
	{Name: "mirror", Daemon: proto.TypeMirror, RxMin: 1, RxMax: 1, TxMin: 2, TxMax: 2, Kernel: KernelMirror},
}

// lookupType finds a type by name or alias among those of daemon.
func lookupType(daemon, name string) (*Type, bool) {
	for i := range Types {
		t := &Types[i]
		if t.Daemon != daemon {
			continue
		}
		if t.Name == name {
			return t, true
		}
		for _, a := range t.Aliases {
			if a == name {
				return t, true
			}
		}
	}
	return nil, false
}

// typeNames lists the types daemon accepts, for error details.
func typeNames(daemon string) string {
	s := ""
	for _, t := range Types {
		if t.Daemon == daemon {
			s += t.Name + ", "
		}
	}
	return s + TypeNone
}

// Component is what one worker lcore runs. The engine hands the data plane
// a fresh value on every change and never modifies it afterwards.
type Component struct {
	Name   string
	Type   string // canonical type name
	Kernel Kernel
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
