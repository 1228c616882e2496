package shell

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// flushStatus is the status the shell asks for after a batch with a flush
// succeeded: it notes the components the flush left idle (protocol.md 9.2).
const flushStatus = `{"commands":[{"command":"status"}]}`

// testShell is a non-interactive shell on free ports, its output captured.
type testShell struct {
	*Shell
	reg       *registry.Registry
	out, errw *bytes.Buffer
	notes     *ctltest.LockedBuffer
	priAddr   string
	secAddr   string
}

func newTestShell(t *testing.T) *testShell {
	t.Helper()
	ts := &testShell{out: &bytes.Buffer{}, errw: &bytes.Buffer{}, notes: &ctltest.LockedBuffer{}}
	ts.Shell = &Shell{out: ts.out, errw: ts.errw, con: &console{w: ts.notes}}
	reg, err := registry.Listen("127.0.0.1", 0, 0, func(e registry.Event) { ts.OnEvent(LocalEvent(e)) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	ts.reg = reg
	ts.Use(Local{Reg: reg})
	pa, sa := reg.Addrs()
	ts.priAddr, ts.secAddr = pa.String(), sa.String()
	return ts
}

// sec connects a vf (or mirror) with client id id and waits until it is
// registered.
func (ts *testShell) sec(t *testing.T, id int, opts ...func(*ctltest.Daemon)) *ctltest.Daemon {
	t.Helper()
	d := ctltest.StartDaemon(t, ts.secAddr, id, "vf", opts...)
	if ts.reg.Wait(registry.Target{ID: id}, 5*time.Second) == nil {
		t.Fatalf("sec %d did not register", id)
	}
	return d
}

func (ts *testShell) pri(t *testing.T) *ctltest.Daemon {
	t.Helper()
	d := ctltest.StartDaemon(t, ts.priAddr, 0, "primary")
	if ts.reg.Wait(registry.Target{Primary: true}, 5*time.Second) == nil {
		t.Fatal("primary did not register")
	}
	return d
}

// script runs text as a command file.
func (ts *testShell) script(text string) bool {
	return ts.RunScript(strings.NewReader(text), "t")
}
