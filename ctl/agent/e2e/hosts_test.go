package e2e_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// Two hosts on one machine and one etcd: two nodes with their own file
// prefixes, controller ports, spp serve, vhost socket directories and
// agents (h1, h2). Proved: a port bound on h1 is wired on h1's spp_vf
// only, one bound on h2 on h2's only (each host's slots numbered from 0):
// each spp_vf runs one VM's forwarders and has only its VM's entry, and
// the same frames injected into each host's nic0 reach only that host's
// VM; unbinding h1's port empties h1's spp_vf and leaves h2's as it was.
func TestTwoHosts(t *testing.T) {
	url := startEtcd(t, t.TempDir())
	h1 := startNode(t, nodeOpts{vhosts: 2, vfLcores: "1@0,2@1,3@1", coreMask: "0xe", injector: true, host: "h1", etcdURL: url})
	h2 := startNode(t, nodeOpts{vhosts: 2, vfLcores: "1@0,2@1,3@1", coreMask: "0xe", injector: true, host: "h2", etcdURL: url})
	vms := []*st.VM{h1.vm(t, 0, mac1s), h2.vm(t, 0, mac2s)}
	if id, _ := h1.bind(t, "a", mac1s, 0); id != 0 {
		t.Fatalf("h1: vhost %d", id)
	}
	if id, _ := h2.bind(t, "b", mac2s, 0); id != 0 {
		t.Fatalf("h2: vhost %d", id)
	}
	for i, nd := range []*node{h1, h2} {
		in := nd.waitStatus(t, st.VMTimeout, "the VM's link", linksUp(0))
		vms[i].WaitForwarding(t)
		got := components(in)
		sort.Strings(got)
		if want := []string{"classifier", "forward_0_rx", "forward_0_tx", "merger"}; !slices.Equal(got, want) {
			t.Fatalf("%s runs %v, want %v", nd.host, got, want)
		}
		mac := []string{mac1s, mac2s}[i]
		if len(in.ClassifierTable) != 1 || in.ClassifierTable[0].Value != mac {
			t.Fatalf("%s's table %+v, want %s only", nd.host, in.ClassifierTable, mac)
		}
	}
	for i, nd := range []*node{h1, h2} {
		want := []uint64{4, 3}[i]
		b, a := nd.traffic(t, slices.Concat(frames(mac1, 4, 60), frames(mac2, 3, 60)), map[int]uint64{0: want})
		if d := delivered(b, a, 0); d != want {
			t.Errorf("%s's VM got %d frames, want %d", nd.host, d, want)
		}
	}
	before := h2.status(t, 1)
	h1.unbind(t, "a")
	if c := components(h1.status(t, 1)); len(c) != 0 {
		t.Fatalf("h1 runs %v after its port was unbound", c)
	}
	after := h2.status(t, 1)
	if len(components(after)) != 4 || !sameTable(before, after) {
		t.Fatalf("h2 changed when h1's port was unbound: %v, %+v", components(after), after.ClassifierTable)
	}
}

func sameTable(a, b *proto.SecondaryInfo) bool {
	return slices.Equal(a.ClassifierTable, b.ClassifierTable)
}
