package shell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// line is one parsed command line.
type line struct {
	text string
	cmd  *command // nil for a raw batch
	args []string

	proc       bool            // sent to a process
	tgt        registry.Target // its process
	viaEntered bool            // the target came from sec N / pri, not from the line
	obj        proto.Command   // a process command
	raw        []byte          // a raw batch, sent as it is
	nraw       int             // commands in the raw batch
	rawFl      bool            // the raw batch has a flush
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
	if sh.entered != nil && (t[0] == '{' || lookup(procScope, w[0]) != nil || lookup(shellScope, w[0]) == nil) {
		return sh.parseProc(t, *sh.entered, t, true)
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
func parseTarget(head string) (t registry.Target, ok bool, err error) {
	w := strings.Fields(head)
	switch {
	case len(w) == 1 && w[0] == "pri":
		return registry.Target{Primary: true}, true, nil
	case len(w) >= 1 && w[0] == "sec":
		if len(w) != 2 {
			return t, false, fmt.Errorf("sec N;CMD: one client id before ;")
		}
		id, err := parseID(w[1])
		return registry.Target{ID: id}, err == nil, err
	}
	return t, false, nil
}

// parseID reads a client id, 0..127 (protocol.md section 1).
func parseID(s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || !proto.ValidClientID(id) || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("bad client id %q (0..%d)", s, proto.MaxClientID)
	}
	return id, nil
}

func (sh *Shell) parseProc(text string, tgt registry.Target, rest string, viaEntered bool) (*line, error) {
	l := &line{text: text, proc: true, tgt: tgt, viaEntered: viaEntered}
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
		if tgt.Primary {
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
