package main

// One run of each kind: our daemons, testpmd, the generator alone, and the
// control-plane figures.

import (
	"fmt"
	"sort"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/testpmd"
)

// sample is the counters at one instant.
type sample struct {
	at    time.Time // when they were read (the middle of the request)
	out   uint64    // packets sent on the output ports
	drops uint64
	cpu   cpuTimes // of the thread under test
	gen   *genStats

	statusTime time.Duration     // ours: spp_vf's status round trip
	outs       map[string]uint64 // ours: out, port by port
}

// runResult is one run's measured interval.
type runResult struct {
	Mpps       float64 `json:"mpps"`           // output packets per second of wall clock
	MppsPerCPU float64 `json:"mpps_per_cpu_s"` // output packets per second the worker thread was on CPU 1
	CPUShare   float64 `json:"cpu_share"`      // that CPU time / the interval
	Drops      uint64  `json:"drops"`
	Seconds    float64 `json:"seconds"`
	// Ours: the output packets of each output port (a classifier's
	// split, the two forwards of fwd2x1).
	OutPorts map[string]uint64 `json:"out_ports,omitempty"`
	// The generator, when there is one: its rate, and the share of the
	// interval it spent waiting because the ring was full (the consumer
	// was the bottleneck then).
	SourceMpps     float64 `json:"source_mpps,omitempty"`
	SourceWaitFull float64 `json:"source_wait_full,omitempty"`
	// With tagged frames, the share of the packets sent that the
	// generator wrote whole again because the consumer had stripped them:
	// about 1 for ours (every frame stripped), 0 for testpmd io.
	SourceRewritten *float64 `json:"source_rewritten,omitempty"`
	// Ours: the pool's in_use before the traffic and once it stopped;
	// how long the configuration took (its batches and the flush); and
	// one status round trip with that configuration, under load.
	IdleInUse *uint64 `json:"mempool_in_use_idle,omitempty"`
	InUse     *uint64 `json:"mempool_in_use_after,omitempty"`
	SetupS    float64 `json:"setup_s,omitempty"`
	StatusMs  float64 `json:"status_ms,omitempty"`
}

// window lets the traffic warm up, then samples the counters at the start
// and at the end of the measured interval (first: the start).
func window(read func(first bool) (sample, error)) (s0, s1 sample, err error) {
	time.Sleep(warmup)
	if s0, err = read(true); err != nil {
		return
	}
	time.Sleep(interval)
	s1, err = read(false)
	return
}

func between(a, b sample) runResult {
	dt := b.at.Sub(a.at).Seconds()
	pk := float64(b.out - a.out)
	cpu := (b.cpu.run - a.cpu.run).Seconds()
	r := runResult{Mpps: pk / dt / 1e6, Seconds: dt, Drops: b.drops - a.drops, CPUShare: cpu / dt}
	if cpu > 0 {
		r.MppsPerCPU = pk / cpu / 1e6
	}
	for p, n := range b.outs {
		if r.OutPorts == nil {
			r.OutPorts = map[string]uint64{}
		}
		r.OutPorts[p] = n - a.outs[p]
	}
	if a.gen != nil && b.gen != nil {
		gdt := b.gen.at.Sub(a.gen.at).Seconds()
		r.SourceMpps = float64(b.gen.Sent-a.gen.Sent) / gdt / 1e6
		r.SourceWaitFull = float64(b.gen.WaitNs-a.gen.WaitNs) / 1e9 / gdt
		if sent := b.gen.Sent - a.gen.Sent; b.gen.Tagged && sent > 0 {
			share := float64(b.gen.Rewritten-a.gen.Rewritten) / float64(sent)
			r.SourceRewritten = &share
		}
	}
	return r
}

type poolSizes struct{ mbufs, ring uint64 }

// timed runs read, which fetches counters, between two reads of a thread's
// CPU time: the sample's instant is the middle of the request, its CPU time
// the mean of the two readings, so that a slow reply (a busy control CPU)
// does not skew one against the other.
func timed(pid, tid int, read func() error) (time.Time, cpuTimes, error) {
	c0, err := schedstat(pid, tid)
	if err != nil {
		return time.Time{}, cpuTimes{}, err
	}
	t0 := time.Now()
	if err := read(); err != nil {
		return time.Time{}, cpuTimes{}, err
	}
	t1 := time.Now()
	c1, err := schedstat(pid, tid)
	if err != nil {
		return time.Time{}, cpuTimes{}, err
	}
	return t0.Add(t1.Sub(t0) / 2), cpuTimes{run: (c0.run + c1.run) / 2, wait: (c0.wait + c1.wait) / 2}, nil
}

func runOurs(sc *scenario) (runResult, poolSizes, error) {
	if err := makeVhostDir(sc); err != nil {
		return runResult{}, poolSizes{}, err
	}
	o, err := startOurs(sc)
	if err != nil {
		return runResult{}, poolSizes{}, err
	}
	defer o.close()
	sz := poolSizes{mbufs: o.poolSize, ring: o.ringSize}
	var v *vm
	if sc.vm != "" {
		if v, err = startVM(sc); err != nil {
			return runResult{}, sz, err
		}
		defer v.close()
	}
	tid, err := o.thread()
	if err != nil {
		return runResult{}, sz, err
	}
	s0, s1, err := window(func(first bool) (sample, error) { return o.sample(sc, tid, first) })
	if err != nil {
		return runResult{}, sz, err
	}
	r := between(s0, s1)
	if s1.out == s0.out {
		return r, sz, fmt.Errorf("%s: no packets went out", sc.key)
	}
	if v != nil && sc.vm == "txonly" {
		if _, err := v.do("stop"); err != nil { // the source, before the component goes
			return r, sz, err
		}
	}
	inUse, err := o.idle()
	if err != nil {
		return r, sz, fmt.Errorf("stopping the traffic: %v", err)
	}
	idle := o.idleInUse
	r.IdleInUse, r.InUse = &idle, &inUse
	r.SetupS, r.StatusMs = o.setup.Seconds(), ms(s1.statusTime)
	return r, sz, nil
}

func runTestpmd(sc *scenario, sz poolSizes) (runResult, error) {
	if err := makeVhostDir(sc); err != nil {
		return runResult{}, err
	}
	prefix := newPrefix("tp")
	defer removePrefix(prefix)
	tp, err := startTestpmd(testpmdBin, tpSetup{prefix: prefix, vdevs: sc.testpmdVdevs(), topology: sc.topology,
		portmask: sc.tpPortmask, mbufs: sz.mbufs})
	if err != nil {
		return runResult{}, err
	}
	defer tp.c.Kill()
	if sc.vm != "" {
		v, err := startVM(sc)
		if err != nil {
			return runResult{}, err
		}
		defer v.close()
	}
	var gen *genProc
	if sc.dst != "" {
		// testpmd's own names: its pool for socket 0 and the ring
		// under its net_ring0 port.
		preload, err := testpmdMempoolDrivers(testpmdBin)
		if err != nil {
			return runResult{}, err
		}
		gen, err = startGen(genSetup{prefix: prefix, pool: "mb_pool_0", ring: "ETH_RXTX0_net_ring0", dst: sc.dst, vlan: sc.vlan, preload: preload})
		if err != nil {
			return runResult{}, err
		}
		defer gen.c.Kill()
	}
	if _, err := tp.do("start"); err != nil {
		return runResult{}, err
	}
	tid, err := tp.thread()
	if err != nil {
		return runResult{}, err
	}
	read := func() (sample, error) {
		var s sample
		var ports map[int]testpmd.Port
		var err error
		s.at, s.cpu, err = timed(tp.c.Pid(), tid, func() (err error) {
			ports, err = tp.stats()
			return err
		})
		if err != nil {
			return s, err
		}
		for _, p := range ports {
			s.out += p.TxPackets
			s.drops += p.Drops()
		}
		if gen != nil {
			g, err := gen.stats()
			if err != nil {
				return s, err
			}
			s.gen = &g
		}
		return s, nil
	}
	s0, s1, err := window(func(bool) (sample, error) { return read() })
	if err != nil {
		return runResult{}, err
	}
	r := between(s0, s1)
	if gen != nil {
		if err := gen.stop(); err != nil {
			return r, err
		}
	}
	if err := tp.quit(); err != nil {
		return r, err
	}
	if s1.out == s0.out {
		return r, fmt.Errorf("%s: no packets went out", sc.key)
	}
	return r, nil
}

// runCapacity measures the generator alone, with sc's traffic: it fills a
// ring that a sink on CPU 1 drains (reading each frame's destination MAC,
// as a classifier would), with a pool and a ring like spp_primary's.
func runCapacity(sc *scenario, sz poolSizes) (runResult, error) {
	prefix := newPrefix("gen")
	defer removePrefix(prefix)
	gen, err := startGen(genSetup{prefix: prefix, pool: "bench_pool", ring: "bench_ring", dst: sc.dst, vlan: sc.vlan,
		create: true, poolSize: sz.mbufs, ringSize: sz.ring, sink: true})
	if err != nil {
		return runResult{}, err
	}
	defer gen.c.Kill()
	read := func() (sample, error) {
		var s sample
		g, err := gen.stats()
		if err != nil {
			return s, err
		}
		s.at, s.out, s.cpu, s.gen = g.at, g.Sent, g.cpu, &g
		return s, nil
	}
	s0, s1, err := window(func(bool) (sample, error) { return read() })
	if err != nil {
		return runResult{}, err
	}
	r := between(s0, s1)
	// Its capacity per CPU-second leaves out the time it waited for the
	// sink: it could have made packets then. The wait is TSC time; the
	// part of it spent on the CPU is taken in proportion to the thread's
	// CPU share over the interval.
	run := (s1.cpu.run - s0.cpu.run).Seconds()
	busy := run - float64(s1.gen.WaitNs-s0.gen.WaitNs)/1e9*r.CPUShare
	if busy > 0 {
		r.MppsPerCPU = float64(s1.out-s0.out) / busy / 1e6
	}
	return r, gen.stop()
}

// control is the control-plane figures, taken on a forward component
// running at full speed (nic0 -> nic1).
type control struct {
	StatusMedianMs float64 `json:"status_rtt_median_ms"`
	StatusP90Ms    float64 `json:"status_rtt_p90_ms"`
	StatusMaxMs    float64 `json:"status_rtt_max_ms"`
	StatusN        int     `json:"status_n"`
	FlushMedianMs  float64 `json:"flush_median_ms"`
	FlushMaxMs     float64 `json:"flush_max_ms"`
	FlushFirstMs   float64 `json:"flush_first_ms"` // the first one (nic2 is opened)
	FlushN         int     `json:"flush_n"`
	Received       uint64  `json:"received"`
	Sent           uint64  `json:"sent"`
	Dropped        uint64  `json:"dropped"`
	Lost           int64   `json:"lost"` // received - sent - dropped
	Error          string  `json:"error,omitempty"`
}

const (
	statusN = 100
	flushN  = 20
)

func runControl() (*control, error) {
	// forward nic0 -> nic1, and a third port to move its output to
	sc := *scenarios[0]
	sc.nics = append(append([]string{}, sc.nics...), out(2))
	o, err := startOurs(&sc)
	if err != nil {
		return nil, err
	}
	defer o.close()
	time.Sleep(warmup)
	c := &control{StatusN: statusN, FlushN: flushN}

	var rtt []time.Duration
	for i := 0; i < statusN; i++ {
		t0 := time.Now()
		if _, err := o.sc.secondaryStatus(); err != nil {
			return nil, err
		}
		rtt = append(rtt, time.Since(t0))
	}
	c.StatusMedianMs, c.StatusP90Ms, c.StatusMaxMs = pct(rtt, 50), pct(rtt, 90), pct(rtt, 100)

	// Flushes under load: the forward's output moves between nic1 and
	// nic2 and back, each a batch of one component and a flush.
	var fl []time.Duration
	for i := 0; i <= flushN; i++ {
		to := []string{"nic2", "nic1"}[i%2]
		t0 := time.Now()
		if _, err := o.sc.do(component(secWorkerCore, "forward", []string{"nic0"}, []string{to}), proto.Flush()); err != nil {
			return nil, err
		}
		d := time.Since(t0)
		if i == 0 {
			c.FlushFirstMs = ms(d)
			continue
		}
		fl = append(fl, d)
		time.Sleep(50 * time.Millisecond)
	}
	c.FlushMedianMs, c.FlushMaxMs = pct(fl, 50), pct(fl, 100)

	// Stop, then every packet nic0 received must have left on nic1 or
	// nic2: the ports' own counters, which the primary reports.
	if _, err := o.idle(); err != nil {
		return nil, err
	}
	st, err := o.pc.primaryStatus()
	if err != nil {
		return nil, err
	}
	c.Received = portOf(st.Ports, "nic0").Rx
	c.Sent = portOf(st.Ports, "nic1").Tx + portOf(st.Ports, "nic2").Tx
	c.Dropped = drops(st.Ports, nil)
	c.Lost = int64(c.Received) - int64(c.Sent) - int64(c.Dropped)
	return c, nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// pct is the p-th percentile (nearest rank) in milliseconds.
func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration{}, ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (p*len(s) + 99) / 100
	if i < 1 {
		i = 1
	}
	return ms(s[i-1])
}
