// Package agent is `spp agent` (agent.md): one per host, it wires VMs into
// spp_vf when networking-spp's mechanism driver (or `spp port bind`) asks
// through etcd, and out again on unplug. One level-triggered loop: at
// start, on every watch event, when a spp_vf (re)joins spp serve, and every
// Resync, it reads the host's keys and makes each spp_vf match them
// (ctl/agent/wiring), then writes port_status=up for the ports wired and
// frees the unplugged ones. Errors are logged and retried with capped
// backoff; the agent never exits on one.
//
// Files: agent.go (the loop), sync.go (one pass), controller.go (spp
// serve's native endpoints), etcd.go (scan, watch, the agent's writes),
// embed.go (etcd in process for a single host), ports.go and init.go
// (`spp port` and `spp agent init`), main.go (the command lines).
package agent

import (
	"context"
	"fmt"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/ctl/agent/wiring"
)

// Options configure an agent.
type Options struct {
	Host   string
	Policy wiring.Policy
	// Resync is how often the agent reconciles with nothing new (a spp_vf
	// changed behind its back); 0: 30 s.
	Resync time.Duration
	Logf   func(format string, args ...any)
}

// Agent is one host's agent.
type Agent struct {
	opt  Options
	etcd *clientv3.Client
	ctl  *Controller
	kick chan struct{}
	// said is the last thing logged about each subject, so that a state
	// that lasts is logged once, not at every retry.
	mu   sync.Mutex
	said map[string]string
}

// New makes an agent of host over an etcd client and a spp serve.
func New(opt Options, cli *clientv3.Client, ctl *Controller) *Agent {
	if opt.Resync == 0 {
		opt.Resync = 30 * time.Second
	}
	if opt.Logf == nil {
		opt.Logf = func(string, ...any) {}
	}
	return &Agent{opt: opt, etcd: cli, ctl: ctl, kick: make(chan struct{}, 1), said: map[string]string{}}
}

// poke asks for a reconcile; several pokes before it runs are one.
func (a *Agent) poke() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Run reconciles until ctx ends, and returns nil then. A pass that has
// begun when ctx ends finishes the batch it is sending (and writes what
// that batch earned) first.
func (a *Agent) Run(ctx context.Context) error {
	a.opt.Logf("agent of host %s: policy %s, spp serve at %s", a.opt.Host, a.opt.Policy, a.ctl.URL())
	evctx, stopEvents := context.WithCancel(ctx)
	defer stopEvents()
	go a.ctl.Events(evctx, func() {
		a.note("events", "following the event stream of spp serve")
		a.poke() // whatever happened while it was closed
	}, func(e Event) {
		if e.Type == "vf" && (e.Event == "joined" || e.Event == "replaced") {
			a.opt.Logf("spp_vf %d %s: reconciling it", clientID(e), e.Event)
			a.poke()
		}
	}, func(err error) {
		a.note("events", fmt.Sprintf("event stream of spp serve at %s: %v (trying again, every %v at most)", a.ctl.URL(), err, backoffMax))
	})

	var watchErr <-chan error
	stopWatch := func() {}
	defer func() { stopWatch() }()
	b := newBackoff()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	resync := time.NewTicker(a.opt.Resync)
	defer resync.Stop()
	dirty, waiting := true, false
	for {
		if dirty && !waiting {
			rev, err := a.sync(ctx)
			if rev > 0 && watchErr == nil {
				wctx, cancel := context.WithCancel(ctx)
				watchErr, stopWatch = Watch(wctx, a.etcd, a.opt.Host, rev, a.poke), cancel
			}
			if rev == 0 { // what else failed, sync logged
				a.note("etcd", fmt.Sprintf("%v (retrying, every %v at most)", err, backoffMax))
			} else {
				a.note("etcd", "")
			}
			if err != nil {
				retry.Reset(b.next())
				waiting = true
			} else {
				dirty = false
				b.reset()
			}
		}
		select {
		case <-ctx.Done():
			a.opt.Logf("agent of host %s: stopping", a.opt.Host)
			return nil
		case <-a.kick: // something changed: no need to wait out the backoff
			dirty, waiting = true, false
			retry.Stop()
		case err := <-watchErr:
			a.opt.Logf("%v: scanning again", err)
			stopWatch()
			watchErr, stopWatch = nil, func() {}
			dirty = true
		case <-retry.C:
			waiting = false
		case <-resync.C:
			dirty = true
		}
	}
}

// note logs what is said about subject when it changed; "" is "all well
// again" and is logged only after a problem.
func (a *Agent) note(subject, msg string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, seen := a.said[subject]
	if seen && old == msg {
		return
	}
	a.said[subject] = msg
	switch {
	case msg != "":
		a.opt.Logf("%s", msg)
	case seen && old != "":
		a.opt.Logf("%s: fine again", subject)
	}
}
