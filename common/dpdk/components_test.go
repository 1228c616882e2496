package dpdk_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spp-go/spp/common/component"
	. "github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/dpdk/dpdktest"
)

// newComponent makes a component, freed at the end of the test once every
// lcore is idle.
func newComponent(t *testing.T, cfg *Config) *Component {
	t.Helper()
	c, err := NewComponent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	release(t, c.Free)
	return c
}

func mustSwitchLists(t *testing.T, changes map[int][]*Component) {
	t.Helper()
	if err := Switch(changes); err != nil {
		t.Fatal(err)
	}
}

func waitCounters(t *testing.T, c *Component, packets uint64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%v to count %d packets", c, packets), func() bool {
		n, _ := c.Counters()
		return n == packets
	})
}

// startTwo runs forwards a -> b and c -> d side by side on lcore 1, sends
// na frames to macA into a and nc to macB into c, and returns once each
// forward has counted its own.
func startTwo(t *testing.T, p *Mempool, a, b, c, d *Endpoint, na, nc int) (*Component, *Component) {
	t.Helper()
	f1 := newComponent(t, fwdConfig(a, b))
	f2 := newComponent(t, fwdConfig(c, d))
	mustSwitchLists(t, map[int][]*Component{1: {f1, f2}})
	dpdktest.SendFrames(a, p, frame(macA), na)
	dpdktest.SendFrames(c, p, frame(macB), nc)
	waitCounters(t, f1, uint64(na))
	waitCounters(t, f2, uint64(nc))
	return f1, f2
}

// only checks that every MAC of got is mac and that there are n of them.
func only(t *testing.T, what string, got []uint64, mac uint64, n int) {
	t.Helper()
	for _, m := range got {
		if m != mac {
			t.Fatalf("%s: received dst %012x, want only %012x", what, m, mac)
		}
	}
	if len(got) != n {
		t.Fatalf("%s: received %d, want %d", what, len(got), n)
	}
}

// Two forwards on one lcore both move their own traffic, each counted on
// its own component.
func TestTwoComponentsOneLcore(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_two", 1023)
	_, a := newRing(t, "t_two_a", 512)
	_, b := newRing(t, "t_two_b", 512)
	_, c := newRing(t, "t_two_c", 512)
	_, d := newRing(t, "t_two_d", 512)
	f1, f2 := startTwo(t, p, a, b, c, d, 100, 70)
	only(t, "b", drain(b), macA, 100)
	only(t, "d", drain(d), macB, 70)
	if _, dr := f1.Counters(); dr != 0 {
		t.Fatalf("f1 drops %d", dr)
	}
	if _, dr := f2.Counters(); dr != 0 {
		t.Fatalf("f2 drops %d", dr)
	}
	mustSwitchLists(t, map[int][]*Component{1: nil})
	checkNoLeak(t, p)
}

// While A forwards a steady stream, the component next to it on lcore 1 is
// replaced again and again: A runs on untouched (every packet it received
// went out, none twice) and keeps its counters; the replacement starts from
// 0 and the replaced one keeps its own figures. Then A moves to lcore 2,
// the same component, and its counters go on from where they were.
func TestComponentKeepsCountersWhileNeighbourReplaced(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_keep", 4095)
	_, a := newRing(t, "t_keep_a", 1024)
	_, b := newRing(t, "t_keep_b", 1024)
	_, c := newRing(t, "t_keep_c", 512)
	_, d := newRing(t, "t_keep_d", 512)
	_, e := newRing(t, "t_keep_e", 512)
	A, B := startTwo(t, p, a, b, c, d, 100, 50)
	only(t, "d", drain(d), macB, 50)

	const stream = 30000
	out := receive(t, b) // the 100 startTwo sent, then the stream
	sent := sendPaced(t, a, p, macA, stream, func() int64 { return out.got() - 100 })
	next := B
	replaced := 0
	for ; replaced < 30; replaced++ {
		prev := next
		tx := d
		if replaced%2 == 1 {
			tx = e
		}
		next = newComponent(t, fwdConfig(c, tx))
		mustSwitchLists(t, map[int][]*Component{1: {A, next}})
		if n, _ := prev.Counters(); prev == B && n != 50 {
			t.Fatalf("B counts %d after it was replaced, want 50", n)
		}
		time.Sleep(300 * time.Microsecond)
	}
	waitFor(t, "the stream forwarded", func() bool { return out.got() == 100+stream })
	out.stop()
	<-sent
	if n, dr := A.Counters(); n != 100+stream || dr != 0 {
		t.Fatalf("A counts %d packets %d drops, want %d and 0", n, dr, 100+stream)
	}
	if rx, _, _, _ := a.Counters(); rx != 100+stream {
		t.Fatalf("a rx %d, want %d", rx, 100+stream)
	}
	dpdktest.SendFrames(c, p, frame(macB), 9)
	waitCounters(t, next, 9)
	only(t, "e", drain(e), macB, 9) // replaced 30 times: the last one sends to e

	mustSwitchLists(t, map[int][]*Component{1: {next}, 2: {A}})
	dpdktest.SendFrames(a, p, frame(macA), 10)
	waitCounters(t, A, 100+stream+10)
	only(t, "b", drain(b), macA, 10)
	mustSwitchLists(t, map[int][]*Component{1: nil, 2: nil})
	checkNoLeak(t, p)
}

// Switch refuses lists it cannot run, and changes nothing then.
func TestSwitchRejectsBadLists(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_badl", 255)
	ra, a := newRing(t, "t_badl_a", 64)
	_, b := newRing(t, "t_badl_b", 64)
	A := newComponent(t, fwdConfig(a, b))
	freed, err := NewComponent(fwdConfig(a, b))
	if err != nil {
		t.Fatal(err)
	}
	freed.Free()
	var many []*Component
	for i := 0; i <= MaxComponents; i++ {
		many = append(many, newComponent(t, fwdConfig(a, b)))
	}
	dpdktest.SendFrames(a, p, frame(macA), 1)
	for name, ch := range map[string]map[int][]*Component{
		"two lcores":  {1: {A}, 2: {A}},
		"twice":       {1: {A, A}},
		"freed":       {1: {freed}},
		"nil":         {1: {nil}},
		"too many":    {1: many},
		"main lcore":  {0: {A}},
		"no such one": {9: nil},
	} {
		if err := Switch(ch); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A on lcore 1, then on lcore 2 as well while 1 is left alone.
	mustSwitchLists(t, map[int][]*Component{1: {A}})
	if err := Switch(map[int][]*Component{2: {A}}); err == nil {
		t.Error("A put on lcore 2 while lcore 1 runs it")
	}
	waitCounters(t, A, 1)
	mustSwitchLists(t, map[int][]*Component{1: nil})
	if ra.Count() != 0 {
		t.Fatalf("ring a holds %d", ra.Count())
	}
	drain(b)
	checkNoLeak(t, p)
	if _, err := NewComponent(nil); err == nil {
		t.Error("a nil config made a component")
	}
	if _, err := NewComponent(&Config{Kernel: component.KernelIdle}); err == nil {
		t.Error("an idle config made a component")
	}
}

// Drain empties a ring nobody reads, frees its packets and counts them as
// the ring port's rx_drop.
func TestRingDrain(t *testing.T) {
	p := newPool(t, "t_drain", 255)
	r, e := newRing(t, "t_drain_r", 128)
	if n := dpdktest.SendFrames(e, p, frame(macA), 37); n != 37 {
		t.Fatalf("sent %d", n)
	}
	if n := e.Drain(); n != 37 {
		t.Fatalf("drained %d, want 37", n)
	}
	if r.Count() != 0 {
		t.Fatalf("ring holds %d after the drain", r.Count())
	}
	dpdktest.SendFrames(e, p, frame(macA), 5)
	if n := e.Drain(); n != 5 {
		t.Fatalf("second drain %d, want 5", n)
	}
	if n := e.Drain(); n != 0 {
		t.Fatalf("drain of an empty ring %d", n)
	}
	if rx, tx, rxDrop, txDrop := e.Counters(); rx != 0 || tx != 0 || rxDrop != 42 || txDrop != 0 {
		t.Fatalf("counters rx %d tx %d rx_drop %d tx_drop %d, want rx_drop 42 only", rx, tx, rxDrop, txDrop)
	}
	checkNoLeak(t, p)
	setupPorts(t)
	n0, _ := EthPortByName("net_null0")
	eth := EthEndpoint(n0)
	defer eth.Free()
	if n := eth.Drain(); n != 0 {
		t.Fatalf("drain of an ethdev endpoint %d", n)
	}
}

// One component moved back and forth between lcores 1 and 2 under traffic
// (two-phase: it never runs on both): every packet sent comes out once,
// and its counters, carried along, count each packet once.
func TestComponentMovesUnderTraffic(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_move", 4095)
	_, a := newRing(t, "t_move_a", 1024)
	_, b := newRing(t, "t_move_b", 1024)
	M := newComponent(t, fwdConfig(a, b))
	const total = 50000
	out := receive(t, b)
	sent := sendPaced(t, a, p, macA, total, out.got)
	moves := whileSending(sent, func(i int) {
		from, to := 1+i%2, 2-i%2
		mustSwitchLists(t, map[int][]*Component{from: nil, to: {M}})
	})
	waitFor(t, "all forwarded", func() bool { return out.got() == total })
	out.stop()
	if n, d := M.Counters(); n != total || d != 0 {
		t.Fatalf("M counts %d packets %d drops after %d moves, want %d 0", n, d, moves, total)
	}
	if _, tx, _, txDrop := b.Counters(); tx != total || txDrop != 0 {
		t.Fatalf("b took %d, refused %d; want %d 0", tx, txDrop, total)
	}
	t.Logf("%d moves", moves)
	if moves < 20 {
		t.Fatalf("only %d moves under traffic", moves)
	}
	mustSwitchLists(t, map[int][]*Component{1: nil, 2: nil})
	checkNoLeak(t, p)
}
