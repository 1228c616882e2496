// Package engine is the configuration brain of a secondary (spp_vf,
// spp_mirror): the staged and the active configuration, the rules of
// protocol.md 3.3 and 9, atomic batches, flush and status. It reaches the
// data plane only through the Dataplane interface, so it is pure Go and is
// tested with a fake one.
//
// Components are keyed by name; several may share a worker lcore, which
// runs them in name order. A component with fewer ports than its type
// needs is idle: staged, flushed and shown in status, never handed to the
// data plane (protocol.md 9.2).
//
// Decisions where the spec is silent (also in docs/secondary.md):
//
//   - Classifier entries whose port stops being a tx port of a classifier
//     stay staged until the next flush, which removes them and logs it. So
//     a batch can clear a classifier with "none" and rebuild it (as seed 000
//     does for every VM start and stop) without losing the other VMs' MACs.
//   - A flush inside a batch validates the staged state at that point, but
//     the data plane is only touched once the whole batch succeeded, with
//     the state as it stood at the last flush of the batch. Commands after
//     that flush stay staged. If creating a port or switching the lcores
//     then fails, the flush is reported as the failing command and the
//     whole batch is restored.
//   - status and process in a batch report the state after the batch.
//   - Text-built components: "component start" puts a new component next
//     to those on its core and refuses a name in use (JSON "component"
//     with that name replaces it); "component stop", "port del" and a
//     JSON "none" with a name of something that is not there are errors.
//     "port add" with a VLAN operation on a port already there is an error
//     (del it first); "port del" ignores a VLAN operation.
//   - A component whose core_id is given with type none and a name is
//     removed wherever it is: core_id is only checked to be a worker lcore.
//   - Ports are opened at flush for every component, idle ones included,
//     so that a port that cannot be created fails the flush that names it.
//     Ports created at flush (vhostN, pcapN, nullN) stay until Shutdown,
//     even when no component uses them any more.
//   - A component changed in any way (a port, a VLAN operation, a
//     classifier entry, its lcore) is a new component to the data plane,
//     whose counters start from 0, as an lcore's did when it switched.
//   - A ring drain (protocol.md 9.7) that fails is logged; the flush has
//     taken effect.
package engine

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// Dataplane is what the engine needs from the data plane of its process.
type Dataplane interface {
	// MainLcore is the EAL main lcore; Workers are the worker lcores.
	MainLcore() int
	Workers() []int
	// OpenPort makes p usable by components: a nic must exist, a ring is
	// looked up, a vhost/pcap/null port is hotplugged. Idempotent.
	OpenPort(p port.Port) error
	// ClosePort releases a port that OpenPort created.
	ClosePort(p port.Port) error
	// Apply sets, for each lcore in changes, the full list of running
	// components it runs (empty or nil: the lcore idles), in name order.
	// Components the engine hands over again unchanged (the same pointer
	// as in the previous Apply) keep their counters; a new pointer is a new
	// component (counters from 0). No packet is lost or duplicated, and a
	// component that moves between lcores never runs on both (two-phase
	// switch). It returns once every lcore of changes runs its new list.
	// After an error some lcores may run their new list and others not:
	// the engine then keeps every port open and, at the next flush, sends
	// every lcore its list again, all of it as new pointers. The engine
	// never hands over an idle component, and never modifies a Component
	// once handed over.
	Apply(changes map[int][]*Component) error
	// DrainRing empties ring port p, which no component of this process
	// reads any more, after the lcores switched: it frees its mbufs and
	// adds their count to that ring port's rx_drop (protocol.md 9.7).
	DrainRing(p port.Port) (uint64, error)
	// PortStatus returns the counters of an open port.
	PortStatus(p port.Port) proto.PortStatus
	// ComponentCounters returns the packets and drops of a running
	// component handed over by Apply (by the same pointer); 0, 0 for one
	// that is not running.
	ComponentCounters(c *Component) (packets, drops uint64)
}

// Options describe the process the engine runs in.
type Options struct {
	ProcessType string // proto.TypeVF or proto.TypeMirror
	ClientID    int
	// Limits bounds port numbers per kind: N must be below the limit
	// (nicN: the primary's NICs, ringN: num_ring, vhostN: num_vhost). A
	// kind without an entry is bounded by port.MaxIndex only.
	Limits map[port.Kind]int
	Logf   func(format string, args ...any) // the daemon log; nil: silent
}

// Engine holds the configuration of one secondary. Its methods are safe for
// concurrent use.
type Engine struct {
	mu       sync.Mutex
	dp       Dataplane
	opt      Options
	main     int
	workers  []int
	isWorker map[int]bool

	staged *config
	active *config
	// comps are the components of active as handed to the data plane
	// (running ones) or kept for status (idle ones), by name.
	comps map[string]*Component
	// lcores is what each worker lcore runs: its running components in
	// name order, as last handed to Apply.
	lcores map[int][]*Component
	// readers are the ring ports the lcores may be reading: the rx rings
	// of their components, and after a failed Apply those of the lists it
	// tried to hand over too. A flush drains the ones it leaves unread.
	readers map[port.Port]bool
	// open are the ports OpenPort succeeded for, in order, kept until
	// Shutdown.
	open      map[port.Port]bool
	openOrder []port.Port
	// unsure is set when an Apply failed: what each lcore runs is not
	// known, so the next commit switches every lcore to new pointers.
	unsure bool
}

// New returns an engine with nothing configured: every worker lcore idle.
func New(dp Dataplane, opt Options) *Engine {
	e := &Engine{
		dp: dp, opt: opt, main: dp.MainLcore(), isWorker: map[int]bool{},
		staged: newConfig(), active: newConfig(),
		comps: map[string]*Component{}, lcores: map[int][]*Component{},
		readers: map[port.Port]bool{}, open: map[port.Port]bool{},
	}
	for _, w := range dp.Workers() {
		if w != e.main && !e.isWorker[w] {
			e.isWorker[w] = true
			e.workers = append(e.workers, w)
		}
	}
	sort.Ints(e.workers)
	return e
}

func (e *Engine) logf(format string, args ...any) {
	if e.opt.Logf != nil {
		e.opt.Logf(format, args...)
	}
}

// commit is steps 2 to 4 of flush: make next the active configuration,
// then drain the rings it leaves without a reader (protocol.md 9.7).
func (e *Engine) commit(next *config) error {
	comps := next.components()
	if !e.unsure {
		// What the data plane runs already is handed over as it is.
		for name, c := range comps {
			if old := e.comps[name]; equal(old, c) {
				comps[name] = old
			}
		}
	}
	var opened []port.Port
	for _, p := range next.ports() {
		if e.open[p] {
			continue
		}
		if err := e.dp.OpenPort(p); err != nil {
			e.release(opened)
			return proto.ErrOccur(fmt.Sprintf("cannot create %s: %v", p, err))
		}
		opened = append(opened, p)
	}
	lcores := running(comps)
	changes := map[int][]*Component{}
	for _, id := range e.workers {
		if e.unsure || !slices.Equal(e.lcores[id], lcores[id]) {
			changes[id] = lcores[id]
		}
	}
	readers := rxRings(lcores)
	if len(changes) > 0 {
		if err := e.dp.Apply(changes); err != nil {
			// Some lcores may already use the new ports: keep them.
			e.keep(opened)
			e.unsure = true
			for p := range readers {
				e.readers[p] = true
			}
			return proto.ErrOccur(fmt.Sprintf("switching lcores: %v", err))
		}
	}
	e.keep(opened)
	e.unsure = false
	for _, id := range e.workers {
		if l, ok := changes[id]; ok {
			e.logf("core %d: %s", id, describeLcore(l))
		}
	}
	for _, name := range sortedNames(comps) {
		if c := comps[name]; c.Idle() && !equal(e.comps[name], c) {
			e.logf("%s on core %d is idle: %s", name, c.Core, c.idleDetail())
		}
	}
	e.drain(readers)
	e.active = next.clone()
	e.comps = comps
	e.lcores = lcores
	return nil
}

// drain empties the rings the lcores may have read and read no more.
func (e *Engine) drain(readers map[port.Port]bool) {
	var gone []port.Port
	for p := range e.readers {
		if !readers[p] {
			gone = append(gone, p)
		}
	}
	sortPorts(gone)
	for _, p := range gone {
		n, err := e.dp.DrainRing(p)
		if err != nil {
			e.logf("draining %s: %v", p, err)
		} else if n > 0 {
			e.logf("drained %s: %d packet(s) left by its last reader", p, n)
		}
	}
	e.readers = readers
}

// running groups the running components by lcore, in name order.
func running(comps map[string]*Component) map[int][]*Component {
	out := map[int][]*Component{}
	for _, name := range sortedNames(comps) {
		if c := comps[name]; !c.Idle() {
			out[c.Core] = append(out[c.Core], c)
		}
	}
	return out
}

// rxRings returns the ring ports the lcores' components read.
func rxRings(lcores map[int][]*Component) map[port.Port]bool {
	out := map[port.Port]bool{}
	for _, l := range lcores {
		for _, c := range l {
			for _, r := range c.Rx {
				if r.Port.Kind == port.Ring {
					out[r.Port] = true
				}
			}
		}
	}
	return out
}

func sortedNames(comps map[string]*Component) []string {
	names := make([]string, 0, len(comps))
	for name := range comps {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// keep records ports as the engine's, to be released at Shutdown.
func (e *Engine) keep(opened []port.Port) {
	for _, p := range opened {
		e.open[p] = true
		e.openOrder = append(e.openOrder, p)
	}
}

// release closes ports a failed flush created, newest first.
func (e *Engine) release(opened []port.Port) {
	for i := len(opened) - 1; i >= 0; i-- {
		if err := e.dp.ClosePort(opened[i]); err != nil {
			e.logf("releasing %s: %v", opened[i], err)
		}
	}
}

// Shutdown stops every lcore and releases the ports the engine created. The
// engine is not used afterwards.
func (e *Engine) Shutdown() {
	e.mu.Lock()
	defer e.mu.Unlock()
	changes := map[int][]*Component{}
	for _, id := range e.workers {
		if e.unsure || len(e.lcores[id]) > 0 {
			changes[id] = nil
		}
	}
	if len(changes) > 0 {
		if err := e.dp.Apply(changes); err != nil {
			e.logf("stopping lcores: %v", err)
		}
	}
	e.comps = map[string]*Component{}
	e.lcores = map[int][]*Component{}
	e.readers = map[port.Port]bool{}
	e.active = newConfig()
	e.staged = newConfig()
	e.release(e.openOrder)
	e.openOrder = nil
	e.open = map[port.Port]bool{}
}
