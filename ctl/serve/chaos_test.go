package serve_test

import (
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
)

// Issue 16 item 5, the chaos test: under traffic, kill -9 and restart in
// turn the controller (bin/spp serve), one secondary (spp_vf 2) and the VM
// (testpmd on virtio_user), checking after each that the paths that
// survive lost nothing and that the restarted part is wired again.
//
// The node: spp_primary has two null NICs (nic0, nic1); spp_vf 1 runs
// "s1" (null0 -> null1, never idle) and the VM's path ("vmout" vhost30 ->
// null4, "vmin" pcapN -> vhost30: each capture's vmFrames frames go to the
// VM once, and come back swapped); spp_vf 2 runs "s2" (nic0 -> nic1).
// The secondary that is killed has only NIC ports: a process killed inside
// a shared ring's dequeue would leave the ring stuck for every other
// process. (The ports a secondary hotplugged, null, pcap and vhost, are
// taken back by its restart: vf's TestRestartAfterKill.)
//
// Proved, after each kill and restart:
//   - controller: s1 and s2 forwarded while no controller ran (their
//     counters grew by a twentieth of what their rates predict, as in
//     vf's TestControllerRestart), the three daemons joined the new spp
//     serve with their components as before, and the VM's path had
//     delivered and brought back every frame;
//   - spp_vf 2: s1 kept forwarding without a drop; the restarted spp_vf 2
//     joined spp serve and, wired again through it, forwards;
//   - VM: s1 kept forwarding without a drop; the restarted VM, wired again
//     (vmin reading a new capture), got every frame of it and sent every
//     one back: vhost30 and null4 count exactly 2*vmFrames, no tx drop.
func TestChaos(t *testing.T) {
	start := time.Now()
	const vmFrames = 40
	dir, err := os.MkdirTemp("/tmp", "sppc") // short: pcap devargs fit 127 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for i := 0; i < 2; i++ {
		var fs [][]byte
		for _, f := range frames(vmFrames) {
			f[len(f)-1] = byte(i) // the second capture's frames differ from the first's
			fs = append(fs, f)
		}
		if err := writePcap(dir+"/spp-rx"+strconv.Itoa(i)+".pcap", fs); err != nil {
			t.Fatal(err)
		}
	}
	nd := &node{t: t, pcapDir: dir}
	nd.n = st.Start(t, st.PrimaryOpts{Rings: 4, Vdevs: []string{"net_null0", "net_null1"}, PortMask: "0x3"})
	vf1 := nd.n.StartSecondary("spp_vf", "1@0,2@1,3@1", 1, "--pcap-dir", dir)
	const vf2Lcores = "4@0,5@1"
	vf2 := nd.n.StartSecondary("spp_vf", vf2Lcores, 2)
	nd.pri, nd.sec = nd.n.HandOver(vf1, vf2)
	nd.startServe()

	batch := func(id string, cmds ...string) {
		t.Helper()
		r := nd.must(200, "POST", "/spp/v1/secondaries/"+id+"/batch", st.Batch(append(cmds, st.Flush)...))
		if strings.Contains(r, `"error"`) || strings.Contains(r, `"invalid"`) {
			t.Fatalf("batch to %s: %s", id, r)
		}
	}
	tx := func(id, port string) uint64 { return st.Port(nd.status(id), port).Tx }
	// rate is how fast port's tx counter grows, in frames per second.
	rate := func(id, port string) float64 {
		a, t0 := tx(id, port), time.Now()
		time.Sleep(500 * time.Millisecond)
		return float64(tx(id, port)-a) / time.Since(t0).Seconds()
	}
	// noDrops checks s1, which survives everything: its component and
	// its ports lost nothing.
	noDrops := func(when string) {
		t.Helper()
		in := nd.status("1")
		if c := st.ComponentNamed(in, "s1"); c.Drops != 0 || c.Packets == 0 {
			t.Errorf("%s: s1 %+v", when, c)
		}
		for _, p := range []string{"null0", "null1"} {
			if ps := st.Port(in, p); ps.TxDrop != 0 || ps.RxDrop != 0 {
				t.Errorf("%s: %+v", when, ps)
			}
		}
	}
	startVM := func() *st.VM {
		t.Helper()
		vm := st.StartVM(t, 30, "52:54:00:00:00:30", false)
		st.WaitFor(t, st.VMTimeout, "the VM's link", func() bool { return st.Port(nd.status("1"), "vhost30").Link == "up" })
		vm.WaitForwarding(t)
		return vm
	}
	// vmRound sends capture i to the VM and waits for all of it to come
	// back: vhost30 and null4 then count (i+1)*vmFrames.
	vmRound := func(i int) {
		t.Helper()
		batch("1", st.Remove("vmin"), st.Named(3, "forward", "vmin", "pcap"+strconv.Itoa(i), "vhost30"))
		want := uint64((i + 1) * vmFrames)
		st.WaitFor(t, 30*time.Second, "the VM's frames back", func() bool { return tx("1", "null4") >= want })
		time.Sleep(200 * time.Millisecond) // anything more would be a bug: let it show
		in := nd.status("1")
		v := st.Port(in, "vhost30")
		if v.Tx != want || v.Rx != want || v.TxDrop != 0 || st.Port(in, "null4").Tx != want {
			t.Errorf("VM round %d: vhost30 %+v, null4 %+v, want %d each way", i, v, st.Port(in, "null4"), want)
		}
	}

	batch("1", st.Named(2, "forward", "s1", "null0", "null1"), st.Named(3, "forward", "vmout", "vhost30", "null4"),
		st.Named(3, "forward", "vmin", "", "")) // vmin idle until the VM forwards
	batch("2", st.Named(5, "forward", "s2", "nic0", "nic1"))
	vm := startVM()
	vmRound(0)

	// 1. The controller.
	r1, r2 := rate("1", "null1"), rate("2", "nic1")
	if r1 < 1000 || r2 < 1000 {
		t.Fatalf("forwarding at %.0f and %.0f frames/s", r1, r2)
	}
	a1, a2, t0 := tx("1", "null1"), tx("2", "nic1"), time.Now()
	nd.serve.Crash()
	time.Sleep(time.Second)
	gap := time.Since(t0)
	nd.startServe() // waits for the three daemons to join
	for _, c := range []struct {
		id, port string
		before   uint64
		rate     float64
	}{{"1", "null1", a1, r1}, {"2", "nic1", a2, r2}} {
		if grew := tx(c.id, c.port) - c.before; float64(grew) < c.rate*gap.Seconds()/20 {
			t.Errorf("controller: %s sent %d frames in %v without a controller, expected about %.0f", c.port, grew, gap, c.rate*gap.Seconds())
		}
	}
	in1, in2 := nd.status("1"), nd.status("2")
	onCore := func(in *proto.SecondaryInfo, core int) string {
		names := st.OnCore(in, core)
		sort.Strings(names)
		return strings.Join(names, ",")
	}
	if got := onCore(in1, 2) + "/" + onCore(in1, 3) + "/" + onCore(in2, 5); got != "s1/vmin,vmout/s2" {
		t.Errorf("controller: components after the restart %s, want s1/vmin,vmout/s2", got)
	}
	if v := st.Port(in1, "vhost30"); v.Tx != vmFrames || v.Rx != vmFrames {
		t.Errorf("controller: vhost30 %+v", v)
	}
	noDrops("controller")

	// 2. spp_vf 2.
	b1 := tx("1", "null1")
	vf2.Proc.Crash()
	st.WaitFor(t, 10*time.Second, "spp serve to drop spp_vf 2", func() bool {
		code, _ := nd.do("POST", "/spp/v1/secondaries/2/batch", `{"commands":[{"command":"status"}]}`)
		return code == 404
	})
	testenv.Start(t, testenv.Bin(t, "spp_vf"), nd.n.SecondaryArgs(vf2Lcores, 2)...)
	st.WaitFor(t, st.ConnectTimeout, "spp_vf 2 to join again", func() bool {
		code, _ := nd.do("POST", "/spp/v1/secondaries/2/batch", `{"commands":[{"command":"status"}]}`)
		return code == 200
	})
	if c := st.ComponentNamed(nd.status("2"), "s2"); c.Name != "" {
		t.Errorf("spp_vf 2: a new process shows s2 before it is wired: %+v", c)
	}
	batch("2", st.Named(5, "forward", "s2", "nic0", "nic1"))
	c2 := tx("2", "nic1")
	st.WaitFor(t, 10*time.Second, "s2 to forward again", func() bool { return tx("2", "nic1") > c2+1000 })
	if tx("1", "null1") <= b1 {
		t.Errorf("spp_vf 2: s1 stopped")
	}
	noDrops("spp_vf 2")

	// 3. The VM.
	d1 := tx("1", "null1")
	vm.Proc.Crash()
	st.WaitFor(t, 10*time.Second, "vhost30's link down", func() bool { return st.Port(nd.status("1"), "vhost30").Link != "up" })
	vm = startVM()
	vmRound(1)
	if tx("1", "null1") <= d1 {
		t.Errorf("VM: s1 stopped")
	}
	noDrops("VM")
	if in := nd.status("1"); st.ComponentNamed(in, "s1").State != proto.StateRunning {
		t.Errorf("s1 after everything: %+v", st.ComponentNamed(in, "s1"))
	}
	t.Logf("chaos test: %v", time.Since(start).Round(time.Millisecond))
}
