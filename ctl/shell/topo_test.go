package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// topo asks each secondary for its status and prints the graph of seed
// 000's wiring byte for byte; topo sec N draws that one; inside sec N, topo
// draws the entered one, inside pri every secondary; svg FILE writes the
// picture; the primary is never drawn; errors are one line.
func TestTopoCommand(t *testing.T) {
	si, want := ctltest.Seed000(t), ctltest.Seed000DOT
	ts := newTestShell(t)
	if ts.typed("topo") || !strings.Contains(ts.errw.String(), "topo: no secondary connected") {
		t.Errorf("topo with nothing connected: %q", ts.errw)
	}
	ts.reg.Pri(t)
	d := ts.reg.Sec(t, 1, ctltest.WithStatus(si))
	for _, typed := range []string{"topo", "topo sec 1"} {
		ts.out.Reset()
		n := len(d.Sent())
		if !ts.typed(typed) {
			t.Fatalf("%s: %s", typed, ts.errw)
		}
		if got := ts.out.String(); got != want {
			t.Errorf("%s printed:\n%s\nwant:\n%s", typed, got, want)
		}
		if got := d.Sent()[n:]; len(got) != 1 || got[0] != `{"commands":[{"command":"status"}]}` {
			t.Errorf("%s sent %q, want a status", typed, got)
		}
	}
	for _, in := range []registry.Target{{ID: 1}, {Primary: true}} {
		ts.entered = &in
		ts.out.Reset()
		if !ts.typed("topo") || ts.out.String() != want {
			t.Errorf("topo inside %s: %s%s", in, ts.out, ts.errw)
		}
	}
	ts.entered = nil

	for typed, msg := range map[string]string{
		"topo sec 9":       "sec 9 is not connected",
		"topo sec":         "topo sec needs a client id",
		"topo svg":         "topo svg needs a FILE",
		"topo pri":         "usage: topo [sec N] [svg FILE]",
		"topo sec 1 x y":   "usage: topo [sec N] [svg FILE]",
		"topo svg a b":     "usage: topo [sec N] [svg FILE]",
		"topo sec x svg a": `bad client id "x"`,
	} {
		ts.errw.Reset()
		if ts.typed(typed) || !strings.Contains(ts.errw.String(), msg) || strings.Count(ts.errw.String(), "\n") != 1 {
			t.Errorf("%s: %q, want %q", typed, ts.errw, msg)
		}
	}

	if _, err := exec.LookPath("dot"); err != nil {
		t.Fatalf("dot is needed (make deps installs graphviz): %v", err)
	}
	file := filepath.Join(t.TempDir(), "topo.svg")
	ts.out.Reset()
	if !ts.typed("topo sec 1 svg " + file) {
		t.Fatal(ts.errw)
	}
	if ts.out.String() != "topology written to "+file+"\n" {
		t.Errorf("topo svg printed %q", ts.out)
	}
	svg, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "00:11:22:33:44:55") {
		t.Errorf("SVG: %v %.200q", err, svg)
	}
}

// monitor's arguments: the process (default: the entered one, else every
// connected one) and the interval (default 1 s, at least 100 ms); outside
// the interactive shell it says so.
func TestMonitorArgs(t *testing.T) {
	ts := newTestShell(t)
	if _, _, err := ts.monitorArgs(nil); err == nil || err.Error() != "no process connected" {
		t.Errorf("nothing connected: %v", err)
	}
	ts.reg.Pri(t)
	ts.reg.Sec(t, 2)
	for _, c := range []struct {
		args    string
		entered *registry.Target
		tgts    string
		every   string
	}{
		{"", nil, "[pri sec 2]", "1s"},
		{"", &registry.Target{ID: 2}, "[sec 2]", "1s"},
		{"pri", &registry.Target{ID: 2}, "[pri]", "1s"},
		{"sec 7 2", nil, "[sec 7]", "2s"},
		{"0.5", nil, "[pri sec 2]", "500ms"},
		{"10ms", nil, "[pri sec 2]", "100ms"},
	} {
		ts.entered = c.entered
		tgts, every, err := ts.monitorArgs(strings.Fields(c.args))
		if err != nil {
			t.Errorf("monitor %s: %v", c.args, err)
			continue
		}
		var names []string
		for _, tg := range tgts {
			names = append(names, tg.String())
		}
		if got := "[" + strings.Join(names, " ") + "]"; got != c.tgts || every.String() != c.every {
			t.Errorf("monitor %s: %s every %v, want %s every %s", c.args, got, every, c.tgts, c.every)
		}
	}
	ts.entered = nil
	for args, msg := range map[string]string{
		"sec":       "monitor sec needs a client id",
		"sec 1 2 3": "usage: monitor [pri|sec N] [INTERVAL]",
		"soon":      `bad INTERVAL "soon"`,
	} {
		if _, _, err := ts.monitorArgs(strings.Fields(args)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("monitor %s: %v, want %q", args, err, msg)
		}
	}
	if ts.typed("monitor") || !strings.Contains(ts.errw.String(), "monitor needs the interactive shell") {
		t.Errorf("monitor in a script: %q", ts.errw)
	}
}
