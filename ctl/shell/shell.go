// Package shell is the operator's side of spp (controller.md): the table of
// commands, parsing and translation of what is typed into protocol batches,
// command files (playback, -f, -c, stdin), the tables replies are printed
// as, and the interactive prompt with completion. It drives the daemons
// through a Backend it is given (Local: the registry of standalone spp; or a
// running spp serve); it never listens itself, and knows nothing of HTTP.
package shell

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spp-go/spp/ctl/rate"
	"github.com/spp-go/spp/ctl/registry"
)

// Shell is one session: the state the commands act on.
type Shell struct {
	be          Backend
	infos       statuses // the status each process last reported
	con         *console
	out         io.Writer // results and tables
	errw        io.Writer // error lines
	color       bool      // error lines in red
	json        bool      // print replies as JSON
	interactive bool

	entered  *registry.Target // the process entered with sec N / pri
	rec      *os.File         // record FILE
	histPath string
	history  []string
	quit     bool
	depth    int // playback nesting

	rates      rate.Tracker  // the last status of each process, for the pps columns
	rateWindow time.Duration // with no earlier status, rates are measured over this; 0: not measured
}

// Options are how a Shell talks to the operator.
type Options struct {
	Out         io.Writer // results and tables
	Err         io.Writer // error lines and announcements (events)
	Color       bool      // error lines in red (Err is a terminal)
	JSON        bool      // print daemon replies as JSON instead of tables
	Interactive bool      // a terminal both ways: Interact will run
	HistoryPath string    // where typed lines are kept; "" keeps none
}

// New makes a shell. It has no backend until Use.
func New(o Options) *Shell {
	sh := &Shell{json: o.JSON, interactive: o.Interactive, color: o.Color, histPath: o.HistoryPath,
		rateWindow: time.Second}
	sh.con = &console{w: o.Err}
	// Each write under the console's lock: the shell's output and
	// announcements never mix within a line.
	sh.out, sh.errw = sh.con.writer(o.Out), sh.con.writer(o.Err)
	return sh
}

// Use sets the backend the commands go through.
func (sh *Shell) Use(be Backend) { sh.be = be }

// Announce prints a line from elsewhere (the backend's events, the
// listening line) without breaking the line being typed.
func (sh *Shell) Announce(msg string) { sh.con.announce(msg) }

// OnEvent is told of the backend's events: it announces each, forgets the
// last status of a process that came or went (completion, rates), and, in
// the interactive shell, asks a process that joined for its status, for
// completion (and as the base of the next status's rates).
func (sh *Shell) OnEvent(e Event) {
	sh.Announce(e.Message)
	// The registry makes a process visible (to wait, to commands) before
	// it tells of it: a status the shell asked of a process that joined
	// may be kept before the news arrives. Only what predates the process
	// is another's.
	switch e.Kind {
	case registry.Joined, registry.Replaced:
		sh.infos.drop(e.Proc.Target, e.Proc.Since)
		sh.rates.ForgetBefore(e.Proc.Label(), e.Proc.Since)
	case registry.Left:
		sh.infos.drop(e.Proc.Target, time.Time{})
		sh.rates.Forget(e.Proc.Label())
	}
	if sh.interactive && (e.Kind == registry.Joined || e.Kind == registry.Replaced) {
		go sh.learnStatus(e.Proc.Target)
	}
}

// learnStatus asks a process for its status, quietly, for completion.
func (sh *Shell) learnStatus(t registry.Target) {
	sh.fetchStatus(t, "status (for completion)")
}

// lookup finds the connected process t names.
func (sh *Shell) lookup(t registry.Target) (Proc, bool) {
	ps, _ := sh.be.Processes()
	for _, p := range ps {
		if p.Target == t {
			return p, true
		}
	}
	return Proc{}, false
}

// Close ends the session: the record file is closed.
func (sh *Shell) Close() {
	if sh.rec != nil {
		sh.rec.Close()
	}
}

// errReported marks a failure whose message is already printed.
var errReported = errors.New("reported")

// waitDefault is how long `wait` waits without a TIMEOUT.
const waitDefault = 10 * time.Second

// fail prints one error line: "LABEL: message", red on a terminal.
func (sh *Shell) fail(label string, err error) {
	if err == errReported {
		return
	}
	msg := err.Error()
	if label != "" {
		msg = label + ": " + msg
	}
	if sh.color {
		msg = "\x1b[31m" + msg + "\x1b[0m"
	}
	fmt.Fprintln(sh.errw, msg)
}

// execute runs one parsed line on its own (a process line is a batch of
// one). label prefixes its errors.
func (sh *Shell) execute(l *line, label string) bool {
	if l.proc {
		g := &group{tgt: l.tgt}
		g.add(l, label)
		return sh.send(g)
	}
	if err := l.cmd.run(sh, l.args); err != nil {
		sh.fail(label, err)
		return false
	}
	return true
}

// typed runs a line typed at the prompt and says whether it succeeded.
func (sh *Shell) typed(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" {
		return true
	}
	sh.addHistory(t)
	l, err := sh.parse(t)
	if err != nil {
		sh.fail(t, err)
		return false
	}
	if l == nil {
		return true
	}
	sh.recordLine(l)
	return sh.execute(l, t)
}

// recordLine writes a typed command to the record file: process commands
// with their target, so that the file plays back from anywhere.
func (sh *Shell) recordLine(l *line) {
	if sh.rec == nil {
		return
	}
	text := l.text
	switch {
	case l.proc && l.viaEntered:
		text = l.tgt.String() + ";" + text
	case l.proc, l.cmd.recorded:
	default:
		return
	}
	if _, err := fmt.Fprintln(sh.rec, text); err != nil {
		sh.fail("record", err)
	}
}
