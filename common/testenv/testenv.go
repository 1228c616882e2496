// Package testenv helps integration tests run the project's binaries for
// real: where the binaries are, a unique DPDK --file-prefix cleaned up
// afterwards, the root and hugepage requirement, a test controller the
// daemons connect to, and child processes whose output is kept in a log
// file and shown when the test fails. Pure Go.
package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spp-go/spp/common/proc"
)

// Bin is the path of a built binary: $SPP_BIN/name, else <repo>/bin/name.
// The test fails when it is missing.
func Bin(t testing.TB, name string) string {
	t.Helper()
	dir := os.Getenv("SPP_BIN")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatalf("binary %s: %v (set SPP_BIN or run make build)", name, err)
		}
		dir = filepath.Join(root, "bin")
	}
	p := filepath.Join(dir, name)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		t.Fatalf("binary %s not found: run make build (or set SPP_BIN)", p)
	}
	return p
}

// repoRoot is the nearest directory above the working directory with a
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = up
	}
}

var (
	prefixSeq atomic.Int64
	sweepOnce sync.Once
)

// Prefix is a DPDK --file-prefix no other test or process uses. When the
// test ends, its runtime directory and hugepage files are removed. Cleanups
// run last-in first-out, so call Prefix before Start: the processes are
// then gone when the files are removed.
func Prefix(t testing.TB) string {
	sweepOnce.Do(sweepStale)
	p := fmt.Sprintf("spp_t%d_%d", os.Getpid(), prefixSeq.Add(1))
	t.Cleanup(func() { RemovePrefix(p) })
	return p
}

// RemovePrefix removes what DPDK processes of prefix p leave behind:
// /var/run/dpdk/<p> and /dev/hugepages/<p>map_*. Only when none of them
// runs any more.
func RemovePrefix(p string) { proc.RemovePrefix(proc.HugeDir, p) }

// sweepStale removes the prefixes that test binaries killed before their
// cleanups ran left behind (a `go test` stopped by its timeout or by hand):
// their hugepage files hold hugepages until removed, and a few such runs
// leave the next tests too few to start a primary. A prefix is stale when
// the test process named in it is gone and no process holds its runtime
// directory (the daemons of a test die with it, by Pdeathsig).
func sweepStale() {
	stale := map[string]bool{}
	for _, dir := range []string{proc.RuntimeDir, proc.HugeDir} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			p, _, _ := strings.Cut(e.Name(), "map_")
			if pid, ok := prefixPid(p); ok && pid != os.Getpid() && !alive(pid) {
				stale[p] = true
			}
		}
	}
	for p := range stale {
		if users, err := proc.PrefixUsers(filepath.Join(proc.RuntimeDir, p)); err == nil && len(users) == 0 {
			RemovePrefix(p)
		}
	}
}

// prefixPid is the test process's pid in a name Prefix made
// (spp_t<pid>_<n>).
func prefixPid(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "spp_t")
	if !ok {
		return 0, false
	}
	pid, n, ok := strings.Cut(rest, "_")
	if !ok {
		return 0, false
	}
	if _, err := strconv.Atoi(n); err != nil {
		return 0, false
	}
	v, err := strconv.Atoi(pid)
	return v, err == nil && v > 0
}

// alive: a process of that pid runs (a recycled pid counts as alive: its
// prefix is then kept, never removed in error).
func alive(pid int) bool {
	_, ok := proc.StartTime(pid)
	return ok
}

// RequireRoot stops a test that needs root and hugepages when they are
// missing: a failure when CI=true (CI must run every integration test), a
// skip otherwise.
func RequireRoot(t testing.TB) {
	t.Helper()
	var why string
	switch {
	case os.Geteuid() != 0:
		why = "needs root"
	case freeHugepages() == 0:
		why = "needs free hugepages mounted on /dev/hugepages (echo 512 > /proc/sys/vm/nr_hugepages)"
	default:
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("integration test %s", why)
	}
	t.Skipf("integration test %s", why)
}

func freeHugepages() int {
	if _, err := os.Stat("/dev/hugepages"); err != nil {
		return 0
	}
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "HugePages_Free:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}
