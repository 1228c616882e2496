package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// target is a process as the operator names it: pri, or sec N.
type target struct {
	pri bool
	id  int
}

func (t target) String() string {
	if t.pri {
		return "pri"
	}
	return "sec " + strconv.Itoa(t.id)
}

// Shell is one session: the state the commands act on.
type Shell struct {
	srv         *Server
	con         *console
	out         io.Writer // results and tables
	errw        io.Writer // error lines
	color       bool      // error lines in red
	json        bool      // print replies as JSON
	interactive bool

	ctx      *target  // the process entered with sec N / pri
	rec      *os.File // record FILE
	histPath string
	history  []string
	quit     bool
	depth    int // playback nesting
}

// errReported marks a failure whose message is already printed.
var errReported = errors.New("reported")

// waitDefault is how long `wait` waits without a TIMEOUT.
const waitDefault = 10 * time.Second

// line is one parsed command line.
type line struct {
	text string
	cmd  *command // nil for a raw batch
	args []string

	proc   bool   // sent to a process
	tgt    target // its process
	viaCtx bool   // the target came from sec N / pri, not from the line
	obj    []byte // a process command: its JSON
	raw    []byte // a raw batch, sent as it is
	nraw   int    // commands in the raw batch
	rawFl  bool   // the raw batch has a flush
}

// parse reads one line. It returns nil, nil for a line that does nothing
// (blank, comment). For a bad process line it returns the error together with
// the line, its target known, so that a command file can stop that process's
// batch.
func (sh *Shell) parse(text string) (*line, error) {
	t := strings.TrimSpace(text)
	if t == "" || t[0] == '#' {
		return nil, nil
	}
	if i := strings.IndexByte(t, ';'); i >= 0 {
		tgt, ok, err := parseTarget(t[:i])
		if err != nil {
			return nil, err
		}
		if ok {
			rest := strings.TrimSpace(t[i+1:])
			if rest == "" {
				return nil, fmt.Errorf("nothing after %s;", tgt)
			}
			return sh.parseProc(t, tgt, rest, false)
		}
	}
	w := strings.Fields(t)
	if sh.ctx != nil && (t[0] == '{' || lookup(procScope, w[0]) != nil || lookup(shellScope, w[0]) == nil) {
		return sh.parseProc(t, *sh.ctx, t, true)
	}
	if c := lookup(shellScope, w[0]); c != nil {
		return &line{text: t, cmd: c, args: w[1:]}, nil
	}
	if t[0] == '{' {
		return nil, fmt.Errorf("a raw batch needs a process: sec N;{...} or pri;{...}")
	}
	if c := lookup(procScope, w[0]); c != nil {
		return nil, fmt.Errorf("%s is a process command: sec N;%s or pri;%s (or enter sec N first)", w[0], t, t)
	}
	return nil, fmt.Errorf("unknown command %q (help lists them)", w[0])
}

// parseTarget reads the part before ";": "pri" or "sec N". ok is false when
// it is neither (the ";" then belongs to something else).
func parseTarget(head string) (t target, ok bool, err error) {
	w := strings.Fields(head)
	switch {
	case len(w) == 1 && w[0] == "pri":
		return target{pri: true}, true, nil
	case len(w) >= 1 && w[0] == "sec":
		if len(w) != 2 {
			return t, false, fmt.Errorf("sec N;CMD: one client id before ;")
		}
		id, err := parseID(w[1])
		return target{id: id}, err == nil, err
	}
	return t, false, nil
}

// parseID reads a client id, 0..127 (protocol.md section 1).
func parseID(s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 0 || id >= 128 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("bad client id %q (0..127)", s)
	}
	return id, nil
}

func (sh *Shell) parseProc(text string, tgt target, rest string, viaCtx bool) (*line, error) {
	l := &line{text: text, proc: true, tgt: tgt, viaCtx: viaCtx}
	if rest[0] == '{' {
		n, flush, err := checkRawBatch(rest)
		if err != nil {
			return l, err
		}
		l.raw, l.nraw, l.rawFl = []byte(rest), n, flush
		return l, nil
	}
	w := strings.Fields(rest)
	c := lookup(procScope, w[0])
	if c == nil {
		return l, fmt.Errorf("unknown process command %q (help lists them)", w[0])
	}
	l.cmd, l.args = c, w[1:]
	if !c.accepts(tgt) {
		if tgt.pri {
			return l, fmt.Errorf("%s is not a primary command (the primary takes status, clear, exit, process)", c.name)
		}
		return l, fmt.Errorf("%s is a primary command (pri;%s)", c.name, c.name)
	}
	obj, err := c.build(l.args)
	if err != nil {
		return l, fmt.Errorf("%s: %v (usage: %s)", c.name, err, c.line())
	}
	l.obj = obj
	return l, nil
}

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

// group is one batch on its way to a process.
type group struct {
	tgt    target
	cmds   [][]byte
	labels []string // error prefix of each command
	raw    []byte   // a raw batch instead of cmds
	nraw   int
	flush  bool // it has a flush: a longer wait, and the interactive shell then refreshes its status
}

func (g *group) size() int {
	if g.raw != nil {
		return g.nraw
	}
	return len(g.cmds)
}

// add appends a process line to the group.
func (g *group) add(l *line, label string) {
	if l.raw != nil {
		g.raw, g.nraw, g.flush = l.raw, l.nraw, l.rawFl
		for i := 0; i < l.nraw || i == 0; i++ {
			lab := label
			if l.nraw > 1 {
				lab = fmt.Sprintf("%s (command %d)", label, i+1)
			}
			g.labels = append(g.labels, lab)
		}
		return
	}
	g.flush = g.flush || isFlush(l)
	g.cmds = append(g.cmds, l.obj)
	g.labels = append(g.labels, label)
}

// send sends a batch, prints what came back and says whether every command
// succeeded.
func (sh *Shell) send(g *group) bool {
	n := g.size()
	notApplied := ""
	if n > 1 {
		notApplied = fmt.Sprintf(" (batch of %d commands not applied)", n)
	}
	p := sh.srv.Lookup(g.tgt)
	if p == nil {
		sh.fail(g.labels[0], fmt.Errorf("%s is not connected%s", g.tgt, notApplied))
		return false
	}
	batch := g.raw
	if batch == nil {
		batch = batchOf(g.cmds)
	}
	wait := replyTimeout
	if g.flush {
		wait = flushTimeout
	}
	raw, err := p.Send(batch, strings.Join(g.labels, "; "), wait)
	if err != nil {
		if n > 1 {
			err = fmt.Errorf("%v (batch of %d commands: outcome unknown)", err, n)
		}
		sh.fail(g.labels[0], err)
		return false
	}
	if sh.json {
		fmt.Fprintf(sh.out, "%s\n", raw)
	}
	var r reply
	if err := json.Unmarshal(raw, &r); err != nil {
		sh.fail(g.labels[0], fmt.Errorf("unreadable reply from %s: %v", g.tgt, err))
		return false
	}
	ok := true
	if len(r.Results) != n {
		sh.fail(g.labels[0], fmt.Errorf("%s answered %d results for %d commands", g.tgt, len(r.Results), n))
		ok = false
	}
	for i, res := range r.Results {
		if res.Result != proto.Failure {
			continue
		}
		msg := "error"
		if res.ErrorDetails != nil {
			msg = res.ErrorDetails.Message
		}
		lab := g.labels[len(g.labels)-1]
		if i < len(g.labels) {
			lab = g.labels[i]
		}
		sh.fail(lab, errors.New(msg+notApplied))
		ok = false
	}
	if r.Info != nil {
		if err := p.setInfo(r.Info); err != nil {
			sh.fail(g.labels[0], fmt.Errorf("unreadable status from %s: %v", g.tgt, err))
			return false
		}
		if !sh.json {
			var b bytes.Buffer // one write: no announcement inside a table
			si, pi := p.info()
			if pi != nil {
				renderPrimary(&b, pi)
			} else {
				renderSecondary(&b, g.tgt.String(), si)
			}
			sh.out.Write(b.Bytes())
		}
	}
	if !sh.json && r.ProcessType != "" {
		id := "-"
		if r.ClientID != nil {
			id = strconv.Itoa(*r.ClientID)
		}
		fmt.Fprintf(sh.out, "%s: process_type %s, client_id %s\n", g.tgt, r.ProcessType, id)
	}
	if ok && !sh.json && sh.interactive && r.Info == nil && r.ProcessType == "" {
		fmt.Fprintln(sh.out, "ok")
	}
	if ok && sh.interactive && g.flush {
		go sh.learnStatus(p) // new ports and components, for completion
	}
	return ok
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
	case l.proc && l.viaCtx:
		text = l.tgt.String() + ";" + text
	case l.proc, l.cmd.recorded:
	default:
		return
	}
	if _, err := fmt.Fprintln(sh.rec, text); err != nil {
		sh.fail("record", err)
	}
}
