package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// run is one `spp up`: the node's children, its state file and its shell.
type run struct {
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
	interactive bool      // the operator's shell holds the controller ports
	shellCmd    *exec.Cmd // that shell
	primary     *child
	secs        []*child // as c.Secondary
	vms         []*child // as c.VM
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
func (r *run) say(format string, a ...any) {
	msg := fmt.Sprintf("node: "+format, a...)
	r.outMu.Lock()
	defer r.outMu.Unlock()
	if f, err := os.OpenFile(logPathOf(r.logDir, "node"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
		fmt.Fprintf(f, "%s %s\n", time.Now().Format("15:04:05.000"), msg)
		f.Close()
	}
	if r.termShared.Load() {
		fmt.Fprintf(r.out, "\r\n%s\r\n", msg)
	} else {
		fmt.Fprintln(r.out, msg)
	}
}

// up starts the node and then runs the demo or the operator's shell. It
// returns the exit status.
func (r *run) up() int {
	if err := r.preflight(); err != nil {
		fmt.Fprintf(os.Stderr, "spp up: %v\n", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go r.onSignals(sigs)

	if err := r.start(); err != nil {
		if !r.isStopping() {
			r.say("%v", err)
		}
		r.teardown()
		return 1
	}
	status := 0
	if r.demo {
		if err := r.runDemo(); err != nil {
			if !r.isStopping() { // else a signal stopped the node under the demo
				r.say("demo failed: %v", err)
			}
			status = 1
		}
	} else {
		if t := r.c.Traffic; t != nil {
			// The traffic is part of the node: the operator watches it.
			if err := r.changeCommands(t.Start); err != nil {
				r.say("starting the traffic: %v", err)
			} else {
				r.say("traffic started (%d frames from %s); watch it with %s", countFrames(r.c), r.c.PcapPath(), strings.Join(r.c.demoStatus(), ", "))
			}
		}
		status = r.operatorShell()
	}
	if !r.teardown() {
		status = 1
	}
	return status
}

// preflight refuses to start over a node that is up, cleans what a crashed
// one left, and checks what the processes would otherwise fail on late:
// the controller ports, the binaries and the hugepages.
func (r *run) preflight() error {
	old, err := ReadState(r.statePath)
	if err != nil {
		return err
	}
	if old != nil {
		if live := old.Live(); len(live) > 0 {
			var names []string
			for _, p := range live {
				names = append(names, fmt.Sprintf("%s (pid %d)", p.Name, p.Pid))
			}
			return fmt.Errorf("a node is already up (%s): run spp down first", strings.Join(names, ", "))
		}
		r.say("cleaning up after a node that did not stop cleanly")
		old.RemoveFiles(r.logf)
		_ = os.Remove(r.statePath)
	}
	c := r.c.Controller
	for _, port := range []int{c.PrimaryPort, c.SecondaryPort} {
		l, err := net.Listen("tcp", net.JoinHostPort(c.Bind, strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("controller port %d: %v (another spp running? see docs/troubleshooting.md)", port, err)
		}
		l.Close()
	}
	bins := []string{r.c.PrimaryArgv(r.binDir)[0], r.c.ShellArgv(r.binDir)[0]}
	for _, s := range r.c.Secondary {
		bins = append(bins, r.c.SecondaryArgv(s, r.binDir)[0])
	}
	for _, b := range bins {
		if _, err := os.Stat(b); err != nil {
			return fmt.Errorf("%v (run make build)", err)
		}
	}
	if len(r.c.VM) > 0 {
		if _, err := exec.LookPath(r.c.Node.Testpmd); err != nil {
			return fmt.Errorf("the VMs need %s: %v (run make deps)", r.c.Node.Testpmd, err)
		}
	}
	for _, v := range r.c.VM {
		if err := freeSocket(VhostSocket(*v.Vhost)); err != nil {
			return err
		}
	}
	need := r.c.EAL.MemoryMB
	for _, v := range r.c.VM {
		need += v.MemoryMB
	}
	if free, ok := hugeFreeMB(); ok && free < need {
		return fmt.Errorf("%d MB of hugepages free, the node needs %d (see docs/troubleshooting.md, hugepages)", free, need)
	}
	return nil
}

// freeSocket removes a stale vhost-user socket file and refuses one that
// some process still listens on.
func freeSocket(path string) error {
	if _, err := os.Lstat(path); err != nil {
		return nil
	}
	conn, err := net.DialTimeout("unix", path, 200*time.Millisecond)
	if err == nil {
		conn.Close()
		return fmt.Errorf("%s is in use by another process (another node or VM?)", path)
	}
	return os.Remove(path)
}

// hugeFreeMB reads the free hugepage memory from /proc/meminfo.
func hugeFreeMB() (int, bool) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	var free, sizeKB int
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "HugePages_Free:":
			free, _ = strconv.Atoi(f[1])
		case "Hugepagesize:":
			sizeKB, _ = strconv.Atoi(f[1])
		}
	}
	if sizeKB == 0 {
		return 0, false
	}
	return free * sizeKB / 1024, true
}

// deadDaemon names a daemon of the group that has exited, with the end of
// its log, or returns "".
func (r *run) deadDaemon() string {
	r.mu.Lock()
	chs := append([]*child{r.primary}, r.secs...)
	r.mu.Unlock()
	for _, ch := range chs {
		if ch != nil && ch.exited() {
			return fmt.Sprintf("%s %s:\n%s", ch.name, ch.describeExit(), tail(ch.logPath, 6))
		}
	}
	return ""
}

// restartDeadSecondaries starts again the secondaries that have exited,
// provided the primary lives.
func (r *run) restartDeadSecondaries() error {
	r.mu.Lock()
	pri, secsCh := r.primary, append([]*child{}, r.secs...)
	r.mu.Unlock()
	if pri == nil || pri.exited() {
		return errors.New("the primary is gone")
	}
	for i, ch := range secsCh {
		if ch == nil || !ch.exited() {
			continue
		}
		s := r.c.Secondary[i]
		r.say("%s %s: starting it again", s.Name, ch.describeExit())
		r.forget(ch)
		nch, err := r.spawn(s.Name, RoleSecondary, r.c.SecondaryArgv(s, r.binDir), false)
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.secs[i] = nch
		r.mu.Unlock()
		if err := r.waitDaemon(nch, fmt.Sprintf("wait sec %d %s", *s.ClientID, secs(waitDaemon))); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) isStopping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopping
}

func (r *run) logf(format string, a ...any) { r.say(format, a...) }

func (r *run) onSignals(sigs chan os.Signal) {
	for sig := range sigs {
		r.mu.Lock()
		interactive := r.interactive
		r.mu.Unlock()
		if sig == syscall.SIGINT && interactive {
			continue // Ctrl-C belongs to the operator's shell
		}
		r.say("%v: stopping the node", sig)
		r.teardown()
		code := 128 + int(sig.(syscall.Signal))
		os.Exit(code)
	}
}

// start brings the node up: primary, secondaries, VMs and the command file,
// in the order each needs the previous one.
func (r *run) start() error {
	if err := os.MkdirAll(r.logDir, 0o755); err != nil {
		return err
	}
	// Fresh logs for this run; a restart of the group appends.
	names := []string{"primary", "spp", "node"}
	for _, s := range r.c.Secondary {
		names = append(names, s.Name)
	}
	for _, v := range r.c.VM {
		names = append(names, v.Name)
	}
	for _, n := range names {
		_ = os.Remove(logPathOf(r.logDir, n))
	}

	st, _ := procStart(os.Getpid())
	r.state = State{
		Config:     r.c.path,
		Supervisor: Proc{Name: "spp up", Role: RoleSupervisor, Pid: os.Getpid(), Start: st},
		Prefixes:   []string{r.c.EAL.FilePrefix},
		HugeDir:    r.c.EAL.HugeDir,
	}
	for _, v := range r.c.VM {
		r.state.Prefixes = append(r.state.Prefixes, v.FilePrefix)
		r.state.Sockets = append(r.state.Sockets, VhostSocket(*v.Vhost))
	}
	if r.c.Traffic != nil {
		p := r.c.PcapPath()
		r.state.Files = append(r.state.Files, p,
			filepath.Join(filepath.Dir(p), fmt.Sprintf("spp-tx%d.pcap", r.c.Traffic.Pcap)))
	}
	// The group's prefix may hold files of an earlier run killed hard.
	if err := RemovePrefix(r.c.EAL.HugeDir, r.c.EAL.FilePrefix); err != nil {
		return err
	}
	for _, v := range r.c.VM {
		if err := RemovePrefix(r.c.EAL.HugeDir, v.FilePrefix); err != nil {
			return err
		}
	}
	if err := r.saveState(); err != nil {
		return err
	}
	if r.c.Traffic != nil {
		path, err := r.c.writeTraffic()
		if err != nil {
			return fmt.Errorf("writing the traffic capture: %v", err)
		}
		r.say("traffic capture %s: %d frames", path, countFrames(r.c))
	}

	if err := r.startGroup(true); err != nil {
		return err
	}
	// VMs in server mode own their socket: they must listen before the
	// command file's flush makes the secondaries (vhost clients) connect.
	// VMs in client mode connect to a socket the flush creates.
	r.vms = make([]*child, len(r.c.VM))
	for i, v := range r.c.VM {
		if v.Server {
			if err := r.startVM(i); err != nil {
				return err
			}
		}
	}
	if err := r.applyCommandFile(); err != nil {
		return err
	}
	for i, v := range r.c.VM {
		if !v.Server {
			if err := r.startVM(i); err != nil {
				return err
			}
		}
	}
	for i := range r.c.VM {
		if err := r.waitVM(i); err != nil {
			return err
		}
	}
	if err := r.waitVhostLinks(); err != nil {
		return err
	}
	go r.supervise()
	r.say("node is up: logs in %s/, state in %s", r.logDir, r.statePath)
	return nil
}

func countFrames(c *Config) int {
	n := 0
	for _, f := range c.Traffic.Frames {
		n += f.Count
	}
	return n
}

func (r *run) saveState() error {
	return r.state.Write(r.statePath)
}

// spawn starts a child and records it in the state file, unless the node is
// being stopped.
func (r *run) spawn(name, role string, argv []string, withStdin bool) (*child, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopping {
		return nil, errors.New("the node is stopping")
	}
	ch, err := startChild(name, role, argv, logPathOf(r.logDir, name), withStdin)
	if err != nil {
		return nil, err
	}
	r.state.Procs = append(r.state.Procs, ch.proc)
	if err := r.saveState(); err != nil {
		r.say("writing %s: %v", r.statePath, err)
	}
	r.say("started %s (pid %d), log %s", name, ch.proc.Pid, ch.logPath)
	go func() {
		<-ch.done
		r.mu.Lock()
		stopping := r.stopping
		r.mu.Unlock()
		if !stopping && role != RolePrimary { // the supervisor reports the primary
			r.say("%s %s (see %s)", name, ch.describeExit(), ch.logPath)
		}
	}()
	return ch, nil
}

// forget drops exited children from the state file.
func (r *run) forget(chs ...*child) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keep := r.state.Procs[:0]
	for _, p := range r.state.Procs {
		gone := false
		for _, ch := range chs {
			if ch != nil && ch.proc == p && ch.exited() {
				gone = true
			}
		}
		if !gone {
			keep = append(keep, p)
		}
	}
	r.state.Procs = keep
	_ = r.saveState()
}

// startGroup starts the primary and then the secondaries. When the shell
// ports are free (viaShell), `wait pri` and `wait sec N` tell when each has
// finished its start; otherwise the operator's shell holds the ports and
// the files DPDK creates have to do.
func (r *run) startGroup(viaShell bool) error {
	pri, err := r.spawn("primary", RolePrimary, r.c.PrimaryArgv(r.binDir), false)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.primary = pri
	r.mu.Unlock()
	if viaShell {
		if err := r.waitDaemon(pri, "wait pri "+secs(waitDaemon)); err != nil {
			return err
		}
	} else if err := waitFile(filepath.Join("/var/run/dpdk", r.c.EAL.FilePrefix, "mp_socket"), pri, waitDaemon); err != nil {
		return err
	}
	secsCh := make([]*child, len(r.c.Secondary))
	for i, s := range r.c.Secondary {
		ch, err := r.spawn(s.Name, RoleSecondary, r.c.SecondaryArgv(s, r.binDir), false)
		if err != nil {
			return err
		}
		secsCh[i] = ch
	}
	r.mu.Lock()
	r.secs = secsCh
	r.mu.Unlock()
	for i, s := range r.c.Secondary {
		if viaShell {
			if err := r.waitDaemon(secsCh[i], fmt.Sprintf("wait sec %d %s", *s.ClientID, secs(waitDaemon))); err != nil {
				return err
			}
		} else {
			time.Sleep(time.Second)
			if secsCh[i].exited() {
				return fmt.Errorf("%s %s:\n%s", s.Name, secsCh[i].describeExit(), tail(secsCh[i].logPath, 8))
			}
		}
	}
	return nil
}

func secs(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// waitDaemon runs `spp -c "wait ..."`, and gives up at once if the daemon
// dies meanwhile.
func (r *run) waitDaemon(ch *child, wait string) error {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		select {
		case <-ch.done:
			cancel(fmt.Errorf("%s %s", ch.name, ch.describeExit()))
		case <-ctx.Done():
		}
	}()
	err := r.sh.runCtx(ctx, waitDaemon+5*time.Second, nil, "-c", wait)
	if err != nil {
		if ch.exited() {
			return fmt.Errorf("%s %s:\n%s", ch.name, ch.describeExit(), tail(ch.logPath, 8))
		}
		return fmt.Errorf("%s did not connect to the controller: %v", ch.name, err)
	}
	return nil
}

// waitFile waits until path exists, or ch dies.
func waitFile(path string, ch *child, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ch.exited() {
			return fmt.Errorf("%s %s:\n%s", ch.name, ch.describeExit(), tail(ch.logPath, 8))
		}
		if _, err := os.Stat(path); err == nil {
			time.Sleep(time.Second) // the file comes early in its start
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s: no %s after %v", ch.name, path, d)
}

func (r *run) applyCommandFile() error {
	f := r.c.Node.CommandFile
	if f == "" {
		return nil
	}
	r.say("applying %s", f)
	// Each batch is atomic and applying the same wiring twice changes
	// nothing, so a failure (a flush timing out on a loaded machine) is
	// worth another try.
	var err error
	for try := 1; try <= 3; try++ {
		if err = r.sh.run(60*time.Second, r.out, "-f", f); err == nil || r.isStopping() {
			break
		}
		if dead := r.deadDaemon(); dead != "" {
			// A secondary that died of the failed flush is started again
			// (the VMs wait for it); a dead primary is the supervisor's.
			if rerr := r.restartDeadSecondaries(); rerr != nil {
				return fmt.Errorf("command file %s: %v\n%s", f, err, dead)
			}
		}
		r.say("command file %s: %v\nnode: trying again (%d/3)", f, err, try)
		time.Sleep(time.Second)
	}
	if err != nil {
		return fmt.Errorf("command file %s: %v", f, err)
	}
	return nil
}

// teardown stops everything `spp up` started, in reverse order, and removes
// the node's files. It runs once; a second call waits for the first. It
// returns false if something could not be stopped.
func (r *run) teardown() bool {
	r.mu.Lock()
	if r.stopping {
		r.mu.Unlock()
		<-r.tornDown()
		return true
	}
	r.stopping = true
	pri, secsCh, vms := r.primary, r.secs, r.vms
	if r.interactive && r.shellCmd != nil {
		// Stopped from outside (spp down, a signal): the operator's shell
		// goes first, so that the daemons' exit can be sent.
		_ = r.shellCmd.Process.Signal(syscall.SIGTERM)
	}
	r.mu.Unlock()
	defer close(r.tornDown())
	sh := r.sh.abort() // a wait or a status of the main flow: no longer needed
	for i := 0; i < 30 && r.shellBusy(); i++ {
		time.Sleep(100 * time.Millisecond) // the shell lets go of the ports
	}

	ok := true
	for i := len(vms) - 1; i >= 0; i-- {
		if vms[i] != nil && !vms[i].exited() {
			r.say("stopping %s", vms[i].name)
			if err := vms[i].stop(stopGrace); err != nil {
				r.say("%v", err)
				ok = false
			}
		}
	}
	// Daemons first get the protocol's exit (clean release of their ports),
	// secondaries before the primary; signals are the fallback.
	var live []string
	for i, s := range r.c.Secondary {
		if i < len(secsCh) && secsCh[i] != nil && !secsCh[i].exited() {
			live = append(live, "-c", fmt.Sprintf("wait sec %d 3", *s.ClientID), "-c", fmt.Sprintf("sec %d;exit", *s.ClientID))
		}
	}
	if len(live) > 0 && !r.shellBusy() {
		r.say("stopping the secondaries (exit)")
		_ = sh.run(15*time.Second, nil, live...)
	}
	for _, ch := range secsCh {
		if ch != nil {
			if err := ch.stop(stopGrace); err != nil {
				r.say("%v", err)
				ok = false
			}
		}
	}
	if pri != nil && !pri.exited() {
		r.say("stopping the primary (exit)")
		if !r.shellBusy() {
			_ = sh.run(15*time.Second, nil, "-c", "wait pri 3", "-c", "pri;exit")
		}
		if err := pri.stop(stopGrace); err != nil {
			r.say("%v", err)
			ok = false
		}
	}
	r.state.RemoveFiles(r.logf)
	if ok {
		_ = os.Remove(r.statePath)
		r.say("node stopped; hugepage files, sockets and captures removed")
	}
	return ok
}

func (r *run) tornDown() chan struct{} { return r.down }

// shellBusy says whether the operator's shell still holds the controller
// ports.
func (r *run) shellBusy() bool {
	c := r.c.Controller
	l, err := net.Listen("tcp", net.JoinHostPort(c.Bind, strconv.Itoa(c.SecondaryPort)))
	if err != nil {
		return true
	}
	l.Close()
	return false
}

// supervise restarts the group when the primary dies: its secondaries are
// stranded then (a new primary cannot start while they live), so they are
// stopped first.
func (r *run) supervise() {
	for {
		r.mu.Lock()
		pri := r.primary
		r.mu.Unlock()
		<-pri.done
		r.mu.Lock()
		if r.stopping {
			r.mu.Unlock()
			return
		}
		now := time.Now()
		recent := r.restarts[:0]
		for _, t := range r.restarts {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		r.restarts = append(recent, now)
		tooMany := len(r.restarts) > 3
		secsCh := r.secs
		interactive := r.interactive
		r.mu.Unlock()

		if pri.err == nil {
			// exit 0: an operator's `pri;exit` or `bye all`, not a crash.
			r.say("primary exited (status 0): not restarting it")
			return
		}
		r.say("primary %s; stopping its secondaries and starting the group again", pri.describeExit())
		if tooMany {
			r.say("the primary died 4 times within a minute: giving up (see %s)", pri.logPath)
			r.teardown()
			os.Exit(1)
		}
		for _, ch := range secsCh {
			if err := ch.stop(stopGrace); err != nil {
				r.say("%v", err)
			}
		}
		r.forget(append([]*child{pri}, secsCh...)...)
		if err := RemovePrefix(r.c.EAL.HugeDir, r.c.EAL.FilePrefix); err != nil {
			r.say("%v", err)
		}
		if err := r.startGroup(!interactive); err != nil {
			r.say("restarting the group: %v", err)
			r.teardown()
			os.Exit(1)
		}
		if interactive {
			if f := r.c.Node.CommandFile; f != "" {
				r.say("group restarted: type `playback %s` to apply the command file again", f)
			}
		} else if err := r.applyCommandFile(); err != nil {
			r.say("%v", err)
		}
	}
}

// operatorShell runs the interactive shell on our terminal; leaving it
// stops the node.
func (r *run) operatorShell() int {
	argv := r.c.ShellArgv(r.binDir)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	r.say("the shell is yours; leaving it (bye) stops the node")
	r.mu.Lock()
	if r.stopping {
		r.mu.Unlock()
		return 1
	}
	err := cmd.Start()
	if err == nil {
		r.interactive = true
		r.shellCmd = cmd
		r.termShared.Store(true)
	}
	r.mu.Unlock()
	if err == nil {
		err = cmd.Wait()
	}
	r.mu.Lock()
	r.interactive = false
	r.mu.Unlock()
	r.termShared.Store(false)
	if err != nil {
		r.say("shell: %v", err)
	}
	return 0
}
