package wiring

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
)

// Static with no components in the document: networking-spp's default
// layout, core mask 0xfe as its docs show it (forward_0_tx 2, forward_0_rx
// 3, forward_1_tx 4, forward_1_rx 5, classifier 6, merger 7), built whole
// with no VM; a plug then adds only its entry, an unplug removes only it.
func TestStaticDefaultLayout(t *testing.T) {
	cfg := smallConfig("0xfe", 2)
	vf := agenttest.NewVF(1, 1, 2, 3, 4, 5, 6, 7)
	got, want, _ := step(t, cfg, 0, vf, Static)
	sameLines(t, "static build", got, []string{
		`{"command":"component","core_id":"6","type":"classifier","name":"classifier","rx_ports":["nic0"],"tx_ports":["ring0","ring2"]}`,
		`{"command":"component","core_id":"7","type":"merge","name":"merger","rx_ports":["ring1","ring3"],"tx_ports":["nic0"]}`,
		`{"command":"component","core_id":"2","type":"forward","name":"forward_0_tx","rx_ports":["ring0"],"tx_ports":["vhost0"]}`,
		`{"command":"component","core_id":"3","type":"forward","name":"forward_0_rx","rx_ports":["vhost0"],"tx_ports":["ring1"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_1_tx","rx_ports":["ring2"],"tx_ports":["vhost1"]}`,
		`{"command":"component","core_id":"5","type":"forward","name":"forward_1_rx","rx_ports":["vhost1"],"tx_ports":["ring3"]}`,
		flush,
	})
	apply(t, vf, want, got)

	got, want, _ = step(t, cfg, 0, vf, Static, vm("p", 1, "52:54:00:00:00:02"))
	sameLines(t, "static plug", got, []string{unuse("52:54:00:00:00:02"), mapMAC("52:54:00:00:00:02", "ring2"), flush})
	if strings.Join(want.Wired, ",") != "p" {
		t.Errorf("wired %v", want.Wired)
	}
	apply(t, vf, want, got)

	got, want, _ = step(t, cfg, 0, vf, Static, vlanVM("q", 1, "52:54:00:00:00:03", 300))
	sameLines(t, "static retag", got, retagVM1(300))
	apply(t, vf, want, got)

	got, want, _ = step(t, cfg, 0, vf, Static)
	if len(got) != 6 || !strings.Contains(got[0], `"vlan":300`) || got[5] != flush {
		t.Errorf("static unplug: %q", got)
	}
	apply(t, vf, want, got)
	if n := len(vf.Status().Core); n != 6 {
		t.Errorf("%d components after the last unplug; static keeps all 6", n)
	}
}

// A short mask packs the default layout as dynamic would (at most 4 per
// lcore, a VM's pair on one lcore) instead of failing as devstack's
// generator did: two vhosts on two workers; three do not fit, a clear
// error for the whole NIC.
func TestStaticDefaultPacked(t *testing.T) {
	layout, err := DefaultLayout(0, 0, 2, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	load := map[int]int{}
	for _, c := range layout {
		load[c.Core]++
	}
	if load[2] != 3 || load[3] != 3 || len(layout) != 6 {
		t.Errorf("loads %v", load)
	}
	_, err = DefaultLayout(0, 0, 3, []int{2, 3})
	if err == nil || !strings.Contains(err.Error(), "no room") {
		t.Errorf("3 vhosts on 2 workers: %v", err)
	}
}

// The document's own components (networking-spp's customisation: no
// forwarders, the classifier and merger on the vhosts directly, sharing
// a core): types and ports in networking-spp's words are read, and a VLAN
// VM's strip and push go on the vhost ports themselves.
func TestStaticCustomLayout(t *testing.T) {
	cfg := smallConfig("0x6", 2)
	cfg.VF[0].Components = []keys.Component{
		{Name: "classifier", Type: "classifier_mac", Core: 2, RxPort: []string{"phy:0"}, TxPort: []string{"vhost:0", "vhost:1"}},
		{Name: "merger", Type: "merge", Core: 2, RxPort: []string{"vhost:0", "vhost:1"}, TxPort: []string{"phy:0"}},
	}
	vf := agenttest.NewVF(1, 1, 2)
	got, want, perrs := step(t, cfg, 0, vf, Static, vlanVM("p", 1, "52:54:00:00:00:02", 7))
	if len(perrs) > 0 {
		t.Fatal(perrs)
	}
	sameLines(t, "custom", got, []string{
		`{"command":"component","core_id":"2","type":"classifier","name":"classifier","rx_ports":["nic0"],"tx_ports":["vhost0",{"port":"vhost1","vlan":{"operation":"del"}}]}`,
		`{"command":"component","core_id":"2","type":"merge","name":"merger","rx_ports":["vhost0",{"port":"vhost1","vlan":{"operation":"add","id":7,"pcp":0}}],"tx_ports":["nic0"]}`,
		`{"command":"classifier_table","type":"vlan","vlan":7,"value":"52:54:00:00:00:02","port":"unuse"}`,
		`{"command":"classifier_table","type":"vlan","vlan":7,"value":"52:54:00:00:00:02","port":"vhost1"}`,
		flush,
	})
	apply(t, vf, want, got)
}

// A layout the spp_vf could not run is an error for the NIC, named.
func TestStaticBadLayout(t *testing.T) {
	for _, tc := range []struct {
		comp keys.Component
		want string
	}{
		{keys.Component{Name: "c", Type: "classifier_mac", Core: 9, RxPort: []string{"phy:0"}}, "core 9 is not a worker"},
		{keys.Component{Name: "c", Type: "mirror", Core: 2}, `type "mirror"`},
		{keys.Component{Name: "c", Type: "forward", Core: 2, RxPort: []string{"ring:x"}}, "rx_port"},
		{keys.Component{Type: "forward", Core: 2}, "a name"},
	} {
		cfg := smallConfig("0x6", 1)
		cfg.VF[0].Components = []keys.Component{tc.comp}
		_, _, err := Desired(cfg, 0, nil, Static, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.comp, err, tc.want)
		}
	}
}
