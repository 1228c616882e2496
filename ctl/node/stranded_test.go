package node

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// strandedNode writes a node file: a primary and one spp_vf on a unique
// prefix and free controller ports, logs in a temporary directory.
func strandedNode(t *testing.T) (file, logDir, prefix string) {
	dir := t.TempDir()
	logDir = filepath.Join(dir, "log")
	prefix = testenv.Prefix(t)
	file = filepath.Join(dir, "node.toml")
	toml := fmt.Sprintf(`[node]
log_dir = %q
[controller]
primary_port = %s
secondary_port = %s
[eal]
file_prefix = %q
memory_mb = 128
args = ["--no-pci", "--log-level", "lib.eal:error"]
[primary]
lcores = "0@0"
port_mask = "0x0"
rings = 2
[[secondary]]
name = "vf1"
type = "vf"
client_id = 1
lcores = "1@0,2@1"
`, logDir, ctltest.FreePort(t), ctltest.FreePort(t), prefix)
	if err := os.WriteFile(file, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, logDir, prefix
}

// record finds a process of the state file by role; it fails the test
// unless that process is alive.
func record(t *testing.T, logDir, role string) ProcessRecord {
	t.Helper()
	st, err := ReadState(filepath.Join(logDir, StateFileName))
	if err != nil || st == nil {
		t.Fatalf("state file: %v %v", st, err)
	}
	for _, p := range st.Processes {
		if p.Role == role && p.Alive() {
			return p
		}
	}
	t.Fatalf("no live %s in the state file: %+v", role, st.Processes)
	return ProcessRecord{}
}

// waitOutput waits until a child's output holds s.
func waitOutput(t *testing.T, c *proc.Child, s string, d time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(d); !strings.Contains(c.Output(), s); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) || c.Exited() {
			t.Fatalf("no %q from %s (%s):\n%s", s, c.Name, c.DescribeExit(), c.Output())
		}
	}
}

// sppUp runs `spp up FILE` with its shell's input on a pipe we hold open:
// the node runs until the pipe is closed (or spp down).
func sppUp(t *testing.T, bin, file string) *proc.Child {
	t.Helper()
	c, err := proc.Start(proc.Spec{Name: "spp up", Argv: []string{bin, "up", file},
		Log: filepath.Join(t.TempDir(), "up.log"), Group: true, Stdin: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Kill() })
	waitOutput(t, c, "the shell is yours", 60*time.Second)
	return c
}

func run(t *testing.T, argv ...string) (string, int) {
	t.Helper()
	c, err := proc.Start(proc.Spec{Argv: argv, Log: filepath.Join(t.TempDir(), "run.log")})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Wait(90 * time.Second) {
		c.Kill()
		t.Fatalf("%v did not end:\n%s", argv, c.Output())
	}
	return c.Output(), c.ExitCode()
}

// Issue 16 item 1, the node's side, through real processes:
//   - spp up watches: kill -9 of the primary is told, and the group starts
//     again (new primary, new spp_vf);
//   - spp up gone (kill -9) and then the primary: the node's secondary is
//     stranded. spp up refuses, saying the primary is gone and naming the
//     secondary and spp down (without the state file: naming the
//     prefix's live processes); spp down stops it and cleans the prefix;
//     then spp up starts the node again.
func TestDeadPrimaryNode(t *testing.T) {
	testenv.RequireRoot(t)
	spp := testenv.Bin(t, "spp")
	file, logDir, prefix := strandedNode(t)
	t.Cleanup(func() { run(t, spp, "down", file) })

	up := sppUp(t, spp, file)
	pri, vf := record(t, logDir, RolePrimary), record(t, logDir, RoleSecondary)
	syscall.Kill(pri.Pid, syscall.SIGKILL)
	waitOutput(t, up, "primary signal: killed; stopping its secondaries and starting the group again", 20*time.Second)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		st, _ := ReadState(filepath.Join(logDir, StateFileName))
		n := 0
		for _, p := range st.Processes {
			if p.Alive() && p.Pid != pri.Pid && p.Pid != vf.Pid && p.Role != RoleController {
				n++
			}
		}
		log, _ := os.ReadFile(filepath.Join(logDir, "vf1.log"))
		if n == 2 && !vf.Alive() && strings.Count(string(log), "connected to controller") == 2 {
			break // the new spp_vf is up: past its EAL init
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group did not start again: %+v\n%s", st.Processes, up.Output())
		}
	}

	t.Logf("spp up after kill -9 of the primary:\n%s", up.Output())
	// spp up dies (its shell with it), then the new primary.
	syscall.Kill(-up.Pid(), syscall.SIGKILL)
	up.Wait(10 * time.Second)
	pri, vf = record(t, logDir, RolePrimary), record(t, logDir, RoleSecondary)
	syscall.Kill(pri.Pid, syscall.SIGKILL)
	for deadline := time.Now().Add(10 * time.Second); pri.Alive(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the primary does not die")
		}
	}

	out, code := run(t, spp, "up", file)
	want := fmt.Sprintf("the node's primary (pid %d) is gone and what it leaves stranded still runs: vf1 (pid %d); run spp down first", pri.Pid, vf.Pid)
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("spp up over a stranded secondary: status %d, want 1 and %q:\n%s", code, want, out)
	}
	t.Logf("spp up: %s", strings.TrimSpace(out))
	if !vf.Alive() {
		t.Fatal("spp up's refusal stopped the secondary")
	}

	// Without the state file (lost, or processes started by hand), the
	// prefix's live processes are refused all the same, before anything
	// of the prefix is removed.
	statePath := filepath.Join(logDir, StateFileName)
	if err := os.Rename(statePath, statePath+".away"); err != nil {
		t.Fatal(err)
	}
	out, code = run(t, spp, "up", file)
	want = fmt.Sprintf("file prefix %q is in use by spp_vf (pid %d), not started by this node's spp up", prefix, vf.Pid)
	if code != 1 || !strings.Contains(out, want) || !vf.Alive() {
		t.Fatalf("spp up without a state file: status %d, want 1 and %q:\n%s", code, want, out)
	}
	if _, err := os.Stat(proc.PrefixRuntimeDir(prefix)); err != nil {
		t.Errorf("the refused spp up removed the prefix's files: %v", err)
	}
	if err := os.Rename(statePath+".away", statePath); err != nil {
		t.Fatal(err)
	}

	out, code = run(t, spp, "down", file)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("the primary (pid %d) is gone: stopping its stranded secondaries", pri.Pid)) ||
		!strings.Contains(out, fmt.Sprintf("stopping vf1 (pid %d)", vf.Pid)) {
		t.Fatalf("spp down: status %d:\n%s", code, out)
	}
	t.Logf("spp down:\n%s", out)
	if vf.Alive() {
		t.Fatal("spp down left the secondary running")
	}
	if _, err := os.Stat(proc.PrefixRuntimeDir(prefix)); !os.IsNotExist(err) {
		t.Errorf("spp down left %s", proc.PrefixRuntimeDir(prefix))
	}

	up = sppUp(t, spp, file)
	record(t, logDir, RolePrimary)
	record(t, logDir, RoleSecondary)
	up.Stdin.Close() // the shell ends: the node stops
	if !up.Wait(60*time.Second) || up.ExitCode() != 0 {
		t.Fatalf("spp up after spp down: %s\n%s", up.DescribeExit(), up.Output())
	}
	if st, _ := ReadState(filepath.Join(logDir, StateFileName)); st != nil {
		t.Errorf("state file left after the node stopped: %+v", st)
	}
}
