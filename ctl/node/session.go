package node

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// upSession is one `spp up`: the node's children, its state file and its shell.
type upSession struct {
	c         *Config
	binDir    string
	logDir    string
	statePath string
	out       io.Writer // progress, tables, verdict
	sh        *shellRunner
	demo      bool

	outMu      sync.Mutex  // one message at a time
	termShared atomic.Bool // the operator's shell runs on our terminal

	mu          sync.Mutex // guards everything below
	state       State
	stopping    bool
	interactive bool        // the operator's shell runs
	shellCmd    *exec.Cmd   // that shell
	serve       *proc.Child // spp serve: the controller every shell attaches to
	agent       *proc.Child // spp agent, when the node has one
	primary     *proc.Child
	secs        []*proc.Child                 // as c.Secondary
	vms         []*proc.Child                 // as c.VM
	records     map[*proc.Child]ProcessRecord // each child's line in the state file
	restarts    []time.Time
	down        chan struct{} // closed when teardown is over
}

// Timeouts. A loaded 2-CPU machine starts a testpmd in several seconds.
const (
	waitDaemon = 20 * time.Second // a daemon connects to the controller
	waitVM     = 60 * time.Second // a VM is up and forwarding, its vhost link up
	stopGrace  = 5 * time.Second  // between asking a process to stop and killing it
)

// say reports progress. While the operator's shell owns the terminal, a
// message goes on lines of its own ("\r\n" around it: the shell's prompt
// may be half typed), and everything also goes to log/node.log.
func (u *upSession) say(format string, a ...any) { u.report(true, format, a...) }

// note reports progress in log/node.log only: what the operator need not
// watch (spp serve coming and going with the node, docs/operator-guide.md).
func (u *upSession) note(format string, a ...any) { u.report(false, format, a...) }

func (u *upSession) report(show bool, format string, a ...any) {
	msg := fmt.Sprintf("node: "+format, a...)
	u.outMu.Lock()
	defer u.outMu.Unlock()
	if f, err := os.OpenFile(logPathOf(u.logDir, "node"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
		fmt.Fprintf(f, "%s %s\n", time.Now().Format("15:04:05.000"), msg)
		f.Close()
	}
	if !show {
		return
	}
	if u.termShared.Load() {
		fmt.Fprintf(u.out, "\r\n%s\r\n", msg)
	} else {
		fmt.Fprintln(u.out, msg)
	}
}

// up starts the node and then runs the demo or the operator's shell. It
// returns the exit status.
func (u *upSession) up() int {
	if err := u.preflight(); err != nil {
		fmt.Fprintf(os.Stderr, "spp up: %v\n", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go u.onSignals(sigs)

	if err := u.start(); err != nil {
		if !u.isStopping() {
			u.say("%v", err)
		}
		u.teardown()
		return 1
	}
	status := 0
	if u.demo {
		if err := u.runDemo(); err != nil {
			if !u.isStopping() { // else a signal stopped the node under the demo
				u.say("demo failed: %v", err)
			}
			status = 1
		}
	} else {
		if t := u.c.Traffic; t != nil {
			// The traffic is part of the node: the operator watches it.
			if err := u.changeCommands(t.Start); err != nil {
				u.say("starting the traffic: %v", err)
			} else {
				u.say("traffic started (%d frames from %s); watch it with %s", countFrames(u.c), u.c.PcapPath(), strings.Join(u.c.demoStatus(), ", "))
			}
		}
		status = u.operatorShell()
	}
	if !u.teardown() {
		status = 1
	}
	return status
}

func (u *upSession) isStopping() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.stopping
}

func (u *upSession) logf(format string, a ...any) { u.say(format, a...) }

func (u *upSession) onSignals(sigs chan os.Signal) {
	for sig := range sigs {
		u.mu.Lock()
		interactive := u.interactive
		u.mu.Unlock()
		if sig == syscall.SIGINT && interactive {
			continue // Ctrl-C belongs to the operator's shell
		}
		u.say("%v: stopping the node", sig)
		u.teardown()
		code := 128 + int(sig.(syscall.Signal))
		os.Exit(code)
	}
}

// operatorShell runs the interactive shell on our terminal; leaving it
// stops the node.
func (u *upSession) operatorShell() int {
	argv := u.c.ShellArgv(u.binDir)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	u.say("the shell is yours; leaving it (bye) stops the node")
	u.mu.Lock()
	if u.stopping {
		u.mu.Unlock()
		return 1
	}
	err := cmd.Start()
	if err == nil {
		u.interactive = true
		u.shellCmd = cmd
		u.termShared.Store(true)
	}
	u.mu.Unlock()
	if err == nil {
		err = cmd.Wait()
	}
	u.mu.Lock()
	u.interactive = false
	u.mu.Unlock()
	u.termShared.Store(false)
	if err != nil {
		u.say("shell: %v", err)
	}
	return 0
}
