package rate

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
)

var t0 = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)

func TestDelta(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur uint64
		want      uint64
		reset     bool
	}{
		{"up", 100, 350, 250, false},
		{"unchanged", 7, 7, 0, false},
		{"wrap past 2^64-1", math.MaxUint64 - 9, 5, 15, false},
		{"down by 2^63+1: a wrap", 1<<63 + 5, 4, 1<<63 - 1, false},
		{"down by exactly 2^63: a reset", 1<<63 + 5, 5, 5, true},
		{"restart: down to a smaller value", 1_000_000, 300, 300, true},
		{"restart: down to zero", 42, 0, 0, true},
		{"restart from a huge counter to near it", math.MaxUint64, math.MaxUint64 - 1, math.MaxUint64 - 1, true},
	}
	for _, tc := range tests {
		got, reset := Delta(tc.prev, tc.cur)
		if got != tc.want || reset != tc.reset {
			t.Errorf("%s: Delta(%d, %d) = %d, %v; want %d, %v", tc.name, tc.prev, tc.cur, got, reset, tc.want, tc.reset)
		}
	}
}

func port(name string, rx, tx, rxd, txd uint64) proto.PortStatus {
	return proto.PortStatus{Port: name, Rx: rx, Tx: tx, RxDrop: rxd, TxDrop: txd}
}

func TestBetweenPorts(t *testing.T) {
	prev := Snapshot{At: t0, Ports: []proto.PortStatus{
		port("nic0", 1000, 2000, 0, 10),
		port("ring0", math.MaxUint64-99, 0, 0, 0), // about to wrap
		port("vhost0", 5_000_000, 4_000_000, 70, 0),
		port("gone", 1, 1, 1, 1),
	}}
	cur := Snapshot{At: t0.Add(2 * time.Second), Ports: []proto.PortStatus{
		port("nic0", 3001, 2000, 0, 14),
		port("ring0", 100, 0, 0, 0),     // wrapped: 200 counted
		port("vhost0", 600, 900, 0, 80), // restarted: went down
		port("new", 50, 50, 0, 0),       // no previous value
	}}
	r, err := Between(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := Rates{Seconds: 2, Ports: []PortRate{
		{Port: "nic0", RxPPS: 1000.5, TxPPS: 0, TxDropPPS: 2},
		{Port: "ring0", RxPPS: 100},
		// Reset: every counter of the port is its new value over 2 s, the
		// ones that went up too (tx 4000000 -> 900 is no 450 pps loss).
		{Port: "vhost0", RxPPS: 300, TxPPS: 450, RxDropPPS: 0, TxDropPPS: 40, Reset: true},
	}}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
	for _, p := range r.Ports {
		for _, v := range []float64{p.RxPPS, p.TxPPS, p.RxDropPPS, p.TxDropPPS} {
			if v < 0 {
				t.Fatalf("negative rate: %+v", p)
			}
		}
	}
	if _, ok := r.Port("new"); ok {
		t.Fatal("a port without a previous value has a rate")
	}
	if p, ok := r.Port("nic0"); !ok || p.RxPPS != 1000.5 {
		t.Fatalf("Port(nic0) = %+v, %v", p, ok)
	}
}

// A process that restarted: every counter starts again from zero. No rate
// is negative; each is the new count over the interval.
func TestBetweenProcessRestarted(t *testing.T) {
	prev := Snapshot{At: t0,
		Ports: []proto.PortStatus{port("nic0", 9_000_000, 9_000_000, 5, 5)},
		Cores: []proto.CoreStatus{{Core: 2, Name: "classifier2", Type: "classifier", Packets: 9_000_000, Drops: 3}},
	}
	cur := Snapshot{At: t0.Add(500 * time.Millisecond),
		Ports: []proto.PortStatus{port("nic0", 400, 399, 0, 0)},
		Cores: []proto.CoreStatus{{Core: 2, Name: "classifier2", Type: "classifier", Packets: 400, Drops: 1}},
	}
	r, err := Between(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := Rates{Seconds: 0.5,
		Ports: []PortRate{{Port: "nic0", RxPPS: 800, TxPPS: 798, Reset: true}},
		Core:  []CoreRate{{Core: 2, Name: "classifier2", PPS: 800, DropPPS: 2, Reset: true}},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
}

func TestBetweenComponents(t *testing.T) {
	prev := Snapshot{At: t0, Cores: []proto.CoreStatus{
		{Core: 2, Name: "classifier2", Type: "classifier", Packets: 100, Drops: 3},
		{Core: 3, Name: "merge3", Type: "merge", Packets: 50},
		{Core: 4, Type: "forward", Packets: 10}, // no name: matched by lcore
		{Core: 5, Type: proto.CoreUnuse},
		{Core: 6, Name: "fw", Type: "forward", Packets: 1000},
		{Core: 8, Name: "forward8", Type: "forward", Packets: 10},
	}}
	cur := Snapshot{At: t0.Add(time.Second), Cores: []proto.CoreStatus{
		{Core: 2, Name: "classifier2", Type: "classifier", Packets: 1100, Drops: 3},
		{Core: 3, Name: "merge3", Type: "merge", Packets: 50},
		{Core: 4, Type: "forward", Packets: 30},
		{Core: 5, Name: "forward5", Type: "forward", Packets: 7}, // new: no rate
		{Core: 6, Name: "fw", Type: "merge", Packets: 2000},      // replaced by another type
		{Core: 7, Type: proto.CoreUnuse},
		{Core: 8, Name: "merge8", Type: "merge", Packets: 99}, // another component: no rate
	}}
	r, err := Between(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := []CoreRate{
		{Core: 2, Name: "classifier2", PPS: 1000},
		{Core: 3, Name: "merge3"},
		{Core: 4, PPS: 20},
		{Core: 6, Name: "fw", PPS: 2000, Reset: true},
	}
	if !reflect.DeepEqual(r.Core, want) {
		t.Fatalf("got  %+v\nwant %+v", r.Core, want)
	}
	if c, ok := r.Component(cur.Cores[0]); !ok || c.PPS != 1000 {
		t.Fatalf("Component(classifier2) = %+v, %v", c, ok)
	}
	if _, ok := r.Component(cur.Cores[3]); ok {
		t.Fatal("a new component has a rate")
	}
}

// Protocol v2: several components on one lcore each have their rate, found
// by name; a component that changed (moved to another lcore, got another
// port, a VLAN operation, went idle or running) counted from 0 within the
// interval, so its rate is its new count, flagged reset, even though its
// counters went up.
func TestBetweenSharedLcore(t *testing.T) {
	ring := func(name, op string) []proto.PortRef {
		return []proto.PortRef{{Port: name, VLAN: proto.VLAN{Operation: op}}}
	}
	fw := func(name string, core int, state string, rx, tx []proto.PortRef, packets uint64) proto.CoreStatus {
		return proto.CoreStatus{Core: core, Name: name, Type: "forward", State: state, RxPort: rx, TxPort: tx, Packets: packets}
	}
	run, idle := proto.StateRunning, proto.StateIdle
	prev := Snapshot{At: t0, Cores: []proto.CoreStatus{
		fw("fa", 2, run, ring("ring0", "none"), ring("ring1", "none"), 100),
		fw("fb", 2, run, ring("ring2", "none"), ring("ring3", "none"), 1000),
		fw("fc", 2, run, ring("ring4", "none"), ring("ring5", "none"), 10),
		fw("fd", 3, run, ring("ring6", "none"), ring("ring7", "none"), 10),
		fw("fe", 3, run, ring("ring8", "none"), ring("ring9", "none"), 10),
		fw("ff", 4, idle, ring("nic0", "none"), nil, 0),
	}}
	cur := Snapshot{At: t0.Add(time.Second), Cores: []proto.CoreStatus{
		fw("fa", 2, run, ring("ring0", "none"), ring("ring1", "none"), 400),
		fw("fb", 2, run, ring("ring2", "none"), ring("ring3", "none"), 1100),
		fw("fc", 3, run, ring("ring4", "none"), ring("ring5", "none"), 50), // moved to lcore 3
		fw("fd", 3, run, ring("ring6", "none"), ring("ring5", "none"), 60), // another tx port
		fw("fe", 3, run, ring("ring8", "none"), ring("ring9", "del"), 70),  // a VLAN operation
		fw("ff", 4, run, ring("nic0", "none"), ring("nic1", "none"), 5),    // completed: running
	}}
	r, err := Between(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := []CoreRate{
		{Core: 2, Name: "fa", PPS: 300},
		{Core: 2, Name: "fb", PPS: 100},
		{Core: 3, Name: "fc", PPS: 50, Reset: true},
		{Core: 3, Name: "fd", PPS: 60, Reset: true},
		{Core: 3, Name: "fe", PPS: 70, Reset: true},
		{Core: 4, Name: "ff", PPS: 5, Reset: true},
	}
	if !reflect.DeepEqual(r.Core, want) {
		t.Fatalf("got  %+v\nwant %+v", r.Core, want)
	}
	for i, pps := range []float64{300, 100} {
		if c, ok := r.Component(cur.Cores[i]); !ok || c.PPS != pps {
			t.Errorf("Component(%s) = %+v, %v", cur.Cores[i].Name, c, ok)
		}
	}
}

// withBytes is p with byte counters.
func withBytes(p proto.PortStatus, rx, tx uint64) proto.PortStatus {
	p.RxBytes, p.TxBytes = &rx, &tx
	return p
}

func mbps(v float64) *float64 { return &v }

// Mbit/s come from the byte counters with the packets' rules (wrap,
// reset: never negative), but on their own: bytes that went down reset the
// Mbit/s, not the pps, and the other way round (a NIC's bytes are the
// ethdev's, its packets the secondary's). A port without byte counters in
// either snapshot (a ring, a daemon that sends none) has no Mbit/s.
func TestBetweenBytes(t *testing.T) {
	prev := Snapshot{At: t0, Ports: []proto.PortStatus{
		withBytes(port("nic0", 1000, 1000, 0, 0), 64_000, 1_500_000),
		withBytes(port("nic1", 10, 10, 0, 0), math.MaxUint64-999, 0),  // rx bytes about to wrap
		withBytes(port("nic2", 500, 500, 0, 0), 9_000_000, 9_000_000), // the primary's clear comes
		withBytes(port("vhost0", 9000, 9000, 0, 0), 100, 100),         // the secondary restarts
		port("ring0", 0, 0, 0, 0),
		port("pcap0", 0, 0, 0, 0), // bytes from the next snapshot on only
	}}
	cur := Snapshot{At: t0.Add(2 * time.Second), Ports: []proto.PortStatus{
		withBytes(port("nic0", 3000, 1500, 0, 0), 64_000+2*1_250_000, 1_500_000+12_500),
		withBytes(port("nic1", 20, 20, 0, 0), 249_000, 0), // 250000 bytes across the wrap
		withBytes(port("nic2", 700, 700, 0, 0), 250_000, 500_000),
		withBytes(port("vhost0", 100, 100, 0, 0), 100+500_000, 100),
		port("ring0", 50, 50, 0, 0),
		withBytes(port("pcap0", 10, 0, 0, 0), 600, 0),
	}}
	r, err := Between(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := []PortRate{
		// 2.5 MB in 2 s: 10 Mbit/s; 12500 B: 0.05 Mbit/s.
		{Port: "nic0", RxPPS: 1000, TxPPS: 250, RxMbps: mbps(10), TxMbps: mbps(0.05)},
		{Port: "nic1", RxPPS: 5, TxPPS: 5, RxMbps: mbps(1), TxMbps: mbps(0)},
		// Bytes reset, packets not: the Mbit/s are the new bytes over 2 s.
		{Port: "nic2", RxPPS: 100, TxPPS: 100, RxMbps: mbps(1), TxMbps: mbps(2), Reset: true},
		// Packets reset, bytes not: the Mbit/s are the bytes' growth.
		{Port: "vhost0", RxPPS: 50, TxPPS: 50, RxMbps: mbps(2), TxMbps: mbps(0), Reset: true},
		{Port: "ring0", RxPPS: 25, TxPPS: 25},
		{Port: "pcap0", RxPPS: 5},
	}
	if !reflect.DeepEqual(r.Ports, want) {
		t.Errorf("got  %s\nwant %s", js(r.Ports), js(want))
	}
	for _, p := range r.Ports {
		for _, v := range []*float64{p.RxMbps, p.TxMbps} {
			if v != nil && *v < 0 {
				t.Errorf("negative Mbit/s: %s", js(p))
			}
		}
	}
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestMbitPerSecond(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		dt   time.Duration
		want float64
	}{
		{1_250_000, time.Second, 10},
		{14_880_952 * 64, time.Second, 7619.047}, // 10GbE of 64-byte frames, without preamble and gap
		{125, time.Second, 0.001},
		{62, time.Second, 0}, // under a thousandth: rounded away
		{1000, 0, 0},         // no interval
		{3_000_000, 3 * time.Second, 8},
	} {
		if got := MbitPerSecond(tc.n, tc.dt); got != tc.want {
			t.Errorf("MbitPerSecond(%d, %v) = %v, want %v", tc.n, tc.dt, got, tc.want)
		}
	}
}

func TestBetweenInterval(t *testing.T) {
	s := Snapshot{At: t0, Ports: []proto.PortStatus{port("nic0", 1, 1, 0, 0)}}
	if _, err := Between(s, s); err != ErrInterval {
		t.Fatalf("same time: %v", err)
	}
	later := s
	later.At = t0.Add(time.Second)
	if _, err := Between(later, s); err != ErrInterval {
		t.Fatalf("reversed: %v", err)
	}
}

func TestTracker(t *testing.T) {
	var tr Tracker
	si := &proto.SecondaryInfo{Ports: []proto.PortStatus{port("ring0", 100, 100, 0, 0)}}
	if _, ok := tr.Observe("sec 1", Secondary(t0, si)); ok {
		t.Fatal("rates from a first snapshot")
	}
	if !tr.Has("sec 1") || tr.Has("sec 2") {
		t.Fatal("Has")
	}
	si2 := &proto.SecondaryInfo{Ports: []proto.PortStatus{port("ring0", 400, 100, 0, 0)}}
	r, ok := tr.Observe("sec 1", Secondary(t0.Add(3*time.Second), si2))
	if !ok || r.Ports[0].RxPPS != 100 {
		t.Fatalf("second snapshot: %+v, %v", r, ok)
	}
	// An older snapshot recorded late is not kept: the next rates are
	// still from the newest one.
	if _, ok := tr.Observe("sec 1", Secondary(t0.Add(2*time.Second), si)); ok {
		t.Fatal("rates from an older snapshot")
	}
	si3 := &proto.SecondaryInfo{Ports: []proto.PortStatus{port("ring0", 600, 100, 0, 0)}}
	if r, ok := tr.Observe("sec 1", Secondary(t0.Add(5*time.Second), si3)); !ok || r.Ports[0].RxPPS != 100 || r.Seconds != 2 {
		t.Fatalf("after an older snapshot: %+v, %v", r, ok)
	}
	// The primary is tracked apart.
	pi := &proto.PrimaryInfo{Ports: []proto.PortStatus{port("nic0", 5, 5, 0, 0)}}
	if _, ok := tr.Observe("pri", Primary(t0, pi)); ok {
		t.Fatal("pri: rates from a first snapshot")
	}
	tr.Forget("sec 1")
	if _, ok := tr.Observe("sec 1", Secondary(t0.Add(6*time.Second), si)); ok {
		t.Fatal("rates across Forget")
	}
}

// The news that a process joined can arrive after the shell read its
// first status: ForgetBefore keeps a snapshot read after the join, and
// drops one read before it (another process's counters).
func TestForgetBefore(t *testing.T) {
	var tr Tracker
	t0 := time.Now()
	si := &proto.SecondaryInfo{Ports: []proto.PortStatus{port("ring0", 100, 0, 0, 0)}}
	tr.Observe("sec 1", Secondary(t0, si))
	tr.ForgetBefore("sec 1", t0.Add(-time.Millisecond))
	if !tr.Has("sec 1") {
		t.Fatal("a snapshot read after the join was dropped")
	}
	tr.ForgetBefore("sec 1", t0.Add(time.Millisecond))
	if tr.Has("sec 1") {
		t.Fatal("a snapshot read before the join was kept")
	}
}

func TestRatesJSON(t *testing.T) {
	r := Rates{Seconds: 1, Ports: []PortRate{{Port: "nic0", RxPPS: 1.5}},
		Core: []CoreRate{{Core: 2, Name: "forward2", PPS: 3, Reset: true}}}
	b, _ := json.Marshal(r)
	want := `{"seconds":1,"ports":[{"port":"nic0","rx_pps":1.5,"tx_pps":0,"rx_drop_pps":0,"tx_drop_pps":0}],` +
		`"core":[{"core":2,"name":"forward2","pps":3,"drop_pps":0,"reset":true}]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	// Mbit/s when known, 0 included; absent when not.
	r.Ports = append(r.Ports, PortRate{Port: "vhost0", RxMbps: mbps(12.5), TxMbps: mbps(0)})
	b, _ = json.Marshal(r.Ports)
	want = `[{"port":"nic0","rx_pps":1.5,"tx_pps":0,"rx_drop_pps":0,"tx_drop_pps":0},` +
		`{"port":"vhost0","rx_pps":0,"tx_pps":0,"rx_drop_pps":0,"tx_drop_pps":0,"rx_mbps":12.5,"tx_mbps":0}]`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestHuman(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", -1: "0", 7.46: "7.5", 950.4: "950", 12345: "12.3k",
		1_250_000: "1.25M", 14_880_952: "14.88M", 1.2e9: "1.20G",
	} {
		if got := Human(v); got != want {
			t.Errorf("Human(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestMbit(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", -1: "0", 0.004: "<0.01", 0.05: "0.05", 7.619: "7.62", 95.24: "95.2",
		950.4: "950", 7619.047: "7619", 100_000: "100000",
	} {
		if got := Mbit(v); got != want {
			t.Errorf("Mbit(%v) = %q, want %q", v, got, want)
		}
	}
}
