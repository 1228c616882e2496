package testenv

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto/client"
)

// Controller is the controller's end for tests: it listens and accepts
// daemons, and talks to each through a protocol client.
type Controller struct {
	ln *net.TCPListener
}

// NewController listens on 127.0.0.1:<free port>; it is closed when the
// test ends.
func NewController(t testing.TB) *Controller {
	t.Helper()
	c, err := ListenController(t, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ListenController listens on addr (to listen again where a closed
// controller was); it is closed when the test ends.
func ListenController(t testing.TB, addr string) (*Controller, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &Controller{ln: ln.(*net.TCPListener)}
	t.Cleanup(c.Close)
	return c, nil
}

// Addr is host:port, as a daemon's -s wants it.
func (c *Controller) Addr() string { return c.ln.Addr().String() }

// Accept waits up to timeout for a daemon to connect.
func (c *Controller) Accept(timeout time.Duration) (*Peer, error) {
	c.ln.SetDeadline(time.Now().Add(timeout))
	conn, err := c.ln.Accept()
	if err != nil {
		return nil, err
	}
	p := &Peer{conn: conn, unasked: make(chan []byte, 64)}
	p.c = client.New(conn, client.Options{Unasked: func(reply []byte) {
		select {
		case p.unasked <- reply:
		default: // nobody reads them: forget the oldest
			<-p.unasked
			p.unasked <- reply
		}
	}})
	return p, nil
}

// Close stops listening.
func (c *Controller) Close() { c.ln.Close() }

// Peer is one daemon connection.
type Peer struct {
	conn    net.Conn
	c       *client.Client
	unasked chan []byte // replies to what Write sent
}

// SendTimeout bounds one request and its reply.
const SendTimeout = 5 * time.Second

// Send writes a request as it is (a "\n" is added when missing) and returns
// the raw reply, one JSON value on one line. A daemon that answers a
// request before reading all of it (one too large) is still heard.
func (p *Peer) Send(request string) ([]byte, error) { return p.SendWithin(request, SendTimeout) }

// SendWithin is Send with its own timeout.
func (p *Peer) SendWithin(request string, timeout time.Duration) ([]byte, error) {
	what, _, _ := strings.Cut(request, "\n")
	return p.c.Send([]byte(request), what, timeout)
}

// Write sends raw bytes, with nothing added (a request split in pieces).
// Its reply is read with Recv. Not at the same time as Send.
func (p *Peer) Write(b []byte) error {
	p.conn.SetWriteDeadline(time.Now().Add(SendTimeout))
	_, err := p.conn.Write(b)
	return err
}

// Recv waits for one reply to what Write sent: one line, which must be one
// JSON value. It is returned without its "\n".
func (p *Peer) Recv() ([]byte, error) {
	select {
	case r := <-p.unasked:
		return r, nil
	case <-p.c.Done():
		select {
		case r := <-p.unasked:
			return r, nil
		default:
		}
		if err := p.c.Err(); err != nil {
			return nil, err
		}
		return nil, net.ErrClosed
	case <-time.After(SendTimeout):
		return nil, os.ErrDeadlineExceeded
	}
}

// Closed reports whether the connection ends within timeout: the daemon
// closed it, or sent what is not a reply.
func (p *Peer) Closed(timeout time.Duration) bool {
	select {
	case <-p.c.Done():
		return true
	case <-time.After(timeout):
		return false
	}
}

// Close drops the connection.
func (p *Peer) Close() { p.c.Close() }
