package registry

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
)

// processBatch is the handshake request, sent first on every connection
// as processLine. (Appending the newline per connection would write into
// the shared array from every handshake at once: a data race.)
var (
	processBatch = proto.EncodeBatch(proto.Process())
	processLine  = append(append([]byte{}, processBatch...), '\n')
)

// handshake asks a new connection `process`, then registers it. The
// exchange happens before the connection's protocol client starts, so the
// process's identity (ID, Type, Since) is fixed before any other goroutine
// looks at it.
func (r *Registry) handshake(c net.Conn, primary bool) {
	p := &Process{conn: c, Peer: c.RemoteAddr().String(), Primary: primary}
	r.mu.Lock()
	r.conns[p] = true
	r.mu.Unlock()
	if r.isClosed() { // Close ran before p was in conns
		c.Close()
	}

	rep, err := askProcess(c, primary)
	if err != nil {
		r.mu.Lock()
		delete(r.conns, p)
		closing := r.closed
		r.mu.Unlock()
		c.Close()
		if !closing {
			r.drops.drop(Event{Kind: Rejected, Peer: p.Peer, Err: err})
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
	// The client starts under r.mu: if the connection ends at once, its
	// Closed (left) waits for the registration and then undoes it.
	p.client = client.New(c, client.Options{
		Name: p.Label(),
		Late: func(what string, reply []byte) {
			r.emit(Event{Kind: LateReply, Process: p, Request: what, Reply: reply})
		},
		Unasked: func(reply []byte) { r.emit(Event{Kind: UnaskedReply, Process: p, Reply: reply}) },
		Closed:  func(why error) { r.left(p, why) },
	})
	old := r.lookupLocked(p.Target())
	if primary {
		r.pri = p
	} else {
		r.secs[p.ID] = p
	}
	r.changedLocked()
	r.mu.Unlock()

	if old != nil {
		r.emit(Event{Kind: Replaced, Process: p, Old: old})
		old.client.Close()
	} else {
		r.emit(Event{Kind: Joined, Process: p})
	}
}

// askProcess sends `process` and reads its reply, within ReplyTimeout.
func askProcess(c net.Conn, primary bool) (*client.Reply, error) {
	c.SetDeadline(time.Now().Add(ReplyTimeout))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(processLine); err != nil {
		return nil, err
	}
	line, err := readLine(c)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, fmt.Errorf("%w within %v", errNoAnswer, ReplyTimeout)
		}
		return nil, fmt.Errorf("unreadable reply: %w", err)
	}
	r, err := client.Parse(line)
	if err != nil {
		return nil, err // "unreadable reply ...: ..."
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
		case !proto.ValidClientID(*r.ClientID):
			return nil, fmt.Errorf("client_id %d is out of range 0..%d", *r.ClientID, proto.MaxClientID)
		}
	}
	return r, nil
}

// readLine reads one reply line, a byte at a time: whatever follows it
// stays in the connection for the protocol client to read (a reply nobody
// asked for is then reported as such). It runs once per connection.
func readLine(c net.Conn) ([]byte, error) {
	var line []byte
	b := make([]byte, 1)
	for len(line) < proto.MaxRequestBytes {
		if _, err := c.Read(b); err != nil {
			return nil, err
		}
		if b[0] == '\n' {
			return line, nil
		}
		line = append(line, b[0])
	}
	return nil, fmt.Errorf("no end of line in %d bytes", len(line))
}
