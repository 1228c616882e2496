package main

// Medians, the printed table and bench/results.json.

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type results struct {
	Date     string      `json:"date"`
	Machine  string      `json:"machine"`
	Runs     int         `json:"runs"`
	Interval float64     `json:"interval_s"`
	Seconds  float64     `json:"total_s"`
	Rows     []*row      `json:"scenarios"`
	Sources  []*capacity `json:"sources,omitempty"`
	Control  *control    `json:"control,omitempty"`
}

// side is one side of a row (ours or testpmd): its runs and their medians.
type side struct {
	Runs       []runResult `json:"runs"`
	Errors     []string    `json:"errors,omitempty"`
	Mpps       float64     `json:"mpps"`
	MppsPerCPU float64     `json:"mpps_per_cpu_s"`
	CPUShare   float64     `json:"cpu_share"`
	Drops      uint64      `json:"drops"`                          // over all runs
	InUse      *uint64     `json:"mempool_in_use_after,omitempty"` // the highest of the runs
	IdleInUse  *uint64     `json:"mempool_in_use_idle,omitempty"`
	SourceMpps float64     `json:"source_mpps,omitempty"`
	SourceWait float64     `json:"source_wait_full,omitempty"`
	SetupS     float64     `json:"setup_s,omitempty"`
	StatusMs   float64     `json:"status_ms,omitempty"`
}

func (s *side) add(r runResult, err error) {
	if err != nil {
		s.Errors = append(s.Errors, err.Error())
		return
	}
	s.Runs = append(s.Runs, r)
}

func (s *side) finish() {
	if len(s.Runs) == 0 {
		return
	}
	pick := func(f func(runResult) float64) float64 {
		var v []float64
		for _, r := range s.Runs {
			v = append(v, f(r))
		}
		return median(v)
	}
	s.Mpps = pick(func(r runResult) float64 { return r.Mpps })
	s.MppsPerCPU = pick(func(r runResult) float64 { return r.MppsPerCPU })
	s.CPUShare = pick(func(r runResult) float64 { return r.CPUShare })
	s.SourceMpps = pick(func(r runResult) float64 { return r.SourceMpps })
	s.SourceWait = pick(func(r runResult) float64 { return r.SourceWaitFull })
	s.SetupS = pick(func(r runResult) float64 { return r.SetupS })
	s.StatusMs = pick(func(r runResult) float64 { return r.StatusMs })
	s.Drops, s.InUse = 0, nil
	for _, r := range s.Runs {
		s.Drops += r.Drops
		if r.InUse != nil && (s.InUse == nil || *r.InUse > *s.InUse) {
			s.InUse = r.InUse
		}
		if r.IdleInUse != nil {
			s.IdleInUse = r.IdleInUse
		}
	}
}

type row struct {
	Key      string  `json:"key"`
	Scenario string  `json:"scenario"`
	Ports    string  `json:"ports"`
	Source   string  `json:"source"`
	Target   float64 `json:"target_ratio"`
	Ours     side    `json:"ours"`
	Testpmd  side    `json:"testpmd"`
	// Ratios ours / testpmd, wall clock and per CPU-second: the median
	// of the ratios of runs taken one right after the other (a pair sees
	// the same load on the machine), or, without pairs, the ratio of the
	// medians. The target is judged on the CPU-second one (see
	// docs/performance.md).
	Ratio       float64   `json:"ratio"`
	RatioPerCPU float64   `json:"ratio_per_cpu_s"`
	PairRatios  []float64 `json:"pair_ratios_per_cpu_s,omitempty"`
	pairWall    []float64
	Met         bool `json:"target_met"`
	// The generator's capacity alone, where the source is the generator:
	// wall clock (bounded by the sink that drains it), per CPU-second of
	// the generator's busy time, and the latter over our component's
	// Mpps per CPU-second (want >= 2).
	SourceCapacity       float64 `json:"source_capacity_mpps,omitempty"`
	SourceCapacityPerCPU float64 `json:"source_capacity_mpps_per_cpu_s,omitempty"`
	SourceHeadroom       float64 `json:"source_capacity_over_ours,omitempty"`
}

// mix is the row's generator traffic (scenario.mix), "" for net_null.
func (r *row) mix() string {
	for _, s := range scenarios {
		if s.key == r.Key {
			return s.mix()
		}
	}
	return ""
}

// pair records a run of ours and the testpmd run right after it.
func (r *row) pair(o, t runResult) {
	if t.Mpps > 0 && t.MppsPerCPU > 0 {
		r.pairWall = append(r.pairWall, o.Mpps/t.Mpps)
		r.PairRatios = append(r.PairRatios, o.MppsPerCPU/t.MppsPerCPU)
	}
}

func (r *row) finish() {
	r.Ours.finish()
	r.Testpmd.finish()
	if len(r.PairRatios) > 0 {
		r.Ratio, r.RatioPerCPU = median(r.pairWall), median(r.PairRatios)
	} else if r.Testpmd.Mpps > 0 && r.Testpmd.MppsPerCPU > 0 {
		r.Ratio = r.Ours.Mpps / r.Testpmd.Mpps
		r.RatioPerCPU = r.Ours.MppsPerCPU / r.Testpmd.MppsPerCPU
	}
	r.Met = r.RatioPerCPU >= r.Target && len(r.Ours.Runs) > 0 && len(r.Testpmd.Runs) > 0
}

// capacity is the generator alone.
type capacity struct {
	Dst        string      `json:"dst"` // the traffic: scenario.mix
	Runs       []runResult `json:"runs"`
	Errors     []string    `json:"errors,omitempty"`
	Mpps       float64     `json:"mpps"`
	MppsPerCPU float64     `json:"mpps_per_cpu_s"`
}

func (c *capacity) add(r runResult, err error) {
	if err != nil {
		c.Errors = append(c.Errors, err.Error())
		return
	}
	c.Runs = append(c.Runs, r)
}

func (c *capacity) finish() {
	var w, p []float64
	for _, r := range c.Runs {
		w = append(w, r.Mpps)
		p = append(p, r.MppsPerCPU)
	}
	c.Mpps, c.MppsPerCPU = median(w), median(p)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64{}, v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (res *results) write(path string) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwritten to %s (process logs in %s)\n", path, logDir)
	return nil
}

func f1(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

func f2(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

func (res *results) print(w io.Writer) {
	fmt.Fprintf(w, "\n%s, median of %d runs of %.0f s; Mpps = output packets; /CPU-s = per second the worker thread was on CPU 1\n\n",
		res.Machine, res.Runs, res.Interval)
	fmt.Fprintf(w, "%-30s %9s %9s %6s | %9s %9s %6s | %6s %4s | %6s %12s | %s\n",
		"scenario", "ours", "testpmd", "ratio", "ours", "testpmd", "ratio", "target", "met", "drops", "in_use", "source")
	fmt.Fprintf(w, "%-30s %9s %9s %6s | %9s %9s %6s | %6s %4s | %6s %12s |\n",
		"", "Mpps", "Mpps", "wall", "/CPU-s", "/CPU-s", "CPU-s", "", "", "", "idle->after")
	fmt.Fprintln(w, strings.Repeat("-", 140))
	for _, r := range res.Rows {
		met := "no"
		if r.Met {
			met = "yes"
		}
		inuse := "-"
		if r.Ours.InUse != nil && r.Ours.IdleInUse != nil {
			inuse = fmt.Sprintf("%d->%d", *r.Ours.IdleInUse, *r.Ours.InUse)
		}
		src := "net_null"
		if r.mix() != "" {
			src = fmt.Sprintf("gen %s: capacity %s/CPU-s = %sx ours", r.mix(), f1(r.SourceCapacityPerCPU), f1(r.SourceHeadroom))
		}
		fmt.Fprintf(w, "%-30s %9s %9s %6s | %9s %9s %6s | %6.2f %4s | %6d %12s | %s\n",
			r.Scenario, f1(r.Ours.Mpps), f1(r.Testpmd.Mpps), f2(r.Ratio),
			f1(r.Ours.MppsPerCPU), f1(r.Testpmd.MppsPerCPU), f2(r.RatioPerCPU),
			r.Target, met, r.Ours.Drops, inuse, src)
		for _, e := range r.Ours.Errors {
			fmt.Fprintf(w, "    ours: %s\n", e)
		}
		for _, e := range r.Testpmd.Errors {
			fmt.Fprintf(w, "    testpmd: %s\n", e)
		}
	}
	fmt.Fprintf(w, "\nconfiguration (batches and flush) and one spp_vf status under load, medians:")
	for _, r := range res.Rows {
		if len(r.Ours.Runs) > 0 {
			fmt.Fprintf(w, "  %s %.3f s, %.1f ms;", r.Key, r.Ours.SetupS, r.Ours.StatusMs)
		}
	}
	fmt.Fprintln(w)
	if len(res.Sources) > 0 {
		fmt.Fprintf(w, "\ngenerator alone on CPU 0, a sink reading each frame on CPU 1 (Mpps wall, bounded by the sink; per CPU-second of the generator's busy time):\n")
		for _, c := range res.Sources {
			fmt.Fprintf(w, "  %s %s (%s/CPU-s)", c.Dst, f1(c.Mpps), f1(c.MppsPerCPU))
			for _, e := range c.Errors {
				fmt.Fprintf(w, "\n    %s: %s", c.Dst, e)
			}
		}
		fmt.Fprintln(w)
	}
	if c := res.Control; c != nil {
		if c.Error != "" {
			fmt.Fprintf(w, "\ncontrol: %s\n", c.Error)
		} else {
			fmt.Fprintf(w, "\nstatus round trip under load: median %.2f ms, p90 %.2f, max %.2f (n=%d; target < 5 ms)\n",
				c.StatusMedianMs, c.StatusP90Ms, c.StatusMaxMs, c.StatusN)
			fmt.Fprintf(w, "flush under load: median %.2f ms, max %.2f (n=%d; the first, opening nic2, %.2f); lost %d, dropped %d of %d (target 0 lost, < 10 ms)\n",
				c.FlushMedianMs, c.FlushMaxMs, c.FlushN, c.FlushFirstMs, c.Lost, c.Dropped, c.Received)
		}
	}
	fmt.Fprintf(w, "\ntotal %.0f s\n", res.Seconds)
}
