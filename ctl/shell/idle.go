package shell

// The note after a flush that leaves a component idle (protocol.md 9.2):
// "note: forward4 is idle: it needs 1 tx port". Only the status after the
// flush says which components are idle, so the shell asks for it after
// every successful batch with a flush (and only then).

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// afterFlush asks t, whose batch with a flush succeeded, for its status,
// keeps it (completion sees the new components and ports) and notes every
// idle component. The note is advice: when the status cannot be had (the
// batch also stopped the process, the connection broke), nothing is said.
// Only the interactive shell takes that status as the base of the next
// rates: in a command file the next status may follow within
// milliseconds, and the shell measures over a second instead
// (measureFirst).
func (sh *Shell) afterFlush(t registry.Target, g *group) {
	if g.has(proto.CmdExit) || sh.askStatus(t, "status (after the flush)") != nil {
		return
	}
	if sh.interactive {
		sh.observe(t)
	}
	si, _ := sh.infos.get(t)
	if si == nil {
		return
	}
	var b strings.Builder
	for _, c := range si.Core {
		if c.State == proto.StateIdle {
			fmt.Fprintf(&b, "note: %s\n", idleNote(si.ProcessType, c))
		}
	}
	fmt.Fprint(sh.out, b.String())
}

// idleNote says which component is idle and what it lacks to run:
// "forward4 is idle: it needs 1 tx port" (from the catalogue's lower port
// limits; a type the catalogue does not know just "is idle").
func idleNote(daemon string, c proto.CoreStatus) string {
	msg := c.Name + " is idle"
	t, ok := component.Lookup(daemon, c.Type)
	if !ok {
		return msg
	}
	var needs []string
	for _, side := range []struct {
		dir       string
		min, have int
	}{{"rx", t.RxMin, len(c.RxPort)}, {"tx", t.TxMin, len(c.TxPort)}} {
		if n := side.min - side.have; n > 0 {
			w := strconv.Itoa(n) + " " + side.dir + " port"
			if n > 1 {
				w += "s"
			}
			needs = append(needs, w)
		}
	}
	if len(needs) == 0 {
		return msg
	}
	return msg + ": it needs " + strings.Join(needs, " and ")
}
