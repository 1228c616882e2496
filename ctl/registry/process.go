package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/spp-go/spp/common/proto"
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

// Process is one connected daemon. Requests go out one batch at a time per
// Send; replies come back in request order (protocol.md section 2), so a
// queue of pending calls pairs each reply with its request.
//
// A request that gets no reply in time is reported to its caller
// and stays in the queue marked abandoned: when its reply comes late, it is
// announced (a LateReply event) and thrown away, so it can never be taken as
// the answer to a later command. The connection is kept (resynchronised by
// counting), since the daemon answers every request exactly once and in
// order.
//
// The exported fields are set before the process is registered and never
// change.
type Process struct {
	reg     *Registry
	conn    net.Conn
	Peer    string // the daemon's address
	Primary bool
	ID      int    // client id (secondaries)
	Type    string // process_type: primary, vf, mirror
	Since   time.Time

	sendMu sync.Mutex // keeps the queue in the order batches are written

	mu      sync.Mutex
	pending []*call
	closed  bool
	secInfo *proto.SecondaryInfo // last status
	priInfo *proto.PrimaryInfo
}

type call struct {
	what      string // the request, for the late-reply event
	done      chan callResult
	abandoned bool
}

type callResult struct {
	raw json.RawMessage
	err error
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
func (p *Process) Send(batch []byte, what string, timeout time.Duration) (json.RawMessage, error) {
	c := &call{what: what, done: make(chan callResult, 1)}
	p.sendMu.Lock()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.sendMu.Unlock()
		return nil, fmt.Errorf("%s is not connected", p.Label())
	}
	p.pending = append(p.pending, c)
	p.mu.Unlock()
	msg := make([]byte, 0, len(batch)+1)
	msg = append(append(msg, batch...), '\n')
	p.conn.SetWriteDeadline(time.Now().Add(ReplyTimeout))
	_, err := p.conn.Write(msg)
	p.sendMu.Unlock()
	if err != nil {
		p.close()
		return nil, fmt.Errorf("%s: send failed: %v", p.Label(), err)
	}

	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-c.done:
		return r.raw, r.err
	case <-t.C:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case r := <-c.done: // came in just now
		return r.raw, r.err
	default:
	}
	c.abandoned = true
	return nil, fmt.Errorf("%s did not answer within %v", p.Label(), timeout)
}

func (p *Process) readLoop(dec *json.Decoder) {
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			var why error
			if !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
				why = fmt.Errorf("unreadable reply: %v", err)
			}
			p.shutdown(why)
			return
		}
		p.deliver(raw)
	}
}

func (p *Process) deliver(raw json.RawMessage) {
	p.mu.Lock()
	if len(p.pending) == 0 {
		p.mu.Unlock()
		p.reg.emit(Event{Kind: UnaskedReply, Process: p, Reply: raw})
		return
	}
	c := p.pending[0]
	p.pending = p.pending[1:]
	if !c.abandoned {
		c.done <- callResult{raw: raw}
	}
	p.mu.Unlock()
	if c.abandoned {
		p.reg.emit(Event{Kind: LateReply, Process: p, Request: c.what, Reply: raw})
	}
}

// shutdown fails every pending call and unregisters the process.
func (p *Process) shutdown(why error) {
	p.mu.Lock()
	p.closed = true
	pending := p.pending
	p.pending = nil
	p.mu.Unlock()
	p.conn.Close()
	for _, c := range pending {
		if !c.abandoned {
			err := fmt.Errorf("%s disconnected before answering", p.Label())
			if why != nil {
				err = fmt.Errorf("%s: %v", p.Label(), why)
			}
			c.done <- callResult{err: err}
		}
	}
	p.reg.left(p, why)
}

// close drops the connection; readLoop then shuts the process down.
func (p *Process) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.conn.Close()
}

// SetInfo keeps the status (a reply's info) the process last reported.
func (p *Process) SetInfo(raw json.RawMessage) error {
	if p.Primary {
		var pi proto.PrimaryInfo
		if err := json.Unmarshal(raw, &pi); err != nil {
			return err
		}
		p.mu.Lock()
		p.priInfo = &pi
		p.mu.Unlock()
		return nil
	}
	var si proto.SecondaryInfo
	if err := json.Unmarshal(raw, &si); err != nil {
		return err
	}
	p.mu.Lock()
	p.secInfo = &si
	p.mu.Unlock()
	return nil
}

// Info returns the last status kept by SetInfo: a secondary's or the
// primary's (the other is nil; both are nil before any).
func (p *Process) Info() (*proto.SecondaryInfo, *proto.PrimaryInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.secInfo, p.priInfo
}
