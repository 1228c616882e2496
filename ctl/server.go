package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// replyTimeout is how long a request waits for its reply; flushTimeout, one
// whose batch has a flush: a flush creates ports and then waits for each
// lcore it switches, which the daemon bounds at 10 s (common/dpdk's
// ackTimeout: an lcore thread on a loaded CPU can wait seconds for its
// turn), so the shell waits longer than that and learns the outcome.
// Variables, so that tests need not wait.
var (
	replyTimeout = 5 * time.Second
	flushTimeout = 15 * time.Second
)

// processBatch is the handshake request, sent first on every connection.
const processBatch = `{"commands":[{"command":"process"}]}`

// Server listens for the daemons (protocol.md section 1) and keeps the
// registry: the primary, and the secondaries by client id.
type Server struct {
	notify func(string) // announcements: connects, leaves, late replies
	// onJoin, when set, runs (in its own goroutine) after a process has
	// registered; the interactive shell uses it to learn the process's status
	// for completion.
	onJoin func(*Proc)

	priLn, secLn net.Listener

	mu      sync.Mutex
	pri     *Proc
	secs    map[int]*Proc
	changed chan struct{} // closed and replaced whenever the registry changes
	conns   map[*Proc]bool
	closed  bool
	wg      sync.WaitGroup // every goroutine of the server: Close waits for them
}

// Listen opens the primary and the secondary port on bind. Port 0 picks a
// free port (see Addrs).
func Listen(bind string, priPort, secPort int, notify func(string)) (*Server, error) {
	s := &Server{notify: notify, secs: map[int]*Proc{}, changed: make(chan struct{}), conns: map[*Proc]bool{}}
	var err error
	if s.priLn, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(priPort))); err != nil {
		return nil, err
	}
	if s.secLn, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(secPort))); err != nil {
		s.priLn.Close()
		return nil, err
	}
	s.wg.Add(2)
	go s.accept(s.priLn, true)
	go s.accept(s.secLn, false)
	return s, nil
}

// Addrs returns the addresses actually listened on.
func (s *Server) Addrs() (pri, sec net.Addr) { return s.priLn.Addr(), s.secLn.Addr() }

// Close stops listening and drops every connection, and returns when the
// server's goroutines are done (nothing is announced after it). The daemons
// keep forwarding and reconnect to the next controller.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	conns := s.conns
	s.conns = map[*Proc]bool{}
	s.mu.Unlock()
	s.priLn.Close()
	s.secLn.Close()
	for p := range conns {
		p.conn.Close()
	}
	s.wg.Wait()
}

// goLocked runs f as one of the server's goroutines, unless it is closing.
// s.mu must be held.
func (s *Server) goLocked(f func()) bool {
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

func (s *Server) accept(ln net.Listener, primary bool) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		if !s.goLocked(func() { s.handshake(c, primary) }) {
			c.Close()
		}
		s.mu.Unlock()
	}
}

// handshake asks a new connection `process`, then registers it. The
// exchange happens before the connection's reader starts, so the process's
// identity (ID, Type, Since) is fixed before any other goroutine looks at it.
func (s *Server) handshake(c net.Conn, primary bool) {
	p := &Proc{srv: s, conn: c, Peer: c.RemoteAddr().String(), Primary: primary}
	s.mu.Lock()
	s.conns[p] = true
	s.mu.Unlock()
	if s.isClosed() { // Close ran before p was in conns
		c.Close()
	}

	dec := json.NewDecoder(c)
	r, err := askProcess(c, dec, primary)
	if err != nil {
		s.mu.Lock()
		delete(s.conns, p)
		closing := s.closed
		s.mu.Unlock()
		c.Close()
		if !closing {
			s.notify(fmt.Sprintf("connection from %s dropped: process: %v", p.Peer, err))
		}
		return
	}
	p.Type = r.ProcessType
	if primary {
		p.Type = proto.TypePrimary
	} else {
		p.ID = *r.ClientID
	}
	p.Since = time.Now()

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return // Close has closed c
	}
	var old *Proc
	if primary {
		old, s.pri = s.pri, p
	} else {
		old = s.secs[p.ID]
		s.secs[p.ID] = p
	}
	s.changedLocked()
	s.goLocked(func() { p.readLoop(dec) })
	s.mu.Unlock()

	if old != nil {
		s.notify(fmt.Sprintf("warning: %s from %s replaces %s from %s",
			p.describe(), p.Peer, old.describe(), old.Peer))
		old.close()
	} else {
		s.notify(fmt.Sprintf("%s connected from %s", p.describe(), p.Peer))
	}
	if s.onJoin != nil {
		s.mu.Lock()
		s.goLocked(func() { s.onJoin(p) })
		s.mu.Unlock()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// askProcess sends `process` and reads its reply, within replyTimeout.
func askProcess(c net.Conn, dec *json.Decoder, primary bool) (*reply, error) {
	c.SetDeadline(time.Now().Add(replyTimeout))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write([]byte(processBatch + "\n")); err != nil {
		return nil, err
	}
	var r reply
	if err := dec.Decode(&r); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, fmt.Errorf("did not answer within %v", replyTimeout)
		}
		return nil, fmt.Errorf("unreadable reply: %v", err)
	}
	if e := r.firstError(); e != "" {
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

func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// left unregisters p if it is still the registered process of its id.
func (s *Server) left(p *Proc, why error) {
	s.mu.Lock()
	delete(s.conns, p)
	registered := false
	if p.Primary && s.pri == p {
		s.pri, registered = nil, true
	} else if !p.Primary && s.secs[p.ID] == p {
		delete(s.secs, p.ID)
		registered = true
	}
	if registered {
		s.changedLocked()
	}
	closing := s.closed
	s.mu.Unlock()
	if registered && !closing {
		msg := fmt.Sprintf("%s disconnected (%s)", p.describe(), p.Peer)
		if why != nil {
			msg += ": " + why.Error()
		}
		s.notify(msg)
	}
}

// Lookup returns the connected process t names, or nil.
func (s *Server) Lookup(t target) *Proc {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.pri {
		return s.pri
	}
	return s.secs[t.id]
}

// Procs returns the connected processes: the primary first, then the
// secondaries by client id.
func (s *Server) Procs() []*Proc {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []*Proc
	if s.pri != nil {
		ps = append(ps, s.pri)
	}
	ids := make([]int, 0, len(s.secs))
	for id := range s.secs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		ps = append(ps, s.secs[id])
	}
	return ps
}

// Wait blocks until t is connected or the timeout passes.
func (s *Server) Wait(t target, timeout time.Duration) *Proc {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		p := s.pri
		if !t.pri {
			p = s.secs[t.id]
		}
		ch := s.changed
		s.mu.Unlock()
		if p != nil {
			return p
		}
		select {
		case <-ch:
		case <-deadline.C:
			return nil
		}
	}
}

// WaitGone blocks until none of ps is registered any more (each has
// disconnected, or another connection of its id replaced it) or the timeout
// passes. It returns those still there, in the order of ps.
func (s *Server) WaitGone(ps []*Proc, timeout time.Duration) []*Proc {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		var left []*Proc
		s.mu.Lock()
		for _, p := range ps {
			if p.Primary && s.pri == p || !p.Primary && s.secs[p.ID] == p {
				left = append(left, p)
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if len(left) == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return left
		}
	}
}

// Proc is one connected daemon. Requests go out one batch at a time per
// Send; replies come back in request order (protocol.md section 2), so a
// queue of pending calls pairs each reply with its request.
//
// A request that gets no reply in time is reported to its caller
// and stays in the queue marked abandoned: when its reply comes late, it is
// announced and thrown away, so it can never be taken as the answer to a
// later command. The connection is kept (resynchronised by counting), since
// the daemon answers every request exactly once and in order.
type Proc struct {
	srv     *Server
	conn    net.Conn
	Peer    string
	Primary bool
	ID      int    // client id (secondaries)
	Type    string // process_type: primary, vf, mirror
	Since   time.Time

	sendMu sync.Mutex // keeps the queue in the order batches are written

	mu      sync.Mutex
	pending []*call
	closed  bool
	secInfo *proto.SecondaryInfo // last status, for completion
	priInfo *proto.PrimaryInfo
}

type call struct {
	what      string // the command, for the late-reply notice
	done      chan callResult
	abandoned bool
}

type callResult struct {
	raw json.RawMessage
	err error
}

// Label names the process as the operator types it: "pri" or "sec 1".
func (p *Proc) Label() string {
	if p.Primary {
		return "pri"
	}
	return "sec " + strconv.Itoa(p.ID)
}

// describe is Label with the process type: "sec 1 (vf)".
func (p *Proc) describe() string {
	if p.Primary {
		return "primary"
	}
	return p.Label() + " (" + p.Type + ")"
}

func (p *Proc) target() target { return target{pri: p.Primary, id: p.ID} }

// Send writes one batch and waits up to timeout for its reply.
func (p *Proc) Send(batch []byte, what string, timeout time.Duration) (json.RawMessage, error) {
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
	p.conn.SetWriteDeadline(time.Now().Add(replyTimeout))
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

func (p *Proc) readLoop(dec *json.Decoder) {
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

func (p *Proc) deliver(raw json.RawMessage) {
	p.mu.Lock()
	if len(p.pending) == 0 {
		p.mu.Unlock()
		p.srv.notify(fmt.Sprintf("%s sent a reply nobody asked for; ignored: %s", p.Label(), short(raw)))
		return
	}
	c := p.pending[0]
	p.pending = p.pending[1:]
	if !c.abandoned {
		c.done <- callResult{raw: raw}
	}
	p.mu.Unlock()
	if c.abandoned {
		p.srv.notify(fmt.Sprintf("late reply from %s to %q ignored: %s", p.Label(), c.what, short(raw)))
	}
}

// short cuts a reply for a one-line notice.
func short(raw []byte) string {
	const max = 160
	if len(raw) > max {
		return string(raw[:max]) + "..."
	}
	return string(raw)
}

// shutdown fails every pending call and unregisters the process.
func (p *Proc) shutdown(why error) {
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
	p.srv.left(p, why)
}

// close drops the connection; readLoop then shuts the process down.
func (p *Proc) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.conn.Close()
}

// setInfo keeps the last status a process reported.
func (p *Proc) setInfo(raw json.RawMessage) error {
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

// info returns the last status (one of the two is nil).
func (p *Proc) info() (*proto.SecondaryInfo, *proto.PrimaryInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.secInfo, p.priInfo
}

// reply is a daemon's reply as the shell reads it: Info kept raw until the
// kind of process is known.
type reply struct {
	Results     []proto.Result  `json:"results"`
	ClientID    *int            `json:"client_id"`
	ProcessType string          `json:"process_type"`
	Info        json.RawMessage `json:"info"`
}

// firstError returns the message of the first failed command, or "".
func (r *reply) firstError() string {
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
