package shell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// A command file: one batch per process per run of consecutive lines, cut
// after each flush; comments and blank lines skipped; case preserved.
func TestScriptBatching(t *testing.T) {
	ts := newTestShell(t)
	s1 := ts.reg.Sec(t, 1)
	s2 := ts.reg.Sec(t, 2)
	pri := ts.reg.Pri(t)
	file := `# VM start (seed 000), one vhost
sec 1;component 2 classifier nic0 ring0
   sec 1; component 4 forward ring0 vhost0

sec 1;classifier_table mac AA:BB:CC:DD:EE:FF ring0
  # sec 2 now
sec 2;component 3 forward ring1 nic1
sec 2;flush
sec 1;component 5 forward vhost0 ring1
sec 1;component 3 merge ring1 nic0
sec 1;flush
sec 1;status
pri;status
sec 1;cancel
`
	if !ts.script(file) {
		t.Fatalf("script failed: %s", ts.errw)
	}
	want1 := []string{
		`{"commands":[` +
			`{"command":"component","core_id":"2","type":"classifier","rx_ports":["nic0"],"tx_ports":["ring0"]},` +
			`{"command":"component","core_id":"4","type":"forward","rx_ports":["ring0"],"tx_ports":["vhost0"]},` +
			`{"command":"classifier_table","type":"mac","value":"AA:BB:CC:DD:EE:FF","port":"ring0"}]}`,
		`{"commands":[` +
			`{"command":"component","core_id":"5","type":"forward","rx_ports":["vhost0"],"tx_ports":["ring1"]},` +
			`{"command":"component","core_id":"3","type":"merge","rx_ports":["ring1"],"tx_ports":["nic0"]},` +
			`{"command":"flush"}]}`,
		flushStatus,
		`{"commands":[{"command":"status"}]}`,
		`{"commands":[{"command":"cancel"}]}`,
	}
	want2 := []string{`{"commands":[{"command":"component","core_id":"3","type":"forward","rx_ports":["ring1"],"tx_ports":["nic1"]},{"command":"flush"}]}`, flushStatus}
	wantPri := []string{`{"commands":[{"command":"status"}]}`}
	for _, c := range []struct {
		name string
		d    *ctltest.Daemon
		want []string
	}{{"sec 1", s1, want1}, {"sec 2", s2, want2}, {"pri", pri, wantPri}} {
		if got := c.d.Sent(); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s got\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	// The status replies were rendered, in file order.
	out := ts.out.String()
	if i, j := strings.Index(out, "| CORE"), strings.Index(out, "| RING"); i < 0 || j < i {
		t.Errorf("status tables missing or out of order:\n%s", out)
	}
}

// An error reply: the failing line is named, the batch reported as not
// applied, the script fails, and the rest of the file still runs. The
// shell asks for the status after a flush only when its batch succeeded.
func TestScriptErrorReply(t *testing.T) {
	ts := newTestShell(t)
	s1 := ts.reg.Sec(t, 1, ctltest.FailingCore("9"))
	file := "sec 1;component 2 forward ring0 ring1\nsec 1;component 9 forward ring1 ring2\nsec 1;flush\nsec 1;component 2 none\nsec 1;flush\n"
	if ts.script(file) {
		t.Fatal("script succeeded")
	}
	want := "t:2: sec 1;component 9 forward ring1 ring2: bad value(core_id): core 9 is not a worker lcore of this process (batch of 3 commands not applied)\n"
	if ts.errw.String() != want {
		t.Errorf("error output\n%q\nwant\n%q", ts.errw, want)
	}
	if got := s1.Sent(); len(got) != 3 || got[1] != `{"commands":[{"command":"component","core_id":"2","type":"none"},{"command":"flush"}]}` || got[2] != flushStatus {
		t.Errorf("sent %q", got)
	}
}

// A line that cannot be parsed stops its process's batch up to its flush:
// nothing of it is sent; other processes and later batches go on.
func TestScriptBadLineStopsItsBatch(t *testing.T) {
	ts := newTestShell(t)
	s1 := ts.reg.Sec(t, 1)
	s2 := ts.reg.Sec(t, 2)
	file := `sec 1;component 2 forward ring0 ring1
sec 1;component 3
sec 2;component 2 none
sec 1;component 4 forward ring2 ring3
sec 1;flush
sec 2;flush
sec 1;component 5 none
sec 1;flush
`
	if ts.script(file) {
		t.Fatal("script succeeded")
	}
	if got := s1.Sent(); len(got) != 2 || got[0] != `{"commands":[{"command":"component","core_id":"5","type":"none"},{"command":"flush"}]}` || got[1] != flushStatus {
		t.Errorf("sec 1 got %q", got)
	}
	// Skipped lines are as if absent: sec 2's lines around them are one batch.
	if got := s2.Sent(); len(got) != 2 || got[0] != `{"commands":[{"command":"component","core_id":"2","type":"none"},{"command":"flush"}]}` || got[1] != flushStatus {
		t.Errorf("sec 2 got %q", got)
	}
	e := ts.errw.String()
	for _, w := range []string{
		"t:2: sec 1;component 3: component: needs CORE and TYPE",
		"sec 1: the 1 commands gathered for its batch are not sent",
		"t:5: sec 1: 2 commands up to this flush not sent, because of the error above",
	} {
		if !strings.Contains(e, w) {
			t.Errorf("errors lack %q:\n%s", w, e)
		}
	}
}

// playback runs a file (with its own sec N context, undone afterwards), and
// may nest; a file that plays itself stops at the depth limit.
func TestPlayback(t *testing.T) {
	ts := newTestShell(t)
	s1 := ts.reg.Sec(t, 1)
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner.txt")
	outer := filepath.Join(dir, "outer.txt")
	os.WriteFile(inner, []byte("sec 1\ncomponent 2 none\nflush\n"), 0o644)
	os.WriteFile(outer, []byte("# outer\nplayback "+inner+"\nsec 1;status\n"), 0o644)
	if !ts.typed("playback " + outer) {
		t.Fatalf("playback failed: %s", ts.errw)
	}
	want := `{"commands":[{"command":"component","core_id":"2","type":"none"},{"command":"flush"}]}` + "\n" + flushStatus + "\n" + `{"commands":[{"command":"status"}]}`
	if got := strings.Join(s1.Sent(), "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if ts.entered != nil {
		t.Errorf("context %v leaked out of the file", ts.entered)
	}
	self := filepath.Join(dir, "self.txt")
	os.WriteFile(self, []byte("playback "+self+"\n"), 0o644)
	if ts.typed("playback "+self) || !strings.Contains(ts.errw.String(), "nested more than 8 deep") {
		t.Errorf("self playback: %s", ts.errw)
	}
}
