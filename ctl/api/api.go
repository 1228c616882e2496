// Package api holds the wire shapes of spp serve's native endpoints
// (rest.md, docs/api.md) that both ends read: the server (ctl/serve) and
// its client (ctl/apiclient, the shell attached with spp --api). Pure Go.
package api

import (
	"strconv"
	"time"
)

// Paths of the native endpoints.
const (
	ProcessesPath      = "/v1/processes"
	PrimaryBatchPath   = "/spp/v1/primary/batch"
	SecondaryBatchPath = "/spp/v1/secondaries/{id}/batch" // {id}: the client id
	EventsPath         = "/spp/v1/events"
)

// SecondaryBatch is the batch path of secondary id.
func SecondaryBatch(id int) string {
	return "/spp/v1/secondaries/" + strconv.Itoa(id) + "/batch"
}

// OutcomeUnknown ends the text of a 502 or 504 reply to a request that
// may or may not have been applied: it reached the daemon (or may have),
// and no reply came back.
const OutcomeUnknown = "; outcome unknown"

// MaxBody is the largest request body accepted (413 above it).
const MaxBody = 1 << 20

// Process is one entry of GET /v1/processes: upstream's type and
// client-id, and spp-go's peer and since (what the shell's status table
// shows).
type Process struct {
	Type     string `json:"type"`                // primary, vf, mirror
	ClientID *int   `json:"client-id,omitempty"` // secondaries only
	Peer     string `json:"peer"`                // the daemon's address
	Since    string `json:"since"`               // when it connected, RFC 3339 with nanoseconds
}

// SinceFormat is how Process.Since is written.
const SinceFormat = time.RFC3339Nano

// Event is one event of GET /spp/v1/events, the data of one Server-Sent
// Event whose event name is Event.Event. Joined, left and replaced carry
// the process; rejected carries only Peer.
type Event struct {
	Event string `json:"event"` // joined, left, replaced, rejected, late_reply, unasked_reply
	Process
	OldPeer string `json:"old_peer,omitempty"` // replaced: the connection dropped
	Error   string `json:"error,omitempty"`    // left, rejected: why
	Message string `json:"message"`            // the event as one line for an operator
}
