package topo

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// needDot skips when dot is missing, except under CI (CI=true), where a
// missing dot is a failure: make deps installs graphviz.
func needDot(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dot missing under CI: %v", err)
		}
		t.Skip("dot missing (apt-get install graphviz, or make deps)")
	}
}

func TestSVGSeed000(t *testing.T) {
	needDot(t)
	si := ctltest.Seed000(t)
	svg, err := SVG(DOT(Process{Name: "sec 1", Info: &si}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("</svg>")) {
		t.Fatalf("not an SVG document: %.200q", svg)
	}
	// What the graph shows is in the picture: each port and component, and
	// the MACs on the classifier's edges.
	for _, s := range []string{"nic0", "ring3", "vhost1", "classifier", "merge", "core 7",
		"00:11:22:33:44:55", "52:54:00:00:00:02", "sec 1 (vf)"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
}

func TestSVGBadGraph(t *testing.T) {
	needDot(t)
	_, err := SVG([]byte("digraph { a -> }"))
	if err == nil || !strings.Contains(err.Error(), "dot -Tsvg") {
		t.Fatalf("bad graph: %v", err)
	}
}
