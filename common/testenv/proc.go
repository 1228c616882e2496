package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// Proc is a child process of a test.
type Proc struct {
	t testing.TB
	c *proc.Child
}

// Start runs bin with args. Its stdout and stderr go to a log file in
// t.TempDir(), printed when the test fails. When the test ends it is killed
// if still running; it is killed too if the test binary dies.
func Start(t testing.TB, bin string, args ...string) *Proc {
	t.Helper()
	c, err := proc.Start(proc.Spec{
		Argv:          append([]string{bin}, args...),
		Log:           filepath.Join(t.TempDir(), filepath.Base(bin)+".log"),
		DieWithParent: true,
	})
	if err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &Proc{t: t, c: c}
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("--- output of %s %s ---\n%s", filepath.Base(bin), strings.Join(args, " "), p.Log())
		}
	})
	return p
}

// Pid of the process.
func (p *Proc) Pid() int { return p.c.Pid() }

// Log is what the process wrote so far.
func (p *Proc) Log() string { return p.c.Output() }

// Wait waits up to timeout for the process to exit and returns its exit
// code (-1 when a signal ended it); an error when it is still running.
func (p *Proc) Wait(timeout time.Duration) (int, error) {
	if !p.c.Wait(timeout) {
		return 0, fmt.Errorf("%s still running after %v", p.c.Name, timeout)
	}
	return p.c.ExitCode(), nil
}

// Running tells whether the process has not exited yet.
func (p *Proc) Running() bool { return !p.c.Exited() }

// Signal sends sig to the process.
func (p *Proc) Signal(sig os.Signal) error { return p.c.Signal(sig) }

// Crash kills the running process with SIGKILL, as a crash would, and
// waits up to 10 s for it to be gone; the test stops if it was not running
// or does not die.
func (p *Proc) Crash() {
	p.t.Helper()
	if err := p.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.Wait(10 * time.Second); err != nil {
		p.t.Fatal(err)
	}
}

// Kill kills the process if it runs and waits for it to be gone.
func (p *Proc) Kill() {
	if err := p.c.Kill(); err != nil {
		p.t.Errorf("%v", err)
	}
}
