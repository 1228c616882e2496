package dpdk

/*
#include "dataplane.h"
*/
import "C"

import "github.com/spp-go/spp/common/component"

// cKernels maps each kernel of the component catalogue to its value of the
// C enum spp_kernel, which the lcore loop (loop.c) dispatches on. This is
// the one place where Go and C kernels meet; a test checks that every
// catalogue row has its entry.
var cKernels = map[component.Kernel]C.int32_t{
	component.KernelIdle:       C.SPP_IDLE,
	component.KernelForward:    C.SPP_FORWARD,
	component.KernelMerge:      C.SPP_MERGE,
	component.KernelClassifier: C.SPP_CLASSIFIER,
	component.KernelMirror:     C.SPP_MIRROR,
}

// maxPorts sizes the C per-component arrays (rx, tx, the classifier's flood
// list). A test holds it equal to component.MaxPorts, which bounds configs.
const maxPorts = C.SPP_MAX_PORTS
