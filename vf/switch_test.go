package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// Issue 3 item 3: switching under load. null0 sends 64-byte frames to
// 00:00:00:00:00:00 at full speed into a classifier (null0 -> ring0, ring1);
// a forward and a merge empty the rings into null1 and null2. Then 1,000
// flushes alternate the classifier's entry between ring0 and ring1 and
// swap the lcores of the forward and the merge (each moves to the other's
// lcore in the same flush). Proved, with the port counters (cumulative
// across switches): every frame null0 gave is accounted for, sent out of
// null1 or null2 or counted as a drop, none lost or duplicated by the
// switches; the rings end empty; the process is alive and exits cleanly;
// the primary's mempool is back to its idle use.
func TestSwitchingUnderLoad(t *testing.T) {
	flushes := 1000
	if s := os.Getenv("SPP_TEST_FLUSHES"); s != "" { // shorter runs while developing
		flushes, _ = strconv.Atoi(s)
	}
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1,4@1", 1)
	idle := n.PrimaryStatus().Mempool.InUse

	wiring := func(i int) []string {
		toRing, fwdCore, mergeCore := "ring0", 3, 4
		if i%2 == 1 {
			toRing, fwdCore, mergeCore = "ring1", 4, 3
		}
		return []string{
			st.MAC("00:00:00:00:00:00", "unuse"),
			st.MAC("00:00:00:00:00:00", toRing),
			st.Component(3, "none", "", ""), // free both lcores first:
			st.Component(4, "none", "", ""), // ports are checked as staged
			st.Component(fwdCore, "forward", "ring0", "null1"),
			st.Component(mergeCore, "merge", "ring1", "null2"),
			st.Flush,
		}
	}
	vf.Do(append([]string{st.Component(2, "classifier", "null0", "ring0,ring1")}, wiring(0)...)...)
	start := time.Now()
	for i := 1; i <= flushes; i++ {
		vf.Do(wiring(i)...)
		if !vf.Proc.Running() {
			t.Fatalf("spp_vf died after %d flushes:\n%s", i, vf.Proc.Log())
		}
	}
	t.Logf("%d flushes in %v", flushes, time.Since(start))

	// Stop the source. null0 stays in the status as the tx port of an
	// idle forwarder (ring2 is never fed).
	vf.Do(st.Component(2, "forward", "ring2", "null0"), st.Flush)
	st.WaitFor(t, 30*time.Second, "the rings to drain", func() bool {
		for _, r := range n.PrimaryStatus().Rings {
			if r.Count != 0 {
				return false
			}
		}
		return true
	})
	in := vf.Status()
	p := func(name string) proto.PortStatus { return st.Port(in, name) }
	in0 := p("null0").Rx
	if in0 < uint64(flushes) {
		t.Fatalf("null0 gave only %d frames", in0)
	}
	classified := p("ring0").Tx + p("ring0").TxDrop + p("ring1").Tx + p("ring1").TxDrop
	if classified != in0 {
		t.Errorf("null0 gave %d frames, the classifier passed on %d (%+v)", in0, classified, in.Ports)
	}
	for _, r := range []string{"ring0", "ring1"} {
		if p(r).Rx != p(r).Tx {
			t.Errorf("%s: %d in, %d out", r, p(r).Tx, p(r).Rx)
		}
	}
	out := p("null1").Tx + p("null1").TxDrop + p("null2").Tx + p("null2").TxDrop
	drops := p("ring0").TxDrop + p("ring1").TxDrop + p("null1").TxDrop + p("null2").TxDrop
	if got := p("null1").Tx + p("null2").Tx + drops; got != in0 || out != p("ring0").Rx+p("ring1").Rx {
		t.Errorf("in %d, out %d + drops %d = %d (%+v)", in0, p("null1").Tx+p("null2").Tx, drops, got, in.Ports)
	}
	if p("ring0").Tx == 0 || p("ring1").Tx == 0 {
		t.Errorf("the classifier did not alternate: %+v", in.Ports)
	}
	t.Logf("%d frames: %d out, %d dropped (ring full)", in0, p("null1").Tx+p("null2").Tx, drops)

	st.WaitFor(t, 10*time.Second, fmt.Sprintf("mempool in_use back to %d", idle), func() bool {
		return n.PrimaryStatus().Mempool.InUse == idle
	})
	vf.Exit()
}
