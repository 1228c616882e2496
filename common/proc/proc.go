// Package proc starts and stops child processes with their output in a
// log file, for everything that runs daemons: the node supervisor
// (spp up), the bench and the integration tests. It also removes what DPDK
// processes leave behind (prefix.go). Pure Go, Linux.
package proc

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Spec says how to start a child.
type Spec struct {
	Name string   // for messages; default: the base name of Argv[0]
	Argv []string // the program and its arguments
	// Log is the file its stdout and stderr are appended to (created when
	// missing).
	Log string
	// Header writes "==== TIME: ARGV" to the log first, for a log that
	// collects several runs.
	Header bool
	// Group gives the child its own process group: Ctrl-C in a terminal
	// does not reach it, and Kill ends the whole group.
	Group bool
	// Session gives it its own session (so its own group too, and its own
	// scheduler autogroup).
	Session bool
	// DieWithParent has the kernel kill it when the thread that started it
	// ends (a test binary that dies leaves no daemon behind).
	DieWithParent bool
	// Stdin makes Child.Stdin a pipe to its standard input. The child
	// reads end-of-file when it is closed, or when we die.
	Stdin bool
	// Stdout makes Child.Stdout read its standard output instead of the
	// log; what is read is copied to the log.
	Stdout bool
}

// KillWait is how long a killed process may take to be gone. A killed
// testpmd VM whose vhost peer had detached was seen to stay a zombie with a
// thread still exiting for 10 s to over a minute (TestTwoHosts, the soak:
// about one kill in 20 to 50 on a loaded machine); Kill accepts that
// zombie: it runs nothing any more.
const KillWait = time.Minute

// Child is a started process.
type Child struct {
	Name    string
	LogPath string
	Stdin   io.WriteCloser // with Spec.Stdin
	Stdout  io.Reader      // with Spec.Stdout
	Started time.Time

	cmd   *exec.Cmd
	group bool          // it leads its own process group
	done  chan struct{} // closed once it has exited
	err   error         // how it ended (cmd.Wait), valid after done
}

// Start starts the child described by s.
func Start(s Spec) (*Child, error) {
	if len(s.Argv) == 0 {
		return nil, fmt.Errorf("start: no program")
	}
	name := s.Name
	if name == "" {
		name = filepath.Base(s.Argv[0])
	}
	logf, err := os.OpenFile(s.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own copy
	if s.Header {
		fmt.Fprintf(logf, "==== %s: %q\n", time.Now().Format(time.RFC3339), s.Argv)
	}
	cmd := exec.Command(s.Argv[0], s.Argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: s.Group && !s.Session, Setsid: s.Session}
	if s.DieWithParent {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	c := &Child{Name: name, LogPath: s.Log, cmd: cmd, group: s.Group || s.Session, done: make(chan struct{})}
	var theirs []*os.File // pipe ends the child gets: ours to close once it has them
	defer func() {
		for _, f := range theirs {
			f.Close()
		}
	}()
	if s.Stdin {
		// Our end is closed once the child has exited (a write then
		// fails quietly), or by the caller to send end-of-file.
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		cmd.Stdin, c.Stdin = r, w
		theirs = append(theirs, r)
	}
	if s.Stdout {
		r, w, err := os.Pipe()
		if err != nil {
			c.closePipes()
			return nil, err
		}
		tee, err := os.OpenFile(s.Log, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			r.Close()
			w.Close()
			c.closePipes()
			return nil, err
		}
		cmd.Stdout, c.Stdout = w, &teeLog{r: r, log: tee}
		theirs = append(theirs, w)
	}
	if err := cmd.Start(); err != nil {
		c.closePipes()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	c.Started = time.Now()
	go func() {
		c.err = cmd.Wait()
		if c.Stdin != nil {
			c.Stdin.Close()
		}
		close(c.done)
	}()
	return c, nil
}

// closePipes closes our ends of the pipes after a failed start.
func (c *Child) closePipes() {
	if c.Stdin != nil {
		c.Stdin.Close()
	}
	if t, ok := c.Stdout.(*teeLog); ok {
		t.close()
	}
}

// teeLog reads the child's stdout and copies it to the log; both close at
// the end of the stream.
type teeLog struct{ r, log *os.File }

func (t *teeLog) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.log.Write(p[:n]) // the log is best effort: the reader comes first
	}
	if err != nil {
		t.close()
	}
	return n, err
}

func (t *teeLog) close() {
	t.r.Close()
	t.log.Close()
}

// Pid is the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Done is closed once the child has exited.
func (c *Child) Done() <-chan struct{} { return c.done }

// Exited says whether the child has exited.
func (c *Child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Wait waits up to d for the child to exit and says whether it has.
func (c *Child) Wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.done:
		return true
	case <-t.C:
		return false
	}
}

// Err is how the child ended: nil for exit status 0, an *exec.ExitError
// otherwise. Valid once it has exited.
func (c *Child) Err() error {
	if !c.Exited() {
		return nil
	}
	return c.err
}

// ExitCode is the child's exit status; -1 when a signal ended it or it
// still runs.
func (c *Child) ExitCode() int {
	if !c.Exited() {
		return -1
	}
	return c.cmd.ProcessState.ExitCode()
}

// DescribeExit says how the child ended, for messages: "exited with
// status 0", "exit status 1", "signal: killed".
func (c *Child) DescribeExit() string {
	switch {
	case !c.Exited():
		return "is still running"
	case c.err == nil:
		return "exited with status 0"
	}
	return c.err.Error()
}

// Signal sends sig to the child (not its group).
func (c *Child) Signal(sig os.Signal) error { return c.cmd.Process.Signal(sig) }

// Kill kills the child (its whole group when it has its own) and waits up
// to KillWait for it to be gone.
func (c *Child) Kill() error {
	if c.Exited() {
		return nil
	}
	if c.group {
		syscall.Kill(-c.Pid(), syscall.SIGKILL)
	} else {
		c.cmd.Process.Kill()
	}
	for end := time.Now().Add(KillWait); !c.Wait(100 * time.Millisecond); {
		if leaderExited(c.Pid()) {
			return nil
		}
		if time.Now().After(end) {
			return fmt.Errorf("%s (pid %d) does not die: %s", c.Name, c.Pid(), threads(c.Pid()))
		}
	}
	return nil
}

// Stop asks the child to stop (SIGTERM), waits up to grace, then kills it.
func (c *Child) Stop(grace time.Duration) error {
	if c.Exited() {
		return nil
	}
	c.Signal(syscall.SIGTERM)
	if c.Wait(grace) {
		return nil
	}
	return c.Kill()
}

// Output is what the log holds so far.
func (c *Child) Output() string {
	b, _ := os.ReadFile(c.LogPath)
	return string(b)
}

// Logf appends a line of ours to the child's log.
func (c *Child) Logf(format string, a ...any) {
	f, err := os.OpenFile(c.LogPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	defer f.Close()
	msg := fmt.Sprintf(format, a...)
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	f.WriteString(msg)
}

// Tail is the log's last n lines, each indented "    | ", for messages.
func (c *Child) Tail(n int) string {
	data, err := os.ReadFile(c.LogPath)
	if err != nil {
		return ""
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString("    | ")
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// StartTime is a process's start time (/proc/PID/stat field 22, clock
// ticks since boot): with the pid it names one process, not a later one
// that reused the pid. false when the process is gone or a zombie.
func StartTime(pid int) (uint64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 || f[0] == "Z" { // a zombie has exited already
		return 0, false
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	return v, err == nil
}

// Running says whether the process that started at start (StartTime) with
// this pid still runs: not gone, not a zombie, not a later process that
// reused the pid.
func Running(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	st, ok := StartTime(pid)
	return ok && st == start
}
