package main

// Medians, the printed table and bench/results.json.

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
)

type results struct {
	Date     string      `json:"date"`
	Machine  string      `json:"machine"`
	Runs     int         `json:"runs"`
	MaxRuns  int         `json:"max_runs"`
	Interval float64     `json:"interval_s"`
	Seconds  float64     `json:"total_s"`
	Rows     []*row      `json:"scenarios"`
	Sources  []*capacity `json:"sources,omitempty"`
	Control  *control    `json:"control,omitempty"`
}

// rounds are a measurement's runs, one a round, and the errors of the
// rounds that failed: a side of a row, and the generator alone.
type rounds struct {
	Runs   []runResult `json:"runs"`
	Errors []string    `json:"errors,omitempty"`
}

// add records a round's run, or its error.
func (rs *rounds) add(r runResult, err error) {
	if err != nil {
		rs.Errors = append(rs.Errors, err.Error())
		return
	}
	rs.Runs = append(rs.Runs, r)
}

// median is the median of one figure of the runs (0 without runs).
func (rs *rounds) median(f func(runResult) float64) float64 {
	var v []float64
	for _, r := range rs.Runs {
		v = append(v, f(r))
	}
	return median(v)
}

// side is one side of a row (ours or testpmd): its runs and their medians.
type side struct {
	rounds
	Mpps       float64 `json:"mpps"`
	MppsPerCPU float64 `json:"mpps_per_cpu_s"`
	CPUShare   float64 `json:"cpu_share"`
	Drops      uint64  `json:"drops"`                          // over all runs
	InUse      *uint64 `json:"mempool_in_use_after,omitempty"` // the highest of the runs
	IdleInUse  *uint64 `json:"mempool_in_use_idle,omitempty"`
	SourceMpps float64 `json:"source_mpps,omitempty"`
	SourceWait float64 `json:"source_wait_full,omitempty"`
	SetupS     float64 `json:"setup_s,omitempty"`
	StatusMs   float64 `json:"status_ms,omitempty"`
}

func (s *side) finish() {
	if len(s.Runs) == 0 {
		return
	}
	s.Mpps = s.median(func(r runResult) float64 { return r.Mpps })
	s.MppsPerCPU = s.median(func(r runResult) float64 { return r.MppsPerCPU })
	s.CPUShare = s.median(func(r runResult) float64 { return r.CPUShare })
	s.SourceMpps = s.median(func(r runResult) float64 { return r.SourceMpps })
	s.SourceWait = s.median(func(r runResult) float64 { return r.SourceWaitFull })
	s.SetupS = s.median(func(r runResult) float64 { return r.SetupS })
	s.StatusMs = s.median(func(r runResult) float64 { return r.StatusMs })
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
	// The spread of the per-round ratios (per CPU-second): their range,
	// their interquartile range, and the 95% confidence interval of
	// their median (order statistics), which decides whether more rounds
	// are run (steady).
	RatioMin  float64    `json:"ratio_min,omitempty"`
	RatioMax  float64    `json:"ratio_max,omitempty"`
	RatioIQR  [2]float64 `json:"ratio_iqr,omitempty"`
	RatioCI95 [2]float64 `json:"ratio_median_ci95,omitempty"`
	Busy      []string   `json:"busy,omitempty"` // why a figure may be off: see busy
	Met       bool       `json:"target_met"`
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
	if v := r.PairRatios; len(v) > 0 {
		s := sorted(v)
		r.RatioMin, r.RatioMax = s[0], s[len(s)-1]
		r.RatioIQR = [2]float64{quantile(s, 0.25), quantile(s, 0.75)}
		r.RatioCI95 = medianCI95(s)
	}
	r.Busy = append(busy("ours", &r.Ours), busy("testpmd", &r.Testpmd)...)
	r.Met = r.RatioPerCPU >= r.Target && len(r.Ours.Runs) > 0 && len(r.Testpmd.Runs) > 0
}

// ciGoal is how wide the median ratio's 95% interval may be (±).
const ciGoal = 0.05

// steady reports whether the rounds so far pin the median ratio down to
// ±ciGoal (or there is no ratio to pin down).
func (r *row) steady() bool {
	if len(r.PairRatios) == 0 {
		return true
	}
	ci := medianCI95(sorted(r.PairRatios))
	return (ci[1]-ci[0])/2 <= ciGoal
}

// busy says, for one side's runs, when the machine was too busy for the
// figure to be the worker's own: the thread under test got less than 95%
// of its CPU (something else ran there), or the generator waited on a
// full ring less than half the time (it, not the worker, set the pace).
func busy(who string, s *side) []string {
	var starved, fed int
	low := 1.0
	for _, r := range s.Runs {
		if r.CPUShare < 0.95 {
			starved++
			low = min(low, r.CPUShare)
		}
		if r.SourceMpps > 0 && r.SourceWaitFull < 0.5 {
			fed++
		}
	}
	var w []string
	if starved > 0 {
		w = append(w, fmt.Sprintf("%s: the worker had less than 95%% of CPU 1 in %d of %d runs (down to %.0f%%)", who, starved, len(s.Runs), 100*low))
	}
	if fed > 0 {
		w = append(w, fmt.Sprintf("%s: the generator waited on a full ring less than half the time in %d of %d runs (the source set the pace)", who, fed, len(s.Runs)))
	}
	return w
}

// capacity is the generator alone.
type capacity struct {
	Dst string `json:"dst"` // the traffic: scenario.mix
	rounds
	Mpps       float64 `json:"mpps"`
	MppsPerCPU float64 `json:"mpps_per_cpu_s"`
}

func (c *capacity) finish() {
	c.Mpps = c.median(func(r runResult) float64 { return r.Mpps })
	c.MppsPerCPU = c.median(func(r runResult) float64 { return r.MppsPerCPU })
}

func sorted(v []float64) []float64 {
	s := append([]float64{}, v...)
	sort.Float64s(s)
	return s
}

// quantile of sorted values, linear between neighbours.
func quantile(s []float64, q float64) float64 {
	x := q * float64(len(s)-1)
	i := int(x)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (x-float64(i))*(s[i+1]-s[i])
}

// medianCI95 is the distribution-free 95% confidence interval of the
// median of sorted values: the order statistics of ranks n/2 ∓ 0.98·√n
// (the normal approximation of the binomial). With 5 or fewer values it
// is their range.
func medianCI95(s []float64) [2]float64 {
	n := len(s)
	k := int(math.Floor(float64(n)/2 - 0.98*math.Sqrt(float64(n))))
	k = max(k, 0)
	return [2]float64{s[k], s[n-1-k]}
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
	fmt.Fprintf(w, "\n%s, medians of %d to %d rounds of %.0f s (a round: one run of each side); Mpps = output packets; /CPU-s = per second the worker thread was on CPU 1;\n"+
		"spread: the per-round ratios' interquartile range and the 95%% interval of their median (rounds are added up to the most while it is wider than ±%.2f)\n\n",
		res.Machine, res.Runs, res.MaxRuns, res.Interval, ciGoal)
	fmt.Fprintf(w, "%-30s %9s %9s %6s | %9s %9s %6s %-23s %2s | %6s %4s | %6s %12s | %s\n",
		"scenario", "ours", "testpmd", "ratio", "ours", "testpmd", "ratio", " spread", "n", "target", "met", "drops", "in_use", "source")
	fmt.Fprintf(w, "%-30s %9s %9s %6s | %9s %9s %6s %-23s %2s | %6s %4s | %6s %12s |\n",
		"", "Mpps", "Mpps", "wall", "/CPU-s", "/CPU-s", "CPU-s", " IQR; median's 95%", "", "", "", "", "idle->after")
	fmt.Fprintln(w, strings.Repeat("-", 168))
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
		spread := "-"
		if len(r.PairRatios) > 0 {
			spread = fmt.Sprintf("%.2f-%.2f; %.2f-%.2f", r.RatioIQR[0], r.RatioIQR[1], r.RatioCI95[0], r.RatioCI95[1])
		}
		fmt.Fprintf(w, "%-30s %9s %9s %6s | %9s %9s %6s  %-22s %2d | %6.2f %4s | %6d %12s | %s\n",
			r.Scenario, f1(r.Ours.Mpps), f1(r.Testpmd.Mpps), f2(r.Ratio),
			f1(r.Ours.MppsPerCPU), f1(r.Testpmd.MppsPerCPU), f2(r.RatioPerCPU), spread, len(r.PairRatios),
			r.Target, met, r.Ours.Drops, inuse, src)
		if len(r.PairRatios) > 0 && !r.steady() {
			fmt.Fprintf(w, "    spread: the median's 95%% interval is wider than ±%.2f after %d rounds (the machine's noise; more with -max-runs)\n", ciGoal, len(r.PairRatios))
		}
		for _, b := range r.Busy {
			fmt.Fprintf(w, "    warning: busy machine: %s\n", b)
		}
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
