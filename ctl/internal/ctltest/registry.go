package ctltest

import (
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/registry"
)

// Registry is a daemon registry (ctl/registry) on free ports of 127.0.0.1,
// for the test daemons to connect to.
type Registry struct {
	*registry.Registry
	PriAddr, SecAddr string // where the primary and the secondaries connect
}

// Listen starts a registry that hands its events to on; the test's end
// closes it.
func Listen(t *testing.T, on func(registry.Event)) *Registry {
	t.Helper()
	reg, err := registry.Listen("127.0.0.1", 0, 0, on)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	pa, sa := reg.Addrs()
	return &Registry{Registry: reg, PriAddr: pa.String(), SecAddr: sa.String()}
}

// Sec starts a test vf with client id id (opts as StartDaemon's) and
// waits until the registry has it.
func (r *Registry) Sec(t *testing.T, id int, opts ...func(*Daemon)) *Daemon {
	t.Helper()
	d := StartDaemon(t, r.SecAddr, id, "vf", opts...)
	if r.Wait(registry.Target{ID: id}, 5*time.Second) == nil {
		t.Fatalf("sec %d did not register", id)
	}
	return d
}

// Pri starts a test primary and waits until the registry has it.
func (r *Registry) Pri(t *testing.T) *Daemon {
	t.Helper()
	d := StartDaemon(t, r.PriAddr, 0, "primary")
	if r.Wait(registry.Target{Primary: true}, 5*time.Second) == nil {
		t.Fatal("the primary did not register")
	}
	return d
}
