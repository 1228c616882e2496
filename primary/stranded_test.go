package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
)

// nullRate measures how fast spp_vf's null1 sends, in frames per second.
func nullRate(t *testing.T, vf *st.Daemon) float64 {
	t.Helper()
	a, t0 := st.Port(vf.Status(), "null1").Tx, time.Now()
	time.Sleep(time.Second)
	b, t1 := st.Port(vf.Status(), "null1").Tx, time.Now()
	return float64(b-a) / t1.Sub(t0).Seconds()
}

// Issue 16 item 1. After kill -9 of the primary:
//   - spp_vf keeps forwarding (null0 -> null1 still climbs) and answers
//     status: its memory stays mapped;
//   - a flush that needs a new port fails (hotplug goes through the
//     primary), and the running component is untouched;
//   - a new spp_primary of the prefix refuses to start: exit status 2, one
//     line naming spp_vf's pid and `spp down`, and it touches nothing (the
//     secondary still exits cleanly, status 0);
//   - once spp_vf is gone, a primary starts on the prefix and serves.
func TestPrimaryRefusesStrandedSecondaries(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 2})
	vf := n.StartSecondary("spp_vf", "1@0,2@1", 1)
	vf.Do(st.Component(2, "forward", "null0", "null1"), st.Flush)
	before := nullRate(t, vf)
	if before < 1000 {
		t.Fatalf("forwarding at only %.0f frames/s", before)
	}

	n.Primary.Proc.Crash()
	after := nullRate(t, vf)
	t.Logf("null0 -> null1: %.0f frames/s with the primary, %.0f after its death", before, after)
	if after < before/20 { // a loaded 2-CPU machine varies; a stopped loop adds 0
		t.Errorf("after the primary's death spp_vf forwards only %.0f frames/s (%.0f before)", after, before)
	}
	r := vf.Send(st.Batch(st.Component(2, "forward", "null0", "null2"), st.Flush))
	t.Logf("flush with a new port, primary dead: %s", r.Raw)
	if r.OK() {
		t.Errorf("a flush adding null2 succeeded without a primary: %s", r.Raw)
	}
	if in := vf.Status(); st.Core(in, 2).Type != "forward" || st.Port(in, "null1").Tx == 0 {
		t.Errorf("after the failed flush: %+v", in)
	}

	bin := testenv.Bin(t, "spp_primary")
	ctl := testenv.NewController(t)
	args := []string{"--lcores", "0@0", "--file-prefix", n.Prefix, "--no-pci", "--log-level", "lib.eal:error",
		"--", "-p", "0x0", "-n", "2", "-s", ctl.Addr()}
	p := testenv.Start(t, bin, args...)
	code, err := p.Wait(15 * time.Second)
	out := strings.TrimSpace(p.Log())
	if err != nil || code != 2 {
		t.Fatalf("a primary over a live secondary: status %d, %v\n%s", code, err, out)
	}
	want := fmt.Sprintf("spp_vf (pid %d)", vf.Proc.Pid())
	if strings.Contains(out, "\n") || !strings.HasPrefix(out, "spp_primary: ") ||
		!strings.Contains(out, want) || !strings.Contains(out, "spp down") {
		t.Errorf("refusal %q: want one line naming %s and spp down", out, want)
	}
	t.Logf("refusal: %s", out)
	if after := nullRate(t, vf); after < before/20 {
		t.Errorf("after the refused start spp_vf forwards only %.0f frames/s", after)
	}

	vf.Exit() // status 0: its memory was left alone

	p = testenv.Start(t, bin, args...)
	peer, err := ctl.Accept(st.ConnectTimeout)
	if err != nil {
		t.Fatalf("the primary did not start once the secondary was gone: %v\n%s", err, p.Log())
	}
	if raw, err := peer.Send(`{"commands":[{"command":"process"}]}`); err != nil || !strings.Contains(string(raw), `"process_type":"primary"`) {
		t.Fatalf("process: %s %v", raw, err)
	}
	if raw, err := peer.Send(`{"commands":[{"command":"exit"}]}`); err != nil || string(raw) != `{"results":[{"result":"success"}]}` {
		t.Fatalf("exit: %s %v", raw, err)
	}
	if code, err := p.Wait(10 * time.Second); err != nil || code != 0 {
		t.Fatalf("exit: status %d, %v", code, err)
	}
}

// A second primary while the first one lives: refused too, naming it.
func TestPrimaryRefusesLivePrimary(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 1})
	ctl := testenv.NewController(t)
	p := testenv.Start(t, testenv.Bin(t, "spp_primary"), "--lcores", "0@0", "--file-prefix="+n.Prefix, "--no-pci",
		"--", "-n", "1", "-s", ctl.Addr())
	code, err := p.Wait(15 * time.Second)
	out := strings.TrimSpace(p.Log())
	want := fmt.Sprintf("live primary, spp_primary (pid %d)", n.Primary.Proc.Pid())
	if err != nil || code != 2 || strings.Contains(out, "\n") || !strings.Contains(out, want) {
		t.Fatalf("second primary: status %d, %v, output %q; want status 2 and one line with %q", code, err, out, want)
	}
	if p := n.PrimaryStatus(); p.Mempool.Size == 0 {
		t.Errorf("the first primary after the refusal: %+v", p)
	}
	n.Primary.Exit()
}
