package dpdk

import (
	"testing"

	"github.com/spp-go/spp/common/component"
)

// Every type of the catalogue has a C kernel, a value of its own, and idle
// is the C loop's zero (what a nil config writes).
func TestEveryTypeHasACKernel(t *testing.T) {
	seen := map[int32]component.Kernel{}
	for _, ty := range component.Types {
		c, ok := cKernels[ty.Kernel]
		if !ok {
			t.Errorf("type %s: kernel %d has no C kernel in cKernels", ty.Name, ty.Kernel)
			continue
		}
		if k, dup := seen[int32(c)]; dup || c == cKernels[component.KernelIdle] {
			t.Errorf("type %s: C kernel %d is idle or also %v's", ty.Name, c, k)
		}
		seen[int32(c)] = ty.Kernel
	}
	if c, ok := cKernels[component.KernelIdle]; !ok || c != 0 {
		t.Errorf("idle is C kernel %d (%v), want 0", c, ok)
	}
	if len(cKernels) != len(component.Types)+1 {
		t.Errorf("%d C kernels for %d types and idle", len(cKernels), len(component.Types))
	}
}

// The C arrays of a component are as long as the catalogue lets a port
// list be.
func TestMaxPortsIsCs(t *testing.T) {
	if maxPorts != component.MaxPorts {
		t.Fatalf("SPP_MAX_PORTS %d, component.MaxPorts %d", maxPorts, component.MaxPorts)
	}
}
