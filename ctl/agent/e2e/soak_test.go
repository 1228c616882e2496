package e2e_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
)

// TestSoakPlugUnplug is agent.md's soak: SPP_SOAK_CYCLES (default 5;
// `make soak`: 100) plug/unplug cycles of vhost 0 under traffic. Two
// testpmd traffic sources (txonly), bound on vhosts 1 and 2, send frames
// without end, source 1 to MAC A1, source 2 to MAC A2. Cycle i starts a
// fresh VM (macswap) on vhost 0 with MAC A[i%2], binds it, and unbinds it
// while the frames of its source flow through it; the next tenant of the
// slot has the other MAC. The VM swaps the frames it gets back to their
// source, through the merger, nic0 (a loopback) and the classifier, so
// the ring towards source k counts what VMs on vhost 0 reflected of A[k]'s
// frames.
//
// Proved, each cycle: the bind gets `up` and the tenant's frames flow
// (the count towards its source grows); no frame of the departed tenant
// reaches the next one: the count towards the previous tenant's source,
// still once the reflections in flight at the unbind arrived, does not
// move while the next tenant runs (a frame to the old MAC left in a
// ring, delivered to the new VM, would be reflected there). At the end,
// every port unbound: nothing runs, and, once what was left in nic0's
// queue is read, the primary's mbuf pool is back to its use before any
// traffic (no mbuf leaked). The plug-to-up times
// are logged (median, max).
func TestSoakPlugUnplug(t *testing.T) {
	cycles := 5
	if s := os.Getenv("SPP_SOAK_CYCLES"); s != "" {
		var err error
		if cycles, err = strconv.Atoi(s); err != nil || cycles < 2 {
			t.Fatalf("SPP_SOAK_CYCLES=%q: a number of cycles, at least 2", s)
		}
	}
	nd := startNode(t, nodeOpts{vhosts: 3, vfLcores: "1@0,2@1,3@1,4@1", coreMask: "0x1e"})
	idle := nd.mempoolInUse(t)
	tenantMAC := [2]string{"52:54:00:00:0a:01", "52:54:00:00:0a:02"}
	// reflected is what the classifier passed towards source k (vhost
	// k+1, its classifier-side ring 2(k+1)): the tenants' reflections.
	reflected := func(in *proto.SecondaryInfo, k int) uint64 {
		p := st.Port(in, fmt.Sprintf("ring%d", 2*(k+1)))
		return p.Tx + p.TxDrop
	}
	// settled waits until no reflection towards source k is on its way.
	settled := func(k int) uint64 {
		last := reflected(nd.status(t, 1), k)
		for end := time.Now().Add(10 * time.Second); ; {
			time.Sleep(200 * time.Millisecond)
			n := reflected(nd.status(t, 1), k)
			if n == last {
				return n
			}
			if time.Now().After(end) {
				t.Fatalf("reflections towards source %d still growing (%d)", k+1, n)
			}
			last = n
		}
	}

	vm := nd.vm(t, 0, tenantMAC[0])
	var ups []time.Duration
	if id, d := nd.bind(t, "t0", tenantMAC[0], 0); id != 0 {
		t.Fatalf("tenant 0 on vhost %d", id)
	} else {
		ups = append(ups, d)
	}
	for k := range 2 {
		st.StartVMWith(t, st.VMOpts{Sock: nd.sock(k + 1), MAC: fmt.Sprintf("52:54:00:00:0b:0%d", k+1), Server: true, Mode: "txonly", Peer: tenantMAC[k]})
		if id, _ := nd.bind(t, fmt.Sprintf("src%d", k+1), fmt.Sprintf("52:54:00:00:0b:0%d", k+1), 0); id != k+1 {
			t.Fatalf("source %d on vhost %d", k+1, id)
		}
	}
	var prev uint64 // reflections towards the previous tenant's source, settled
	start := time.Now()
	for i := range cycles {
		cur, old := i%2, (i+1)%2
		if i > 0 {
			id, d := nd.bind(t, fmt.Sprintf("t%d", i), tenantMAC[cur], 0)
			if id != 0 {
				t.Fatalf("cycle %d: tenant on vhost %d", i, id)
			}
			ups = append(ups, d)
		}
		tUp := time.Now() // the VM was started before
		base := reflected(nd.status(t, 1), cur)
		nd.waitStatus(t, st.VMTimeout, fmt.Sprintf("cycle %d: the tenant's frames to flow", i), func(in *proto.SecondaryInfo) bool {
			return reflected(in, cur) >= base+100
		})
		if i > 0 {
			time.Sleep(200 * time.Millisecond)
			if n := reflected(nd.status(t, 1), old); n != prev {
				t.Fatalf("cycle %d: %d frames of the departed tenant (MAC %s) reached the new one", i, n-prev, tenantMAC[old])
			}
		}
		tFlow := time.Now()
		nd.unbind(t, fmt.Sprintf("t%d", i))
		tUnbound := time.Now()
		vm.Proc.Kill()
		testenv.RemovePrefix(vm.Prefix) // 100 VMs' hugepages would not fit
		if i+1 < cycles {
			vm = nd.vm(t, 0, tenantMAC[old]) // the next tenant boots while this one's frames settle
		}
		prev = settled(cur)
		if testing.Verbose() {
			t.Logf("cycle %d: traffic after %v, unbound in %v, settled in %v", i, tFlow.Sub(tUp).Round(time.Millisecond), tUnbound.Sub(tFlow).Round(time.Millisecond), time.Since(tUnbound).Round(time.Millisecond))
		}
		if !nd.vf.Running() {
			t.Fatalf("cycle %d: spp_vf exited", i)
		}
	}
	in := nd.status(t, 1)
	t.Logf("%d cycles in %v; reflected towards the sources: %d and %d frames", cycles, time.Since(start).Round(time.Millisecond), reflected(in, 0), reflected(in, 1))
	nd.unbind(t, "src1")
	nd.unbind(t, "src2")
	if c := components(nd.status(t, 1)); len(c) != 0 {
		t.Fatalf("everything unbound, spp_vf runs %v", c)
	}
	// What the merger sent to nic0 just before the last unbind stays in
	// nic0's receive queue, unread with no classifier (agent.md, "The
	// last VM"), holding mbufs as a NIC's queue would: a port bound on
	// vhost 0, where no VM runs any more, brings the classifier back,
	// which drops them (nobody's MAC), and goes again.
	nd.bind(t, "drain", "52:54:00:00:0c:01", 0)
	time.Sleep(200 * time.Millisecond)
	nd.unbind(t, "drain")
	st.WaitFor(t, 10*time.Second, fmt.Sprintf("mempool in_use back to %d", idle), func() bool { return nd.mempoolInUse(t) == idle })
	t.Logf("plug to up: %s", durations(ups))
}
