package wiring

import (
	"testing"

	"github.com/spp-go/spp/common/proto"
)

// A VM on VLAN 100: its classifier-side ring strips (del), its merger-side
// ring pushes 100 with pcp 0, and its entry is a vlan entry; the spp_vf's
// status then shows exactly that.
func TestVLANPlug(t *testing.T) {
	vf := seedVF()
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic, vlanVM("p1", 0, "52:54:00:00:00:01", 100))
	sameLines(t, "VLAN plug", got, []string{
		`{"command":"component","core_id":"2","type":"classifier","name":"classifier","rx_ports":["nic0"],"tx_ports":[{"port":"ring0","vlan":{"operation":"del"}}]}`,
		`{"command":"component","core_id":"3","type":"merge","name":"merger","rx_ports":[{"port":"ring1","vlan":{"operation":"add","id":100,"pcp":0}}],"tx_ports":["nic0"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_0_tx","rx_ports":["ring0"],"tx_ports":["vhost0"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_0_rx","rx_ports":["vhost0"],"tx_ports":["ring1"]}`,
		`{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"unuse"}`,
		`{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"}`,
		flush,
	})
	apply(t, vf, want, got)
	st := vf.Status()
	for _, c := range st.Core {
		switch c.Name {
		case "classifier":
			if c.TxPort[0].VLAN.Operation != proto.VLANDel {
				t.Errorf("classifier tx %+v", c.TxPort)
			}
		case "merger":
			if v := c.RxPort[0].VLAN; v.Operation != proto.VLANAdd || v.ID != 100 || v.PCP != 0 {
				t.Errorf("merger rx %+v", c.RxPort)
			}
		}
	}
	if e := st.ClassifierTable; len(e) != 1 || e[0].Type != "vlan" || e[0].VLAN != 100 {
		t.Errorf("table %+v", e)
	}
}

// A flat VM next to a VLAN one gets plain ports; and when a slot changes
// tenant from flat to VLAN 200 in one reconcile, its two ring ports are
// deleted and added again with the VLAN operations, the old mac entry goes
// and the vlan entry comes, in one batch the spp_vf accepts.
func TestVLANNextToFlatAndRetag(t *testing.T) {
	vf := seedVF()
	v0 := vlanVM("p1", 0, "52:54:00:00:00:01", 100)
	f1 := vm("p2", 1, "52:54:00:00:00:02")
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic, v0)
	apply(t, vf, want, got)
	got, want, _ = step(t, seedConfig(), 0, vf, Dynamic, v0, f1)
	sameLines(t, "flat next to VLAN", got[:2], []string{
		`{"command":"port","action":"add","port":"ring2","dir":"tx","name":"classifier"}`,
		`{"command":"port","action":"add","port":"ring3","dir":"rx","name":"merger"}`,
	})
	apply(t, vf, want, got)

	t3 := vlanVM("p3", 1, "52:54:00:00:00:03", 200)
	got, want, _ = step(t, seedConfig(), 0, vf, Dynamic, v0, t3)
	sameLines(t, "retag", got, retagVM1(200))
	apply(t, vf, want, got)
}

// Two ports with one MAC on one VLAN of a NIC cannot both be wired: the
// second (by vhost) gets an error naming the first, and no up. The same
// MAC on another VLAN is a different entry and is fine. Two ports on one
// vhost: the second is refused.
func TestCollisions(t *testing.T) {
	vf := seedVF()
	cfg := seedConfig()
	cfg.VF[0].NumVhost = 4
	_, want, perrs := step(t, cfg, 0, vf, Dynamic,
		vlanVM("a", 0, "52:54:00:00:00:01", 100),
		vlanVM("b", 1, "52:54:00:00:00:01", 100),
		vlanVM("c", 2, "52:54:00:00:00:01", 101),
		vm("d", 2, "52:54:00:00:00:04"))
	if len(perrs) != 2 || perrs[0].Port != "b" || perrs[1].Port != "d" {
		t.Fatalf("port errors %v", perrs)
	}
	t.Logf("%v; %v", perrs[0], perrs[1])
	if len(want.Wired) != 2 || want.Wired[0] != "a" || want.Wired[1] != "c" {
		t.Errorf("wired %v", want.Wired)
	}
}
