package registry

import (
	"net"
	"strconv"
	"time"

	"github.com/spp-go/spp/common/proto/client"
)

// Target names a process as the operator does: the primary, or the
// secondary of a client id.
type Target struct {
	Primary bool
	ID      int // the client id of a secondary
}

// String is "pri" or "sec N", as typed.
func (t Target) String() string {
	if t.Primary {
		return "pri"
	}
	return "sec " + strconv.Itoa(t.ID)
}

// Process is one connected daemon. Its requests and replies go through a
// protocol client (common/proto/client): one batch at a time per Send,
// replies paired with requests in order; a reply that comes after its
// request timed out is reported (a LateReply event) and thrown away, never
// taken as the answer to a later command.
//
// The exported fields are set before the process is registered and never
// change.
type Process struct {
	conn    net.Conn
	client  *client.Client
	Peer    string // the daemon's address
	Primary bool
	ID      int    // client id (secondaries)
	Type    string // process_type: primary, vf, mirror
	Since   time.Time
}

// Target is the name of the process.
func (p *Process) Target() Target { return Target{Primary: p.Primary, ID: p.ID} }

// Label names the process as the operator types it: "pri" or "sec 1".
func (p *Process) Label() string { return p.Target().String() }

// describe is Label with the process type: "sec 1 (vf)".
func (p *Process) describe() string {
	if p.Primary {
		return "primary"
	}
	return p.Label() + " (" + p.Type + ")"
}

// Send writes one batch and waits up to timeout for its reply. what
// describes the request in a LateReply event.
func (p *Process) Send(batch []byte, what string, timeout time.Duration) ([]byte, error) {
	return p.client.Send(batch, what, timeout)
}
