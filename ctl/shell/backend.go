package shell

import (
	"errors"
	"time"

	"github.com/spp-go/spp/ctl/registry"
)

// Backend is what the shell drives the daemons through: the registry of
// this process (Local: standalone spp listens itself) or a running
// `spp serve` (package ctl/apiclient: spp --api URL). The shell knows
// nothing else of either; both give the same answers, so that the shell
// prints the same tables and exits with the same statuses.
type Backend interface {
	// Processes lists the connected processes: the primary first, then
	// the secondaries by client id.
	Processes() ([]Proc, error)
	// Send sends one batch to the process t names and returns its reply
	// (one JSON value); ErrNotConnected when no such process is connected.
	// timeout bounds the whole request; what names it in a late-reply
	// notice.
	Send(t registry.Target, batch []byte, what string, timeout time.Duration) ([]byte, error)
	// Wait blocks until t is connected (ErrNotConnected after timeout).
	Wait(t registry.Target, timeout time.Duration) (Proc, error)
	// WaitGone blocks until none of ps is connected any more (each left, or
	// another connection of its id replaced it), or the timeout passes; it
	// returns those still there.
	WaitGone(ps []Proc, timeout time.Duration) ([]Proc, error)
}

// ErrNotConnected is Backend's answer for a process that is not connected.
var ErrNotConnected = errors.New("not connected")

// Proc is one connected process as the shell sees it. Two Procs are the
// same connection when Same says so.
type Proc struct {
	Target registry.Target
	Type   string    // process_type: primary, vf, mirror
	Peer   string    // the daemon's address
	Since  time.Time // when it connected
}

// Label names the process as the operator types it: "pri" or "sec 1".
func (p Proc) Label() string { return p.Target.String() }

// Same says whether p and q are the same connection (a process that
// reconnects, or is replaced, is another).
func (p Proc) Same(q Proc) bool {
	return p.Target == q.Target && p.Peer == q.Peer && p.Since.Equal(q.Since)
}

// Event is a registry event as the shell announces it.
type Event struct {
	Kind    registry.Kind
	Proc    Proc   // the process (zero for Rejected)
	Message string // the line announced: "sec 1 (vf) connected from 127.0.0.1:40000"
}
