// Package engine is the configuration brain of a secondary (spp_vf,
// spp_mirror): the staged and the active configuration, the rules of
// protocol.md 3.3, atomic batches, flush and status. It reaches the data
// plane only through the Dataplane interface, so it is pure Go and is
// tested with a fake one.
//
// Decisions where the spec is silent (also in docs/secondary.md):
//
//   - Classifier entries whose port stops being a tx port of a classifier
//     stay staged until the next flush, which removes them and logs it. So
//     a batch can clear a classifier with "none" and rebuild it (as seed 000
//     does for every VM start and stop) without losing the other VMs' MACs.
//   - A flush inside a batch validates the staged state at that point (its
//     error, if any, is reported on the flush), but the data plane is only
//     touched once the whole batch succeeded, with the state as it stood at
//     the last flush of the batch. Commands after that flush stay staged. If
//     creating a port or switching the lcores then fails, the flush is
//     reported as the failing command and the whole batch is restored.
//   - status and process in a batch report the state after the batch.
//   - Text-built components: "component start" needs a free core (stop the
//     old component first); names are unique in the process; "component
//     stop" and "port del" of something that is not there are errors.
//   - Ports created at flush (vhostN, pcapN, nullN) stay until Shutdown,
//     even when no component uses them any more.
package engine

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/spp-go/spp/common/component"
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
	// Apply switches each lcore of changes to its new component (nil:
	// idle), losing and duplicating no packet, and returns once every one
	// of them runs it. After an error some lcores may run their new
	// component and others not: the engine then keeps every port open and
	// sends every lcore its component again at the next flush. The engine
	// never modifies a Component once handed over.
	Apply(changes map[int]*Component) error
	// PortStatus returns the counters of an open port.
	PortStatus(p port.Port) proto.PortStatus
	// CoreCounters returns the packets and drops of an lcore's component.
	CoreCounters(lcore int) (packets, drops uint64)
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
	// activeComps is what each lcore runs now (derived from active).
	activeComps map[int]*Component
	// open are the ports OpenPort succeeded for, in order, kept until
	// Shutdown.
	open      map[port.Port]bool
	openOrder []port.Port
	// unsure is set when an Apply failed: what each lcore runs is not
	// known, so the next commit switches every lcore.
	unsure bool
}

// New returns an engine with nothing configured: every worker lcore idle.
func New(dp Dataplane, opt Options) *Engine {
	e := &Engine{
		dp: dp, opt: opt, main: dp.MainLcore(), isWorker: map[int]bool{},
		staged: newConfig(), active: newConfig(),
		activeComps: map[int]*Component{}, open: map[port.Port]bool{},
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

// validate is step 1 of flush, on the staged state: drop orphaned
// classifier entries (returned, for the log) and check the lower port
// limits of components built port by port.
func (e *Engine) validate() ([]string, error) {
	gone := e.staged.prune()
	for _, id := range e.staged.sortedCores() {
		c := e.staged.cores[id]
		t, _ := component.Lookup(e.opt.ProcessType, c.Type)
		if len(c.Rx) < t.RxMin {
			return nil, proto.ErrOccur(fmt.Sprintf("%s on core %d: %s", c.Name, id, countDetail(t, false, len(c.Rx))))
		}
		if len(c.Tx) < t.TxMin {
			return nil, proto.ErrOccur(fmt.Sprintf("%s on core %d: %s", c.Name, id, countDetail(t, true, len(c.Tx))))
		}
	}
	return gone, nil
}

// commit is steps 2 to 4 of flush: make next the active configuration.
func (e *Engine) commit(next *config) error {
	comps := next.components()
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
	changes := map[int]*Component{}
	for _, id := range e.workers {
		if e.unsure || !equal(e.activeComps[id], comps[id]) {
			changes[id] = comps[id]
		}
	}
	if len(changes) > 0 {
		if err := e.dp.Apply(changes); err != nil {
			// Some lcores may already use the new ports: keep them.
			e.keep(opened)
			e.unsure = true
			return proto.ErrOccur(fmt.Sprintf("switching lcores: %v", err))
		}
	}
	e.keep(opened)
	e.unsure = false
	e.active = next.clone()
	e.activeComps = comps
	for _, id := range e.workers {
		if c, ok := changes[id]; ok {
			e.logf("core %d: %s", id, describe(c))
		}
	}
	return nil
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

func describe(c *Component) string {
	if c == nil {
		return "idle"
	}
	s := fmt.Sprintf("%s (%s) rx %s tx %s", c.Name, c.Type, portList(c.Rx), portList(c.Tx))
	if c.Kernel == component.KernelClassifier {
		s += fmt.Sprintf(", %d MAC(s)", len(c.MACs))
		if c.Default != nil {
			s += ", default " + c.Default.String()
		}
	}
	return s
}

func portList(ps []port.Port) string {
	return strings.Join(portNames(ps), ",")
}

func portNames(ps []port.Port) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// info builds the status document (protocol.md section 4).
func (e *Engine) info() *proto.SecondaryInfo {
	s := e.staged.clone()
	s.prune()
	in := &proto.SecondaryInfo{
		ClientID: e.opt.ClientID, ProcessType: e.opt.ProcessType, MainLcore: e.main,
		Staged: !s.equal(e.active),
		Ports:  []proto.PortStatus{}, Core: []proto.CoreStatus{},
	}
	for _, p := range e.active.ports() {
		st := e.dp.PortStatus(p)
		st.Port = p.String()
		in.Ports = append(in.Ports, st)
	}
	for _, id := range e.workers {
		c := e.activeComps[id]
		if c == nil {
			in.Core = append(in.Core, proto.CoreStatus{Core: id, Type: proto.CoreUnuse})
			continue
		}
		pk, dr := e.dp.CoreCounters(id)
		in.Core = append(in.Core, proto.CoreStatus{
			Core: id, Name: c.Name, Type: c.Type,
			RxPort: portNames(c.Rx), TxPort: portNames(c.Tx), Packets: pk, Drops: dr,
		})
	}
	if e.opt.ProcessType == proto.TypeVF {
		in.ClassifierTable = []proto.ClassifierEntry{}
		if d := e.active.def; d != nil {
			in.ClassifierTable = append(in.ClassifierTable, proto.ClassifierEntry{Type: "mac", Value: "default", Port: d.String()})
		}
		for _, mac := range sortedMACs(e.active.macs) {
			in.ClassifierTable = append(in.ClassifierTable,
				proto.ClassifierEntry{Type: "mac", Value: proto.FormatMAC(mac), Port: e.active.macs[mac].String()})
		}
	}
	return in
}

// Shutdown stops every lcore and releases the ports the engine created. The
// engine is not used afterwards.
func (e *Engine) Shutdown() {
	e.mu.Lock()
	defer e.mu.Unlock()
	changes := map[int]*Component{}
	for id, c := range e.activeComps {
		if c != nil {
			changes[id] = nil
		}
	}
	if len(changes) > 0 {
		if err := e.dp.Apply(changes); err != nil {
			e.logf("stopping lcores: %v", err)
		}
	}
	e.activeComps = map[int]*Component{}
	e.active = newConfig()
	e.staged = newConfig()
	e.release(e.openOrder)
	e.openOrder = nil
	e.open = map[port.Port]bool{}
}
