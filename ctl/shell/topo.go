package shell

// topo [sec N] [svg FILE]: the wiring of the secondaries as Graphviz DOT
// (package topo), or an SVG file drawn from it with dot.

import (
	"fmt"
	"os"

	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/topo"
)

// topoArgs reads [sec N] [svg FILE]. No process: the secondary entered
// with sec N, else every connected secondary.
func (sh *Shell) topoArgs(a []string) (tgts []registry.Target, svg string, err error) {
	usage := fmt.Errorf("usage: topo [sec N] [svg FILE]")
	if len(a) >= 1 && a[0] == "sec" {
		if len(a) < 2 {
			return nil, "", fmt.Errorf("topo sec needs a client id")
		}
		id, err := parseID(a[1])
		if err != nil {
			return nil, "", err
		}
		tgts, a = []registry.Target{{ID: id}}, a[2:]
	}
	switch {
	case len(a) == 2 && a[0] == "svg":
		svg = a[1]
	case len(a) == 1 && a[0] == "svg":
		return nil, "", fmt.Errorf("topo svg needs a FILE")
	case len(a) > 0:
		return nil, "", usage
	}
	if tgts == nil {
		if tgts, err = sh.defaultTargets(true); err != nil {
			return nil, "", err
		}
	}
	return tgts, svg, nil
}

func (sh *Shell) cmdTopo(a []string) error {
	tgts, svg, err := sh.topoArgs(a)
	if err != nil {
		return err
	}
	// The wiring now, not the last status the shell happens to have.
	var procs []topo.Process
	for _, t := range tgts {
		if _, err := sh.fetchStatus(t, "status (topo)"); err != nil {
			return err
		}
		si, _ := sh.infos.get(t)
		procs = append(procs, topo.Process{Name: t.String(), Info: si})
	}
	dot := topo.DOT(procs...)
	if svg == "" {
		_, err := sh.out.Write(dot)
		return err
	}
	b, err := topo.SVG(dot)
	if err != nil {
		return err
	}
	if err := os.WriteFile(svg, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(sh.out, "topology written to %s\n", svg)
	return nil
}
