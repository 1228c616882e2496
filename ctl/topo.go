package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/cli"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/shell"
)

const topoUsage = `usage: spp topo [sec N] [--svg FILE] [-p PORT] [-s PORT] [--bind ADDR] [--wait SECONDS] [--api URL]

Prints the wiring of the node's secondaries as Graphviz DOT, or, with --svg,
draws it into FILE with dot: the shell's topo command, run once. spp listens
on the controller's ports like spp -c does, so no other shell may hold them
(in a running shell, type topo svg FILE instead); the daemons connect within
a second or so. Without sec N it draws every secondary that connected by the
time none has come for 1.5 s (--wait bounds the whole wait). With --api (or
$SPP_API) it asks a running spp serve instead (spp up runs one), where the
daemons are connected already.

`

// settleQuiet: the daemons retry their connection every second
// (protocol.md section 1), so once this long has passed without a new one,
// every running daemon has connected.
const settleQuiet = 1500 * time.Millisecond

// topoMain is `spp topo ...`: spp -c "topo [sec N] [svg FILE]" once the
// secondaries have connected.
func topoMain(args []string, stdout, stderr io.Writer) int {
	fs := cli.New("spp topo", topoUsage, stderr)
	var at registry.Where
	at.Flags(fs.FlagSet)
	svg := fs.String("svg", "", "draw the graph into `FILE` (SVG, with dot) instead of printing DOT")
	wait := fs.Float64("wait", 5, "wait at most `SECONDS` for the secondaries to connect")
	apiURL := fs.String("api", os.Getenv("SPP_API"), "ask the spp serve at `URL` (default $SPP_API) instead of listening")
	words, code := fs.ParseAll(args) // sec N may come before or after the flags
	if code >= 0 {
		return code
	}
	var tgt *registry.Target
	switch {
	case len(words) == 0:
	case len(words) == 2 && words[0] == "sec":
		id, err := strconv.Atoi(words[1])
		if err != nil || !proto.ValidClientID(id) || strconv.Itoa(id) != words[1] {
			fmt.Fprintf(stderr, "spp topo: bad client id %q (0..127)\n", words[1])
			return 2
		}
		tgt = &registry.Target{ID: id}
	default:
		return fs.Fail("unexpected %q", strings.Join(words, " "))
	}
	if strings.ContainsAny(*svg, " \t") {
		fmt.Fprintf(stderr, "spp topo: --svg %q: a file name without spaces\n", *svg)
		return 2
	}

	sh := shell.New(shell.Options{Out: stdout, Err: stderr, Color: isTerminal(stderr)})
	defer sh.Close()
	limit := time.Duration(*wait * float64(time.Second))
	cmd := "topo"
	if tgt != nil {
		cmd += " " + tgt.String()
	}
	if *apiURL != "" {
		stop, err := attach(sh, *apiURL, "")
		if err != nil {
			fmt.Fprintf(stderr, "spp topo: %v\n", err)
			return 2
		}
		defer stop()
	} else {
		reg, err := at.Listen(func(e registry.Event) { sh.OnEvent(shell.LocalEvent(e)) })
		if err != nil {
			fmt.Fprintf(stderr, "spp topo: %v (a shell already listening? type topo there, or use --api)\n", err)
			return 2
		}
		defer reg.Close()
		sh.Use(shell.Local{Reg: reg})
		if tgt != nil {
			reg.Wait(*tgt, limit) // topo says so if it did not come
		} else {
			settle(reg, limit)
		}
	}
	if *svg != "" {
		cmd += " svg " + *svg
	}
	if !sh.RunSources([]shell.Source{{Cmd: cmd}}) {
		return 1
	}
	return 0
}

// settle waits until a secondary has connected and then none has come or
// gone for settleQuiet, or until limit has passed.
func settle(reg *registry.Registry, limit time.Duration) {
	start := time.Now()
	last, changed := "", start
	for time.Since(start) < limit {
		var secs []string
		for _, p := range reg.Processes() {
			if !p.Primary {
				secs = append(secs, fmt.Sprintf("%s@%p", p.Label(), p))
			}
		}
		now := strings.Join(secs, ",")
		if now != last {
			last, changed = now, time.Now()
		}
		if now != "" && time.Since(changed) >= settleQuiet {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
