package main

// Child processes, thread CPU time, CPU pinning and DPDK prefix cleanup.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// child is a process the bench started. Its output goes to a log file.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// startChild starts argv with stdout and stderr in logDir/name.log. If
// stdin or stdout are wanted as pipes, pass non-nil pointers.
func startChild(name string, argv []string, stdin *io.WriteCloser, stdout *io.Reader) (*child, error) {
	logf, err := os.OpenFile(filepath.Join(logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "\n=== %s %s\n", time.Now().Format(time.RFC3339Nano), strings.Join(argv, " "))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = logf
	// Its own session: a process group, so that a stuck child can be
	// killed with everything it started, and its own scheduler autogroup
	// (see boost).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if stdin != nil {
		if *stdin, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	if stdout != nil {
		r, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		// Copy what the harness reads into the log as well.
		*stdout = io.TeeReader(r, logf)
	} else {
		cmd.Stdout = logf
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %v", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	if niceness != 0 {
		// The autogroup's nice value: its weight against other
		// sessions' groups (the kernel shares a CPU between autogroups
		// first, and a thread's own nice only counts within its group).
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/autogroup", cmd.Process.Pid), []byte(strconv.Itoa(niceness)), 0); err != nil {
			fmt.Fprintf(logf, "bench: autogroup nice: %v\n", err)
		}
	}
	go func() {
		c.err = cmd.Wait()
		logf.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// wait waits for the child to exit, up to d; then it is killed (its whole
// process group) and wait reports it.
func (c *child) wait(d time.Duration) error {
	select {
	case <-c.done:
		return nil
	case <-time.After(d):
	}
	c.kill()
	return fmt.Errorf("%s did not exit within %v; killed", c.name, d)
}

// kill ends the child's process group (SIGKILL) and waits for it.
func (c *child) kill() {
	if c.exited() {
		return
	}
	syscall.Kill(-c.pid(), syscall.SIGKILL)
	<-c.done
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

// cleanPrefix removes what DPDK leaves behind for a file prefix. Only call
// it when no process of that prefix is alive.
func cleanPrefix(prefix string) {
	os.RemoveAll("/var/run/dpdk/" + prefix)
	files, _ := filepath.Glob("/dev/hugepages/" + prefix + "map_*")
	for _, f := range files {
		os.Remove(f)
	}
}

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
