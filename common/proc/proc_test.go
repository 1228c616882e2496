package proc

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T, s Spec) *Child {
	t.Helper()
	if s.Log == "" {
		s.Log = filepath.Join(t.TempDir(), "child.log")
	}
	c, err := Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Kill() })
	return c
}

// Output goes to the log, after the header when asked; the exit is told.
func TestLogAndExit(t *testing.T) {
	c := start(t, Spec{Argv: []string{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, Header: true})
	if !c.Wait(5*time.Second) || !c.Exited() {
		t.Fatal("did not exit")
	}
	if c.ExitCode() != 3 || c.Err() == nil || c.DescribeExit() != "exit status 3" || c.Name != "sh" {
		t.Errorf("code %d err %v describe %q name %q", c.ExitCode(), c.Err(), c.DescribeExit(), c.Name)
	}
	out := c.Output()
	if !strings.HasPrefix(out, "==== ") || !strings.Contains(out, `["/bin/sh" "-c"`) || !strings.HasSuffix(out, "\nout\nerr\n") {
		t.Errorf("log %q", out)
	}
	c.Logf("note %d", 1)
	if !strings.HasSuffix(c.Output(), "err\nnote 1\n") {
		t.Errorf("log after Logf %q", c.Output())
	}

	ok := start(t, Spec{Name: "true", Argv: []string{"/bin/true"}, Log: c.LogPath})
	ok.Wait(5 * time.Second)
	if ok.ExitCode() != 0 || ok.Err() != nil || ok.DescribeExit() != "exited with status 0" {
		t.Errorf("true: %d %v %q", ok.ExitCode(), ok.Err(), ok.DescribeExit())
	}
	if !strings.HasPrefix(ok.Output(), out) {
		t.Error("the log was not appended to")
	}
	if _, err := Start(Spec{Argv: []string{"/nonexistent/prog"}, Log: c.LogPath}); err == nil ||
		!strings.Contains(err.Error(), "starting prog") {
		t.Errorf("start of a missing program: %v", err)
	}
}

// Stop: SIGTERM first; a child that ignores it is killed after grace, with
// its whole group.
func TestStop(t *testing.T) {
	s := start(t, Spec{Argv: []string{"/bin/sleep", "30"}})
	if s.Wait(20*time.Millisecond) || s.Exited() || s.ExitCode() != -1 {
		t.Fatal("sleep exited at once")
	}
	if err := s.Stop(5 * time.Second); err != nil || s.DescribeExit() != "signal: terminated" {
		t.Fatalf("stop: %v, %s", err, s.DescribeExit())
	}

	// sh ignores SIGTERM; its background sleep (which inherits that) is
	// in its group. The sleep's pid comes on stdout.
	stubborn := start(t, Spec{Argv: []string{"/bin/sh", "-c", `trap "" TERM; sleep 30 & echo $!; wait`}, Group: true, Stdout: true})
	line, err := bufio.NewReader(stubborn.Stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	grandchild, _ := strconv.Atoi(strings.TrimSpace(line))
	if _, alive := StartTime(grandchild); !alive {
		t.Fatalf("background sleep %q not running", line)
	}
	t0 := time.Now()
	if err := stubborn.Stop(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 300*time.Millisecond || stubborn.DescribeExit() != "signal: killed" {
		t.Errorf("stopped after %v: %s (SIGTERM was not ignored?)", d, stubborn.DescribeExit())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, alive := StartTime(grandchild); !alive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the group's other process survived Kill")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(stubborn.Output(), line) {
		t.Errorf("stdout not copied to the log: %q", stubborn.Output())
	}
}

// Stdin and Stdout pipes: what is written comes back; closing stdin ends
// the child.
func TestPipes(t *testing.T) {
	c := start(t, Spec{Argv: []string{"/bin/cat"}, Stdin: true, Stdout: true})
	r := bufio.NewReader(c.Stdout)
	c.Stdin.Write([]byte("hello\n"))
	if l, err := r.ReadString('\n'); err != nil || l != "hello\n" {
		t.Fatalf("%q %v", l, err)
	}
	c.Stdin.Close()
	if !c.Wait(5*time.Second) || c.ExitCode() != 0 {
		t.Fatalf("cat after end of input: %s", c.DescribeExit())
	}
	if c.Output() != "hello\n" {
		t.Errorf("log %q", c.Output())
	}
}

func TestKill(t *testing.T) {
	c := start(t, Spec{Argv: []string{"/bin/sleep", "30"}})
	if err := c.Kill(); err != nil || !c.Exited() || c.DescribeExit() != "signal: killed" {
		t.Fatalf("%v %s", err, c.DescribeExit())
	}
	if err := c.Kill(); err != nil {
		t.Fatalf("second Kill: %v", err)
	}
}

func TestTail(t *testing.T) {
	c := start(t, Spec{Argv: []string{"/bin/sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done"}})
	c.Wait(5 * time.Second)
	if got, want := c.Tail(2), "    | line4\n    | line5\n"; got != want {
		t.Errorf("tail %q, want %q", got, want)
	}
}

func TestStartTime(t *testing.T) {
	st, ok := StartTime(os.Getpid())
	if st2, ok2 := StartTime(os.Getpid()); !ok || !ok2 || st != st2 || st == 0 {
		t.Fatalf("own start time %d %v, then %d %v", st, ok, st2, ok2)
	}
	c := start(t, Spec{Argv: []string{"/bin/true"}})
	c.Wait(5 * time.Second)
	if _, ok := StartTime(c.Pid()); ok {
		t.Error("an exited child has a start time")
	}
	// Running: this process with its own start time, not with another
	// (the pid reused), not the exited child, not pid 0.
	if !Running(os.Getpid(), st) || Running(os.Getpid(), st+1) || Running(c.Pid(), st) || Running(0, st) {
		t.Errorf("Running: self %v, self other start %v, exited %v, pid 0 %v",
			Running(os.Getpid(), st), Running(os.Getpid(), st+1), Running(c.Pid(), st), Running(0, st))
	}
}

func TestRemovePrefix(t *testing.T) {
	huge := t.TempDir()
	p := "spp_proctest" + strconv.Itoa(os.Getpid())
	for _, f := range []string{p + "map_0", p + "map_1", "othermap_0"} {
		os.WriteFile(filepath.Join(huge, f), nil, 0o600)
	}
	run := filepath.Join(RuntimeDir, p)
	if os.Geteuid() == 0 {
		os.MkdirAll(filepath.Join(run, "sub"), 0o700)
	}
	if err := RemovePrefix(huge, p); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(huge, "*"))
	if len(left) != 1 || filepath.Base(left[0]) != "othermap_0" {
		t.Errorf("left %v (only another prefix's file should be)", left)
	}
	if _, err := os.Stat(run); err == nil {
		t.Errorf("%s left", run)
	}
	for _, bad := range []string{"", "*", "a/b", "x?", "[a]"} {
		if err := RemovePrefix(huge, bad); err == nil {
			t.Errorf("RemovePrefix accepted %q", bad)
		}
	}
}

// What Kill reports of a process that does not die: one line per thread,
// with its state; here this test binary's own threads.
func TestThreadsDescribed(t *testing.T) {
	pid := os.Getpid()
	got := threads(pid)
	if !strings.Contains(got, fmt.Sprintf("\n\tthread %d (", pid)) || !strings.Contains(got, " state ") {
		t.Fatalf("threads(%d) = %q", pid, got)
	}
	if got := threads(1 << 30); !strings.Contains(got, "no such file") {
		t.Fatalf("threads of no process = %q", got)
	}
}

// Kill's test of a zombie: a running process's main thread has not exited,
// a process that is gone has.
func TestLeaderExited(t *testing.T) {
	if leaderExited(os.Getpid()) {
		t.Fatal("this test's own process reported exited")
	}
	if !leaderExited(1 << 30) {
		t.Fatal("a process that does not exist reported running")
	}
	// A child that has exited and is not reaped yet: a zombie.
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Wait()
	for i := 0; !leaderExited(p.Pid); i++ {
		if i == 500 {
			t.Fatal("an exited, unreaped child not reported exited")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
