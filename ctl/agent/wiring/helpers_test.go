package wiring

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
)

// seedConfig is seed 000's host: one NIC, two vhosts, spp_vf started with
// -c 0x3ffd (main lcore 0, workers 2..13).
func seedConfig() *keys.Config {
	return &keys.Config{VF: []keys.VF{{PCIAddress: "00:04.0", PhysicalNetwork: "phys1", NumVhost: 2, CoreMask: "0x3ffd"}}}
}

// seedVF is that spp_vf, fresh.
func seedVF() *agenttest.VF {
	return agenttest.NewVF(1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
}

// vm is a bound port.
func vm(id string, vhost int, mac string) Bound { return Bound{ID: id, MAC: mac, Vhost: vhost} }

// vlanVM is a bound port on a VLAN network.
func vlanVM(id string, vhost int, mac string, vlan int) Bound {
	return Bound{ID: id, MAC: mac, Vhost: vhost, VLAN: vlan}
}

// step computes NIC nic's desired wiring against vf's status, plans the
// batch, and returns it as lines, with the port errors.
func step(t *testing.T, cfg *keys.Config, nic int, vf *agenttest.VF, policy Policy, bound ...Bound) ([]string, Wiring, []PortError) {
	t.Helper()
	have := vf.Status()
	want, perrs, err := Desired(cfg, nic, bound, policy, Placed(have))
	if err != nil {
		t.Fatalf("Desired: %v", err)
	}
	cmds, err := Plan(want, have)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return lines(cmds), want, perrs
}

// apply sends the batch to vf and requires every command to succeed, then
// requires the next plan to be empty: the batch reached the wiring.
func apply(t *testing.T, vf *agenttest.VF, want Wiring, batch []string) {
	t.Helper()
	if len(batch) == 0 {
		return
	}
	var cmds []proto.Command
	for _, l := range batch {
		cmds = append(cmds, proto.Command{Raw: []byte(l)})
	}
	rep := vf.Do(cmds...)
	for i, r := range rep.Results {
		if r.Result != proto.Success {
			t.Fatalf("the spp_vf refused command %d %s: %+v", i, batch[i], r)
		}
	}
	again, err := Plan(want, vf.Status())
	if err != nil || again != nil {
		t.Fatalf("after the batch, the next plan is %q (%v); want nothing", lines(again), err)
	}
}

func lines(cmds []proto.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, string(c.Raw))
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Command lines the tests expect.
const (
	flush = `{"command":"flush"}`
)

// retagVM1 is the batch that moves VM 1's ports (ring2 from the
// classifier, ring3 into the merger), wired flat for 52:54:00:00:00:02,
// to VLAN vid for 52:54:00:00:00:03: the classifier strips the tag on
// ring2, the merger pushes it on ring3.
func retagVM1(vid int) []string {
	return []string{
		unuse("52:54:00:00:00:02"),
		`{"command":"port","action":"del","port":"ring2","dir":"tx","name":"classifier"}`,
		`{"command":"port","action":"del","port":"ring3","dir":"rx","name":"merger"}`,
		`{"command":"port","action":"add","port":"ring2","dir":"tx","name":"classifier","vlan":{"operation":"del"}}`,
		fmt.Sprintf(`{"command":"port","action":"add","port":"ring3","dir":"rx","name":"merger","vlan":{"operation":"add","id":%d,"pcp":0}}`, vid),
		fmt.Sprintf(`{"command":"classifier_table","type":"vlan","vlan":%d,"value":"52:54:00:00:00:03","port":"unuse"}`, vid),
		fmt.Sprintf(`{"command":"classifier_table","type":"vlan","vlan":%d,"value":"52:54:00:00:00:03","port":"ring2"}`, vid),
		flush,
	}
}

func unuse(mac string) string {
	return `{"command":"classifier_table","type":"mac","value":"` + mac + `","port":"unuse"}`
}

func mapMAC(mac, port string) string {
	return `{"command":"classifier_table","type":"mac","value":"` + mac + `","port":"` + port + `"}`
}

func none(name string) string { return `{"command":"component","type":"none","name":"` + name + `"}` }
