package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/agent"
)

// The two VMs, the outside host that sends them frames, a MAC nobody has.
const (
	mac1    = 0x525400000001
	mac2    = 0x525400000002
	hostMAC = 0x020000000a0a
	unknown = 0x525400000099
	mac1s   = "52:54:00:00:00:01"
	mac2s   = "52:54:00:00:00:02"
	hostS   = "02:00:00:00:0a:0a"
)

var seq uint32

// frames are n frames from the outside host to dst, of size bytes.
func frames(dst uint64, n, size int) [][]byte {
	var out [][]byte
	for i := 0; i < n; i++ {
		seq++
		out = append(out, pcapfile.Frame(dst, hostMAC, size, seq))
	}
	return out
}

// tagged is f with an 802.1Q tag of vid after its MACs.
func tagged(f []byte, vid int) []byte {
	g := append([]byte(nil), f[:12]...)
	g = append(g, 0x81, 0x00, byte(vid>>8), byte(vid))
	return append(g, f[12:]...)
}

// counters of spp_vf 1's port p: what it sent (towards a VM: what the VM
// got) and received (from a VM: what it sent back).
func counters(in *proto.SecondaryInfo, p string) (tx, rx uint64) {
	s := st.Port(in, p)
	return s.Tx, s.Rx
}

// traffic injects frames and waits until the VMs sent back wantBack[i]
// more frames on vhost i than in before; it returns the status then, 200
// ms later (anything more would be a bug: let it show).
func (nd *node) traffic(t *testing.T, fs [][]byte, wantBack map[int]uint64) (before, after *proto.SecondaryInfo) {
	t.Helper()
	before = nd.status(t, 1)
	nd.inject(t, fs)
	nd.waitStatus(t, 30*time.Second, fmt.Sprintf("the VMs' replies %v", wantBack), func(in *proto.SecondaryInfo) bool {
		for v, n := range wantBack {
			p := fmt.Sprintf("vhost%d", v)
			if _, rx := counters(in, p); rx-st.Port(before, p).Rx < n {
				return false
			}
		}
		return true
	})
	time.Sleep(200 * time.Millisecond)
	return before, nd.status(t, 1)
}

// delivered is how many frames spp_vf 1 sent to the VM on vhost v
// between two statuses.
func delivered(before, after *proto.SecondaryInfo, v int) uint64 {
	p := fmt.Sprintf("vhost%d", v)
	return st.Port(after, p).Tx - st.Port(before, p).Tx
}

// TestAgentEndToEnd is agent.md's "Tests the work must have" through
// real daemons, in one node (its start is the costly part), phase after
// phase:
//
//   - Seed 000 through etcd: two testpmd VMs (macswap) bound with `spp
//     port bind` get `up`; frames injected into nic0 for both MACs and an
//     unknown one reach exactly their VM (counted on the vhost ports: the
//     VM got n and sent n back), the unknown ones nobody. Unbinding one
//     leaves the other getting exactly its frames and the first none;
//     unbinding the last leaves spp_vf running nothing and an empty
//     table; binding again wires it and traffic flows.
//   - kill -9 of spp_vf, started again: the agent (the same process)
//     rewires it and each VM gets exactly its frames again.
//   - kill -9 of the agent, an unplug written while it is down: started
//     again, it carries it out (the unbind returns, the VM's forwarders
//     and entry are gone).
//   - spp serve restarted: the daemons and the agent reconnect, a bind
//     gets its up and its wiring.
//   - VLAN: four frames tagged 7 for VM 1 reach it untagged (the vhost
//     port's bytes are 4 x 60, the untagged size); VM 1's replies leave
//     the merger tagged 7: they reach a VM bound on VLAN 7 with the
//     outside host's MAC (rxonly), which only a frame tagged 7 can, again
//     untagged.
//   - At the end, every port unbound: nothing runs, and the primary's
//     mbuf pool is back to its use before any traffic.
func TestAgentEndToEnd(t *testing.T) {
	nd := startNode(t, nodeOpts{vhosts: 2, vfLcores: "1@0,2@1,3@1", coreMask: "0xe", injector: true})
	idle := nd.mempoolInUse(t)
	vm0 := nd.vm(t, 0, mac1s)
	vm1 := nd.vm(t, 1, mac2s)
	var ups []time.Duration

	step := func(s string) { t.Logf("%s: %s", time.Now().Format("15:04:05.000"), s) }
	step("seed 000: bind two VMs")
	for _, b := range []struct {
		port, mac string
		want      int
	}{{"p1", mac1s, 0}, {"p2", mac2s, 1}} {
		id, d := nd.bind(t, b.port, b.mac, 0)
		ups = append(ups, d)
		if id != b.want {
			t.Fatalf("bind %s: vhost %d, want %d", b.port, id, b.want)
		}
	}
	in := nd.waitStatus(t, st.VMTimeout, "the VMs' links", linksUp(0, 1))
	vm0.WaitForwarding(t)
	vm1.WaitForwarding(t)
	got := components(in)
	sort.Strings(got)
	if want := []string{"classifier", "forward_0_rx", "forward_0_tx", "forward_1_rx", "forward_1_tx", "merger"}; !slices.Equal(got, want) {
		t.Fatalf("components %v, want %v", got, want)
	}
	mixed := func() [][]byte {
		return slices.Concat(frames(mac1, 4, 60), frames(mac2, 3, 128), frames(unknown, 2, 60), frames(mac1, 2, 1000))
	}
	b, a := nd.traffic(t, mixed(), map[int]uint64{0: 6, 1: 3})
	if d0, d1 := delivered(b, a, 0), delivered(b, a, 1); d0 != 6 || d1 != 3 {
		t.Fatalf("two VMs: VM 1 got %d frames, VM 2 %d; want 6 and 3", d0, d1)
	}

	step("seed 000: unbind VM 1, VM 2 still forwards")
	nd.unbind(t, "p1")
	in = nd.status(t, 1)
	got = components(in)
	sort.Strings(got)
	if want := []string{"classifier", "forward_1_rx", "forward_1_tx", "merger"}; !slices.Equal(got, want) {
		t.Fatalf("after unbinding VM 1: components %v, want %v", got, want)
	}
	if len(in.ClassifierTable) != 1 || in.ClassifierTable[0].Value != mac2s {
		t.Fatalf("after unbinding VM 1: table %+v", in.ClassifierTable)
	}
	b, a = nd.traffic(t, mixed(), map[int]uint64{1: 3})
	if d0, d1 := delivered(b, a, 0), delivered(b, a, 1); d0 != 0 || d1 != 3 {
		t.Fatalf("VM 1 unbound: VM 1 got %d frames, VM 2 %d; want 0 and 3", d0, d1)
	}

	step("seed 000: unbind the last VM")
	nd.unbind(t, "p2")
	in = nd.status(t, 1)
	if c := components(in); len(c) != 0 || len(in.ClassifierTable) != 0 {
		t.Fatalf("after the last VM left, spp_vf runs %v, table %+v; want nothing", c, in.ClassifierTable)
	}

	step("seed 000: bind again")
	_, d := nd.bind(t, "p3", mac1s, 0)
	ups = append(ups, d)
	nd.waitStatus(t, st.VMTimeout, "VM 1's link", linksUp(0))
	b, a = nd.traffic(t, mixed(), map[int]uint64{0: 6})
	if d0, d1 := delivered(b, a, 0), delivered(b, a, 1); d0 != 6 || d1 != 0 {
		t.Fatalf("bound again: VM 1 got %d frames, VM 2 %d; want 6 and 0", d0, d1)
	}

	step("kill -9 spp_vf")
	_, d = nd.bind(t, "p4", mac2s, 0)
	ups = append(ups, d)
	agentPid := nd.agent.Pid()
	t0 := time.Now()
	nd.killVF(t)
	in = nd.waitStatus(t, 60*time.Second, "spp_vf 1 rewired, links up", func(in *proto.SecondaryInfo) bool {
		return len(components(in)) == 6 && len(in.ClassifierTable) == 2 && linksUp(0, 1)(in)
	})
	wired := time.Since(t0)
	b, a = nd.traffic(t, mixed(), map[int]uint64{0: 6, 1: 3})
	flows := time.Since(t0)
	if d0, d1 := delivered(b, a, 0), delivered(b, a, 1); d0 != 6 || d1 != 3 {
		t.Fatalf("after the restart of spp_vf: VM 1 got %d frames, VM 2 %d; want 6 and 3", d0, d1)
	}
	if nd.agent.Pid() != agentPid || !nd.agent.Running() {
		t.Fatal("the agent was restarted")
	}
	t.Logf("kill -9 spp_vf: wired again and links up %v after the kill, injected traffic through both VMs %v after it", wired.Round(time.Millisecond), flows.Round(time.Millisecond))

	step("kill -9 the agent, unbind while it is down")
	nd.agent.Signal(syscall.SIGKILL)
	nd.agent.Wait(10 * time.Second)
	unbound := make(chan error, 1)
	go func() { unbound <- agent.Unbind(context.Background(), nd.cli, nd.host, "p4", 60*time.Second) }()
	time.Sleep(500 * time.Millisecond)
	if c := components(nd.status(t, 1)); len(c) != 6 {
		t.Fatalf("with the agent down, spp_vf changed: %v", c)
	}
	nd.startAgent(t)
	if err := <-unbound; err != nil {
		t.Fatalf("unbind while the agent was down: %v\n--- agent:\n%s", err, nd.agent.Log())
	}
	in = nd.status(t, 1)
	if c := components(in); len(c) != 4 || len(in.ClassifierTable) != 1 || in.ClassifierTable[0].Value != mac1s {
		t.Fatalf("after the agent's restart: components %v, table %+v", c, in.ClassifierTable)
	}

	step("restart spp serve")
	nd.serve.Kill()
	nd.startServe(t)
	_, d = nd.bind(t, "p5", mac2s, 0)
	ups = append(ups, d)
	in = nd.status(t, 1)
	if c := components(in); len(c) != 6 || len(in.ClassifierTable) != 2 {
		t.Fatalf("bound after spp serve's restart: components %v, table %+v", c, in.ClassifierTable)
	}

	step("VLAN")
	nd.unbind(t, "p3")
	nd.unbind(t, "p5")
	// VM 2 gives way to a VM with the outside host's MAC that only
	// receives (rxonly): what reaches it is counted, and goes no further.
	vm1.Proc.Kill()
	testenv.RemovePrefix(vm1.Prefix)
	hostVM := st.StartVMWith(t, st.VMOpts{Sock: nd.sock(1), MAC: hostS, Server: true, Mode: "rxonly"})
	nd.bind(t, "v1", mac1s, 7)
	nd.bind(t, "v2", hostS, 7)
	in = nd.waitStatus(t, st.VMTimeout, "the VMs' links", linksUp(0, 1))
	hostVM.WaitForwarding(t)
	for _, e := range in.ClassifierTable {
		if e.VLAN != 7 {
			t.Fatalf("table %+v: want VLAN 7 entries", in.ClassifierTable)
		}
	}
	var tf [][]byte
	for _, f := range frames(mac1, 4, 60) {
		tf = append(tf, tagged(f, 7))
	}
	b = nd.status(t, 1)
	nd.inject(t, tf)
	nd.waitStatus(t, 30*time.Second, "VM 1's replies at the host's VM", func(in *proto.SecondaryInfo) bool { return delivered(b, in, 1) >= 4 })
	time.Sleep(200 * time.Millisecond)
	a = nd.status(t, 1)
	for v := range 2 {
		p := fmt.Sprintf("vhost%d", v)
		if st.Port(a, p).TxBytes == nil || st.Port(b, p).TxBytes == nil {
			t.Fatalf("VLAN: no byte counters for %s: %+v then %+v", p, st.Port(b, p), st.Port(a, p))
		}
		n, bytes := delivered(b, a, v), *st.Port(a, p).TxBytes-*st.Port(b, p).TxBytes
		if n != 4 || bytes != 4*60 {
			t.Errorf("VLAN: vhost%d got %d frames, %d bytes; want 4 untagged ones, 240 bytes", v, n, bytes)
		}
	}
	nd.unbind(t, "v1")
	nd.unbind(t, "v2")

	step("the end")
	in = nd.status(t, 1)
	if c := components(in); len(c) != 0 {
		t.Fatalf("everything unbound, spp_vf runs %v", c)
	}
	st.WaitFor(t, 10*time.Second, fmt.Sprintf("mempool in_use back to %d", idle), func() bool { return nd.mempoolInUse(t) == idle })
	t.Logf("plug to up: %s", durations(ups))
}

// durations prints a sample's median and max.
func durations(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Round(time.Millisecond).String())
	}
	return fmt.Sprintf("%d binds, median %v, max %v (%s)", len(s), s[len(s)/2].Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond), strings.Join(parts, " "))
}
