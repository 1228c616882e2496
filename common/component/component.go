// Package component is the one catalogue of component types: what each is
// called, which daemon runs it, how many ports it takes, a line of help and
// the kernel (the C per-packet loop) that does its work. The engine checks
// commands against it, the shell completes and explains from it,
// common/dpdk bounds its configs with it and maps its kernels to C.
//
// Adding a type is one row in Types, one Kernel constant, and its C loop
// (docs/architecture.md, "Adding a component type").
package component

import (
	"fmt"

	"github.com/spp-go/spp/common/proto"
)

// Kernel is the C per-packet loop a component runs. common/dpdk maps each
// one to its C enum value (kernels.go there), and tests that none is
// missing.
type Kernel int

const (
	KernelIdle       Kernel = iota // no component: the lcore sleeps
	KernelForward                  // 1 rx -> 1 tx
	KernelMerge                    // n rx polled in turn -> 1 tx
	KernelClassifier               // 1 rx -> tx by destination MAC
	KernelMirror                   // 1 rx -> tx[0], a copy to tx[1]
)

// MaxPorts bounds the rx and tx lists of one component (merge rx,
// classifier tx). The C side sizes its per-component arrays with
// SPP_MAX_PORTS, which common/dpdk's tests hold equal to it.
const MaxPorts = 64

// None clears a core; every daemon accepts it, and it takes no ports.
const None = "none"

// NoneHelp is the line of help of None.
const NoneHelp = "clear the lcore"

// Type is one component type.
type Type struct {
	Name         string   // canonical name, as status reports it
	Aliases      []string // other names accepted on input
	Daemon       string   // proto.TypeVF or proto.TypeMirror
	RxMin, RxMax int
	TxMin, TxMax int
	Help         string // one line: its ports and what it does
	Kernel       Kernel // one of its own: no two types share a kernel
}

// Types is the catalogue (protocol.md 3.3), in the order help and
// completion list them.
var Types = []Type{
	{Name: "forward", Daemon: proto.TypeVF, RxMin: 1, RxMax: 1, TxMin: 1, TxMax: 1,
		Help: "1 rx, 1 tx", Kernel: KernelForward},
	{Name: "merge", Daemon: proto.TypeVF, RxMin: 1, RxMax: MaxPorts, TxMin: 1, TxMax: 1,
		Help: "rx list, 1 tx", Kernel: KernelMerge},
	{Name: "classifier", Aliases: []string{"classifier_mac"}, Daemon: proto.TypeVF, RxMin: 1, RxMax: 1, TxMin: 1, TxMax: MaxPorts,
		Help: "1 rx, tx list, by destination MAC", Kernel: KernelClassifier},
	{Name: "mirror", Daemon: proto.TypeMirror, RxMin: 1, RxMax: 1, TxMin: 2, TxMax: 2,
		Help: "1 rx, 2 tx (spp_mirror)", Kernel: KernelMirror},
}

// Lookup finds a type by name or alias among those of daemon. None is not
// a type: callers test for it first.
func Lookup(daemon, name string) (*Type, bool) {
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

// Names lists the canonical names of the types daemon runs, then None.
func Names(daemon string) []string {
	var s []string
	for _, t := range Types {
		if t.Daemon == daemon {
			s = append(s, t.Name)
		}
	}
	return append(s, None)
}

// ByKernel finds the type whose kernel k is.
func ByKernel(k Kernel) (*Type, bool) {
	for i := range Types {
		if Types[i].Kernel == k {
			return &Types[i], true
		}
	}
	return nil, false
}

// PortsOK tells whether nrx rx and ntx tx ports are within t's ranges.
func (t *Type) PortsOK(nrx, ntx int) bool {
	return nrx >= t.RxMin && nrx <= t.RxMax && ntx >= t.TxMin && ntx <= t.TxMax
}

// String is the name of the kernel's type ("idle" for KernelIdle).
func (k Kernel) String() string {
	if k == KernelIdle {
		return "idle"
	}
	if t, ok := ByKernel(k); ok {
		return t.Name
	}
	return fmt.Sprintf("kernel(%d)", int(k))
}
