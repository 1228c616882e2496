package main

// The harness side of the generator process (see gen.go).

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// Lcores of the generator process: its main lcore and the generator loop
// on CPU 0 (the control CPU), and a sink on CPU 1 when it measures itself
// alone. The ids are unique among all processes of a prefix.
const (
	genMainLcore = 5
	genLcore     = 6
	genSinkLcore = 7
)

type genProc struct {
	c   *proc.Child
	in  io.WriteCloser
	out *lineReader
	tid int // the generator loop's thread
}

// genSetup says where the generator takes mbufs from and what it fills.
type genSetup struct {
	prefix   string
	pool     string
	ring     string
	dst      string
	vlan     uint16 // tag the frames with this VLAN id (0: untagged)
	create   bool   // be the primary: create the pool and the ring
	poolSize uint64
	ringSize uint64
	sink     bool // drain the ring on CPU 1 (to measure the generator alone)
	// preload: shared libraries to load first, so that the generator
	// registers its mempool drivers in the same order as the primary
	// (see testpmdMempoolDrivers).
	preload []string
}

func startGen(s genSetup) (*genProc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	g := &genProc{}
	if g.c, err = startChild("gen", genArgv(self, s), true); err != nil {
		return nil, err
	}
	g.in, g.out = g.c.Stdin, newLineReader(g.c.Stdout)
	for {
		l, err := g.out.next(10 * time.Second)
		if err != nil {
			g.c.Kill()
			return nil, fmt.Errorf("generator did not start (%v); see %s/gen.log", err, logDir)
		}
		if l == "ready" {
			break
		}
	}
	if g.tid, err = threadByName(g.c.Pid(), fmt.Sprintf("rte-worker-%d", genLcore)); err == nil {
		err = boost(g.tid)
	}
	if err == nil && s.sink {
		var tid int
		if tid, err = threadByName(g.c.Pid(), fmt.Sprintf("rte-worker-%d", genSinkLcore)); err == nil {
			err = boost(tid)
		}
	}
	if err != nil {
		g.c.Kill()
		return nil, err
	}
	return g, nil
}

// genArgv is the command line of a generator process (self: the bench's
// own binary).
func genArgv(self string, s genSetup) []string {
	lcores := fmt.Sprintf("%d@0,%d@0", genMainLcore, genLcore)
	if s.sink {
		lcores += fmt.Sprintf(",%d@1", genSinkLcore)
	}
	procType := "secondary"
	if s.create {
		procType = "primary"
	}
	eal := fmt.Sprintf("--proc-type=%s --file-prefix=%s --lcores=%s --no-pci --log-level=lib.eal:warning", procType, s.prefix, lcores)
	argv := []string{self, "gen", "-eal", eal, "-pool", s.pool, "-ring", s.ring, "-dst", s.dst,
		"-lcore", fmt.Sprint(genLcore)}
	if s.create {
		argv = append(argv, "-create", "-pool-size", fmt.Sprint(s.poolSize), "-ring-size", fmt.Sprint(s.ringSize))
	}
	if s.sink {
		argv = append(argv, "-sink", fmt.Sprint(genSinkLcore))
	}
	if s.vlan != 0 {
		argv = append(argv, "-vlan", fmt.Sprint(s.vlan))
	}
	if len(s.preload) > 0 {
		argv = append([]string{"env", "LD_PRELOAD=" + strings.Join(s.preload, " ")}, argv...)
	}
	return argv
}

// stats reads the generator's counters and its thread's CPU time.
func (g *genProc) stats() (genStats, error) {
	var s genStats
	var err error
	at, cpu, err := timed(g.c.Pid(), g.tid, func() (err error) {
		s, err = g.counters()
		return err
	})
	s.at, s.cpu = at, cpu
	return s, err
}

func (g *genProc) counters() (genStats, error) {
	var s genStats
	if _, err := io.WriteString(g.in, "stats\n"); err != nil {
		return s, err
	}
	for {
		l, err := g.out.next(5 * time.Second)
		if err != nil {
			return s, fmt.Errorf("generator stats: %v", err)
		}
		if strings.HasPrefix(l, "{") {
			return s, json.Unmarshal([]byte(l), &s)
		}
	}
}

// stop stops the generator and waits for its process to end.
func (g *genProc) stop() error {
	io.WriteString(g.in, "stop\n")
	g.in.Close()
	return waitOrKill(g.c, 10*time.Second)
}

// testpmdMempoolDrivers lists the mempool drivers testpmd links directly
// (Debian's links librte_mempool_dpaa). They register their mempool ops
// before EAL loads the other drivers from its plugin directory, so in
// testpmd the ops indexes are shifted against a process that loads every
// driver as a plugin, like ours. A generator attached to testpmd preloads
// them to get the same indexes.
func testpmdMempoolDrivers(bin string) ([]string, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("ldd", path).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %v", path, err)
	}
	var libs []string
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[0], "librte_mempool_") {
			libs = append(libs, f[2])
		}
	}
	return libs, nil
}
