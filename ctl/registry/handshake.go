package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// processBatch is the handshake request, sent first on every connection.
const processBatch = `{"commands":[{"command":"process"}]}`

// handshake asks a new connection `process`, then registers it. The
// exchange happens before the connection's reader starts, so the process's
// identity (ID, Type, Since) is fixed before any other goroutine looks at it.
func (r *Registry) handshake(c net.Conn, primary bool) {
	p := &Process{reg: r, conn: c, Peer: c.RemoteAddr().String(), Primary: primary}
	r.mu.Lock()
	r.conns[p] = true
	r.mu.Unlock()
	if r.isClosed() { // Close ran before p was in conns
		c.Close()
	}

	dec := json.NewDecoder(c)
	rep, err := askProcess(c, dec, primary)
	if err != nil {
		r.mu.Lock()
		delete(r.conns, p)
		closing := r.closed
		r.mu.Unlock()
		c.Close()
		if !closing {
			r.emit(Event{Kind: Rejected, Peer: p.Peer, Err: err})
		}
		return
	}
	p.Type = rep.ProcessType
	if primary {
		p.Type = proto.TypePrimary
	} else {
		p.ID = *rep.ClientID
	}
	p.Since = time.Now()

	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return // Close has closed c
	}
	old := r.lookupLocked(p.Target())
	if primary {
		r.pri = p
	} else {
		r.secs[p.ID] = p
	}
	r.changedLocked()
	r.goLocked(func() { p.readLoop(dec) })
	r.mu.Unlock()

	if old != nil {
		r.emit(Event{Kind: Replaced, Process: p, Old: old})
		old.close()
	} else {
		r.emit(Event{Kind: Joined, Process: p})
	}
}

// askProcess sends `process` and reads its reply, within ReplyTimeout.
func askProcess(c net.Conn, dec *json.Decoder, primary bool) (*Reply, error) {
	c.SetDeadline(time.Now().Add(ReplyTimeout))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write([]byte(processBatch + "\n")); err != nil {
		return nil, err
	}
	var r Reply
	if err := dec.Decode(&r); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, fmt.Errorf("did not answer within %v", ReplyTimeout)
		}
		return nil, fmt.Errorf("unreadable reply: %v", err)
	}
	if e := r.FirstError(); e != "" {
		return nil, errors.New(e)
	}
	if primary && r.ProcessType != "" && r.ProcessType != proto.TypePrimary {
		return nil, fmt.Errorf("a %s on the primary port", r.ProcessType)
	}
	if !primary {
		switch {
		case r.ProcessType == proto.TypePrimary:
			return nil, errors.New("the primary on the secondary port")
		case r.ClientID == nil:
			return nil, errors.New("the reply to process has no client_id")
		case *r.ClientID < 0 || *r.ClientID >= 128:
			return nil, fmt.Errorf("client_id %d is out of range 0..127", *r.ClientID)
		}
	}
	return &r, nil
}

// Reply is a daemon's reply as a controller reads it: Info kept raw until
// the kind of process is known.
type Reply struct {
	Results     []proto.Result  `json:"results"`
	ClientID    *int            `json:"client_id"`
	ProcessType string          `json:"process_type"`
	Info        json.RawMessage `json:"info"`
}

// FirstError returns the message of the first failed command, or "".
func (r *Reply) FirstError() string {
	for _, res := range r.Results {
		if res.Result == proto.Failure {
			if res.ErrorDetails != nil {
				return res.ErrorDetails.Message
			}
			return "error"
		}
	}
	return ""
}
