package engine

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// Protocol version 2 (protocol.md 9): named components, several per lcore,
// idle components, the port command, VLAN operations and entries, ring
// drain.

func fwd(name, rx, tx string) *Component {
	return &Component{Name: name, Type: "forward", Kernel: component.KernelForward, Rx: refs(rx), Tx: refs(tx)}
}

// 9.1: two named forwards share an lcore, handed over in name order; a
// third one next to them leaves their pointers (and counters) alone; each
// is shown in status, lcore then name order.
func TestNamedShareLcore(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(named("fb", "2", "forward", `"ring2"`, `"ring3"`), named("fa", "2", "forward", `"ring0"`, `"ring1"`), flush))
	checkApplyLists(t, h.dp.applies[0], map[int][]*Component{2: {fwd("fa", "ring0", "ring1"), fwd("fb", "ring2", "ring3")}})
	fa, fb := h.dp.applies[0][2][0], h.dp.applies[0][2][1]

	h.dp.counters = map[string][2]uint64{"fa": {10, 1}, "fb": {20, 2}}
	h.ok(mkBatch(named("fc", "2", "forward", `"ring4"`, `"ring5"`), flush))
	last := h.dp.applies[1][2]
	if len(h.dp.applies[1]) != 1 || len(last) != 3 || last[0] != fa || last[1] != fb || last[2].Name != "fc" {
		t.Fatalf("adding fc: %s", h.dp.calls[len(h.dp.calls)-1])
	}
	st := h.status()
	for _, w := range []string{
		`{"core":2,"name":"fa","type":"forward","state":"running","rx_port":[{"port":"ring0","vlan":{"operation":"none"}}],` +
			`"tx_port":[{"port":"ring1","vlan":{"operation":"none"}}],"packets":10,"drops":1},{"core":2,"name":"fb",`,
		`"packets":20,"drops":2},{"core":2,"name":"fc",`,
		`"packets":0,"drops":0},{"core":3,"type":"unuse"}`,
	} {
		if !strings.Contains(st, w) {
			t.Errorf("status lacks %s:\n%s", w, st)
		}
	}

	// none with a name removes that one only.
	h.ok(mkBatch(`{"command":"component","type":"none","name":"fb"}`, flush))
	if last := h.dp.applies[2][2]; len(last) != 2 || last[0] != fa || last[1].Name != "fc" {
		t.Errorf("removing fb: %s", h.dp.calls[len(h.dp.calls)-1])
	}
	// none without a name clears the lcore.
	h.ok(mkBatch(`{"command":"component","core_id":2,"type":"none"}`, flush))
	checkApply(t, h.dp.applies[3], map[int]*Component{2: nil})
}

// 9.1: with a name, component replaces or moves that one; without, it
// replaces everything on the lcore, including a component of the name it
// takes on another lcore.
func TestNamedReplaceMove(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(named("fa", "2", "forward", `"ring0"`, `"ring1"`), named("fb", "2", "forward", `"ring2"`, `"ring3"`),
		named("forward3", "4", "forward", `"ring4"`, `"ring5"`), flush))
	// fa moves to lcore 3 and takes fb's rx (fb is replaced by a merge that
	// gives it up in the same batch).
	h.ok(mkBatch(named("fb", "2", "merge", `"ring6"`, `"ring3"`), named("fa", "3", "forward", `"ring2"`, `"ring1"`), flush))
	merge := &Component{Name: "fb", Type: "merge", Kernel: component.KernelMerge, Rx: refs("ring6"), Tx: refs("ring3")}
	checkApplyLists(t, h.dp.applies[1], map[int][]*Component{2: {merge}, 3: {fwd("fa", "ring2", "ring1")}})

	// Without a name: lcore 3 is cleared (fa goes), and forward3 moves
	// from lcore 4 to lcore 3.
	h.ok(mkBatch(comp("3", "forward", `"ring4"`, `"ring5"`), flush))
	checkApplyLists(t, h.dp.applies[2], map[int][]*Component{3: {fwd("forward3", "ring4", "ring5")}, 4: nil})
	if st := h.status(); strings.Contains(st, `"name":"fa"`) {
		t.Errorf("fa still there: %s", st)
	}
	// A name is checked.
	if got := h.do(mkBatch(named("a/b", "2", "forward", `"ring0"`, `"ring1"`))); !strings.Contains(got, `bad value(name): \"a/b\": a name is letters`) {
		t.Errorf("bad name: %s", got)
	}
	if got := h.do(mkBatch(named(strings.Repeat("x", 33), "2", "forward", `"ring0"`, `"ring1"`))); !strings.Contains(got, `bad value(name): a name has 1 to 32 characters`) {
		t.Errorf("long name: %s", got)
	}
}

// 9.2: a component with fewer ports than its type needs is staged, flushed
// (its ports opened), shown idle and never handed over; completed with
// port commands, it runs. Upper limits stay errors.
func TestIdle(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(named("cls", "2", "classifier", `"nic0"`, ``), comp("3", "merge", ``, `"ring1"`), flush))
	if len(h.dp.applies) != 0 {
		t.Errorf("idle components handed over: %v", h.dp.calls)
	}
	if calls := strings.Join(h.dp.calls, "|"); calls != "open nic0|open ring1" {
		t.Errorf("calls %s", calls)
	}
	st := h.status()
	for _, w := range []string{
		`{"core":2,"name":"cls","type":"classifier","state":"idle","rx_port":[{"port":"nic0","vlan":{"operation":"none"}}],"tx_port":[],"packets":0,"drops":0}`,
		`{"core":3,"name":"merge3","type":"merge","state":"idle","rx_port":[],"tx_port":[{"port":"ring1","vlan":{"operation":"none"}}],`,
		`"staged":false`,
	} {
		if !strings.Contains(st, w) {
			t.Errorf("status lacks %s:\n%s", w, st)
		}
	}
	logged := strings.Join(h.log, "\n")
	for _, w := range []string{"cls on core 2 is idle: it needs 1 tx port", "merge3 on core 3 is idle: it needs 1 rx port"} {
		if !strings.Contains(logged, w) {
			t.Errorf("log lacks %q:\n%s", w, logged)
		}
	}
	// The port command completes the classifier; it runs with its entry.
	h.ok(mkBatch(`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"cls"}`, mac("52:54:00:00:00:01", "ring0"), flush))
	checkApply(t, h.dp.applies[0], map[int]*Component{2: {Name: "cls", Type: "classifier", Kernel: component.KernelClassifier,
		Rx: refs("nic0"), Tx: refs("ring0"), MACs: map[uint64]port.Port{0x525400000001: pp("ring0")[0]}}})
	// Removing a port makes it idle again: its lcore idles.
	h.ok(mkBatch(`{"command":"port","action":"del","port":"nic0","dir":"rx","name":"cls"}`, flush))
	checkApply(t, h.dp.applies[1], map[int]*Component{2: nil})
	if st := h.status(); !strings.Contains(st, `"name":"cls","type":"classifier","state":"idle","rx_port":[]`) {
		t.Errorf("status: %s", st)
	}
	// A mirror with one tx is idle in spp_mirror too.
	m := newHarness(t, proto.TypeMirror)
	m.ok(mkBatch(comp("2", "mirror", `"ring0"`, `"ring1"`), flush))
	if st := m.status(); len(m.dp.applies) != 0 || !strings.Contains(st, `"name":"mirror2","type":"mirror","state":"idle"`) {
		t.Errorf("mirror: %v %s", m.dp.calls, st)
	}
}

// 9.1, 9.3: the 2017 text commands build components next to others; a
// component stays idle until complete (no error at flush any more).
func TestTextNextTo(t *testing.T) {
	h := base(t) // forward3 on core 3
	h.okText("component start fw 3 forward")
	h.okText("flush")
	n := len(h.dp.applies)
	if st := h.status(); !strings.Contains(st, `{"core":3,"name":"fw","type":"forward","state":"idle","rx_port":[],"tx_port":[]`) {
		t.Errorf("status: %s", st)
	}
	for _, l := range []string{"port add ring:5 rx fw", "port add ring:6 tx fw add_vlantag 100 3", "flush"} {
		h.okText(l)
	}
	f := fwd("fw", "ring5", "ring6")
	f.Tx[0].VLAN = VLANOp{Op: VLANAdd, ID: 100, PCP: 3}
	checkApplyLists(t, h.dp.applies[n], map[int][]*Component{3: {h.e.comps["forward3"], f}})
	if h.dp.applies[n][3][0] != h.dp.applies[0][3][0] {
		t.Errorf("forward3 handed over anew when fw joined its lcore")
	}
	h.okText("component stop fw")
	h.okText("flush")
	if l := h.dp.applies[len(h.dp.applies)-1][3]; len(l) != 1 || l[0].Name != "forward3" {
		t.Errorf("after stop: %v", describeLcore(l))
	}
}

// 9.4: VLAN operations on the ports of a component, as objects in
// component and with the port command; a changed operation is a new
// component; status shows them.
func TestVLANPorts(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(`{"command":"component","core_id":"2","type":"classifier","name":"cls",`+
		`"rx_ports":[{"port":"nic0","vlan":{"operation":"del"}}],`+
		`"tx_ports":["ring0",{"port":"ring1","vlan":{"operation":"add","id":4094,"pcp":7}}]}`, flush))
	want := &Component{Name: "cls", Type: "classifier", Kernel: component.KernelClassifier,
		Rx: []PortRef{{Port: pp("nic0")[0], VLAN: VLANOp{Op: VLANDel}}},
		Tx: []PortRef{{Port: pp("ring0")[0]}, {Port: pp("ring1")[0], VLAN: VLANOp{Op: VLANAdd, ID: 4094, PCP: 7}}}}
	checkApply(t, h.dp.applies[0], map[int]*Component{2: want})
	if st := h.status(); !strings.Contains(st, `"rx_port":[{"port":"nic0","vlan":{"operation":"del"}}],"tx_port":[{"port":"ring0","vlan":{"operation":"none"}},`+
		`{"port":"ring1","vlan":{"operation":"add","id":4094,"pcp":7}}]`) {
		t.Errorf("status: %s", st)
	}
	// Changing one operation: del then add again with another; a port
	// already there cannot be added twice, whatever its operation.
	if got := h.do(mkBatch(`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"cls","vlan":{"operation":"del"}}`)); !strings.Contains(got, "bad value(port): ring0 is already a tx port of cls") {
		t.Errorf("add twice: %s", got)
	}
	h.ok(mkBatch(`{"command":"port","action":"del","port":"ring0","dir":"tx","name":"cls"}`,
		`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"cls","vlan":{"operation":"del"}}`, flush))
	want.Tx = []PortRef{want.Tx[1], {Port: pp("ring0")[0], VLAN: VLANOp{Op: VLANDel}}}
	checkApply(t, h.dp.applies[1], map[int]*Component{2: want})
	if h.dp.applies[1][2][0] == h.dp.applies[0][2][0] {
		t.Errorf("a changed component handed over as the same pointer")
	}
}

// 9.4: vlan classifier entries: keyed by VLAN id << 48 | MAC next to the
// mac ones, listed after them sorted by (vlan, MAC), unuse and del as for
// mac, the same rules.
func TestVLANEntries(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(comp("2", "classifier", `"nic0"`, `"ring0","ring1"`),
		vlanEntry(200, "52:54:00:00:00:01", "ring1"), vlanEntry(100, "52:54:00:00:00:02", "ring0"),
		vlanEntry(100, "52:54:00:00:00:01", "ring0"), mac("52:54:00:00:00:01", "ring1"), mac("default", "ring0"), flush))
	r0, r1 := pp("ring0")[0], pp("ring1")[0]
	checkApply(t, h.dp.applies[0], map[int]*Component{2: {Name: "classifier2", Type: "classifier", Kernel: component.KernelClassifier,
		Rx: refs("nic0"), Tx: refs("ring0", "ring1"), Default: &r0, MACs: map[uint64]port.Port{
			0x525400000001: r1, 200<<48 | 0x525400000001: r1, 100<<48 | 0x525400000002: r0, 100<<48 | 0x525400000001: r0}}})
	if st := h.status(); !strings.Contains(st, `"classifier_table":[{"type":"mac","value":"default","port":"ring0"},`+
		`{"type":"mac","value":"52:54:00:00:00:01","port":"ring1"},`+
		`{"type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"},{"type":"vlan","vlan":100,"value":"52:54:00:00:00:02","port":"ring0"},`+
		`{"type":"vlan","vlan":200,"value":"52:54:00:00:00:01","port":"ring1"}]`) {
		t.Errorf("status: %s", st)
	}
	for _, c := range []struct{ cmd, msg string }{
		{vlanEntry(100, "52:54:00:00:00:01", "ring1"), "bad value(value): 52:54:00:00:00:01 on vlan 100 is mapped to ring0; unuse it first"},
		{`{"command":"classifier_table","action":"del","type":"vlan","vlan":300,"value":"52:54:00:00:00:01","port":"ring1"}`,
			"bad value(value): 52:54:00:00:00:01 on vlan 300 is not mapped"},
		{`{"command":"classifier_table","action":"del","type":"vlan","vlan":200,"value":"52:54:00:00:00:01","port":"ring0"}`,
			"bad value(port): 52:54:00:00:00:01 on vlan 200 is mapped to ring1, not ring0"},
	} {
		if got := h.do(mkBatch(c.cmd)); !strings.Contains(got, c.msg) {
			t.Errorf("%s: %s, want %s", c.cmd, got, c.msg)
		}
	}
	// unuse removes the entry of that vlan only; the text del form too.
	h.ok(mkBatch(vlanEntry(100, "52:54:00:00:00:01", "unuse"), flush))
	h.okText("classifier_table del vlan 200 52:54:00:00:00:01 ring:1")
	h.okText("flush")
	got := h.dp.applies[len(h.dp.applies)-1][2][0].MACs
	if len(got) != 2 || got[0x525400000001] != r1 || got[100<<48|0x525400000002] != r0 {
		t.Errorf("MACs after unuse and del: %v", got)
	}
	// A flush drops vlan entries of a port that stops being a tx port.
	h.log = nil
	h.ok(mkBatch(comp("2", "classifier", `"nic0"`, `"ring1"`), flush))
	if !strings.Contains(strings.Join(h.log, "\n"), "flush removed classifier entry 52:54:00:00:00:02 on vlan 100 -> ring0") {
		t.Errorf("log: %v", h.log)
	}
}

// 9.7: after a successful Apply, a ring that lost its reader is drained,
// and its leftovers show in rx_drop; a ring whose reader only changed is
// not; an idle component reads nothing.
func TestRingDrain(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(named("fa", "2", "forward", `"ring0"`, `"ring1"`), named("fb", "3", "forward", `"ring2"`, `"ring3"`), flush))
	h.dp.leftover[pp("ring0")[0]] = 5
	h.dp.leftover[pp("ring2")[0]] = 7
	h.dp.calls, h.log = nil, nil
	// fa goes; fb moves to lcore 4 (ring2 keeps a reader); fc reads ring4.
	h.ok(mkBatch(`{"command":"component","type":"none","name":"fa"}`, named("fb", "4", "forward", `"ring2"`, `"ring3"`),
		named("fc", "5", "forward", `"ring4"`, `"ring5"`), flush))
	if calls := strings.Join(h.dp.calls, "|"); !strings.HasSuffix(calls, "|drain ring0") || strings.Count(calls, "drain") != 1 ||
		!strings.HasPrefix(calls, "open ring4|open ring5|apply ") {
		t.Errorf("calls %s, want the opens, one Apply, then drain ring0", calls)
	}
	if !strings.Contains(strings.Join(h.log, "\n"), "drained ring0: 5 packet(s) left by its last reader") {
		t.Errorf("log: %v", h.log)
	}
	if st := h.status(); strings.Contains(st, `"port":"ring0"`) {
		t.Errorf("ring0 still listed: %s", st)
	}
	// A reader that becomes idle (its tx removed) leaves its ring unread.
	h.dp.calls = nil
	h.ok(mkBatch(`{"command":"port","action":"del","port":"ring3","dir":"tx","name":"fb"}`, flush))
	if calls := strings.Join(h.dp.calls, "|"); calls != "apply 4=idle|drain ring2" {
		t.Errorf("calls %s", calls)
	}
	if st := h.status(); !strings.Contains(st, `{"port":"ring2","rx":0,"tx":0,"rx_drop":7,"tx_drop":0}`) {
		t.Errorf("leftovers not in rx_drop: %s", st)
	}
	// A flush whose Apply fails drains nothing; the next one drains what
	// the failed one may have left being read.
	h.dp.failApply = true
	h.dp.calls = nil
	h.do(mkBatch(named("fd", "6", "forward", `"ring6"`, `"ring7"`), flush))
	h.dp.failApply = false
	h.ok(mkBatch(`{"command":"component","type":"none","name":"fc"}`, flush))
	calls := strings.Join(h.dp.calls, "|")
	if strings.Count(calls, "drain") != 2 || !strings.HasSuffix(calls, "|drain ring4|drain ring6") {
		t.Errorf("calls %s, want ring4 and ring6 drained after the second Apply", calls)
	}
}

// A drain that fails is logged; the flush stands.
func TestRingDrainFails(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(named("fa", "2", "forward", `"ring0"`, `"ring1"`), flush))
	h.dp.failDrain[pp("ring0")[0]] = true
	h.ok(mkBatch(`{"command":"component","type":"none","name":"fa"}`, flush))
	if !strings.Contains(strings.Join(h.log, "\n"), "draining ring0: ring gone") || len(h.e.lcores[2]) != 0 {
		t.Errorf("log %v, lcores %v", h.log, h.e.lcores)
	}
}
