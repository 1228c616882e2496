package serve

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spp-go/spp/ctl/registry"
)

// gates serialise the requests to each process in the order they arrive.
// A daemon's connection is one ordered pipe, and a compatible call may need
// two exchanges that nothing may come between (a status, then the change
// it decides), so each process has a gate: a request holds it from its
// first exchange to its last reply. The gate is a channel holding one
// token; goroutines waiting to receive from a channel are served first in,
// first out, so requests pass in arrival order.
type gates struct {
	mu      sync.Mutex
	m       map[*registry.Process]chan struct{}
	reached atomic.Int64 // requests that reached a gate, ever (tests wait on it to order their requests)
}

func (g *gates) of(p *registry.Process) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[*registry.Process]chan struct{}{}
	}
	ch, ok := g.m[p]
	if !ok {
		ch = make(chan struct{}, 1)
		ch <- struct{}{}
		g.m[p] = ch
	}
	return ch
}

// enter waits for p's gate until deadline or until ctx ends (the client
// went away); it returns the function that leaves it, or false.
func (g *gates) enter(ctx context.Context, p *registry.Process, deadline time.Time) (func(), bool) {
	ch := g.of(p)
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	g.reached.Add(1)
	select {
	case <-ch:
		return func() { ch <- struct{}{} }, true
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, false
}

// drop forgets a process that left or was replaced.
func (g *gates) drop(p *registry.Process) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.m, p)
}
