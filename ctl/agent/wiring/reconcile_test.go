package wiring

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
)

// Nothing to change: nothing to send (not even a flush), whatever the
// order the spp_vf lists ports and entries in.
func TestPlanNothing(t *testing.T) {
	vf := seedVF()
	bound := []Bound{vm("a", 0, "52:54:00:00:00:01"), vm("b", 1, "52:54:00:00:00:02")}
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic, bound...)
	apply(t, vf, want, got)
	have := vf.Status()
	for i := range have.Core { // reverse every port list
		c := &have.Core[i]
		for l, r := 0, len(c.TxPort)-1; l < r; l, r = l+1, r-1 {
			c.TxPort[l], c.TxPort[r] = c.TxPort[r], c.TxPort[l]
		}
		for l, r := 0, len(c.RxPort)-1; l < r; l, r = l+1, r-1 {
			c.RxPort[l], c.RxPort[r] = c.RxPort[r], c.RxPort[l]
		}
	}
	if cmds, err := Plan(want, have); cmds != nil || err != nil {
		t.Errorf("plan %q, %v", lines(cmds), err)
	}
	if cmds, err := Plan(Wiring{ClientID: 1}, seedVF().Status()); cmds != nil || err != nil {
		t.Errorf("empty on empty: %q, %v", lines(cmds), err)
	}
}

// What the agent did not make goes: a component of the operator's (even
// under a default name), a default entry; changes staged and never flushed
// are cancelled first, so the flush commits only the agent's batch.
func TestPlanOwnsTheVF(t *testing.T) {
	vf := seedVF()
	rep := vf.Do(
		proto.Component(proto.ComponentArgs{CoreID: "9", Type: "classifier", Rx: []string{"nic1"}, Tx: []string{"ring9"}}),
		proto.ClassifierTable(proto.ClassifierArgs{Value: "default", Port: "ring9"}),
		proto.Flush(),
		proto.Component(proto.ComponentArgs{CoreID: "10", Type: "forward", Name: "staged", Rx: []string{"ring8"}, Tx: []string{"ring7"}}))
	for _, r := range rep.Results {
		if r.Result != proto.Success {
			t.Fatalf("setup: %+v", rep)
		}
	}
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic)
	sameLines(t, "foreign", got, []string{
		`{"command":"cancel"}`,
		`{"command":"classifier_table","type":"mac","value":"default","port":"unuse"}`,
		none("classifier9"),
		flush,
	})
	apply(t, vf, want, got)
	if st := vf.Status(); st.Staged {
		t.Error("still staged")
	}
}

// A component that must change lcore or type is removed and made again in
// the same batch (never a half state: the flush applies both).
func TestPlanMovesAComponent(t *testing.T) {
	vf := seedVF()
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic, vm("a", 0, "52:54:00:00:00:01"))
	apply(t, vf, want, got)
	want.Components[0].Core = 9 // the classifier, elsewhere
	cmds, err := Plan(want, vf.Status())
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, "move", lines(cmds), []string{
		none("classifier"),
		`{"command":"component","core_id":"9","type":"classifier","name":"classifier","rx_ports":["nic0"],"tx_ports":["ring0"]}`,
		flush,
	})
	apply(t, vf, want, lines(cmds))
	// The entry survived the classifier's rebuild.
	if e := vf.Status().ClassifierTable; len(e) != 1 {
		t.Errorf("table %+v", e)
	}
}

// A core mask that does not match the process: an error, nothing sent.
func TestPlanWrongLcores(t *testing.T) {
	cfg := smallConfig("0x30", 1) // main 4, worker 5
	vf := seedVF()                // workers 2..13, but say 5 is missing:
	have := vf.Status()
	var cores []proto.CoreStatus
	for _, c := range have.Core {
		if c.Core != 5 {
			cores = append(cores, c)
		}
	}
	have.Core = cores
	want, _, err := Desired(cfg, 0, []Bound{vm("a", 0, "52:54:00:00:00:01")}, Dynamic, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := Plan(want, have)
	if cmds != nil || err == nil || !strings.Contains(err.Error(), "no worker lcore 5") {
		t.Errorf("plan %q, %v", lines(cmds), err)
	}
}

// 64 VMs plugged at once on a fresh spp_vf (the classifier's tx limit):
// 130 components and 128 entry commands do not fit in one batch of 256;
// the plan is cut into flushed batches the spp_vf accepts, and the wiring
// is complete after them.
func TestSplitLargePlan(t *testing.T) {
	var workers []int
	for l := 1; l <= 40; l++ {
		workers = append(workers, l)
	}
	cfg := smallConfig("0x1ffffffffff", 64) // main 0, workers 1..40
	vf := agenttest.NewVF(1, 0, workers...)
	var bound []Bound
	for v := 0; v < 64; v++ {
		bound = append(bound, vm(fmt.Sprintf("p%02d", v), v, fmt.Sprintf("52:54:00:00:01:%02x", v)))
	}
	have := vf.Status()
	want, perrs, err := Desired(cfg, 0, bound, Dynamic, Placed(have))
	if err != nil || len(perrs) > 0 {
		t.Fatal(err, perrs)
	}
	plan, _ := Plan(want, have)
	parts := Split(plan)
	if len(plan) != 259 || len(parts) != 2 || len(parts[0]) != 256 {
		t.Fatalf("plan of %d in %d parts", len(plan), len(parts))
	}
	for i, p := range parts {
		if string(p[len(p)-1].Raw) != flush {
			t.Errorf("part %d does not end in flush", i)
		}
		rep := vf.Do(p...)
		for j, r := range rep.Results {
			if r.Result != "success" {
				t.Fatalf("part %d, command %d %s: %+v", i, j, p[j].Raw, r)
			}
		}
	}
	if again, err := Plan(want, vf.Status()); again != nil || err != nil {
		t.Errorf("after the parts: %q %v", lines(again), err)
	}
	if one := Split(plan[:10]); len(one) != 1 || len(one[0]) != 10 {
		t.Errorf("a short plan was cut: %d", len(one))
	}
}
