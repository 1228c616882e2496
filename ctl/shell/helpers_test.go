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
	reg       *ctltest.Registry // the daemons connect to it
	out, errw *bytes.Buffer
	notes     *ctltest.LockedBuffer
}

func newTestShell(t *testing.T) *testShell {
	t.Helper()
	ts := &testShell{out: &bytes.Buffer{}, errw: &bytes.Buffer{}, notes: &ctltest.LockedBuffer{}}
	ts.Shell = &Shell{out: ts.out, errw: ts.errw, con: &console{w: ts.notes}}
	ts.reg = ctltest.Listen(t, func(e registry.Event) { ts.OnEvent(LocalEvent(e)) })
	ts.Use(Local{Reg: ts.reg.Registry})
	return ts
}

// failsAfter types line, which must fail after min to max with the one
// error line "LINE: msg".
func (ts *testShell) failsAfter(t *testing.T, line string, min, max time.Duration, msg string) {
	t.Helper()
	start := time.Now()
	if ts.typed(line) {
		t.Fatalf("%s succeeded", line)
	}
	if el := time.Since(start); el < min || el > max {
		t.Errorf("%s failed after %v, want %v to %v", line, el, min, max)
	}
	if e := ts.errw.String(); e != line+": "+msg+"\n" {
		t.Errorf("error %q", e)
	}
}

// script runs text as a command file.
func (ts *testShell) script(text string) bool {
	return ts.RunScript(strings.NewReader(text), "t")
}
