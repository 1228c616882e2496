package node

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// shellRunner runs the controller shell (`spp`) with args and returns its
// exit error. Its output goes to out and to log/spp.log.
type shellRunner struct {
	argv    []string // spp -p .. -s .. --bind ..
	logPath string
	mu      sync.Mutex // one shell at a time: they all listen on the same ports

	curMu  sync.Mutex
	cancel context.CancelFunc // of the shell running now, if any
	closed bool               // abort ran: no more shells
}

// abort stops the shell running now, if any, refuses new ones, and returns
// a fresh runner for the teardown's own commands once the ports are free.
func (s *shellRunner) abort() *shellRunner {
	s.curMu.Lock()
	s.closed = true
	if s.cancel != nil {
		s.cancel()
	}
	s.curMu.Unlock()
	s.mu.Lock() // the aborted shell has exited
	defer s.mu.Unlock()
	return &shellRunner{argv: s.argv, logPath: s.logPath}
}

func (s *shellRunner) run(timeout time.Duration, out io.Writer, args ...string) error {
	return s.runCtx(context.Background(), timeout, out, args...)
}

// runCtx is run, stopped early when ctx ends.
func (s *shellRunner) runCtx(ctx context.Context, timeout time.Duration, out io.Writer, args ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.curMu.Lock()
	if s.closed {
		s.curMu.Unlock()
		return fmt.Errorf("the node is stopping")
	}
	s.cancel = cancel
	s.curMu.Unlock()
	defer func() {
		s.curMu.Lock()
		s.cancel = nil
		s.curMu.Unlock()
	}()
	argv := append(append([]string{}, s.argv...), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "==== %s: %q\n", time.Now().Format(time.RFC3339), argv)
	// stdout (tables, JSON replies) goes to out; stderr (announcements,
	// errors) only to the log, and into the error when the shell fails.
	var errb bytes.Buffer
	w := io.Writer(logf)
	if out != nil {
		w = io.MultiWriter(logf, out)
	}
	cmd.Stdout = w
	cmd.Stderr = io.MultiWriter(logf, &errb)
	cmd.Stdin = nil // not a terminal: never interactive
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("spp %q: no answer within %v", args, timeout)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("spp %q: %v", args, context.Cause(ctx))
	}
	if err != nil {
		return fmt.Errorf("spp %q: %v\n%s", args, err, indent(errb.String()))
	}
	return nil
}

func indent(s string) string {
	var b bytes.Buffer
	for _, l := range bytes.Split(bytes.TrimRight([]byte(s), "\n"), []byte("\n")) {
		if len(l) > 0 {
			b.WriteString("    | ")
			b.Write(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// output runs the shell and returns what it printed.
func (s *shellRunner) output(timeout time.Duration, args ...string) ([]byte, error) {
	var b bytes.Buffer
	err := s.run(timeout, &b, args...)
	return b.Bytes(), err
}

func logPathOf(dir, name string) string { return filepath.Join(dir, name+".log") }
