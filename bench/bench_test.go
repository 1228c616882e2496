package main

// The harness's pure parts: what it reads from testpmd, what it sends to
// the daemons, the traffic it asks for and the statistics it reports. The
// measurements themselves need root, hugepages and minutes: `make bench`.

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/testpmd"
)

// stats asks with testpmd.ShowPortStats and reads the answer that ends at
// the prompt (common/testpmd's captured one).
func TestTestpmdStats(t *testing.T) {
	answer, err := os.ReadFile("../common/testpmd/testdata/port_stats_all.txt")
	if err != nil {
		t.Fatal(err)
	}
	var asked strings.Builder
	tp := &tpProc{out: make(chan string, 1), in: nopCloser{&asked}}
	tp.out <- string(answer)
	ports, err := tp.stats()
	if err != nil {
		t.Fatal(err)
	}
	if asked.String() != testpmd.ShowPortStats+"\n" {
		t.Errorf("asked %q", asked.String())
	}
	if len(ports) != 2 || ports[1] != testpmd.PortStats(string(answer))[1] {
		t.Errorf("ports %+v", ports)
	}
}

func TestTestpmdStatsWithoutPortsIsAnError(t *testing.T) {
	tp := &tpProc{out: make(chan string, 1), in: nopCloser{io.Discard}}
	tp.out <- "show port stats all\r\ntestpmd> "
	if _, err := tp.stats(); err == nil {
		t.Fatal("an answer without port statistics was accepted")
	}
}

// nopCloser is testpmd's stdin in these tests.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

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

// The table's MAC i is 52:54:01 and then i, as the classifier_table
// commands write it.
func TestTableMAC(t *testing.T) {
	if got := proto.FormatMAC(tableMAC(0x1234)); got != "52:54:01:00:12:34" {
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
			t.Fatalf("table: %s is not in the table", proto.FormatMAC(m))
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

// The generator alone: the medians of its rounds, its errors kept; in
// results.json with the keys a side's rounds have too, in this order.
func TestCapacityRounds(t *testing.T) {
	c := &capacity{Dst: "one"}
	c.add(runResult{Mpps: 10, MppsPerCPU: 40}, nil)
	c.add(runResult{}, fmt.Errorf("generator did not start"))
	c.add(runResult{Mpps: 30, MppsPerCPU: 20}, nil)
	c.add(runResult{Mpps: 20, MppsPerCPU: 30}, nil)
	c.finish()
	if c.Mpps != 20 || c.MppsPerCPU != 30 || len(c.Runs) != 3 || len(c.Errors) != 1 {
		t.Errorf("capacity %+v", c)
	}
	b, err := json.Marshal(&capacity{Dst: "one", rounds: rounds{Errors: []string{"e"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"dst":"one","runs":null,"errors":["e"],"mpps":0,"mpps_per_cpu_s":0}`; string(b) != want {
		t.Errorf("JSON %s\n want %s", b, want)
	}
}

// between: rates over the interval between two samples, per wall second
// and per second the worker was on a CPU.
func TestBetween(t *testing.T) {
	t0 := time.Unix(100, 0)
	a := sample{at: t0, out: 1000, cpu: cpuTimes{run: time.Second}}
	b := sample{at: t0.Add(2 * time.Second), out: 1000 + 100e6, drops: 3, cpu: cpuTimes{run: 2 * time.Second}}
	r := between(a, b)
	if r.Mpps != 50 || r.MppsPerCPU != 100 || r.CPUShare != 0.5 || r.Drops != 3 || r.OutPorts != nil {
		t.Errorf("%+v", r)
	}
	a.outs = map[string]uint64{"nic1": 400, "nic3": 600}
	b.outs = map[string]uint64{"nic1": 400 + 60e6, "nic3": 600 + 40e6}
	if r := between(a, b); r.OutPorts["nic1"] != 60e6 || r.OutPorts["nic3"] != 40e6 || len(r.OutPorts) != 2 {
		t.Errorf("out ports %v", r.OutPorts)
	}
}

// The generator's rewritten share: reported with tagged frames only.
func TestBetweenRewritten(t *testing.T) {
	t0 := time.Unix(100, 0)
	g0 := &genStats{Sent: 100, Rewritten: 50, Tagged: true, at: t0}
	g1 := &genStats{Sent: 1100, Rewritten: 850, Tagged: true, at: t0.Add(time.Second)}
	a := sample{at: t0, gen: g0}
	b := sample{at: t0.Add(time.Second), out: 1, gen: g1}
	if r := between(a, b); r.SourceRewritten == nil || *r.SourceRewritten != 0.8 {
		t.Errorf("rewritten %v, want 0.8", r.SourceRewritten)
	}
	g0.Tagged, g1.Tagged = false, false
	if r := between(a, b); r.SourceRewritten != nil {
		t.Errorf("untagged traffic has a rewritten share %v", *r.SourceRewritten)
	}
}

func scenarioByKey(t *testing.T, key string) *scenario {
	t.Helper()
	scs, err := selectScenarios(key)
	if err != nil || len(scs) != 1 {
		t.Fatalf("scenario %s: %v", key, err)
	}
	return scs[0]
}

// The scenarios of issue 11 run by default; the paired variant of fwd2x1
// only when named.
func TestIssue11ScenariosAreSelected(t *testing.T) {
	all, _ := selectScenarios("")
	keys := map[string]bool{}
	for _, s := range all {
		keys[s.key] = true
	}
	for _, k := range []string{"fwd2x1", "vlan-strip", "vlan-push"} {
		if !keys[k] {
			t.Errorf("%s is not in the default run", k)
		}
	}
	if keys["fwd2x1p"] {
		t.Error("the diagnostic fwd2x1p is in the default run")
	}
	if s := scenarioByKey(t, "fwd2x1p"); s.topology != "paired" {
		t.Errorf("fwd2x1p: topology %s", s.topology)
	}
}

// components reads back the component commands of a scenario's batches,
// and checks that it ends with a flush.
func components(t *testing.T, sc *scenario) (comps []proto.ComponentCmd, cls []proto.ClassifierCmd) {
	t.Helper()
	b := sc.batches()
	last := b[len(b)-1]
	if last[len(last)-1].Name != proto.CmdFlush {
		t.Errorf("%s: the last command is %s, want flush", sc.key, last[len(last)-1].Raw)
	}
	for _, batch := range b {
		for _, c := range batch {
			switch c.Name {
			case proto.CmdComponent:
				cc, err := c.Component()
				if err != nil {
					t.Fatalf("%s: %s: %v", sc.key, c.Raw, err)
				}
				comps = append(comps, cc)
			case proto.CmdClassifierTable:
				e, err := c.Classifier()
				if err != nil {
					t.Fatalf("%s: %s: %v", sc.key, c.Raw, err)
				}
				cls = append(cls, e)
			}
		}
	}
	return comps, cls
}

// fwd2x1: two forwards with their own names (one without a name would
// replace everything on the lcore) on the one worker lcore, nic0 -> nic1
// and nic2 -> nic3, whose sources are nic0 and nic2.
func TestFwd2x1Batches(t *testing.T) {
	sc := scenarioByKey(t, "fwd2x1")
	comps, _ := components(t, sc)
	if len(comps) != 2 {
		t.Fatalf("%d components, want 2", len(comps))
	}
	want := [][2]string{{"nic0", "nic1"}, {"nic2", "nic3"}}
	for i, c := range comps {
		if c.Type != "forward" || c.CoreID != secWorkerCore || c.Name == "" ||
			len(c.Rx) != 1 || len(c.Tx) != 1 || c.Rx[0].Port.String() != want[i][0] || c.Tx[0].Port.String() != want[i][1] ||
			c.Rx[0].VLAN.Operation != proto.VLANNone || c.Tx[0].VLAN.Operation != proto.VLANNone {
			t.Errorf("component %d: %+v, want a named forward on lcore %d, %s -> %s", i, c, secWorkerCore, want[i][0], want[i][1])
		}
	}
	if comps[0].Name == comps[1].Name {
		t.Errorf("both forwards are named %s", comps[0].Name)
	}
	if strings.Join(sc.out, ",") != "nic1,nic3" {
		t.Errorf("output ports %v", sc.out)
	}
	for i, v := range sc.nics {
		if source := !strings.Contains(v, "no-rx=1"); source != (i == 0 || i == 2) {
			t.Errorf("nic%d is %s", i, v)
		}
	}
}

// vlan-strip: cls2 with vlan entries in the generator's VLAN, every tx
// port stripping, the unknown MAC to the default.
func TestVLANStripBatches(t *testing.T) {
	sc := scenarioByKey(t, "vlan-strip")
	if sc.dst != dstTwo || sc.vlan != benchVLAN {
		t.Errorf("traffic %s vlan %d, want %s tagged %d", sc.dst, sc.vlan, dstTwo, benchVLAN)
	}
	comps, cls := components(t, sc)
	if len(comps) != 1 || comps[0].Type != "classifier" || len(comps[0].Rx) != 1 || comps[0].Rx[0].Port.String() != "ring0" {
		t.Fatalf("components %+v, want one classifier reading ring0", comps)
	}
	var tx []string
	for _, p := range comps[0].Tx {
		tx = append(tx, p.Port.String())
		if p.VLAN.Operation != proto.VLANDel {
			t.Errorf("tx %s: VLAN %+v, want del", p.Port, p.VLAN)
		}
	}
	if strings.Join(tx, ",") != strings.Join(sc.out, ",") {
		t.Errorf("tx ports %v, output ports %v", tx, sc.out)
	}
	got := map[string]string{}
	for _, e := range cls {
		key := e.Value
		if e.Type == proto.EntryVLAN {
			if e.VLAN != benchVLAN {
				t.Errorf("entry %+v: VLAN %d, want %d", e, e.VLAN, benchVLAN)
			}
			key = "vlan " + key
		}
		got[key] = e.Port.String()
	}
	want := map[string]string{"vlan " + proto.FormatMAC(macA): "nic0", "vlan " + proto.FormatMAC(macB): "nic1", "default": "nic2"}
	if len(got) != len(want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	for k, p := range want {
		if got[k] != p {
			t.Errorf("entry %s -> %s, want %s", k, got[k], p)
		}
	}
}

// vlan-push: forward nic0 -> nic1, nic1 pushing benchVLAN with pushPCP.
func TestVLANPushBatches(t *testing.T) {
	sc := scenarioByKey(t, "vlan-push")
	comps, _ := components(t, sc)
	if len(comps) != 1 || comps[0].Type != "forward" || len(comps[0].Tx) != 1 {
		t.Fatalf("components %+v, want one forward", comps)
	}
	c := comps[0]
	if c.Rx[0].Port.String() != "nic0" || c.Rx[0].VLAN.Operation != proto.VLANNone || c.Tx[0].Port.String() != "nic1" ||
		c.Tx[0].VLAN != (proto.VLAN{Operation: proto.VLANAdd, ID: benchVLAN, PCP: pushPCP}) {
		t.Errorf("forward %+v, want nic0 -> nic1 pushing %d pcp %d", c, benchVLAN, pushPCP)
	}
	if sc.dst != "" || sc.out[0] != "nic1" {
		t.Errorf("source %s, output %v", sc.source(), sc.out)
	}
}

// tpStreams models testpmd's simple forwarding setup (one rx queue per
// port): a stream per forwarded port, in port order, to the port its
// topology pairs it with. Checked against testpmd 22.11's `show config
// fwd` (docs/performance.md, fwd2x1).
func tpStreams(t *testing.T, argv []string) (vdevs []string, streams [][2]int) {
	t.Helper()
	topology, mask := "paired", uint64(0)
	for _, a := range argv {
		switch {
		case strings.HasPrefix(a, "--vdev="):
			vdevs = append(vdevs, strings.TrimPrefix(a, "--vdev="))
		case strings.HasPrefix(a, "--port-topology="):
			topology = strings.TrimPrefix(a, "--port-topology=")
		case strings.HasPrefix(a, "--portmask="):
			v, err := strconv.ParseUint(strings.TrimPrefix(a, "--portmask="), 0, 64)
			if err != nil {
				t.Fatal(err)
			}
			mask = v
		}
	}
	var ports []int
	for i := range vdevs {
		if mask == 0 || mask&(1<<i) != 0 {
			ports = append(ports, i)
		}
	}
	for i, p := range ports {
		to := p
		switch topology {
		case "paired":
			to = ports[i^1]
		case "chained":
			to = ports[(i+1)%len(ports)]
		case "loop":
		default:
			t.Fatalf("topology %s", topology)
		}
		streams = append(streams, [2]int{p, to})
	}
	return vdevs, streams
}

func tpArgv(sc *scenario) []string {
	return testpmdArgv("dpdk-testpmd", tpSetup{prefix: "p", vdevs: sc.testpmdVdevs(), topology: sc.topology,
		portmask: sc.tpPortmask, mbufs: 15871})
}

// testpmd's side of fwd2x1: its four net_null ports as ours, one
// forwarding lcore, and exactly two streams, each from a source to a
// net_null: no empty polls (what paired gives: fwd2x1p).
func TestTestpmdArgvFwd2x1(t *testing.T) {
	sc := scenarioByKey(t, "fwd2x1")
	argv := tpArgv(sc)
	for _, want := range []string{"--nb-cores=1", "--forward-mode=io", "--burst=32", "--total-num-mbufs=15871", "--lcores=0@0,1@1"} {
		if !contains(argv, want) {
			t.Errorf("argv has no %s: %v", want, argv)
		}
	}
	vdevs, streams := tpStreams(t, argv)
	if strings.Join(vdevs, " ") != strings.Join(sc.nics, " ") {
		t.Errorf("testpmd's vdevs %v, ours %v", vdevs, sc.nics)
	}
	if len(streams) != 2 {
		t.Fatalf("streams %v, want two", streams)
	}
	for _, s := range streams {
		if strings.Contains(vdevs[s[0]], "no-rx") {
			t.Errorf("stream %v receives from %s, which has no traffic", s, vdevs[s[0]])
		}
	}
	_, paired := tpStreams(t, tpArgv(scenarioByKey(t, "fwd2x1p")))
	if fmt.Sprint(paired) != "[[0 1] [1 0] [2 3] [3 2]]" {
		t.Errorf("paired streams %v", paired)
	}
}

// The VLAN scenarios' testpmd runs: the same topology and devices as the
// untagged scenario they extend, and no portmask.
func TestTestpmdArgvVLAN(t *testing.T) {
	for key, like := range map[string]string{"vlan-strip": "cls2", "vlan-push": "forward"} {
		argv, base := tpArgv(scenarioByKey(t, key)), tpArgv(scenarioByKey(t, like))
		if strings.Join(argv, " ") != strings.Join(base, " ") {
			t.Errorf("%s: %v, want %s's %v", key, argv, like, base)
		}
		for _, a := range argv {
			if strings.HasPrefix(a, "--portmask") {
				t.Errorf("%s: %s", key, a)
			}
		}
	}
}

func contains(v []string, s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}

// The tagged template: 64 bytes, an 802.1Q tag with the VLAN id before
// IPv4, the IPv4 packet 4 bytes shorter; the untagged one as before.
func TestTemplateFrame(t *testing.T) {
	plain, tagged := templateFrame(0), templateFrame(benchVLAN)
	if len(plain) != 64 || len(tagged) != 64 {
		t.Fatalf("lengths %d %d", len(plain), len(tagged))
	}
	if plain[12] != 0x08 || plain[13] != 0 || plain[14] != 0x45 || plain[17] != 46 || plain[39] != 26 {
		t.Errorf("untagged: % x", plain)
	}
	tci := int(tagged[14])<<8 | int(tagged[15])
	if tagged[12] != 0x81 || tagged[13] != 0 || tci != benchVLAN || tagged[16] != 0x08 || tagged[17] != 0 ||
		tagged[18] != 0x45 || tagged[21] != 42 || tagged[43] != 22 {
		t.Errorf("tagged: % x", tagged)
	}
	if string(plain[:12]) != string(tagged[:12]) || string(plain[26:34]) != string(tagged[30:38]) {
		t.Error("the tagged frame's MACs or addresses differ from the untagged one's")
	}
}

// A tagged traffic is a source of its own (its capacity is measured
// apart), and the generator is asked for it.
func TestTaggedGenerator(t *testing.T) {
	strip, cls2 := scenarioByKey(t, "vlan-strip"), scenarioByKey(t, "cls2")
	if strip.mix() == cls2.mix() || strip.mix() != "two+vlan100" {
		t.Errorf("mixes %q and %q", strip.mix(), cls2.mix())
	}
	argv := strings.Join(genArgv("bench", genSetup{dst: strip.dst, vlan: strip.vlan}), " ")
	if !strings.Contains(argv, "-dst two") || !strings.Contains(argv, "-vlan 100") {
		t.Errorf("generator argv %s", argv)
	}
	if argv := strings.Join(genArgv("bench", genSetup{dst: cls2.dst}), " "); strings.Contains(argv, "-vlan") {
		t.Errorf("untagged generator argv %s", argv)
	}
}

// The spread of a row: the per-round ratios' range, IQR and the median's
// 95% interval (order statistics); a row is steady once that interval is
// within ±0.05, which with 5 rounds means their range.
func TestRowSpreadAndSteady(t *testing.T) {
	r := &row{}
	for _, v := range []float64{0.50, 0.80, 0.60, 0.70, 0.90} {
		r.pair(runResult{Mpps: v, MppsPerCPU: v}, runResult{Mpps: 1, MppsPerCPU: 1})
	}
	r.finish()
	if r.RatioMin != 0.5 || r.RatioMax != 0.9 || r.RatioPerCPU != 0.7 {
		t.Errorf("min %v max %v median %v", r.RatioMin, r.RatioMax, r.RatioPerCPU)
	}
	if iqr := r.RatioIQR; math.Abs(iqr[0]-0.6) > 1e-9 || math.Abs(iqr[1]-0.8) > 1e-9 {
		t.Errorf("IQR %v, want 0.6-0.8", iqr)
	}
	if ci := r.RatioCI95; ci != [2]float64{0.5, 0.9} {
		t.Errorf("CI %v, want the range with 5 rounds", ci)
	}
	if r.steady() {
		t.Error("±0.2 is steady")
	}
	// 11 rounds: ranks 2..8 of the sorted ratios.
	r = &row{}
	for _, v := range []float64{0.1, 0.2, 0.68, 0.69, 0.70, 0.70, 0.71, 0.72, 0.74, 1.5, 2} {
		r.pair(runResult{Mpps: v, MppsPerCPU: v}, runResult{Mpps: 1, MppsPerCPU: 1})
	}
	r.finish()
	if ci := r.RatioCI95; ci != [2]float64{0.68, 0.74} || !r.steady() {
		t.Errorf("CI %v steady %v, want 0.68-0.74 and steady (outliers do not count)", ci, r.steady())
	}
	if !(&row{}).steady() {
		t.Error("a row with no pairs keeps asking for rounds")
	}
}

// busy names the runs where the worker lacked its CPU or the generator
// rather than the worker set the pace; a quiet run says nothing.
func TestBusyWarnings(t *testing.T) {
	s := &side{}
	s.add(runResult{CPUShare: 0.99, SourceMpps: 50, SourceWaitFull: 0.7}, nil)
	if w := busy("ours", s); len(w) != 0 {
		t.Fatalf("quiet run: %q", w)
	}
	s.add(runResult{CPUShare: 0.81, SourceMpps: 50, SourceWaitFull: 0.2}, nil)
	s.add(runResult{CPUShare: 0.99}, nil) // net_null: no generator
	w := busy("ours", s)
	if len(w) != 2 || !strings.Contains(w[0], "1 of 3 runs (down to 81%)") || !strings.Contains(w[1], "1 of 3 runs") {
		t.Errorf("warnings %q", w)
	}
}

// The vhost scenarios (issue 14): testpmd's baseline has a net_vhost0 on
// the socket the VM uses, as spp_vf's vhost0 (--vhost-dir); the VM runs on
// CPU 0 only, in the scenario's mode, keeping what arrives as it starts.
func TestVhostScenarios(t *testing.T) {
	scs, err := selectScenarios("vhost,vhost-rx")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		v := sc.testpmdVdevs()
		if last := v[len(v)-1]; last != "net_vhost0,iface="+vhostSock()+",queues=1" {
			t.Errorf("%s: testpmd's last vdev %q", sc.key, last)
		}
		argv := strings.Join(vmArgv("dpdk-testpmd", "p", sc.vm), " ")
		for _, want := range []string{"--lcores=0@0,1@0", "path=" + vhostSock(), "--forward-mode=" + sc.vm, "--no-flush-rx"} {
			if !strings.Contains(argv, want) {
				t.Errorf("%s: VM argv %q lacks %q", sc.key, argv, want)
			}
		}
	}
	if scs[0].vm != "rxonly" || scs[0].out[0] != "vhost0" || scs[1].vm != "txonly" || scs[1].out[0] != "nic0" {
		t.Errorf("directions: %+v %+v", scs[0], scs[1])
	}
}
