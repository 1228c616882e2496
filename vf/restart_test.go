package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// rate measures how fast port's tx counter grows, in frames per second.
func rate(t *testing.T, d *st.Daemon, port string) float64 {
	t.Helper()
	a, t0 := st.Port(d.Status(), port).Tx, time.Now()
	time.Sleep(time.Second)
	b, t1 := st.Port(d.Status(), port).Tx, time.Now()
	return float64(b-a) / t1.Sub(t0).Seconds()
}

// Issue 3 item 5a: killing the controller does not stop traffic, and
// spp_vf connects again. Proved: while no controller runs (2 s), null1's
// counter grows by at least a twentieth of what the rate measured before
// predicts (a stopped data plane adds nothing; the margin is for a loaded
// 2-CPU machine, where the forwarding lcore's share of its CPU varies); spp_vf reconnects to a new controller on the same address, and
// answers with its configuration intact.
func TestControllerRestart(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vf := n.StartSecondary("spp_vf", "1@0,2@1", 1)
	vf.Do(st.Component(2, "forward", "null0", "null1"), st.Flush)
	r := rate(t, vf, "null1")
	if r < 1000 {
		t.Fatalf("forwarding at only %.0f frames/s", r)
	}
	before, t0 := st.Port(vf.Status(), "null1").Tx, time.Now()

	n.KillController(vf)
	time.Sleep(2 * time.Second)
	gap := time.Since(t0)
	n.RestartController(vf)
	in := vf.Status()
	grew := st.Port(in, "null1").Tx - before
	if float64(grew) < r*gap.Seconds()/20 {
		t.Errorf("null1 sent %d frames in %v without a controller, expected about %.0f", grew, gap, r*gap.Seconds())
	}
	if c := st.Core(in, 2); c.Type != "forward" || in.Staged {
		t.Errorf("configuration after reconnecting: %+v", in)
	}
	if !vf.Proc.Running() {
		t.Fatal("spp_vf exited")
	}
	vf.Exit()
}

// Issue 3 item 5b: SIGKILL of one spp_vf leaves spp_primary and another
// secondary forwarding. Proved: after the kill, the other spp_vf's counter
// keeps growing and the primary still answers status.
func TestKillSecondary(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vf1 := n.StartSecondary("spp_vf", "1@0,2@1", 1)
	vf2 := n.StartSecondary("spp_vf", "3@0,4@1", 2)
	vf1.Do(st.Component(2, "forward", "null0", "null1"), st.Flush)
	vf2.Do(st.Component(4, "forward", "null2", "null3"), st.Flush)
	if r := rate(t, vf2, "null3"); r < 1000 {
		t.Fatalf("spp_vf 2 forwards only %.0f frames/s", r)
	}

	vf1.Proc.Crash()
	if r := rate(t, vf2, "null3"); r < 1000 {
		t.Errorf("after the kill spp_vf 2 forwards only %.0f frames/s", r)
	}
	if in := vf2.Status(); st.Core(in, 4).Type != "forward" {
		t.Errorf("spp_vf 2 after the kill: %+v", in)
	}
	if p := n.PrimaryStatus(); p.Mempool.Size == 0 {
		t.Errorf("primary status after the kill: %+v", p)
	}
	vf2.Exit()
	// The primary is still in charge of the node: it exits cleanly.
	n.Primary.Exit()
}

// SIGTERM and SIGINT stop spp_vf cleanly (exit status 0), and its
// hotplugged ports are removed: a new spp_vf can create the same null0 and
// null1 right after.
func TestSignalExit(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	for i, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		vf := n.StartSecondary("spp_vf", "1@0,2@1", 1+i)
		vf.Do(st.Component(2, "forward", "null0", "null1"), st.Flush)
		if err := vf.Proc.Signal(sig); err != nil {
			t.Fatal(err)
		}
		code, err := vf.Proc.Wait(st.ConnectTimeout)
		if err != nil || code != 0 {
			t.Fatalf("%v: exit status %d, %v\n%s", sig, code, err, vf.Proc.Log())
		}
	}
}

// readyPorts are the ethdev ids a spp_vf gave its ports, from its log
// ("port pcap0 ready (ethdev 3, net_pcap_spp0)").
func readyPorts(log string) map[string]int {
	ids := map[string]int{}
	for _, m := range readyRE.FindAllStringSubmatch(log, -1) {
		ids[m[1]], _ = strconv.Atoi(m[2])
	}
	return ids
}

var readyRE = regexp.MustCompile(`port (\S+) ready \(ethdev (\d+),`)

// Issue 16: a crash of one process loses no other's traffic, and its
// restart takes back the ports it hotplugged. spp_vf 1 forwards on one
// lcore "fp" pcap0 -> pcap1 (a capture of 40 frames, long paths: the ports use
// short links in /tmp named by the pid), "out" null0 -> vhost0 and "in"
// vhost0 -> null1 through a testpmd VM (macswap, the vhost-user server:
// spp_vf is the client and the VM outlives it); spp_vf 2 forwards null2 ->
// null3. spp_vf 1 is killed with kill -9 under traffic (its lcore is
// inside a vhost burst most of the time) and started again, 12 times.
// Proved after each restart: the new spp_vf removed the 5 devices the
// killed one left, and each of its 5 ports has the ethdev id it had first (were the killed process's devices left in the primary, 12
// restarts would need 60 ids more, beyond RTE_MAX_ETHPORTS = 32); pcap1's
// capture is exactly pcap0's frames; vhost0's link is up and frames come
// back through the VM; the killed process's pcap links are gone; spp_vf
// 2's null3 kept growing across the kill and restart. At the end both
// spp_vf and the primary exit cleanly.
func TestRestartAfterKill(t *testing.T) {
	const restarts = 12
	in0 := framesTo(mac1, 0, 40)
	dir := t.TempDir()
	st.WriteCapture(t, dir, 0, in0)
	n := st.Start(t, st.PrimaryOpts{Rings: 16})
	vf2 := n.StartSecondary("spp_vf", "3@0,4@1", 2)
	vf2.Do(st.Component(4, "forward", "null2", "null3"), st.Flush)
	vm := st.StartVMWith(t, st.VMOpts{Sock: filepath.Join(dir, "sock0"), MAC: "52:54:00:00:00:01", Server: true})

	links := func(pid int) []string {
		m, _ := filepath.Glob(fmt.Sprintf("/tmp/.spp%d[rt][0-9]", pid))
		return m
	}
	var first map[string]int
	killed := 0
	for i := 0; i <= restarts; i++ {
		before := st.Port(vf2.Status(), "null3").Tx
		// New lcore ids at each start: a process killed inside a mempool
		// cache operation can leave its lcore's cache of the shared pool
		// listing mbufs that are in use or free elsewhere too, and a
		// process that takes that lcore id over may then hand one mbuf out
		// twice (seen once in about 250 kills with the same ids: a frame of
		// pcap1 overwritten by a later one). That hazard is not the ports'
		// (docs/troubleshooting.md). The mbufs the killed processes' caches
		// hold are lost instead, hence 16 rings: a bigger pool. With 4
		// (14,335 mbufs against 32,767), 5 runs of 32 had a hotplug request
		// time out (5 s) after a few restarts; with 16, none of 20: not
		// understood.
		main, worker := 10+i, 30+i // DPDK's main lcore is the lowest id
		vf := n.StartSecondary("spp_vf", fmt.Sprintf("%d@0,%d@1", main, worker), 1, "--pcap-dir", dir, "--vhost-dir", dir, "--vhost-client")
		t.Cleanup(func() { // when the test stops before the next process removed them
			vf.Proc.Kill()
			if _, reused := proc.StartTime(vf.Proc.Pid()); !reused { // by now, another's
				for _, l := range links(vf.Proc.Pid()) {
					os.Remove(l)
				}
			}
		})
		vf.Do(st.Named(worker, "forward", "fp", "pcap0", "pcap1"), st.Named(worker, "forward", "out", "null0", "vhost0"),
			st.Named(worker, "forward", "in", "vhost0", "null1"), st.Flush)
		vf.WaitStatus(st.VMTimeout, "vhost0 up, frames back from the VM, pcap1 sent", func(in *proto.SecondaryInfo) bool {
			return st.Port(in, "vhost0").Link == "up" && st.Port(in, "null1").Tx >= 1000 && st.Port(in, "pcap1").Tx >= uint64(len(in0))
		})
		time.Sleep(200 * time.Millisecond) // more frames in pcap1 would be a bug: let it show
		if st.ExactCapture(t, dir, 1, in0); t.Failed() {
			t.Fatalf("restart %d: pcap1 is not pcap0's frames", i)
		}

		ids := readyPorts(vf.Proc.Log())
		if i == 0 {
			first = ids
			if len(first) != 5 {
				t.Fatalf("ports of the first spp_vf: %v, want 5", first)
			}
		} else if !maps.Equal(ids, first) {
			t.Fatalf("restart %d: ethdev ids %v, first %v\n%s", i, ids, first, vf.Proc.Log())
		}
		if m := links(vf.Proc.Pid()); len(m) != 4 {
			t.Errorf("restart %d: pcap links %v, want 4 (the paths are long)", i, m)
		}
		if left := fmt.Sprintf("left by spp_vf pid %d, gone", killed); killed != 0 && strings.Count(vf.Proc.Log(), left) != 5 {
			t.Errorf("restart %d: the log does not say 5 times %q:\n%s", i, left, vf.Proc.Log())
		}
		if m := links(killed); killed != 0 && len(m) != 0 {
			t.Errorf("restart %d: the links of the killed spp_vf are left: %v", i, m)
		}
		if after := st.Port(vf2.Status(), "null3").Tx; after <= before {
			t.Fatalf("restart %d: spp_vf 2's null3 sent %d frames, %d before", i, after, before)
		}
		if !vm.Proc.Running() {
			t.Fatalf("the VM exited:\n%s", vm.Proc.Log())
		}
		if i == restarts {
			vf.Exit()
			break
		}
		vf.Proc.Crash()
		killed = vf.Proc.Pid()
	}
	mp := n.PrimaryStatus().Mempool
	t.Logf("%d restarts after kill -9, each with ethdev ids %v; mbuf pool: %d of %d in use", restarts, first, mp.InUse, mp.Size)
	vf2.Exit()
	n.Primary.Exit()
}

// A port another live secondary of the node owns is refused, naming that
// process, and left to it: spp_vf 2's flush with null0 (spp_vf 1's) fails,
// and spp_vf 1's null0 forwards on.
func TestPortOfLiveProcessRefused(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vf1 := n.StartSecondary("spp_vf", "1@0,2@1", 1)
	vf1.Do(st.Component(2, "forward", "null0", "null1"), st.Flush)
	vf2 := n.StartSecondary("spp_vf", "3@0,4@1", 2)
	if r := vf2.Send(st.Batch(st.Component(4, "forward", "null0", "null2"), st.Flush)); r.OK() {
		t.Fatalf("spp_vf 2 took spp_vf 1's null0: %s", r.Raw)
	}
	want := fmt.Sprintf("net_null_spp0 (port %d) belongs to spp_vf pid %d, which is running", readyPorts(vf1.Proc.Log())["null0"], vf1.Proc.Pid())
	if !strings.Contains(vf2.Proc.Log(), want) {
		t.Errorf("spp_vf 2's log lacks %q:\n%s", want, vf2.Proc.Log())
	}
	if r := rate(t, vf1, "null1"); r < 1000 {
		t.Errorf("spp_vf 1 forwards only %.0f frames/s after spp_vf 2's attempt", r)
	}
	vf2.Exit()
	vf1.Exit()
}
