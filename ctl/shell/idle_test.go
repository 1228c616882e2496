package shell

import (
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// The note names the idle component and what it lacks, from the
// catalogue's lower port limits (protocol.md 9.2).
func TestIdleNoteText(t *testing.T) {
	comp := func(name, typ string, rx, tx []proto.PortRef) proto.CoreStatus {
		return proto.CoreStatus{Core: 4, Name: name, Type: typ, State: proto.StateIdle, RxPort: rx, TxPort: tx}
	}
	for _, c := range []struct {
		daemon string
		c      proto.CoreStatus
		want   string
	}{
		{"vf", comp("forward4", "forward", ctltest.Ports("ring0"), ctltest.Ports()), "forward4 is idle: it needs 1 tx port"},
		{"vf", comp("fw", "forward", nil, nil), "fw is idle: it needs 1 rx port and 1 tx port"},
		{"vf", comp("merge3", "merge", nil, ctltest.Ports("nic0")), "merge3 is idle: it needs 1 rx port"},
		{"vf", comp("cls", "classifier", ctltest.Ports("nic0"), nil), "cls is idle: it needs 1 tx port"},
		{"mirror", comp("mirror5", "mirror", ctltest.Ports("ring0"), nil), "mirror5 is idle: it needs 2 tx ports"},
		{"mirror", comp("m", "mirror", ctltest.Ports("ring0"), ctltest.Ports("ring1")), "m is idle: it needs 1 tx port"},
		{"vf", comp("x", "nat", nil, nil), "x is idle"}, // a type the catalogue does not know
	} {
		if got := idleNote(c.daemon, c.c); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.daemon, c.c, got, c.want)
		}
	}
}

// After a batch with a flush succeeded, the shell asks for the status and
// notes each idle component, typed or in a command file; a batch without
// a flush asks nothing; a status with no idle component gives no note;
// --json prints the reply alone and asks nothing more; a batch that also
// stops the process is not followed by a status.
func TestIdleNoteAfterFlush(t *testing.T) {
	const note = "note: forward3 is idle: it needs 1 tx port\n"
	ts := newTestShell(t)
	d := ts.reg.Sec(t, 1, ctltest.WithStatus(ctltest.SampleV2))
	sent := func(n int) []string { return d.Sent()[n:] }

	n := len(d.Sent())
	if !ts.typed("sec 1;flush") || ts.out.String() != note {
		t.Errorf("flush: %q %s", ts.out, ts.errw)
	}
	if got := sent(n); len(got) != 2 || got[0] != `{"commands":[{"command":"flush"}]}` || got[1] != flushStatus {
		t.Errorf("flush sent %q", got)
	}

	ts.out.Reset()
	n = len(d.Sent())
	if !ts.script("sec 1;component 3 forward ring3 name forward3\nsec 1;flush\n") || ts.out.String() != note {
		t.Errorf("command file: %q %s", ts.out, ts.errw)
	}
	if got := sent(n); len(got) != 2 || got[1] != flushStatus {
		t.Errorf("command file sent %q", got)
	}

	ts.out.Reset()
	n = len(d.Sent())
	if !ts.typed("sec 1;component 3 forward ring3 name forward3") || ts.out.Len() != 0 || len(sent(n)) != 1 {
		t.Errorf("no flush: printed %q, sent %q", ts.out, sent(n))
	}

	ts.interactive = true
	ts.out.Reset()
	if !ts.typed("sec 1;flush") || ts.out.String() != "ok\n"+note {
		t.Errorf("interactive: %q %s", ts.out, ts.errw)
	}
	ts.interactive = false

	ts.json = true
	ts.out.Reset()
	n = len(d.Sent())
	if !ts.typed("sec 1;flush") || ts.out.String() != `{"results":[{"result":"success"}]}`+"\n" || len(sent(n)) != 1 {
		t.Errorf("--json: printed %q, sent %q", ts.out, sent(n))
	}
	ts.json = false

	// Nothing idle: the status is asked for, nothing is said.
	other := ts.reg.Sec(t, 2)
	ts.out.Reset()
	if !ts.typed("sec 2;flush") || ts.out.Len() != 0 || len(other.Sent()) != 2 {
		t.Errorf("nothing idle: printed %q, sent %q", ts.out, other.Sent())
	}

	// A daemon that exits keeps its connection a while without reading:
	// a status would wait for it to hang up.
	leaving := ts.reg.Sec(t, 3, ctltest.WithStatus(ctltest.SampleV2), ctltest.Lingering(2*time.Second))
	start := time.Now()
	if !ts.typed(`sec 3;{"commands":[{"command":"flush"},{"command":"exit"}]}`) || ts.out.Len() != 0 || len(leaving.Sent()) != 1 {
		t.Errorf("flush and exit: printed %q, sent %q", ts.out, leaving.Sent())
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("flush and exit took %v", el)
	}
	if ts.errw.Len() != 0 {
		t.Errorf("errors: %s", ts.errw)
	}
}
