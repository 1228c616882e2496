// Command bench measures spp-go's components side by side with dpdk-testpmd
// io forwarding on the same virtual devices (`make bench`), prints a table
// and writes it to bench/results.json. docs/performance.md explains the
// method.
//
// The CPU under test is CPU 1: the component's worker lcore (or testpmd's
// one forwarding lcore) is alone there. Everything else runs on CPU 0: the
// main lcores, the traffic generator, this program's Go threads.
//
// `bench gen ...` is the generator process the harness starts (gen.go).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spp-go/spp/common/dpdk"
)

var (
	binDir     string
	logDir     string
	prefixSeq  atomic.Int64
	runs       int
	interval   time.Duration
	warmup     time.Duration
	testpmdBin string
	niceness   int
)

// testpmd's pool and the generator's own (alone) are made like
// spp_primary's: as many mbufs (the pool is a FIFO, so its size decides how
// often an mbuf comes back and whether it is still in a cache), the same
// per-lcore cache and ring size. The sizes spp_primary reports win; these
// are its rules for when it has not run (-no-ours).
const (
	poolCache        = 256 // common/dpdk CreateMbufPool's per-lcore cache
	defaultRingSlots = 1024
)

// defaultSizes: spp_primary makes 8191 mbufs + 1536 per ring and NIC.
func defaultSizes(sc *scenario) poolSizes {
	return poolSizes{mbufs: uint64(8191 + 1536*(1+len(sc.nics))), ring: defaultRingSlots}
}

var errSkipped = errors.New("skipped")

// newPrefix is a unique DPDK file prefix for one run.
func newPrefix(what string) string {
	return fmt.Sprintf("spp_bench_%d_%s%d", os.Getpid(), what, prefixSeq.Add(1))
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "gen" {
		os.Exit(genMain(os.Args[2:]))
	}
	flag.IntVar(&runs, "runs", 5, "runs per figure (the median is reported)")
	flag.DurationVar(&interval, "interval", 3*time.Second, "measured interval of one run")
	flag.DurationVar(&warmup, "warmup", time.Second, "traffic before the measured interval")
	flag.StringVar(&binDir, "bin", "bin", "directory of spp_primary, spp_vf, spp_mirror")
	flag.StringVar(&logDir, "log", "log/bench", "directory for the processes' logs")
	flag.StringVar(&testpmdBin, "testpmd", "dpdk-testpmd", "testpmd binary")
	flag.IntVar(&niceness, "nice", -20, "nice value of the data-plane threads (the one under test, the generator); 0: leave them alone")
	only := flag.String("only", "", "comma-separated scenario keys to run (default all): "+strings.Join(scenarioKeys(), ","))
	out := flag.String("out", "bench/results.json", "where the results go (JSON)")
	noTestpmd := flag.Bool("no-testpmd", false, "skip the testpmd runs")
	noOurs := flag.Bool("no-ours", false, "skip our daemons' runs")
	flag.Parse()
	if err := run(*only, *out, !*noOurs, !*noTestpmd); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(only, out string, doOurs, doTestpmd bool) error {
	if runs < 1 || interval < time.Second {
		return fmt.Errorf("want -runs >= 1 and -interval >= 1s")
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (hugepages, /var/run/dpdk)")
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	if err := dpdk.PinProcess(0); err != nil {
		return err
	}
	scs, err := selectScenarios(only)
	if err != nil {
		return err
	}
	for _, d := range []string{"spp_primary", "spp_vf", "spp_mirror"} {
		if _, err := os.Stat(filepath.Join(binDir, d)); err != nil && doOurs {
			return fmt.Errorf("%s/%s is missing (make build)", binDir, d)
		}
	}
	started := time.Now()
	res := &results{
		Date:     started.UTC().Format(time.RFC3339),
		Runs:     runs,
		Interval: interval.Seconds(),
		Machine:  machine(),
	}
	sizesOf := map[string]poolSizes{} // by generator traffic (scenario.mix), for runCapacity

	for _, sc := range scs {
		row := &row{Key: sc.key, Scenario: sc.name, Ports: sc.ports, Target: sc.target, Source: sc.source()}
		fmt.Printf("%-10s", sc.key)
		sizes := defaultSizes(sc)
		for r := 0; r < runs; r++ {
			// Ours and testpmd alternate, so that a change in the
			// machine's load hits both alike; who goes first
			// alternates too (ours first in the first round: its
			// primary tells the pool's size that testpmd copies).
			var ours, tp runResult
			var oursErr, tpErr error = errSkipped, errSkipped
			runOursOnce := func() {
				var sz poolSizes
				ours, sz, oursErr = runOurs(sc)
				row.Ours.add(ours, oursErr)
				if oursErr == nil && sz.mbufs > 0 {
					sizes = sz
				}
				progress(oursErr)
			}
			runTestpmdOnce := func() {
				tp, tpErr = runTestpmd(sc, sizes)
				row.Testpmd.add(tp, tpErr)
				progress(tpErr)
			}
			if doOurs && r%2 == 0 {
				runOursOnce()
			}
			if doTestpmd {
				runTestpmdOnce()
			}
			if doOurs && r%2 == 1 {
				runOursOnce()
			}
			if oursErr == nil && tpErr == nil {
				row.pair(ours, tp)
			}
		}
		row.finish()
		sizesOf[sc.mix()] = sizes
		fmt.Println()
		res.Rows = append(res.Rows, row)
	}

	// The generator alone, for each traffic used.
	seen := map[string]bool{}
	for _, sc := range scs {
		if sc.dst == "" || seen[sc.mix()] {
			continue
		}
		seen[sc.mix()] = true
		c := &capacity{Dst: sc.mix()}
		fmt.Printf("source %-5s", sc.mix())
		for r := 0; r < runs; r++ {
			rr, err := runCapacity(sc, sizesOf[sc.mix()])
			c.add(rr, err)
			progress(err)
		}
		c.finish()
		fmt.Println()
		res.Sources = append(res.Sources, c)
	}
	for _, row := range res.Rows {
		for _, c := range res.Sources {
			if c.Dst == row.mix() {
				row.SourceCapacity, row.SourceCapacityPerCPU = c.Mpps, c.MppsPerCPU
				if row.Ours.MppsPerCPU > 0 {
					row.SourceHeadroom = c.MppsPerCPU / row.Ours.MppsPerCPU
				}
			}
		}
	}

	if doOurs && (only == "" || strings.Contains(only, "control")) {
		fmt.Print("control   ")
		c, err := runControl()
		progress(err)
		fmt.Println()
		if err != nil {
			c = &control{Error: err.Error()}
		}
		res.Control = c
	}
	res.Seconds = time.Since(started).Seconds()
	res.print(os.Stdout)
	return res.write(out)
}

// progress prints one mark per run: . ok, E failed (the error goes to the
// results).
func progress(err error) {
	if err != nil {
		fmt.Print("E")
		return
	}
	fmt.Print(".")
}

func machine() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	model := ""
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
			break
		}
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s, %s", host, model)
}
