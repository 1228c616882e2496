package shell

import (
	"time"

	"github.com/spp-go/spp/ctl/registry"
)

// Local is the Backend of standalone spp: the registry this process
// listens with.
type Local struct{ Reg *registry.Registry }

// LocalProc is what the shell sees of a registered process.
func LocalProc(p *registry.Process) Proc {
	return Proc{Target: p.Target(), Type: p.Type, Peer: p.Peer, Since: p.Since}
}

// LocalEvent is a registry event as the shell announces it.
func LocalEvent(e registry.Event) Event {
	ev := Event{Kind: e.Kind, Message: e.String()}
	if e.Process != nil {
		ev.Proc = LocalProc(e.Process)
	}
	return ev
}

// Processes lists the registered processes.
func (l Local) Processes() ([]Proc, error) {
	var ps []Proc
	for _, p := range l.Reg.Processes() {
		ps = append(ps, LocalProc(p))
	}
	return ps, nil
}

// Send sends through the process's protocol client.
func (l Local) Send(t registry.Target, batch []byte, what string, timeout time.Duration) ([]byte, error) {
	p := l.Reg.Lookup(t)
	if p == nil {
		return nil, ErrNotConnected
	}
	return p.Send(batch, what, timeout)
}

// Wait waits for the registry to have t.
func (l Local) Wait(t registry.Target, timeout time.Duration) (Proc, error) {
	p := l.Reg.Wait(t, timeout)
	if p == nil {
		return Proc{}, ErrNotConnected
	}
	return LocalProc(p), nil
}

// WaitGone waits for the registry to drop the processes of ps.
func (l Local) WaitGone(ps []Proc, timeout time.Duration) ([]Proc, error) {
	var regd []*registry.Process
	for _, p := range ps {
		if rp := l.Reg.Lookup(p.Target); rp != nil && LocalProc(rp).Same(p) {
			regd = append(regd, rp)
		}
	}
	var left []Proc
	for _, rp := range l.Reg.WaitGone(regd, timeout) {
		left = append(left, LocalProc(rp))
	}
	return left, nil
}
