package component

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
)

// The catalogue's rows are consistent: names and aliases unique per daemon,
// one kernel per type, ranges within 1..MaxPorts, a daemon that runs
// components, a line of help.
func TestCatalogueRows(t *testing.T) {
	names := map[string]bool{}
	kernels := map[Kernel]string{}
	for _, ty := range Types {
		for _, n := range append([]string{ty.Name}, ty.Aliases...) {
			key := ty.Daemon + "/" + n
			if names[key] || n == None || n == "" {
				t.Errorf("%s: name %q repeated, empty or reserved", ty.Name, n)
			}
			names[key] = true
		}
		if other, ok := kernels[ty.Kernel]; ok || ty.Kernel == KernelIdle {
			t.Errorf("%s: kernel %d is idle or also %s's", ty.Name, ty.Kernel, other)
		}
		kernels[ty.Kernel] = ty.Name
		if ty.RxMin < 1 || ty.RxMin > ty.RxMax || ty.RxMax > MaxPorts ||
			ty.TxMin < 1 || ty.TxMin > ty.TxMax || ty.TxMax > MaxPorts {
			t.Errorf("%s: ports rx %d..%d tx %d..%d not within 1..%d", ty.Name, ty.RxMin, ty.RxMax, ty.TxMin, ty.TxMax, MaxPorts)
		}
		if ty.Daemon != proto.TypeVF && ty.Daemon != proto.TypeMirror {
			t.Errorf("%s: daemon %q", ty.Name, ty.Daemon)
		}
		if ty.Help == "" || strings.Contains(ty.Help, "\n") {
			t.Errorf("%s: help %q is not one line", ty.Name, ty.Help)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, c := range []struct{ daemon, name, want string }{
		{proto.TypeVF, "forward", "forward"},
		{proto.TypeVF, "classifier_mac", "classifier"},
		{proto.TypeMirror, "mirror", "mirror"},
		{proto.TypeMirror, "forward", ""}, // another daemon's type
		{proto.TypeVF, "mirror", ""},
		{proto.TypeVF, None, ""}, // not a row
		{proto.TypeVF, "Forward", ""},
	} {
		ty, ok := Lookup(c.daemon, c.name)
		got := ""
		if ok {
			got = ty.Name
		}
		if got != c.want {
			t.Errorf("Lookup(%s, %s) = %q, want %q", c.daemon, c.name, got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	if got := strings.Join(Names(proto.TypeVF), " "); got != "forward merge classifier none" {
		t.Errorf("vf: %s", got)
	}
	if got := strings.Join(Names(proto.TypeMirror), " "); got != "mirror none" {
		t.Errorf("mirror: %s", got)
	}
	if got := strings.Join(Names(proto.TypePrimary), " "); got != "none" {
		t.Errorf("primary: %s", got)
	}
}

func TestKernel(t *testing.T) {
	if s := KernelIdle.String(); s != "idle" {
		t.Errorf("idle: %s", s)
	}
	if s := KernelClassifier.String(); s != "classifier" {
		t.Errorf("classifier: %s", s)
	}
	if s := Kernel(42).String(); s != "kernel(42)" {
		t.Errorf("42: %s", s)
	}
	if ty, ok := ByKernel(KernelMerge); !ok || ty.Name != "merge" {
		t.Errorf("ByKernel(merge) = %v, %v", ty, ok)
	}
	if _, ok := ByKernel(KernelIdle); ok {
		t.Error("ByKernel(idle) found a type")
	}
}

func TestPortsOK(t *testing.T) {
	m, _ := Lookup(proto.TypeVF, "merge")
	for _, c := range []struct {
		rx, tx int
		ok     bool
	}{{1, 1, true}, {MaxPorts, 1, true}, {0, 1, false}, {MaxPorts + 1, 1, false}, {2, 2, false}, {2, 0, false}} {
		if m.PortsOK(c.rx, c.tx) != c.ok {
			t.Errorf("merge %d rx %d tx: want %v", c.rx, c.tx, c.ok)
		}
	}
}
