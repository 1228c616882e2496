package shell

// Rates of the status tables: packets per second from the previous status
// of the same process (package rate), or, when the shell has none, from one
// it asks for itself a second (rateWindow) before the operator's.

import (
	"bytes"
	"encoding/json"
	"errors"
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

// fetchStatus asks t for its status, keeps it (completion) and returns the
// rates since the previous status of t (nil: none). what names the request
// in a late-reply notice.
func (sh *Shell) fetchStatus(t registry.Target, what string) (*rate.Rates, error) {
	if err := sh.askStatus(t, what); err != nil {
		return nil, err
	}
	return sh.observe(t), nil
}

// askStatus asks t for its status and keeps it (sh.infos), without taking
// it as a base of rates.
func (sh *Shell) askStatus(t registry.Target, what string) error {
	raw, err := sh.be.Send(t, statusBatch, what, registry.ReplyTimeout)
	if errors.Is(err, ErrNotConnected) {
		return fmt.Errorf("%s is not connected", t)
	}
	if err != nil {
		return err
	}
	var r client.Reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("unreadable reply from %s: %v", t, err)
	}
	if msg := r.FirstError(); msg != "" {
		return fmt.Errorf("%s: %s", t, msg)
	}
	if r.Info == nil {
		return fmt.Errorf("%s answered status without info", t)
	}
	if err := sh.infos.set(t, r.Info); err != nil {
		return fmt.Errorf("unreadable status from %s: %v", t, err)
	}
	return nil
}

// observe records the status t reported last, read now, and returns the
// rates since the one before (nil: none).
func (sh *Shell) observe(t registry.Target) *rate.Rates {
	si, pi := sh.infos.get(t)
	var s rate.Snapshot
	switch {
	case pi != nil:
		s = rate.Primary(time.Now(), pi)
	case si != nil:
		s = rate.Secondary(time.Now(), si)
	default:
		return nil
	}
	r, ok := sh.rates.Observe(t.String(), s)
	if !ok {
		return nil
	}
	return &r
}

// measureFirst: a batch that asks t for its status, when the shell has no
// earlier status of t, is preceded by a status of the shell's own, a
// rateWindow earlier, so that its tables have rates. Without a window
// (tests) or when that status fails, the batch goes as it is.
func (sh *Shell) measureFirst(t registry.Target, g *group) {
	if sh.rateWindow <= 0 || !asksStatus(g) || sh.rates.Has(t.String()) {
		return
	}
	if _, err := sh.fetchStatus(t, "status (base of the rates)"); err == nil {
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
