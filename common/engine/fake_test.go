package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// fakeDP records every call the engine makes to the data plane, and holds
// the engine to the Dataplane contract: Apply gets running components only,
// each on its own lcore, in name order, over open ports, never one
// component on two lcores.
type fakeDP struct {
	calls     []string                // "open ring0", "close vhost0", "apply 2=...;3=idle", "drain ring1"
	applies   []map[int][]*Component  // the argument of every successful Apply
	failOpen  map[port.Port]bool      // OpenPort of these fails
	failApply bool                    // Apply fails
	lcore     map[int][]*Component    // what each lcore runs after the Applies
	open      map[port.Port]bool      // ports opened and not closed
	counters  map[string][2]uint64    // ComponentCounters, by name, of running components
	portStats map[port.Port][4]uint64 // PortStatus
	leftover  map[port.Port]uint64    // what DrainRing finds in a ring
	drained   map[port.Port]uint64    // rx_drop added by DrainRing
	handed    map[*Component]bool     // components running now
	failDrain map[port.Port]bool      // DrainRing of these fails
	errs      []string                // contract violations seen by Apply
}

func newFakeDP() *fakeDP {
	return &fakeDP{failOpen: map[port.Port]bool{}, lcore: map[int][]*Component{}, open: map[port.Port]bool{},
		leftover: map[port.Port]uint64{}, drained: map[port.Port]uint64{},
		handed: map[*Component]bool{}, failDrain: map[port.Port]bool{}}
}

func (f *fakeDP) MainLcore() int { return 1 }
func (f *fakeDP) Workers() []int { return []int{2, 3, 4, 5, 6} }

func (f *fakeDP) OpenPort(p port.Port) error {
	f.calls = append(f.calls, "open "+p.String())
	if f.failOpen[p] {
		return errors.New("no such device")
	}
	f.open[p] = true
	return nil
}

func (f *fakeDP) ClosePort(p port.Port) error {
	f.calls = append(f.calls, "close "+p.String())
	delete(f.open, p)
	return nil
}

func (f *fakeDP) Apply(ch map[int][]*Component) error {
	var ids []int
	for id := range ch {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("%d=%s", id, describeLcore(ch[id])))
	}
	f.calls = append(f.calls, "apply "+strings.Join(parts, "; "))
	if f.failApply {
		return errors.New("lcore 2 did not answer")
	}
	next := map[int][]*Component{}
	for id, l := range f.lcore {
		next[id] = l
	}
	for id, l := range ch {
		next[id] = l
	}
	if err := f.check(next); err != nil {
		f.errs = append(f.errs, err.Error())
		return err
	}
	f.applies = append(f.applies, ch)
	f.lcore = next
	f.handed = map[*Component]bool{}
	for _, l := range next {
		for _, c := range l {
			f.handed[c] = true
		}
	}
	return nil
}

// check is the Dataplane contract on what the lcores would run.
func (f *fakeDP) check(next map[int][]*Component) error {
	on := map[*Component]int{}
	for id, l := range next {
		for i, c := range l {
			switch {
			case c.Idle():
				return fmt.Errorf("idle %s handed over", c.Name)
			case c.Core != id:
				return fmt.Errorf("%s (core %d) handed to lcore %d", c.Name, c.Core, id)
			case i > 0 && l[i-1].Name >= c.Name:
				return fmt.Errorf("lcore %d: %s after %s", id, c.Name, l[i-1].Name)
			}
			if prev, ok := on[c]; ok {
				return fmt.Errorf("%s on lcores %d and %d", c.Name, prev, id)
			}
			on[c] = id
			for _, list := range [][]PortRef{c.Rx, c.Tx} {
				for _, r := range list {
					if !f.open[r.Port] {
						return fmt.Errorf("apply uses %s, which is not open", r.Port)
					}
				}
			}
		}
	}
	return nil
}

func (f *fakeDP) DrainRing(p port.Port) (uint64, error) {
	f.calls = append(f.calls, "drain "+p.String())
	if f.failDrain[p] {
		return 0, errors.New("ring gone")
	}
	n := f.leftover[p]
	f.drained[p] += n
	f.leftover[p] = 0
	return n, nil
}

func (f *fakeDP) PortStatus(p port.Port) proto.PortStatus {
	s := f.portStats[p]
	st := proto.PortStatus{Rx: s[0], Tx: s[1], RxDrop: s[2] + f.drained[p], TxDrop: s[3]}
	if p.Kind == port.Vhost {
		st.Link = "up"
	}
	return st
}

// ComponentCounters answers for the components running now, by the
// pointer handed over.
func (f *fakeDP) ComponentCounters(c *Component) (uint64, uint64) {
	if !f.handed[c] {
		return 0, 0
	}
	n := f.counters[c.Name]
	return n[0], n[1]
}

// harness is an engine over a fake data plane, with its log.
type harness struct {
	t   testing.TB
	e   *Engine
	dp  *fakeDP
	log []string
}

func newHarness(t testing.TB, ptype string) *harness {
	h := &harness{t: t, dp: newFakeDP()}
	h.e = New(h.dp, Options{
		ProcessType: ptype, ClientID: 7,
		Limits: map[port.Kind]int{port.NIC: 2, port.Ring: 8, port.Vhost: 4},
		Logf:   func(f string, a ...any) { h.log = append(h.log, fmt.Sprintf(f, a...)) },
	})
	t.Cleanup(func() {
		if len(h.dp.errs) > 0 {
			t.Errorf("Dataplane contract broken: %v", h.dp.errs)
		}
	})
	return h
}

// do runs a JSON batch and returns the reply as the wire carries it.
func (h *harness) do(batch string) string {
	h.t.Helper()
	req, err := proto.ParseBatch([]byte(batch))
	if err != nil {
		h.t.Fatalf("bad test batch %s: %v", batch, err)
	}
	return h.handle(req)
}

// text runs one 2017 text command.
func (h *harness) text(line string) string {
	h.t.Helper()
	return h.handle(proto.ParseText(line))
}

func (h *harness) handle(req *proto.Request) string {
	rep, _ := h.e.Handle(req)
	var b bytes.Buffer
	if err := proto.Encode(&b, req.Shape(rep)); err != nil {
		h.t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// ok runs a batch that must succeed.
func (h *harness) ok(batch string) {
	h.t.Helper()
	if rep := h.do(batch); strings.Contains(rep, `"error"`) {
		h.t.Fatalf("batch %s failed: %s", batch, rep)
	}
}

func (h *harness) okText(line string) {
	h.t.Helper()
	if rep := h.text(line); rep != `{"results":[{"result":"success"}]}` {
		h.t.Fatalf("%q failed: %s", line, rep)
	}
}

// status returns the reply to a status batch.
func (h *harness) status() string {
	h.t.Helper()
	return h.do(mkBatch(`{"command":"status"}`))
}

func mkBatch(cmds ...string) string {
	return `{"commands":[` + strings.Join(cmds, ",") + `]}`
}

func comp(core, typ, rx, tx string) string {
	return fmt.Sprintf(`{"command":"component","core_id":%q,"type":%q,"rx_ports":[%s],"tx_ports":[%s]}`, core, typ, rx, tx)
}

// named is a component command with a name.
func named(name, core, typ, rx, tx string) string {
	return fmt.Sprintf(`{"command":"component","core_id":%q,"type":%q,"name":%q,"rx_ports":[%s],"tx_ports":[%s]}`, core, typ, name, rx, tx)
}

func mac(value, p string) string {
	return fmt.Sprintf(`{"command":"classifier_table","type":"mac","value":%q,"port":%q}`, value, p)
}

func vlanEntry(vlan int, value, p string) string {
	return fmt.Sprintf(`{"command":"classifier_table","type":"vlan","vlan":%d,"value":%q,"port":%q}`, vlan, value, p)
}

const flush = `{"command":"flush"}`

func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func pp(ps ...string) []port.Port {
	out := make([]port.Port, len(ps))
	for i, s := range ps {
		p, err := port.Parse(s)
		if err != nil {
			panic(err)
		}
		out[i] = p
	}
	return out
}

// refs are ports with no VLAN operation.
func refs(ps ...string) []PortRef {
	out := []PortRef{}
	for _, p := range pp(ps...) {
		out = append(out, PortRef{Port: p})
	}
	return out
}

// checkApply checks one Apply that gives each lcore of want one component
// (nil: the lcore idles). Core is taken from the key.
func checkApply(t *testing.T, got map[int][]*Component, want map[int]*Component) {
	t.Helper()
	lists := map[int][]*Component{}
	for id, w := range want {
		lists[id] = nil
		if w != nil {
			lists[id] = []*Component{w}
		}
	}
	checkApplyLists(t, got, lists)
}

// checkApplyLists checks one Apply, lcore by lcore. Core is taken from the
// key.
func checkApplyLists(t *testing.T, got, want map[int][]*Component) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("Apply switched %d lcores, want %d: %v", len(got), len(want), got)
	}
	for id, w := range want {
		g, ok := got[id]
		same := ok && len(g) == len(w)
		for i := 0; same && i < len(w); i++ {
			wc := *w[i]
			wc.Core = id
			same = equal(g[i], &wc)
		}
		if !same {
			t.Errorf("Apply lcore %d: got %s, want %s", id, describeLcore(g), describeLcore(w))
		}
	}
}
