package main

// Child processes, thread CPU time, CPU pinning and DPDK prefix cleanup.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/spp-go/spp/common/proc"
)

// startChild starts argv as name, with stdout and stderr in
// logDir/name.log; with pipes, its Stdin and Stdout are pipes (what it
// prints is copied to the log too). Each child has its own session: a
// process group, so that a stuck child is killed with everything it
// started, and its own scheduler autogroup (see boost).
func startChild(name string, argv []string, pipes bool) (*proc.Child, error) {
	c, err := proc.Start(proc.Spec{Name: name, Argv: argv, Log: filepath.Join(logDir, name+".log"),
		Header: true, Session: true, Stdin: pipes, Stdout: pipes})
	if err != nil {
		return nil, err
	}
	if niceness != 0 {
		// The autogroup's nice value: its weight against other
		// sessions' groups (the kernel shares a CPU between autogroups
		// first, and a thread's own nice only counts within its group).
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/autogroup", c.Pid()), []byte(strconv.Itoa(niceness)), 0); err != nil {
			c.Logf("bench: autogroup nice: %v", err)
		}
	}
	return c, nil
}

// waitOrKill waits up to d for the child to exit; then it is killed (its
// whole process group) and waitOrKill reports it.
func waitOrKill(c *proc.Child, d time.Duration) error {
	if c.Wait(d) {
		return nil
	}
	c.Kill()
	return fmt.Errorf("%s did not exit within %v; killed", c.Name, d)
}

// threadByName finds the thread of pid whose name (comm) is name, waiting
// up to a second for it to appear.
func threadByName(pid int, name string) (int, error) {
	deadline := time.Now().Add(time.Second)
	for {
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		for _, t := range tasks {
			comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/comm", pid, t.Name()))
			if err == nil && strings.TrimSpace(string(comm)) == name {
				return strconv.Atoi(t.Name())
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("process %d has no thread %q", pid, name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cpuTimes are a thread's run time (on a CPU) and wait time (runnable, but
// another task had the CPU), from /proc/PID/task/TID/schedstat.
type cpuTimes struct{ run, wait time.Duration }

func schedstat(pid, tid int) (cpuTimes, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/schedstat", pid, tid))
	if err != nil {
		return cpuTimes{}, err
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return cpuTimes{}, fmt.Errorf("schedstat of %d/%d: %q", pid, tid, b)
	}
	run, err1 := strconv.ParseInt(f[0], 10, 64)
	wait, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return cpuTimes{}, fmt.Errorf("schedstat of %d/%d: %q", pid, tid, b)
	}
	return cpuTimes{time.Duration(run), time.Duration(wait)}, nil
}

// removePrefix removes what DPDK leaves behind for a file prefix. Only
// call it when no process of that prefix is alive.
func removePrefix(prefix string) { proc.RemovePrefix(proc.HugeDir, prefix) }

// lineReader reads lines from a child's stdout with a timeout.
type lineReader struct{ lines chan string }

func newLineReader(r io.Reader) *lineReader {
	lr := &lineReader{lines: make(chan string, 64)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			lr.lines <- sc.Text()
		}
		close(lr.lines)
	}()
	return lr
}

// next returns the next line, or an error at EOF or after d.
func (lr *lineReader) next(d time.Duration) (string, error) {
	select {
	case l, ok := <-lr.lines:
		if !ok {
			return "", io.EOF
		}
		return l, nil
	case <-time.After(d):
		return "", fmt.Errorf("no answer within %v", d)
	}
}

// boost gives a data-plane thread (the one under test, the generator, the
// sink) the nice value niceness; startChild gives the same to each child's
// autogroup. The machine may be shared: without it, a compile on CPU 1
// takes half of the CPU from the thread under test, and the generator and
// the component, each on a contended CPU, seldom run at the same time, so
// that a ring between them is empty most of the time the consumer runs. At
// nice -20 a poller gets about 98% of its CPU against a nice 0 task, and a
// woken control thread still runs at once (CFS).
func boost(tid int) error {
	if niceness == 0 {
		return nil
	}
	if err := unix.Setpriority(unix.PRIO_PROCESS, tid, niceness); err != nil {
		return fmt.Errorf("nice %d for thread %d: %v", niceness, tid, err)
	}
	return nil
}
