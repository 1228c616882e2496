package shell

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	"github.com/spp-go/spp/ctl/rate"
	"github.com/spp-go/spp/ctl/registry"
)

// group is one batch on its way to a process.
type group struct {
	tgt    registry.Target
	cmds   []proto.Command
	labels []string // error prefix of each command
	raw    []byte   // a raw batch instead of cmds
	nraw   int
	flush  bool // it has a flush: a longer wait, and then a status (idle components, completion)
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
	batch := g.raw
	if batch == nil {
		batch = proto.EncodeBatch(g.cmds...)
	}
	wait := registry.ReplyTimeout
	if g.flush {
		wait = registry.FlushTimeout
	}
	sh.measureFirst(g.tgt, g)
	raw, err := sh.be.Send(g.tgt, batch, strings.Join(g.labels, "; "), wait)
	if errors.Is(err, ErrNotConnected) {
		sh.fail(g.labels[0], fmt.Errorf("%s is not connected%s", g.tgt, notApplied))
		return false
	}
	if err != nil {
		if n > 1 {
			err = fmt.Errorf("%v (batch of %d commands: outcome unknown)", err, n)
		}
		sh.fail(g.labels[0], err)
		return false
	}
	var r client.Reply
	if err := json.Unmarshal(raw, &r); err != nil {
		if sh.json {
			fmt.Fprintf(sh.out, "%s\n", raw)
		}
		sh.fail(g.labels[0], fmt.Errorf("unreadable reply from %s: %v", g.tgt, err))
		return false
	}
	var rt *rate.Rates // of a status reply
	var infoErr error
	if r.Info != nil {
		if infoErr = sh.infos.set(g.tgt, r.Info); infoErr == nil {
			rt = sh.observe(g.tgt)
		}
	}
	if sh.json {
		fmt.Fprintf(sh.out, "%s\n", withRates(raw, rt))
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
		if infoErr != nil {
			sh.fail(g.labels[0], fmt.Errorf("unreadable status from %s: %v", g.tgt, infoErr))
			return false
		}
		if !sh.json {
			var b bytes.Buffer // one write: no announcement inside a table
			si, pi := sh.infos.get(g.tgt)
			if pi != nil {
				renderPrimary(&b, pi, rt)
			} else {
				renderSecondary(&b, g.tgt.String(), si, rt)
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
	if ok && g.flush {
		switch {
		case !sh.json:
			sh.afterFlush(g.tgt, g) // idle components; new ports and components, for completion
		case sh.interactive:
			go sh.learnStatus(g.tgt) // for completion
		}
	}
	return ok
}
