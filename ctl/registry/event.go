package registry

import (
	"fmt"
	"time"
)

// Kind is what happened; its value is the name of the event in
// rest.md's event stream.
type Kind string

// The events. Joined, Replaced and Left change the registry; the others
// only report.
const (
	Joined       Kind = "joined"        // Process registered
	Replaced     Kind = "replaced"      // Process registered in place of Old, of the same id; Old is dropped
	Left         Kind = "left"          // Process disconnected; Err says why, nil when it hung up
	Rejected     Kind = "rejected"      // the connection from Peer was dropped at the handshake; Err says why (Count > 0: a summary, see limit.go)
	LateReply    Kind = "late_reply"    // Reply came after Request had timed out: thrown away
	UnaskedReply Kind = "unasked_reply" // Reply came with no request pending: thrown away
)

// Event is one thing that happened to the registry or a connection.
type Event struct {
	Kind    Kind
	Process *Process // every kind but Rejected
	Old     *Process // Replaced
	Peer    string   // Rejected (the others: Process.Peer)
	Err     error    // Left, Rejected
	Request string   // LateReply: the request as Send described it
	Reply   []byte   // LateReply, UnaskedReply

	// A Rejected event with Count > 0 summarises Count connections dropped
	// within Window for the reason Err; More: besides those reported one
	// by one in that window. It has no Peer.
	Count  int
	More   bool
	Window time.Duration
}

// String is the event as one line for an operator: "sec 1 (vf) connected
// from 127.0.0.1:40000".
func (e Event) String() string {
	switch e.Kind {
	case Joined:
		return fmt.Sprintf("%s connected from %s", e.Process.describe(), e.Process.Peer)
	case Replaced:
		return fmt.Sprintf("warning: %s from %s replaces %s from %s",
			e.Process.describe(), e.Process.Peer, e.Old.describe(), e.Old.Peer)
	case Left:
		msg := fmt.Sprintf("%s disconnected (%s)", e.Process.describe(), e.Process.Peer)
		if e.Err != nil {
			msg += ": " + e.Err.Error()
		}
		return msg
	case Rejected:
		if e.Count > 0 {
			return e.summary()
		}
		return fmt.Sprintf("connection from %s dropped: process: %v", e.Peer, e.Err)
	case LateReply:
		return fmt.Sprintf("late reply from %s to %q ignored: %s", e.Process.Label(), e.Request, short(e.Reply))
	case UnaskedReply:
		return fmt.Sprintf("%s sent a reply nobody asked for; ignored: %s", e.Process.Label(), short(e.Reply))
	}
	return string(e.Kind)
}

// short cuts a reply for a one-line notice.
func short(raw []byte) string {
	const max = 160
	if len(raw) > max {
		return string(raw[:max]) + "..."
	}
	return string(raw)
}
