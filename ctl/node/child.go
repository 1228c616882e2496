package node

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// child is a process `spp up` started and waits for.
type child struct {
	name, role string
	cmd        *exec.Cmd
	stdin      io.WriteCloser // VMs only: testpmd's command line
	logPath    string
	started    time.Time
	done       chan struct{} // closed once the process has exited
	err        error         // its exit, valid after done
	record     ProcessRecord // its line in the state file
}

func (ch *child) exited() bool {
	select {
	case <-ch.done:
		return true
	default:
		return false
	}
}

// startChild starts argv with its output appended to logPath. The child
// gets its own process group, so that Ctrl-C in the terminal reaches the
// shell and `spp up`, which stop the daemons in order, and not the daemons
// themselves.
func startChild(name, role string, argv []string, logPath string, withStdin bool) (*child, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own copy
	fmt.Fprintf(logf, "==== %s: %q\n", time.Now().Format(time.RFC3339), argv)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	ch := &child{name: name, role: role, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	if withStdin {
		// An os.Pipe, not cmd.StdinPipe: the child keeps running if we die,
		// and then reads end-of-file, which makes testpmd quit.
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		cmd.Stdin = r
		ch.stdin = w
		defer r.Close()
	}
	if err := cmd.Start(); err != nil {
		if ch.stdin != nil {
			ch.stdin.Close()
		}
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	ch.started = time.Now()
	st, _ := procStart(cmd.Process.Pid)
	ch.record = ProcessRecord{Name: name, Role: role, Pid: cmd.Process.Pid, Start: st}
	go func() {
		ch.err = cmd.Wait()
		close(ch.done)
	}()
	return ch, nil
}

// stop ends the child: SIGTERM, then SIGKILL after grace. For a VM, "quit"
// on its command line comes first.
func (ch *child) stop(grace time.Duration) error {
	if ch.exited() {
		return nil
	}
	if ch.stdin != nil {
		_, _ = io.WriteString(ch.stdin, "quit\n")
		select {
		case <-ch.done:
			return nil
		case <-time.After(grace):
		}
	}
	_ = ch.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-ch.done:
		return nil
	case <-time.After(grace):
	}
	_ = ch.cmd.Process.Kill()
	select {
	case <-ch.done:
		return nil
	case <-time.After(3 * time.Second):
		return fmt.Errorf("%s (pid %d) does not die", ch.name, ch.record.Pid)
	}
}

// describeExit says how a child ended, for messages.
func (ch *child) describeExit() string {
	if ch.err == nil {
		return "exited with status 0"
	}
	return ch.err.Error()
}

// tail returns the last lines of a log, for error messages.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
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
