// Package registry is the controller's side of protocol.md section 1: it
// listens for spp_primary and the secondaries, asks each new connection
// `process`, and keeps the connected processes by client id. Each
// registered Process talks to its daemon through a protocol client
// (common/proto/client: the ordered request/reply pipeline).
//
// It knows nothing of a shell: whoever owns a Registry (the interactive
// shell, a service, an agent) learns what happens through Events and asks
// for processes by Target.
package registry

import (
	"net"
	"sort"
	"strconv"
	"sync"
	"time"
)

// ReplyTimeout is how long a request waits for its reply; FlushTimeout,
// one whose batch has a flush: a flush creates ports and then waits for
// each lcore it switches, which the daemon bounds at 10 s (common/dpdk's
// ackTimeout: an lcore thread on a loaded CPU can wait seconds for its
// turn), so the controller waits longer than that and learns the outcome.
// Variables, so that tests need not wait.
var (
	ReplyTimeout = 5 * time.Second
	FlushTimeout = 15 * time.Second
)

// Registry listens for the daemons and keeps the primary, and the
// secondaries by client id.
type Registry struct {
	onEvent func(Event) // nil: nobody listens
	drops   dropLimiter // Rejected events go through it

	priLn, secLn net.Listener

	mu      sync.Mutex
	pri     *Process
	secs    map[int]*Process
	changed chan struct{} // closed and replaced whenever the registry changes
	conns   map[*Process]bool
	closed  bool
	wg      sync.WaitGroup // accept and handshake goroutines: Close waits for them, and for the clients
}

// Listen opens the primary and the secondary port on bind. Port 0 picks a
// free port (see Addrs). onEvent, when not nil, is told of every
// connection, replacement, departure and stray reply; it is called from the
// registry's goroutines, possibly several at once, and must not block
// (hand long work, such as a request to the process, to a goroutine).
func Listen(bind string, priPort, secPort int, onEvent func(Event)) (*Registry, error) {
	r := &Registry{onEvent: onEvent, secs: map[int]*Process{}, changed: make(chan struct{}), conns: map[*Process]bool{}}
	r.drops.emit = r.emit
	var err error
	if r.priLn, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(priPort))); err != nil {
		return nil, err
	}
	if r.secLn, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(secPort))); err != nil {
		r.priLn.Close()
		return nil, err
	}
	r.wg.Add(2)
	go r.accept(r.priLn, true)
	go r.accept(r.secLn, false)
	return r, nil
}

// Addrs returns the addresses actually listened on.
func (r *Registry) Addrs() (pri, sec net.Addr) { return r.priLn.Addr(), r.secLn.Addr() }

// Close stops listening and drops every connection, and returns when the
// registry's goroutines are done (no event comes after it). The daemons
// keep forwarding and reconnect to the next controller.
func (r *Registry) Close() {
	r.mu.Lock()
	r.closed = true
	conns := r.conns
	r.conns = map[*Process]bool{}
	r.mu.Unlock()
	r.priLn.Close()
	r.secLn.Close()
	for p := range conns {
		p.conn.Close()
	}
	r.wg.Wait() // no handshake runs: every client has started, or never will
	r.drops.stop()
	for p := range conns {
		if p.client != nil {
			<-p.client.Done()
		}
	}
}

func (r *Registry) emit(e Event) {
	if r.onEvent != nil {
		r.onEvent(e)
	}
}

// goLocked runs f as one of the registry's goroutines, unless it is
// closing. r.mu must be held.
func (r *Registry) goLocked(f func()) bool {
	if r.closed {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f()
	}()
	return true
}

func (r *Registry) accept(ln net.Listener, primary bool) {
	defer r.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed
		}
		r.mu.Lock()
		if !r.goLocked(func() { r.handshake(c, primary) }) {
			c.Close()
		}
		r.mu.Unlock()
	}
}

func (r *Registry) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

func (r *Registry) changedLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// registeredLocked says whether p is the registered process of its id.
func (r *Registry) registeredLocked(p *Process) bool {
	if p.Primary {
		return r.pri == p
	}
	return r.secs[p.ID] == p
}

// left unregisters p if it is still the registered process of its id.
func (r *Registry) left(p *Process, why error) {
	r.mu.Lock()
	delete(r.conns, p)
	registered := r.registeredLocked(p)
	if registered {
		if p.Primary {
			r.pri = nil
		} else {
			delete(r.secs, p.ID)
		}
		r.changedLocked()
	}
	closing := r.closed
	r.mu.Unlock()
	if registered && !closing {
		r.emit(Event{Kind: Left, Process: p, Err: why})
	}
}

// Lookup returns the connected process t names, or nil.
func (r *Registry) Lookup(t Target) *Process {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookupLocked(t)
}

func (r *Registry) lookupLocked(t Target) *Process {
	if t.Primary {
		return r.pri
	}
	return r.secs[t.ID]
}

// Processes returns the connected processes: the primary first, then the
// secondaries by client id.
func (r *Registry) Processes() []*Process {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ps []*Process
	if r.pri != nil {
		ps = append(ps, r.pri)
	}
	ids := make([]int, 0, len(r.secs))
	for id := range r.secs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		ps = append(ps, r.secs[id])
	}
	return ps
}

// Wait blocks until t is connected or the timeout passes.
func (r *Registry) Wait(t Target, timeout time.Duration) *Process {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		p := r.lookupLocked(t)
		ch := r.changed
		r.mu.Unlock()
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
func (r *Registry) WaitGone(ps []*Process, timeout time.Duration) []*Process {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		var left []*Process
		r.mu.Lock()
		for _, p := range ps {
			if r.registeredLocked(p) {
				left = append(left, p)
			}
		}
		ch := r.changed
		r.mu.Unlock()
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
