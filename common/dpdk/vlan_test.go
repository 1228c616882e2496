package dpdk_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/spp-go/spp/common/component"
	. "github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/dpdk/dpdktest"
)

// tagged is frame(dst) with an 802.1Q tag: 0x8100, then pcp << 13 | vid.
func tagged(dst uint64, vid uint16, pcp uint8) []byte {
	f := frame(dst)
	tci := uint16(pcp)<<13 | vid
	out := append([]byte{}, f[:12]...)
	out = append(out, 0x81, 0x00, byte(tci>>8), byte(tci))
	return append(out, f[12:]...)
}

// vidMAC names a frame by its VLAN id and destination: "100/525400000001",
// "-/525400000001" untagged.
func vidMAC(f []byte) string {
	vid := "-"
	if f[12] == 0x81 && f[13] == 0 {
		vid = fmt.Sprint(uint16(f[14]&0x0f)<<8 | uint16(f[15]))
	}
	return fmt.Sprintf("%s/%x", vid, f[:6])
}

// drainBytes is drain for whole frames.
func drainBytes(e *Endpoint) [][]byte {
	var out [][]byte
	for {
		got := dpdktest.RecvBytes(e, 256)
		if len(got) == 0 {
			return out
		}
		out = append(out, got...)
	}
}

// A push puts 0x8100 and pcp << 13 | id between the MACs and the ethertype;
// a strip takes the outer tag out and leaves an untagged frame as it is; on
// an rx port as on a tx port.
func TestVLANPushStrip(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_vlan", 1023)
	_, in := newRing(t, "t_vlan_in", 512)
	_, out := newRing(t, "t_vlan_out", 512)
	plain, tag7 := frame(macA), tagged(macA, 7, 1)
	push := VLAN{Op: VLANAdd, ID: 100, PCP: 5}
	del := VLAN{Op: VLANDel}
	for _, c := range []struct {
		name   string
		rx, tx VLAN
		send   []byte
		want   []byte
	}{
		{"tx push", VLAN{}, push, plain, tagged(macA, 100, 5)},
		{"rx push", push, VLAN{}, plain, tagged(macA, 100, 5)},
		{"tx push on a tagged frame", VLAN{}, push, tag7, append(tagged(macA, 100, 5)[:16], tag7[12:]...)},
		{"tx strip", VLAN{}, del, tag7, plain},
		{"rx strip", del, VLAN{}, tag7, plain},
		{"tx strip untagged", VLAN{}, del, plain, plain},
		{"rx strip, tx push", del, push, tag7, tagged(macA, 100, 5)},
		{"rx push, tx strip", push, del, plain, plain},
		{"max id and pcp", VLAN{}, VLAN{Op: VLANAdd, ID: 4094, PCP: 7}, plain, tagged(macA, 4094, 7)},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := fwdConfig(in, out)
			cfg.RxVLAN, cfg.TxVLAN = []VLAN{c.rx}, []VLAN{c.tx}
			mustSwitch(t, map[int]*Config{1: cfg})
			dpdktest.SendFrames(in, p, c.send, 20)
			waitFor(t, "20 forwarded", func() bool { n, _ := lcoreCounters(1); return n == 20 })
			got := drainBytes(out)
			if len(got) != 20 {
				t.Fatalf("received %d frames, want 20", len(got))
			}
			for _, f := range got {
				if !bytes.Equal(f, c.want) {
					t.Fatalf("sent  % x\nreceived % x\nwant     % x", c.send, f, c.want)
				}
			}
			if _, d := lcoreCounters(1); d != 0 {
				t.Fatalf("drops %d", d)
			}
			mustSwitch(t, map[int]*Config{1: nil})
			checkNoLeak(t, p)
		})
	}
	if tagged(macA, 100, 5)[14] != 0xa0 || tagged(macA, 100, 5)[15] != 0x64 {
		t.Fatal("the test's own tag is not 5<<13|100")
	}
	// Out-of-range operations make no component.
	for _, v := range []VLAN{{Op: VLANAdd}, {Op: VLANAdd, ID: 4095}, {Op: VLANAdd, ID: 1, PCP: 8}, {Op: 9}} {
		cfg := fwdConfig(in, out)
		cfg.TxVLAN = []VLAN{v}
		if _, err := NewComponent(cfg); err == nil {
			t.Errorf("VLAN %+v accepted", v)
		}
	}
	cfg := fwdConfig(in, out)
	cfg.RxVLAN = []VLAN{push, push}
	if _, err := NewComponent(cfg); err == nil {
		t.Error("two VLAN operations for one rx port accepted")
	}
}

// A push needs headroom and a frame no one else holds: without, the frame
// is dropped and counted on the port that could not take it (tx_drop, or
// rx_drop on an rx port) and in the component's drops.
func TestVLANPushCannotBeDone(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_vlan_no", 1023)
	_, in := newRing(t, "t_vlan_no_in", 512)
	_, out := newRing(t, "t_vlan_no_out", 512)
	push := VLAN{Op: VLANAdd, ID: 100}

	t.Run("no headroom, tx", func(t *testing.T) {
		cfg := fwdConfig(in, out)
		cfg.TxVLAN = []VLAN{push}
		mustSwitch(t, map[int]*Config{1: cfg})
		_, _, _, txDrop0 := out.Counters()
		dpdktest.SendFramesHeadroom(in, p, frame(macA), 10, 0)
		dpdktest.SendFramesHeadroom(in, p, frame(macB), 5, 4)
		waitFor(t, "15 handled", func() bool { n, _ := lcoreCounters(1); return n == 15 })
		got := drainBytes(out)
		_, _, _, txDrop := out.Counters()
		_, d := lcoreCounters(1)
		if len(got) != 5 || vidMAC(got[0]) != "100/525400000002" || d != 10 || txDrop-txDrop0 != 10 {
			t.Fatalf("received %d, drops %d, tx_drop %d; want 5 (macB, pushed), 10, 10", len(got), d, txDrop-txDrop0)
		}
		mustSwitch(t, map[int]*Config{1: nil})
		checkNoLeak(t, p)
	})
	t.Run("no headroom, rx", func(t *testing.T) {
		cfg := fwdConfig(in, out)
		cfg.RxVLAN = []VLAN{push}
		mustSwitch(t, map[int]*Config{1: cfg})
		_, _, rxDrop0, _ := in.Counters()
		dpdktest.SendFramesHeadroom(in, p, frame(macA), 10, 0)
		waitFor(t, "10 handled", func() bool { n, _ := lcoreCounters(1); return n == 10 })
		_, _, rxDrop, _ := in.Counters()
		if got, d := len(drainBytes(out)), func() uint64 { _, d := lcoreCounters(1); return d }(); got != 0 || d != 10 || rxDrop-rxDrop0 != 10 {
			t.Fatalf("received %d, drops %d, rx_drop %d; want 0 10 10", got, d, rxDrop-rxDrop0)
		}
		mustSwitch(t, map[int]*Config{1: nil})
		checkNoLeak(t, p)
	})
	// A shallow mirror on lcore 2 sends originals to x and clones (same
	// data) to y; while the clones wait in y, a push or a strip on x's
	// frames would change the clones too: they are dropped. Once the
	// originals are gone, the clones are the data's only users and may be
	// changed.
	for _, op := range []VLAN{push, {Op: VLANDel}} {
		t.Run(fmt.Sprintf("shared frame, op %d", op.Op), func(t *testing.T) {
			_, x := newRing(t, "t_vlan_sh_x", 512)
			_, y := newRing(t, "t_vlan_sh_y", 512)
			mustSwitch(t, map[int]*Config{2: {Kernel: component.KernelMirror, Rx: []*Endpoint{in}, Tx: []*Endpoint{x, y}}})
			dpdktest.SendFrames(in, p, tagged(macA, 7, 0), 10)
			waitFor(t, "10 mirrored", func() bool { n, _ := lcoreCounters(2); return n == 10 })
			fromX := fwdConfig(x, out)
			fromX.TxVLAN = []VLAN{op}
			mustSwitch(t, map[int]*Config{1: fromX})
			waitFor(t, "x forwarded", func() bool { n, _ := lcoreCounters(1); return n == 10 })
			_, _, _, txDrop := out.Counters()
			if got, d := len(drainBytes(out)), func() uint64 { _, d := lcoreCounters(1); return d }(); got != 0 || d != 10 {
				t.Fatalf("shared frames: received %d, drops %d; want 0 and 10 (tx_drop %d)", got, d, txDrop)
			}
			fromY := fwdConfig(y, out)
			fromY.TxVLAN = []VLAN{op}
			mustSwitch(t, map[int]*Config{1: fromY})
			waitFor(t, "y forwarded", func() bool { n, _ := lcoreCounters(1); return n == 10 })
			got := drainBytes(out)
			want := "-/525400000001"
			if op.Op == VLANAdd {
				want = "100/525400000001"
			}
			if len(got) != 10 || vidMAC(got[0]) != want {
				t.Fatalf("clones: received %d, first %s; want 10 %s", len(got), vidMAC(got[0]), want)
			}
			mustSwitch(t, map[int]*Config{1: nil, 2: nil})
			checkNoLeak(t, p)
		})
	}
}

// The mix classifyVLAN sends: untagged and tagged frames, unicast and
// broadcast, n of each.
var vlanMix = []struct {
	f []byte
	n int
}{
	{frame(macA), 10},          // MAC entry -> tx0
	{frame(bcast), 5},          // untagged flood: MAC entries' ports + default
	{frame(other), 8},          // -> default
	{tagged(macA, 100, 0), 7},  // (100, macA) -> tx1
	{tagged(macB, 100, 3), 6},  // (100, macB) -> tx2
	{tagged(macB, 200, 0), 3},  // (200, macB) -> tx3
	{tagged(macA, 200, 0), 2},  // macA has a MAC entry, not a (200, macA) one -> default
	{tagged(bcast, 100, 0), 4}, // flood of VLAN 100: tx1, tx2 + default
	{tagged(bcast, 300, 0), 1}, // no entry of VLAN 300: default only
	{tagged(mcast, 200, 0), 2}, // flood of VLAN 200: tx3 + default
}

// classifyVLAN sends vlanMix through a classifier over tx rings tx0..tx4
// with those tx VLAN operations and returns what each tx received.
func classifyVLAN(t *testing.T, table *MACTable, ops []VLAN) (c classified) {
	t.Helper()
	p := newPool(t, "t_vcls", 1023)
	in, tx := startClassifier(t, "t_vcls", 512, 5, table, ops)
	total := 0
	for _, m := range vlanMix {
		if dpdktest.SendFrames(in, p, m.f, m.n) != m.n {
			t.Fatal("send failed")
		}
		total += m.n
	}
	waitFor(t, "the mix classified", func() bool { n, _ := lcoreCounters(1); return n == uint64(total) })
	for i := range tx {
		rx := map[string]int{}
		for _, f := range drainBytes(tx[i]) {
			rx[vidMAC(f)]++
		}
		c.rx = append(c.rx, countsOf(rx))
	}
	c.packets, c.drops = lcoreCounters(1)
	mustSwitch(t, map[int]*Config{1: nil})
	checkNoLeak(t, p)
	return c
}

func vlanTable(t *testing.T, def int) *MACTable {
	t.Helper()
	tb := newTable(t, 4, 4)
	for _, err := range []error{
		tb.Add(macA, 0),
		tb.AddVLAN(100, macA, 1),
		tb.AddVLAN(100, macB, 2),
		tb.AddVLAN(200, macB, 3),
		tb.SetDefault(def),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

// Tagged frames are classified by (VLAN id, MAC), untagged ones by MAC;
// a tagged group frame floods only to the ports of its VLAN and the
// default.
func TestClassifierVLAN(t *testing.T) {
	idleAll(t)
	t.Run("default tx4", func(t *testing.T) {
		classifyVLAN(t, vlanTable(t, 4), nil).check(t, 48, 0,
			"-/525400000001:10 -/ffffffffffff:5",
			"100/525400000001:7 100/ffffffffffff:4",
			"100/525400000002:6 100/ffffffffffff:4",
			"200/01005e000001:2 200/525400000002:3",
			"-/525400009999:8 -/ffffffffffff:5 100/ffffffffffff:4 200/01005e000001:2 200/525400000001:2 300/ffffffffffff:1")
	})
	// Without a default: unmapped unicast, tagged or not, is dropped, and
	// a flood of a VLAN without entries has nowhere to go.
	t.Run("no default", func(t *testing.T) {
		c := classifyVLAN(t, vlanTable(t, -1), nil)
		if c.rx[4] != "" {
			t.Errorf("tx4 got %s", c.rx[4])
		}
		if c.rx[3] != "200/01005e000001:2 200/525400000002:3" {
			t.Errorf("tx3 got %s", c.rx[3])
		}
		if c.packets != 48 || c.drops != 8+2+1 {
			t.Errorf("packets %d drops %d, want 48 11", c.packets, c.drops)
		}
	})
	// Tx ports that strip: every frame leaves untagged, floods included
	// (each stripping port gets a copy of its own); tx4 without an
	// operation gets the flooded frame tagged, as it came in.
	t.Run("strip on tx1..tx3", func(t *testing.T) {
		del := VLAN{Op: VLANDel}
		classifyVLAN(t, vlanTable(t, 4), []VLAN{{}, del, del, del, {}}).check(t, 48, 0,
			"-/525400000001:10 -/ffffffffffff:5",
			"-/525400000001:7 -/ffffffffffff:4",
			"-/525400000002:6 -/ffffffffffff:4",
			"-/01005e000001:2 -/525400000002:3",
			"-/525400009999:8 -/ffffffffffff:5 100/ffffffffffff:4 200/01005e000001:2 200/525400000001:2 300/ffffffffffff:1")
	})
	// Every port with an operation: one takes the flooded frame itself,
	// the others copies.
	t.Run("strip everywhere", func(t *testing.T) {
		del := VLAN{Op: VLANDel}
		classifyVLAN(t, vlanTable(t, 4), []VLAN{del, del, del, del, del}).check(t, 48, 0,
			"-/525400000001:10 -/ffffffffffff:5",
			"-/525400000001:7 -/ffffffffffff:4",
			"-/525400000002:6 -/ffffffffffff:4",
			"-/01005e000001:2 -/525400000002:3",
			"-/01005e000001:2 -/525400000001:2 -/525400009999:8 -/ffffffffffff:10")
	})
}

func TestMACTableVLAN(t *testing.T) {
	tb := newTable(t, 1, 2)
	if err := tb.AddVLAN(100, macA, 1); err != nil {
		t.Fatal(err)
	}
	if err := tb.AddVLAN(100, macA, 1); err != nil {
		t.Fatalf("re-adding the same mapping: %v", err)
	}
	if err := tb.AddVLAN(100, macA, 2); err == nil {
		t.Fatal("(100, macA) mapped to a second port")
	}
	if err := tb.AddVLAN(200, macA, 2); err != nil {
		t.Fatalf("(200, macA) next to (100, macA): %v", err)
	}
	if err := tb.Add(macA, 0); err != nil {
		t.Fatalf("MAC entry next to VLAN entries of the same MAC: %v", err)
	}
	for _, vid := range []uint16{0, 4095} {
		if err := tb.AddVLAN(vid, macB, 0); err == nil {
			t.Fatalf("VLAN id %d accepted", vid)
		}
	}
	if tb.Len() != 3 {
		t.Fatalf("Len %d, want 3", tb.Len())
	}
	for i := uint64(0); tb.Len() < 1+8; i++ { // 16 VLAN slots: 8 entries
		if err := tb.AddVLAN(300, 0x020000000000+i, 0); err != nil {
			t.Fatalf("VLAN entry %d: %v", tb.Len(), err)
		}
	}
	if err := tb.AddVLAN(300, 0x030000000000, 0); err == nil {
		t.Fatal("VLAN table filled past half its slots")
	}
	// A VLAN entry's tx index counts: two tx ports are too few.
	_, in := newRing(t, "t_mtv_in", 64)
	_, out := newRing(t, "t_mtv_out", 64)
	if _, err := NewComponent(&Config{Kernel: component.KernelClassifier, Rx: []*Endpoint{in}, Tx: []*Endpoint{out, out}, Table: tb}); err == nil {
		t.Fatal("table with VLAN tx index 2 accepted for two tx ports")
	}
	noV := newTable(t, 1, 0)
	if err := noV.AddVLAN(100, macA, 0); err == nil {
		t.Fatal("VLAN entry in a table made without room for any")
	}
}
