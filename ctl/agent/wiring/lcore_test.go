package wiring

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
)

func smallConfig(mask string, vhosts int) *keys.Config {
	return &keys.Config{VF: []keys.VF{{PhysicalNetwork: "phys1", NumVhost: vhosts, CoreMask: mask}}}
}

// Lcores are taken least loaded first (lowest id on a tie), at most 4
// components each, a VM's pair on one lcore: with workers 2 and 3 the
// classifier takes 2, the merger 3, VM 0 lcore 2, VM 1 lcore 3, and VM 2
// finds no lcore with room for two: a clear error, no up, and the others
// wired all the same.
func TestLcoresLeastLoadedAndFull(t *testing.T) {
	cfg := smallConfig("0xd", 3) // lcores 0, 2, 3: main 0
	vf := agenttest.NewVF(1, 0, 2, 3)
	got, want, perrs := step(t, cfg, 0, vf, Dynamic,
		vm("p0", 0, "52:54:00:00:00:01"), vm("p1", 1, "52:54:00:00:00:02"), vm("p2", 2, "52:54:00:00:00:03"))
	cores := map[string]int{}
	for _, c := range want.Components {
		cores[c.Name] = c.Core
	}
	if cores["classifier"] != 2 || cores["merger"] != 3 || cores["forward_0_tx"] != 2 || cores["forward_0_rx"] != 2 ||
		cores["forward_1_tx"] != 3 || cores["forward_1_rx"] != 3 || len(cores) != 6 {
		t.Errorf("placement %v", cores)
	}
	if len(perrs) != 1 || perrs[0].Port != "p2" {
		t.Fatalf("port errors %v", perrs)
	}
	msg := perrs[0].Error()
	for _, part := range []string{"port p2", "no room for 2", "spp_vf 1", "[2 3]", "4 at most", "loads [3 3]"} {
		if !strings.Contains(msg, part) {
			t.Errorf("error %q does not say %q", msg, part)
		}
	}
	if strings.Join(want.Wired, ",") != "p0,p1" {
		t.Errorf("wired %v", want.Wired)
	}
	apply(t, vf, want, got)
}

// A plug never moves what runs: with workers 2, 3, 4 (classifier 2,
// merger 3, VM 0 on 4), VM 1 goes to the least loaded of 2 and 3; when VM
// 0 leaves, VM 1 stays where it is and a new VM 2 takes the emptied lcore.
func TestLcoresStable(t *testing.T) {
	cfg := smallConfig("0x1d", 3) // lcores 0, 2, 3, 4
	vf := agenttest.NewVF(1, 0, 2, 3, 4)
	a, b, c := vm("a", 0, "52:54:00:00:00:01"), vm("b", 1, "52:54:00:00:00:02"), vm("c", 2, "52:54:00:00:00:03")
	for _, bound := range [][]Bound{{a}, {a, b}, {b}, {b, c}} {
		got, want, perrs := step(t, cfg, 0, vf, Dynamic, bound...)
		if len(perrs) > 0 {
			t.Fatal(perrs)
		}
		apply(t, vf, want, got)
	}
	p := Placed(vf.Status())
	if p["classifier"] != 2 || p["merger"] != 3 || p["forward_1_tx"] != 2 || p["forward_1_rx"] != 2 ||
		p["forward_2_tx"] != 4 || p["forward_2_rx"] != 4 {
		t.Errorf("placement %v", p)
	}
}

// One worker: the classifier, the merger and one VM's pair fill it; the
// next VM is refused.
func TestLcoresOneWorker(t *testing.T) {
	cfg := smallConfig("0x6", 2) // lcores 1, 2
	vf := agenttest.NewVF(1, 1, 2)
	got, want, perrs := step(t, cfg, 0, vf, Dynamic, vm("a", 0, "52:54:00:00:00:01"), vm("b", 1, "52:54:00:00:00:02"))
	if len(perrs) != 1 || perrs[0].Port != "b" || len(want.Components) != 4 {
		t.Fatalf("port errors %v, components %v", perrs, want.Components)
	}
	apply(t, vf, want, got)
}

// NIC i is nic<i>, served by client id i+1; vhost ids run on across NICs
// (NIC 0: 0 and 1; NIC 1: 2 and 3), so vhost 2 is NIC 1's first, on rings
// 4 and 5; ports of the other NIC are not this one's business.
func TestSecondNIC(t *testing.T) {
	cfg := &keys.Config{VF: []keys.VF{
		{PhysicalNetwork: "phys1", NumVhost: 2, CoreMask: "0x3c"},
		{PhysicalNetwork: "phys2", NumVhost: 2, CoreMask: "0x3c0"},
	}}
	vf := agenttest.NewVF(2, 6, 7, 8, 9)
	bound := []Bound{vm("a", 0, "52:54:00:00:00:01"), vm("b", 2, "52:54:00:00:00:02")}
	got, want, _ := step(t, cfg, 1, vf, Dynamic, bound...)
	if want.ClientID != 2 {
		t.Errorf("client id %d", want.ClientID)
	}
	sameLines(t, "second NIC", got, []string{
		`{"command":"component","core_id":"7","type":"classifier","name":"classifier","rx_ports":["nic1"],"tx_ports":["ring4"]}`,
		`{"command":"component","core_id":"8","type":"merge","name":"merger","rx_ports":["ring5"],"tx_ports":["nic1"]}`,
		`{"command":"component","core_id":"9","type":"forward","name":"forward_2_tx","rx_ports":["ring4"],"tx_ports":["vhost2"]}`,
		`{"command":"component","core_id":"9","type":"forward","name":"forward_2_rx","rx_ports":["vhost2"],"tx_ports":["ring5"]}`,
		unuse("52:54:00:00:00:02"), mapMAC("52:54:00:00:00:02", "ring4"),
		flush,
	})
	apply(t, vf, want, got)
}
