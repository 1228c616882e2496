// Package client is the controller's end of one daemon connection
// (protocol.md sections 1 and 2): requests go out one batch at a time,
// replies come back one line each, in request order, and a queue of
// pending calls pairs each reply with its request. The shell's registry,
// the test kits and the bench all talk to daemons through it. Pure Go.
//
// A call that gets no reply in time is reported to its caller and stays in
// the queue marked abandoned: when its reply comes late, it is handed to
// Options.Late and thrown away, so it can never be taken as the answer to a
// later request. The connection is kept (resynchronised by counting), since
// a daemon answers every request exactly once and in order. When the
// connection is lost, every pending call fails at once.
package client

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Options are the callbacks of a Client; each may be nil. They run on the
// Client's reader goroutine: one at a time, in the order things happened.
type Options struct {
	// Name names the daemon in errors ("sec 1 did not answer within 5s");
	// "" leaves it out. SetName changes it.
	Name string
	// Late receives a reply that came after its call gave up, with the
	// call's what.
	Late func(what string, reply []byte)
	// Unasked receives a reply no request was waiting for.
	Unasked func(reply []byte)
	// Closed is called once, when the connection is gone and every pending
	// call has failed: why is nil for a clean end (the daemon closed, or
	// Close was called), else what broke the stream.
	Closed func(why error)
}

// Client is one connection to one daemon. Its methods are safe for
// concurrent use; concurrent Sends are written, and answered, one after
// the other.
type Client struct {
	conn net.Conn
	opts Options
	done chan struct{} // closed when the reader has ended and Closed returned

	sendMu sync.Mutex // keeps the queue in the order requests are written

	mu      sync.Mutex
	name    string
	pending []*call
	closed  bool  // no more Sends: Close was called or the reader ended
	why     error // what ended the connection, once done
}

type call struct {
	what      string // the request, for Options.Late
	done      chan result
	abandoned bool
}

type result struct {
	reply []byte
	err   error
}

// New starts reading replies from conn. The Client owns conn from now on.
func New(conn net.Conn, o Options) *Client {
	c := &Client{conn: conn, opts: o, name: o.Name, done: make(chan struct{})}
	go c.read()
	return c
}

// SetName changes the name errors give the daemon (it is known once it
// has answered process).
func (c *Client) SetName(name string) {
	c.mu.Lock()
	c.name = name
	c.mu.Unlock()
}

// who is the daemon's name followed by sep, or "" when it has none.
func (c *Client) who(sep string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.name == "" {
		return ""
	}
	return c.name + sep
}

// Send writes request (a "\n" is added unless it ends with one) and
// returns the reply, one JSON value without its "\n". The whole call,
// the write included, takes at most timeout; what names the request for
// Options.Late. Replies are not interpreted: a reply reporting failed
// commands is a reply (see Parse).
func (c *Client) Send(request []byte, what string, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	cl := &call{what: what, done: make(chan result, 1)}
	c.sendMu.Lock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.sendMu.Unlock()
		return nil, fmt.Errorf("%sis not connected", c.who(" "))
	}
	c.pending = append(c.pending, cl)
	c.mu.Unlock()
	msg := request
	if len(msg) == 0 || msg[len(msg)-1] != '\n' {
		msg = append(append(make([]byte, 0, len(request)+1), request...), '\n')
	}
	c.conn.SetWriteDeadline(deadline)
	_, werr := c.conn.Write(msg)
	c.sendMu.Unlock()

	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	if werr != nil {
		// A daemon may answer before it has read the whole request (one
		// too large), then close: what the reader makes of the stream
		// decides, until the deadline.
		select {
		case r := <-cl.done:
			if r.err == nil {
				return r.reply, nil
			}
		case <-t.C:
		}
		c.Close()
		return nil, fmt.Errorf("%ssend failed: %v", c.who(": "), werr)
	}
	select {
	case r := <-cl.done:
		return r.reply, r.err
	case <-t.C:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case r := <-cl.done: // came in just now
		return r.reply, r.err
	default:
	}
	cl.abandoned = true
	if c.name != "" {
		return nil, fmt.Errorf("%s did not answer within %v", c.name, timeout)
	}
	return nil, fmt.Errorf("did not answer within %v", timeout)
}

// Close drops the connection: pending calls fail, later Sends too.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.conn.Close()
}

// Done is closed once the connection is gone, every pending call has
// failed and Options.Closed has returned.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is what ended the connection (nil for a clean end); valid once Done
// is closed.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.why
}

// read delivers each reply line to the oldest pending call.
func (c *Client) read() {
	r := bufio.NewReader(c.conn)
	for {
		line, err := r.ReadBytes('\n')
		if err == nil {
			line = line[:len(line)-1]
			if !json.Valid(line) {
				err = fmt.Errorf("reply is not one JSON value: %.160q", line)
			}
		}
		if err != nil {
			var why error
			if !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
				why = fmt.Errorf("unreadable reply: %v", err)
			}
			c.shutdown(why)
			return
		}
		c.deliver(line)
	}
}

func (c *Client) deliver(reply []byte) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		if c.opts.Unasked != nil {
			c.opts.Unasked(reply)
		}
		return
	}
	cl := c.pending[0]
	c.pending = c.pending[1:]
	if !cl.abandoned {
		cl.done <- result{reply: reply}
	}
	c.mu.Unlock()
	if cl.abandoned && c.opts.Late != nil {
		c.opts.Late(cl.what, reply)
	}
}

// shutdown fails every pending call, then tells Options.Closed.
func (c *Client) shutdown(why error) {
	c.mu.Lock()
	c.closed = true
	c.why = why
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	c.conn.Close()
	err := fmt.Errorf("%sdisconnected before answering", c.who(" "))
	if why != nil {
		err = fmt.Errorf("%s%v", c.who(": "), why)
	}
	for _, cl := range pending {
		if !cl.abandoned {
			cl.done <- result{err: err}
		}
	}
	if c.opts.Closed != nil {
		c.opts.Closed(why)
	}
	close(c.done)
}
