package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// runTopo runs spp topo with args while the daemons connect (each start
// is given the secondary port), and returns the exit status and output.
func runTopo(t *testing.T, start func(sec string), args ...string) (int, string, string) {
	t.Helper()
	pp, sp := ctltest.FreePort(t), ctltest.FreePort(t)
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(append([]string{"topo", "-p", pp, "-s", sp}, args...), strings.NewReader(""), &out, &errOut)
	}()
	if start != nil {
		start("127.0.0.1:" + sp)
	}
	select {
	case code := <-done:
		return code, out.String(), errOut.String()
	case <-time.After(20 * time.Second):
		t.Fatalf("spp topo %v did not end", args)
	}
	return 0, "", ""
}

// spp topo waits for the secondaries (a second one coming later than the
// first is drawn too), prints seed 000's graph byte for byte, draws SVG
// with --svg; sec N waits for that one; errors exit 1 or 2.
func TestTopoSubcommand(t *testing.T) {
	si, want := ctltest.Seed000(t), ctltest.Seed000DOT
	code, out, errOut := runTopo(t, func(sec string) {
		ctltest.StartDaemon(t, sec, 1, "vf", ctltest.WithStatus(si))
	})
	if code != 0 || out != want {
		t.Errorf("spp topo: %d\n%s\nwant\n%s\n%s", code, out, want, errOut)
	}

	// Two secondaries, the second 0.8 s after the first (daemons retry
	// every second): both are drawn.
	code, out, errOut = runTopo(t, func(sec string) {
		ctltest.StartDaemon(t, sec, 1, "vf", ctltest.WithStatus(si))
		time.Sleep(800 * time.Millisecond)
		ctltest.StartDaemon(t, sec, 2, "mirror")
	})
	if code != 0 || !strings.Contains(out, `label="sec 1 (vf), sec 2 (mirror)"`) || !strings.Contains(out, `"sec 2: fw1"`) {
		t.Errorf("two secondaries: %d\n%s%s", code, out, errOut)
	}

	file := filepath.Join(t.TempDir(), "t.svg")
	code, out, errOut = runTopo(t, func(sec string) {
		ctltest.StartDaemon(t, sec, 3, "vf", ctltest.WithStatus(si))
	}, "sec", "3", "--svg", file)
	svg, _ := os.ReadFile(file)
	if code != 0 || out != "topology written to "+file+"\n" || !bytes.Contains(svg, []byte("<svg")) ||
		!bytes.Contains(svg, []byte("52:54:00:00:00:02")) || !bytes.Contains(svg, []byte("sec 3 (vf)")) {
		t.Errorf("--svg: %d %q %q %.100q", code, out, errOut, svg)
	}

	code, _, errOut = runTopo(t, nil, "--wait", "0.3")
	if code != 1 || !strings.Contains(errOut, "topo: no secondary connected") {
		t.Errorf("nothing connected: %d %q", code, errOut)
	}
	code, _, errOut = runTopo(t, nil, "sec", "200")
	if code != 2 || !strings.Contains(errOut, `bad client id "200"`) {
		t.Errorf("bad id: %d %q", code, errOut)
	}
	var help bytes.Buffer
	if code := run([]string{"topo", "-h"}, strings.NewReader(""), &help, &help); code != 0 ||
		!strings.Contains(help.String(), "usage: spp topo [sec N] [--svg FILE]") || !strings.Contains(help.String(), "-wait SECONDS") {
		t.Errorf("topo -h: %d %s", code, help.String())
	}
}
