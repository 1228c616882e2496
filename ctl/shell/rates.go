package shell

// Rates of the status tables: packets per second from the previous status
// of the same process (package rate), or, when the shell has none, from one
// it asks for itself a second (rateWindow) before the operator's.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	"github.com/spp-go/spp/ctl/rate"
	"github.com/spp-go/spp/ctl/registry"
)

// statusBatch is the shell's own status request (rates, completion, topo,
// monitor).
var statusBatch = proto.EncodeBatch(proto.Status())

// forgetRates drops the last status of a process that connected, was
// replaced or left: the next one's counters are another process's.
func (sh *Shell) forgetRates(e registry.Event) {
	switch e.Kind {
	case registry.Joined, registry.Replaced, registry.Left:
		sh.rates.Forget(e.Process.Label())
	}
}

// fetchStatus asks p for its status, keeps it (completion) and returns the
// rates since the previous status of p (nil: none). what names the request
// in a late-reply notice.
func (sh *Shell) fetchStatus(p *registry.Process, what string) (*rate.Rates, error) {
	if err := sh.askStatus(p, what); err != nil {
		return nil, err
	}
	return sh.observe(p), nil
}

// askStatus asks p for its status and keeps it (p.Info), without taking
// it as a base of rates.
func (sh *Shell) askStatus(p *registry.Process, what string) error {
	raw, err := p.Send(statusBatch, what, registry.ReplyTimeout)
	if err != nil {
		return err
	}
	var r client.Reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("unreadable reply from %s: %v", p.Label(), err)
	}
	if msg := r.FirstError(); msg != "" {
		return fmt.Errorf("%s: %s", p.Label(), msg)
	}
	if r.Info == nil {
		return fmt.Errorf("%s answered status without info", p.Label())
	}
	if err := p.SetInfo(r.Info); err != nil {
		return fmt.Errorf("unreadable status from %s: %v", p.Label(), err)
	}
	return nil
}

// observe records the status p reported last, read now, and returns the
// rates since the one before (nil: none).
func (sh *Shell) observe(p *registry.Process) *rate.Rates {
	si, pi := p.Info()
	var s rate.Snapshot
	switch {
	case pi != nil:
		s = rate.Primary(time.Now(), pi)
	case si != nil:
		s = rate.Secondary(time.Now(), si)
	default:
		return nil
	}
	r, ok := sh.rates.Observe(p.Label(), s)
	if !ok {
		return nil
	}
	return &r
}

// measureFirst: a batch that asks p for its status, when the shell has no
// earlier status of p, is preceded by a status of the shell's own, a
// rateWindow earlier, so that its tables have rates. Without a window
// (tests) or when that status fails, the batch goes as it is.
func (sh *Shell) measureFirst(p *registry.Process, g *group) {
	if sh.rateWindow <= 0 || !asksStatus(g) || sh.rates.Has(p.Label()) {
		return
	}
	if _, err := sh.fetchStatus(p, "status (base of the rates)"); err == nil {
		time.Sleep(sh.rateWindow)
	}
}

// asksStatus says whether a batch has a status command.
func asksStatus(g *group) bool { return g.has(proto.CmdStatus) }

// has says whether a batch has a command of that name.
func (g *group) has(name string) bool {
	if g.raw != nil {
		var b struct {
			Commands []struct {
				Command string `json:"command"`
			} `json:"commands"`
		}
		if json.Unmarshal(g.raw, &b) != nil {
			return false
		}
		for _, c := range b.Commands {
			if c.Command == name {
				return true
			}
		}
		return false
	}
	for _, c := range g.cmds {
		if c.Name == name {
			return true
		}
	}
	return false
}

// withRates is a reply as --json prints it: with a "rates" member when
// rates are known, the rest byte for byte as the daemon sent it.
func withRates(raw []byte, rt *rate.Rates) []byte {
	raw = bytes.TrimSpace(raw)
	if rt == nil || len(raw) < 2 || raw[len(raw)-1] != '}' {
		return raw
	}
	b, err := json.Marshal(rt)
	if err != nil {
		return raw
	}
	body := bytes.TrimSpace(raw[:len(raw)-1])
	var out bytes.Buffer
	out.Write(body)
	if len(body) > 1 { // not "{": members before
		out.WriteByte(',')
	}
	out.WriteString(`"rates":`)
	out.Write(b)
	out.WriteByte('}')
	return out.Bytes()
}
