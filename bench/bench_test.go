package main

// The harness's pure parts: what it reads from testpmd, what it sends to
// the daemons, the traffic it asks for and the statistics it reports. The
// measurements themselves need root, hugepages and minutes: `make bench`.

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// A `show port stats all` answer as testpmd 22.11 prints it (two ports).
const tpStatsOut = `show port stats all

  ######################## NIC statistics for port 0  ########################
  RX-packets: 211889888  RX-missed: 3          RX-bytes:  0
  RX-errors: 1
  RX-nombuf:  2         
  TX-packets: 0          TX-errors: 0          TX-bytes:  0

  Throughput (since last show)
  Rx-pps:     32809125          Rx-bps:            0
  Tx-pps:            0          Tx-bps:            0
  ############################################################################

  ######################## NIC statistics for port 1  ########################
  RX-packets: 0          RX-missed: 0          RX-bytes:  0
  RX-errors: 0
  RX-nombuf:  0         
  TX-packets: 211889856  TX-errors: 4          TX-bytes:  0

  Throughput (since last show)
  Rx-pps:            0          Rx-bps:            0
  Tx-pps:     32809139          Tx-bps:            0
  ############################################################################
testpmd> `

func TestTestpmdStatsParse(t *testing.T) {
	tp := &testpmd{out: make(chan string, 1)}
	tp.out <- tpStatsOut
	tp.in = nopWriter{}
	ports, err := tp.stats()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]tpPort{0: {rx: 211889888, drops: 6}, 1: {tx: 211889856, drops: 4}}
	if len(ports) != len(want) {
		t.Fatalf("ports %+v, want %+v", ports, want)
	}
	for id, w := range want {
		if ports[id] != w {
			t.Errorf("port %d: %+v, want %+v", id, ports[id], w)
		}
	}
}

func TestTestpmdStatsWithoutPortsIsAnError(t *testing.T) {
	tp := &testpmd{out: make(chan string, 1), in: nopWriter{}}
	tp.out <- "show port stats all\r\ntestpmd> "
	if _, err := tp.stats(); err == nil {
		t.Fatal("an answer without port statistics was accepted")
	}
}

type nopWriter struct{}

func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopWriter) Close() error                { return nil }

func TestTableBatchesRespectTheProtocolLimit(t *testing.T) {
	b := tableBatches()
	entries := 0
	for i, batch := range b {
		if len(batch) > 256 {
			t.Errorf("batch %d has %d commands (limit 256)", i, len(batch))
		}
		for _, c := range batch {
			if c.Name == proto.CmdClassifierTable {
				entries++
			}
		}
	}
	if entries != tableSize {
		t.Errorf("%d classifier_table commands, want %d", entries, tableSize)
	}
	if first, err := b[0][0].Component(); err != nil || first.Type != "classifier" || b[len(b)-1][0].Name != proto.CmdFlush {
		t.Errorf("want the classifier first and flush last, got %s ... %s", b[0][0].Raw, b[len(b)-1][0].Raw)
	}
}

func TestComponentNoneHasNoPortLists(t *testing.T) {
	js, _ := json.Marshal(component(2, "none", nil, nil))
	if strings.Contains(string(js), "ports") {
		t.Errorf("type none carries port lists: %s", js)
	}
	js, _ = json.Marshal(component(2, "forward", []string{"nic0"}, []string{"nic1"}))
	if !strings.Contains(string(js), `"rx_ports":["nic0"]`) || !strings.Contains(string(js), `"core_id":"2"`) {
		t.Errorf("forward: %s", js)
	}
}

func TestMACString(t *testing.T) {
	if got := macString(tableMAC(0x1234)); got != "52:54:01:00:12:34" {
		t.Errorf("got %s", got)
	}
}

// The generator's traffic: the mixes hold only the MACs the classifier
// expects, all of them, and the same sequence every time.
func TestDstSequences(t *testing.T) {
	two, err := dstSequence(dstTwo)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]int{}
	for _, m := range two {
		seen[m]++
	}
	if len(seen) != 3 || seen[macA] == 0 || seen[macB] == 0 || seen[macUnknown] == 0 {
		t.Errorf("two: MACs %v", seen)
	}
	table, err := dstSequence(dstTable)
	if err != nil {
		t.Fatal(err)
	}
	hit := map[uint64]bool{}
	for _, m := range table {
		if m < tableMAC(0) || m > tableMAC(tableSize-1) {
			t.Fatalf("table: %s is not in the table", macString(m))
		}
		hit[m] = true
	}
	if len(hit) < tableSize*9/10 {
		t.Errorf("table: only %d of %d MACs used", len(hit), tableSize)
	}
	again, _ := dstSequence(dstTable)
	for i := range table {
		if table[i] != again[i] {
			t.Fatal("the table sequence differs between two calls")
		}
	}
	if _, err := dstSequence("three"); err == nil {
		t.Error("an unknown mix was accepted")
	}
}

func TestMedianAndPercentile(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3 = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4 = %v", m)
	}
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if p := pct(ds, 50); p != 50 {
		t.Errorf("p50 = %v", p)
	}
	if p := pct(ds, 100); p != 100 {
		t.Errorf("max = %v", p)
	}
}

// The ratio of a row is the median of the paired runs' ratios, and the
// target is judged on the per-CPU-second one.
func TestRowRatioAndTarget(t *testing.T) {
	r := &row{Target: 0.75}
	for _, p := range [][2]float64{{30, 60}, {40, 50}, {50, 50}} {
		o := runResult{Mpps: p[0], MppsPerCPU: p[0]}
		tp := runResult{Mpps: p[1], MppsPerCPU: p[1]}
		r.Ours.add(o, nil)
		r.Testpmd.add(tp, nil)
		r.pair(o, tp)
	}
	r.finish()
	if r.RatioPerCPU != 0.8 || !r.Met {
		t.Errorf("ratio %v met %v, want 0.8 and met", r.RatioPerCPU, r.Met)
	}
	r.Target = 0.9
	r.finish()
	if r.Met {
		t.Error("0.8 met a target of 0.9")
	}
}

// between: rates over the interval between two samples, per wall second
// and per second the worker was on a CPU.
func TestBetween(t *testing.T) {
	t0 := time.Unix(100, 0)
	a := sample{at: t0, out: 1000, cpu: cpuTimes{run: time.Second}}
	b := sample{at: t0.Add(2 * time.Second), out: 1000 + 100e6, drops: 3, cpu: cpuTimes{run: 2 * time.Second}}
	r := between(a, b)
	if r.Mpps != 50 || r.MppsPerCPU != 100 || r.CPUShare != 0.5 || r.Drops != 3 {
		t.Errorf("%+v", r)
	}
}
