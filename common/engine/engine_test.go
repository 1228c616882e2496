package engine

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// Seed 000: the VM start batch builds classifier, merge and two forwarders
// in one flush; the VM stop batch clears the four lcores.
func TestSeed000StartStop(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	rep := h.do(readSeed(t, "seed000_vm_start.json"))
	if want := `{"results":[` + strings.Repeat(`{"result":"success"},`, 8) + `{"result":"success"}]}`; rep != want {
		t.Fatalf("start batch: %s", rep)
	}
	wantCalls := []string{"open nic0", "open ring0", "open ring1", "open vhost0"}
	if got := h.dp.calls[:len(h.dp.calls)-1]; strings.Join(got, "|") != strings.Join(wantCalls, "|") {
		t.Errorf("ports opened: %v, want %v", got, wantCalls)
	}
	if len(h.dp.applies) != 1 {
		t.Fatalf("%d Apply calls, want 1", len(h.dp.applies))
	}
	ring0 := port.Port{Kind: port.Ring, N: 0}
	checkApply(t, h.dp.applies[0], map[int]*Component{
		2: {Name: "classifier2", Type: "classifier", Kernel: component.KernelClassifier, Rx: refs("nic0"), Tx: refs("ring0"),
			MACs: map[uint64]port.Port{0x001122334455: ring0}},
		3: {Name: "merge3", Type: "merge", Kernel: component.KernelMerge, Rx: refs("ring1"), Tx: refs("nic0")},
		4: {Name: "forward4", Type: "forward", Kernel: component.KernelForward, Rx: refs("ring0"), Tx: refs("vhost0")},
		5: {Name: "forward5", Type: "forward", Kernel: component.KernelForward, Rx: refs("vhost0"), Tx: refs("ring1")},
	})

	h.dp.calls = nil
	rep = h.do(readSeed(t, "seed000_vm_stop.json"))
	if want := `{"results":[` + strings.Repeat(`{"result":"success"},`, 5) + `{"result":"success"}]}`; rep != want {
		t.Fatalf("stop batch: %s", rep)
	}
	// One Apply, then (protocol.md 9.7) the drain of the rings forward4
	// and merge3 read.
	if calls := strings.Join(h.dp.calls, "|"); calls != "apply 2=idle; 3=idle; 4=idle; 5=idle|drain ring0|drain ring1" || len(h.dp.applies) != 2 {
		t.Fatalf("stop batch made calls %v, want one Apply and two drains", h.dp.calls)
	}
	checkApply(t, h.dp.applies[1], map[int]*Component{2: nil, 3: nil, 4: nil, 5: nil})
	st := h.do(mkBatch(`{"command":"status"}`))
	if !strings.Contains(st, `"core":[{"core":2,"type":"unuse"},{"core":3,"type":"unuse"},{"core":4,"type":"unuse"},{"core":5,"type":"unuse"},{"core":6,"type":"unuse"}]`) || strings.Contains(st, `"value"`) {
		t.Errorf("status after stop: %s", st)
	}
}

// base builds the state the rule tests start from: an active classifier,
// forwarder and MAC entry, and a forwarder staged but not flushed.
func base(t *testing.T) *harness {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(
		comp("2", "classifier", `"nic0"`, `"ring0","ring2"`),
		comp("3", "forward", `"ring0"`, `"vhost0"`),
		mac("52:54:00:00:00:01", "ring0"),
		flush))
	h.ok(mkBatch(comp("4", "forward", `"ring2"`, `"vhost1"`)))
	return h
}

// snapshot is everything a refused batch must leave alone.
type snapshot struct {
	staged, active *config
	calls          int
	status         string
}

func (h *harness) snap() snapshot {
	return snapshot{h.e.staged.clone(), h.e.active.clone(), len(h.dp.calls), h.do(mkBatch(`{"command":"status"}`))}
}

func (h *harness) unchanged(s snapshot) {
	h.t.Helper()
	if !h.e.staged.equal(s.staged) {
		h.t.Errorf("staged state changed")
	}
	if !h.e.active.equal(s.active) {
		h.t.Errorf("active state changed")
	}
	if len(h.dp.calls) != s.calls {
		h.t.Errorf("data plane called: %v", h.dp.calls[s.calls:])
	}
	if st := h.do(mkBatch(`{"command":"status"}`)); st != s.status {
		h.t.Errorf("status changed:\n%s\n%s", s.status, st)
	}
}

// refused is the reply of a 3-command batch whose middle command fails.
func refused(msg string) string {
	return `{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":"` +
		strings.ReplaceAll(msg, `"`, `\"`) + `"}},{"result":"invalid"}]}`
}

// Every rule of protocol.md 3.3, in a JSON batch: refused with its message,
// the command before it cancelled, the flush after it not run, staged and
// active state unchanged.
func TestRulesRefusedJSON(t *testing.T) {
	good := comp("5", "forward", `"ring4"`, `"ring5"`)
	cases := []struct{ name, cmd, msg string }{
		{"core not a worker", comp("9", "forward", `"ring4"`, `"ring6"`),
			"bad value(core_id): core 9 is not a worker lcore of this process"},
		{"main lcore", comp("1", "forward", `"ring4"`, `"ring6"`),
			"bad value(core_id): core 1 is the main lcore of this process"},
		{"rx twice (active)", comp("6", "forward", `"ring0"`, `"ring6"`),
			"bad value(rx_ports): ring0 is already the rx port of forward3 on core 3"},
		{"rx twice (staged)", comp("6", "forward", `"ring2"`, `"ring6"`),
			"bad value(rx_ports): ring2 is already the rx port of forward4 on core 4"},
		{"tx twice", comp("6", "forward", `"ring6"`, `"vhost0"`),
			"bad value(tx_ports): vhost0 is already the tx port of forward3 on core 3"},
		{"tx twice (same batch)", comp("6", "forward", `"ring6"`, `"ring5"`),
			"bad value(tx_ports): ring5 is already the tx port of forward5 on core 5"},
		{"rx listed twice", comp("6", "merge", `"ring6","ring6"`, `"ring7"`),
			"bad value(rx_ports): ring6 is listed twice"},
		{"MAC on two ports", mac("52:54:00:00:00:01", "ring2"),
			"bad value(value): 52:54:00:00:00:01 is mapped to ring0; unuse it first"},
		{"forward with 2 rx", comp("6", "forward", `"ring6","ring7"`, `"nic1"`),
			"bad value(rx_ports): forward takes 1 rx port(s), got 2"},
		{"classifier with 65 tx", comp("6", "classifier", `"ring6"`, strings.Repeat(`"null0",`, 64)+`"null1"`),
			"bad value(tx_ports): classifier takes 1 to 64 tx port(s), got 65"},
		// protocol.md 9.2: a missing list is not enough parameter (it
		// was bad value(tx_ports) in version 1); an empty one is an idle
		// component (TestIdle).
		{"forward without tx_ports", `{"command":"component","core_id":6,"type":"forward","rx_ports":["ring6"]}`,
			"not enough parameter(tx_ports)"},
		{"forward without rx_ports", `{"command":"component","core_id":6,"type":"forward","tx_ports":["ring6"]}`,
			"not enough parameter(rx_ports)"},
		{"unknown type", comp("6", "bridge", `"ring6"`, `"ring7"`),
			`bad value(type): "bridge" is not a component type of spp_vf (forward, merge, classifier, none)`},
		{"mirror on spp_vf", comp("6", "mirror", `"ring6"`, `"ring7","nic1"`),
			`bad value(type): "mirror" is not a component type of spp_vf (forward, merge, classifier, none)`},
		{"bad port name", comp("6", "forward", `"ring:0x1"`, `"ring7"`),
			`bad value(port): bad port number in "ring:0x1" (decimal 0..1023)`},
		{"ring past the limit", comp("6", "forward", `"ring8"`, `"ring7"`),
			"bad value(port): ring8: this process has ring0..ring7"},
		{"nic past the limit", comp("6", "forward", `"ring6"`, `"nic2"`),
			"bad value(port): nic2: this process has nic0..nic1"},
		{"entry on a forward's port", mac("52:54:00:00:00:02", "vhost0"),
			"bad value(port): vhost0 is not a tx port of a classifier"},
		{"entry on an unused port", mac("default", "ring6"),
			"bad value(port): ring6 is not a tx port of a classifier"},
		{"del of an entry not mapped", `{"command":"classifier_table","action":"del","type":"mac","value":"52:54:00:00:00:09","port":"ring0"}`,
			"bad value(value): 52:54:00:00:00:09 is not mapped"},
		{"del of an entry mapped elsewhere", `{"command":"classifier_table","action":"del","type":"mac","value":"52:54:00:00:00:01","port":"ring2"}`,
			"bad value(port): 52:54:00:00:00:01 is mapped to ring0, not ring2"},
		{"bad MAC", mac("52:54:00:00:00", "ring0"),
			`bad value(value): "52:54:00:00:00" is not a MAC address (aa:bb:cc:dd:ee:ff) or default`},
		// protocol.md 9.1: a name in use is replaced (TestNamed); its
		// ports are free for its replacement, not for another.
		{"name in use, port of another", `{"command":"component","core_id":"6","type":"forward","name":"forward3","rx_ports":["ring2"],"tx_ports":["ring7"]}`,
			"bad value(rx_ports): ring2 is already the rx port of forward4 on core 4"},
		{"bad name", `{"command":"component","core_id":"6","type":"forward","name":"a b","rx_ports":["ring6"],"tx_ports":["ring7"]}`,
			`bad value(name): "a b": a name is letters, digits, '_', '-' and '.'`},
		{"unknown command", `{"command":"clear"}`,
			`bad value(command): unknown command "clear" for spp_vf`},
		// protocol.md 9.3: port is a JSON command (it was text only).
		{"port in JSON past the upper limit", `{"command":"port","action":"add","port":"ring6","dir":"rx","name":"forward3"}`,
			"bad value(port): forward3 already has 1 rx port(s), the most a forward takes"},
		{"port in JSON with a bad vlan", `{"command":"port","action":"add","port":"ring6","dir":"tx","name":"forward3","vlan":{"operation":"add","id":5000,"pcp":0}}`,
			`bad value(id): "5000" is not a VLAN id (1..4094)`},
		{"none of an unknown name", `{"command":"component","type":"none","name":"nosuch"}`,
			`bad value(name): no component is named "nosuch"`},
		{"vlan entry on a forward's port", vlanEntry(10, "52:54:00:00:00:02", "vhost0"),
			"bad value(port): vhost0 is not a tx port of a classifier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := base(t)
			s := h.snap()
			if got := h.do(mkBatch(good, c.cmd, flush)); got != refused(c.msg) {
				t.Errorf("got  %s\nwant %s", got, refused(c.msg))
			}
			h.unchanged(s)
		})
	}
}

// The same for spp_mirror: its own type table, no classifier_table.
func TestRulesRefusedMirror(t *testing.T) {
	good := comp("5", "mirror", `"ring4"`, `"ring5","ring6"`)
	cases := []struct{ name, cmd, msg string }{
		{"classifier_table", mac("52:54:00:00:00:01", "ring1"),
			"bad value(command): spp_mirror has no classifier_table"},
		{"classifier type", comp("3", "classifier", `"ring7"`, `"nic1"`),
			`bad value(type): "classifier" is not a component type of spp_mirror (mirror, none)`},
		{"forward type", comp("3", "forward", `"ring7"`, `"nic1"`),
			`bad value(type): "forward" is not a component type of spp_mirror (mirror, none)`},
		{"mirror with three tx", comp("3", "mirror", `"ring7"`, `"nic1","ring3","ring4"`),
			"bad value(tx_ports): mirror takes 2 tx port(s), got 3"},
		{"mirror tx twice", comp("3", "mirror", `"ring7"`, `"ring1","nic1"`),
			"bad value(tx_ports): ring1 is already the tx port of mirror2 on core 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, proto.TypeMirror)
			h.ok(mkBatch(comp("2", "mirror", `"ring0"`, `"ring1","ring2"`), flush))
			s := h.snap()
			if got := h.do(mkBatch(good, c.cmd, flush)); got != refused(c.msg) {
				t.Errorf("got  %s\nwant %s", got, refused(c.msg))
			}
			h.unchanged(s)
		})
	}
}

// The rules for components built with 2017 text commands: upper port limits
// when a port is added, lower limits at flush.
func TestRulesRefusedText(t *testing.T) {
	cases := []struct{ name, line, msg string }{
		{"start on the main lcore", "component start fw 1 forward",
			"bad value(core_id): core 1 is the main lcore of this process"},
		{"start with a used name", "component start forward3 5 forward",
			"bad value(name): forward3 is already the name of the component on core 3"},
		{"start type none", "component start fw 5 none",
			"bad value(type): component start needs a type that runs; use component stop to clear a core"},
		{"start unknown type", "component start fw 5 bridge",
			`bad value(type): "bridge" is not a component type of spp_vf (forward, merge, classifier, none)`},
		{"stop unknown", "component stop nosuch",
			`bad value(name): no component is named "nosuch"`},
		{"add past the upper limit", "port add ring7 rx fw6",
			"bad value(port): fw6 already has 1 rx port(s), the most a forward takes"},
		{"add a port twice", "port add ring6 rx fw6",
			"bad value(port): ring6 is already a rx port of fw6"},
		{"add a used tx", "port add vhost0 tx fw6",
			"bad value(port): vhost0 is already the tx port of forward3 on core 3"},
		{"add to unknown", "port add ring7 tx nosuch",
			`bad value(name): no component is named "nosuch"`},
		{"add past the ring limit", "port add ring9 tx fw6",
			"bad value(port): ring9: this process has ring0..ring7"},
		{"bad direction", "port add ring7 both fw6",
			`bad value(dir): rx or tx, not "both"`},
		{"del not attached", "port del ring7 tx fw6",
			"bad value(port): ring7 is not a tx port of fw6"},
		{"classifier del elsewhere", "classifier_table del mac 52:54:00:00:00:01 ring2",
			"bad value(port): 52:54:00:00:00:01 is mapped to ring2, not ring2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := base(t)
			h.okText("component start fw6 6 forward")
			h.okText("port add ring6 rx fw6")
			s := h.snap()
			want := `{"results":[{"result":"error","error_details":{"message":"` + strings.ReplaceAll(c.msg, `"`, `\"`) + `"}}]}`
			if c.name == "classifier del elsewhere" {
				want = strings.Replace(want, "mapped to ring2", "mapped to ring0", 1)
			}
			if got := h.text(c.line); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			h.unchanged(s)
		})
	}
}

// A component built with text commands runs once complete and flushed;
// component stop clears its core.
func TestTextBuild(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	for _, l := range []string{"component start cls 2 classifier_mac", "port add phy:0 rx cls",
		"port add ring:0 tx cls", "port add ring:1 tx cls", "classifier_table add mac 52:54:00:00:00:01 ring:0",
		"classifier_table add default ring:1", "flush"} {
		h.okText(l)
	}
	checkApply(t, h.dp.applies[0], map[int]*Component{2: {Name: "cls", Type: "classifier", Kernel: component.KernelClassifier,
		Rx: refs("nic0"), Tx: refs("ring0", "ring1"),
		MACs: map[uint64]port.Port{0x525400000001: pp("ring0")[0]}, Default: &pp("ring1")[0]}})
	for _, l := range []string{"classifier_table del mac 52:54:00:00:00:01 ring:0", "port del ring:0 tx cls", "flush"} {
		h.okText(l)
	}
	checkApply(t, h.dp.applies[1], map[int]*Component{2: {Name: "cls", Type: "classifier", Kernel: component.KernelClassifier,
		Rx: refs("nic0"), Tx: refs("ring1"), Default: &pp("ring1")[0]}})
	h.okText("component stop cls")
	h.okText("flush")
	checkApply(t, h.dp.applies[2], map[int]*Component{2: nil})
	if got := h.text("_get_client_id"); got != `{"results":[{"result":"success"}],"client_id":7}` {
		t.Errorf("_get_client_id: %s", got)
	}
}

// JSON component replaces what is staged on its core (one component per
// core), type none clears it.
func TestComponentReplaces(t *testing.T) {
	h := base(t)
	h.ok(mkBatch(comp("4", "merge", `"ring2","ring3"`, `"nic1"`), flush))
	checkApply(t, h.dp.applies[1], map[int]*Component{4: {Name: "merge4", Type: "merge", Kernel: component.KernelMerge,
		Rx: refs("ring2", "ring3"), Tx: refs("nic1")}})
	// The old forwarder's ports are free again: vhost1 was never opened.
	for _, c := range h.dp.calls {
		if c == "open vhost1" {
			t.Errorf("vhost1 opened although the staged forwarder using it was replaced")
		}
	}
	h.ok(mkBatch(`{"command":"component","core_id":4,"type":"none"}`, flush))
	checkApply(t, h.dp.applies[2], map[int]*Component{4: nil})
}

// A classifier that loses tx ports loses their entries at flush, and the log
// says so; clearing and rebuilding it in one batch keeps them.
func TestOrphanedEntries(t *testing.T) {
	h := base(t)
	h.ok(mkBatch(mac("52:54:00:00:00:02", "ring2"), mac("default", "ring2"), flush))
	h.dp.calls = nil
	// Seed 000's pattern: none, then the same classifier again. Nothing changes.
	h.ok(mkBatch(comp("2", "none", "", ""), comp("2", "classifier", `"nic0"`, `"ring0","ring2"`), flush))
	for _, c := range h.dp.calls {
		if strings.HasPrefix(c, "apply") && strings.Contains(c, "2=") {
			t.Errorf("rebuilding the same classifier switched its lcore: %s", c)
		}
	}
	h.log = nil
	h.ok(mkBatch(comp("2", "classifier", `"nic0"`, `"ring0"`), flush))
	last := h.dp.applies[len(h.dp.applies)-1]
	checkApply(t, last, map[int]*Component{2: {Name: "classifier2", Type: "classifier", Kernel: component.KernelClassifier,
		Rx: refs("nic0"), Tx: refs("ring0"), MACs: map[uint64]port.Port{0x525400000001: pp("ring0")[0]}}})
	logged := strings.Join(h.log, "\n")
	for _, w := range []string{"52:54:00:00:00:02 -> ring2", "default -> ring2"} {
		if !strings.Contains(logged, "flush removed classifier entry "+w) {
			t.Errorf("log does not say %q was removed:\n%s", w, logged)
		}
	}
	st := h.do(mkBatch(`{"command":"status"}`))
	if !strings.Contains(st, `"classifier_table":[{"type":"mac","value":"52:54:00:00:00:01","port":"ring0"}]`) {
		t.Errorf("status table: %s", st)
	}
}

// Flush with nothing staged calls nothing; neither does a second flush.
func TestFlushNothingStaged(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(flush))
	if len(h.dp.calls) != 0 {
		t.Fatalf("empty flush called the data plane: %v", h.dp.calls)
	}
	h.ok(mkBatch(comp("2", "forward", `"ring0"`, `"ring1"`), flush))
	n := len(h.dp.calls)
	h.ok(mkBatch(flush))
	h.ok(mkBatch(comp("2", "forward", `"ring0"`, `"ring1"`), flush)) // the same again
	if len(h.dp.calls) != n {
		t.Errorf("flush with nothing new called the data plane: %v", h.dp.calls[n:])
	}
}

// cancel drops what was staged since the last flush, even one earlier in
// the same batch.
func TestCancel(t *testing.T) {
	h := base(t)
	if st := h.do(mkBatch(`{"command":"status"}`)); !strings.Contains(st, `"staged":true`) {
		t.Fatalf("staged change not reported: %s", st)
	}
	n := len(h.dp.calls)
	h.ok(mkBatch(`{"command":"cancel"}`, flush))
	if len(h.dp.calls) != n {
		t.Errorf("flush after cancel called the data plane: %v", h.dp.calls[n:])
	}
	if st := h.do(mkBatch(`{"command":"status"}`)); !strings.Contains(st, `"staged":false`) {
		t.Errorf("staged after cancel: %s", st)
	}
	h.ok(mkBatch(comp("5", "forward", `"ring4"`, `"ring5"`), flush, comp("6", "forward", `"ring6"`, `"ring7"`), `{"command":"cancel"}`))
	checkApply(t, h.dp.applies[len(h.dp.applies)-1], map[int]*Component{
		5: {Name: "forward5", Type: "forward", Kernel: component.KernelForward, Rx: refs("ring4"), Tx: refs("ring5")}})
	if st := h.do(mkBatch(`{"command":"status"}`)); !strings.Contains(st, `"staged":false`) {
		t.Errorf("staged after flush then cancel: %s", st)
	}
}

// Only lcores whose component (or classifier table) changed are switched.
func TestOnlyChangedLcores(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(readSeed(t, "seed000_vm_start.json"))
	h.ok(mkBatch(mac("52:54:00:00:00:02", "ring0"), flush))
	last := h.dp.applies[len(h.dp.applies)-1]
	if len(last) != 1 || len(last[2]) != 1 || len(last[2][0].MACs) != 2 {
		t.Errorf("a new MAC switched %v, want lcore 2 alone with 2 MACs", h.dp.calls[len(h.dp.calls)-1])
	}
	h.ok(mkBatch(comp("6", "forward", `"ring4"`, `"ring5"`), flush))
	if last := h.dp.applies[len(h.dp.applies)-1]; len(last) != 1 || len(last[6]) != 1 {
		t.Errorf("a new forwarder switched %v, want lcore 6 alone", h.dp.calls[len(h.dp.calls)-1])
	}
}

// A port that cannot be created fails the flush: the ports this attempt
// created are released, nothing is switched, the whole batch is undone.
func TestOpenFailureRollsBack(t *testing.T) {
	h := base(t)
	h.dp.failOpen[pp("null0")[0]] = true
	s := h.snap()
	got := h.do(mkBatch(comp("5", "forward", `"vhost2"`, `"null0"`), flush, comp("6", "forward", `"ring6"`, `"ring7"`)))
	if want := refused("error occur: cannot create null0: no such device"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	calls := strings.Join(h.dp.calls[s.calls:], "|")
	if calls != "open vhost1|open vhost2|open null0|close vhost2|close vhost1" {
		t.Errorf("data plane calls: %s", calls)
	}
	if len(h.dp.open) != 4 { // nic0 ring0 ring2 vhost0 of the active state
		t.Errorf("open ports after rollback: %v", h.dp.open)
	}
	h.dp.calls = h.dp.calls[:s.calls]
	h.unchanged(s)
}

// An lcore that does not take its component fails the flush: the batch is
// undone, but the ports stay (an lcore may use them already), and the next
// flush sends every lcore its component again.
func TestApplyFailure(t *testing.T) {
	h := base(t)
	h.dp.failApply = true
	s := h.snap()
	got := h.do(mkBatch(comp("5", "forward", `"ring4"`, `"ring5"`), flush, `{"command":"status"}`))
	if want := refused("error occur: switching lcores: lcore 2 did not answer"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	calls := strings.Join(h.dp.calls[s.calls:], "|")
	if strings.Contains(calls, "close") {
		t.Errorf("ports released after a failed Apply: %s", calls)
	}
	h.dp.calls = h.dp.calls[:s.calls]
	h.unchanged(s)

	h.dp.failApply = false
	h.ok(mkBatch(flush)) // commits forward4 of base, and sets every lcore right
	checkApply(t, h.dp.applies[len(h.dp.applies)-1], map[int]*Component{
		2: h.e.comps["classifier2"], 3: h.e.comps["forward3"], 4: h.e.comps["forward4"], 5: nil, 6: nil})
	if len(h.e.lcores[4]) != 1 || len(h.e.lcores[2]) != 1 {
		t.Fatalf("active after flush: %v", h.e.lcores)
	}
	n := len(h.dp.calls)
	h.ok(mkBatch(flush))
	if len(h.dp.calls) != n {
		t.Errorf("a second flush called the data plane again: %v", h.dp.calls[n:])
	}
	h.e.Shutdown()
	if calls := strings.Join(h.dp.calls, "|"); !strings.Contains(calls, "close ring4") || !strings.Contains(calls, "close vhost1") {
		t.Errorf("ports kept after the failed Apply are not released at Shutdown: %s", calls)
	}
}

// A flush in a batch that fails later does not take effect; one that is
// followed by successful commands takes effect at the end of the batch.
func TestFlushInBatch(t *testing.T) {
	h := base(t)
	s := h.snap()
	got := h.do(mkBatch(flush, comp("9", "forward", `"ring4"`, `"ring5"`), flush))
	if want := refused("bad value(core_id): core 9 is not a worker lcore of this process"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	h.unchanged(s)

	got = h.do(mkBatch(flush, comp("5", "forward", `"ring4"`, `"ring5"`), `{"command":"status"}`))
	if !strings.Contains(got, `{"core":4,"name":"forward4"`) || !strings.Contains(got, `{"core":5,"type":"unuse"}`) ||
		!strings.Contains(got, `"staged":true`) {
		t.Errorf("status after flush then component: %s", got)
	}
}

// process and exit.
func TestProcessExit(t *testing.T) {
	h := newHarness(t, proto.TypeMirror)
	if got := h.do(mkBatch(`{"command":"process"}`)); got != `{"results":[{"result":"success"}],"client_id":7,"process_type":"mirror"}` {
		t.Errorf("process: %s", got)
	}
	req, _ := proto.ParseBatch([]byte(mkBatch(`{"command":"exit"}`, comp("9", "mirror", "", ""))))
	if _, exit := h.e.Handle(req); exit {
		t.Errorf("exit in a failing batch exits")
	}
	req, _ = proto.ParseBatch([]byte(mkBatch(`{"command":"exit"}`)))
	if rep, exit := h.e.Handle(req); !exit || rep.Results[0].Result != proto.Success {
		t.Errorf("exit: %v %v", rep, exit)
	}
}

// status reports the active state exactly as protocol.md section 4 shows
// it, in the shapes of version 2 (9.5: state, ports as objects).
func TestStatus(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(mkBatch(
		comp("2", "classifier", `"nic0"`, `"ring0","ring2"`),
		comp("4", "forward", `"ring0"`, `"vhost0"`),
		mac("52:54:00:12:34:56", "ring0"), mac("default", "ring2"), mac("0A:00:00:00:00:01", "ring2"),
		flush, comp("6", "forward", `"ring5"`, `"ring6"`)))
	h.dp.counters = map[string][2]uint64{"classifier2": {120, 3}, "forward4": {60, 0}}
	h.dp.portStats = map[port.Port][4]uint64{pp("nic0")[0]: {120, 0, 1, 0}, pp("vhost0")[0]: {0, 60, 0, 2}}
	got := h.do(mkBatch(`{"command":"status"}`))
	want := `{"results":[{"result":"success"}],"info":{"client_id":7,"process_type":"vf","main_lcore":1,"staged":true,` +
		`"ports":[{"port":"nic0","rx":120,"tx":0,"rx_drop":1,"tx_drop":0},{"port":"ring0","rx":0,"tx":0,"rx_drop":0,"tx_drop":0},` +
		`{"port":"ring2","rx":0,"tx":0,"rx_drop":0,"tx_drop":0},{"port":"vhost0","rx":0,"tx":60,"rx_drop":0,"tx_drop":2,"link":"up"}],` +
		`"core":[{"core":2,"name":"classifier2","type":"classifier","state":"running","rx_port":[{"port":"nic0","vlan":{"operation":"none"}}],` +
		`"tx_port":[{"port":"ring0","vlan":{"operation":"none"}},{"port":"ring2","vlan":{"operation":"none"}}],"packets":120,"drops":3},` +
		`{"core":3,"type":"unuse"},` +
		`{"core":4,"name":"forward4","type":"forward","state":"running","rx_port":[{"port":"ring0","vlan":{"operation":"none"}}],` +
		`"tx_port":[{"port":"vhost0","vlan":{"operation":"none"}}],"packets":60,"drops":0},` +
		`{"core":5,"type":"unuse"},{"core":6,"type":"unuse"}],` +
		`"classifier_table":[{"type":"mac","value":"default","port":"ring2"},{"type":"mac","value":"0a:00:00:00:00:01","port":"ring2"},` +
		`{"type":"mac","value":"52:54:00:12:34:56","port":"ring0"}]}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// Shutdown idles every busy lcore, then releases the ports, newest first.
func TestShutdown(t *testing.T) {
	h := newHarness(t, proto.TypeVF)
	h.ok(readSeed(t, "seed000_vm_start.json"))
	h.dp.calls = nil
	h.e.Shutdown()
	want := "apply 2=idle; 3=idle; 4=idle; 5=idle|close vhost0|close ring1|close ring0|close nic0"
	if got := strings.Join(h.dp.calls, "|"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
