package node

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// start brings the node up: primary, secondaries, VMs and the command file,
// in the order each needs the previous one.
func (u *upSession) start() error {
	if err := os.MkdirAll(u.logDir, 0o755); err != nil {
		return err
	}
	// Fresh logs for this run; a restart of the group appends.
	names := []string{"serve", "primary", "spp", "node", "agent"}
	for _, s := range u.c.Secondary {
		names = append(names, s.Name)
	}
	for _, v := range u.c.VM {
		names = append(names, v.Name)
	}
	for _, n := range names {
		_ = os.Remove(logPathOf(u.logDir, n))
	}

	st, _ := proc.StartTime(os.Getpid())
	u.state = State{
		Config:     u.c.path,
		Supervisor: ProcessRecord{Name: "spp up", Role: RoleSupervisor, Pid: os.Getpid(), Start: st},
		Prefixes:   []string{u.c.EAL.FilePrefix},
		HugeDir:    u.c.EAL.HugeDir,
	}
	for _, v := range u.c.VM {
		u.state.Prefixes = append(u.state.Prefixes, v.FilePrefix)
		u.state.Sockets = append(u.state.Sockets, VhostSocket(*v.Vhost))
	}
	if u.c.Traffic != nil {
		p := u.c.PcapPath()
		u.state.Files = append(u.state.Files, p,
			filepath.Join(filepath.Dir(p), fmt.Sprintf("spp-tx%d.pcap", u.c.Traffic.Pcap)))
	}
	// The group's prefix may hold files of an earlier run killed hard.
	if err := proc.RemovePrefix(u.c.EAL.HugeDir, u.c.EAL.FilePrefix); err != nil {
		return err
	}
	for _, v := range u.c.VM {
		if err := proc.RemovePrefix(u.c.EAL.HugeDir, v.FilePrefix); err != nil {
			return err
		}
	}
	if err := u.saveState(); err != nil {
		return err
	}
	if u.c.Traffic != nil {
		path, err := u.c.writeTraffic()
		if err != nil {
			return fmt.Errorf("writing the traffic capture: %v", err)
		}
		u.say("traffic capture %s: %d frames", path, countFrames(u.c))
	}

	if err := u.startServe(); err != nil {
		return err
	}
	if err := u.startGroup(); err != nil {
		return err
	}
	// VMs in server mode own their socket: they must listen before the
	// command file's flush makes the secondaries (vhost clients) connect.
	// VMs in client mode connect to a socket the flush creates.
	u.vms = make([]*proc.Child, len(u.c.VM))
	for i, v := range u.c.VM {
		if v.Server {
			if err := u.startVM(i); err != nil {
				return err
			}
		}
	}
	if err := u.applyCommandFile(); err != nil {
		return err
	}
	for i, v := range u.c.VM {
		if !v.Server {
			if err := u.startVM(i); err != nil {
				return err
			}
		}
	}
	for i := range u.c.VM {
		if u.c.Agent != nil && u.c.VM[i].Server {
			continue // it waits for its vhost client: the agent connects it when it is bound
		}
		if err := u.waitVM(i); err != nil {
			return err
		}
	}
	if err := u.waitVhostLinks(); err != nil {
		return err
	}
	if u.c.Agent != nil {
		if err := u.startAgent(); err != nil {
			return err
		}
	}
	go u.supervise()
	go u.superviseServe()
	u.say("node is up: logs in %s/, state in %s", u.logDir, u.statePath)
	return nil
}

func countFrames(c *Config) int {
	n := 0
	for _, f := range c.Traffic.Frames {
		n += f.Count
	}
	return n
}

func (u *upSession) saveState() error {
	return u.state.Write(u.statePath)
}

// spawn starts a child and records it in the state file, unless the node is
// being stopped. The child gets its own process group, so that Ctrl-C in
// the terminal reaches the shell and `spp up`, which stop the daemons in
// order, and not the daemons themselves. withStdin: its command line (VMs).
// into, unless nil, is where the session keeps the child: it is set under
// the same hold of the lock, so that teardown sees every child it started.
func (u *upSession) spawn(name, role string, argv []string, withStdin bool, into **proc.Child) (*proc.Child, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.stopping {
		return nil, errors.New("the node is stopping")
	}
	// spp serve goes with spp up, as the shell it replaces did: a node
	// whose spp up was killed keeps forwarding, controlled by nobody, until
	// spp down (its daemons then reconnect to the next spp up's).
	ch, err := proc.Start(proc.Spec{Name: name, Argv: argv, Log: logPathOf(u.logDir, name), Header: true, Group: true, Stdin: withStdin,
		DieWithParent: role == RoleController})
	if err != nil {
		return nil, err
	}
	st, _ := proc.StartTime(ch.Pid())
	rec := ProcessRecord{Name: name, Role: role, Pid: ch.Pid(), Start: st}
	if u.records == nil {
		u.records = map[*proc.Child]ProcessRecord{}
	}
	u.records[ch] = rec
	if into != nil {
		*into = ch
	}
	u.state.Processes = append(u.state.Processes, rec)
	if err := u.saveState(); err != nil {
		u.say("writing %s: %v", u.statePath, err)
	}
	report := u.say
	if role == RoleController {
		report = u.note
	}
	report("started %s (pid %d), log %s", name, ch.Pid(), ch.LogPath)
	go func() {
		<-ch.Done()
		u.mu.Lock()
		stopping := u.stopping
		u.mu.Unlock()
		if !stopping && role != RolePrimary { // the supervisor reports the primary
			u.say("%s %s (see %s)", name, ch.DescribeExit(), ch.LogPath)
		}
	}()
	return ch, nil
}

// forget drops exited children from the state file.
func (u *upSession) forget(chs ...*proc.Child) {
	u.mu.Lock()
	defer u.mu.Unlock()
	keep := u.state.Processes[:0]
	for _, p := range u.state.Processes {
		gone := false
		for _, ch := range chs {
			if ch != nil && u.records[ch] == p && ch.Exited() {
				gone = true
			}
		}
		if !gone {
			keep = append(keep, p)
		}
	}
	u.state.Processes = keep
	for _, ch := range chs {
		if ch != nil && ch.Exited() {
			delete(u.records, ch)
		}
	}
	_ = u.saveState()
}

// startServe starts spp serve, the node's controller, and waits until its
// API answers: every shell of the node (the command file, the waits, the
// operator's) attaches to it.
func (u *upSession) startServe() error {
	ch, err := u.spawn("serve", RoleController, u.c.ServeArgv(u.binDir), false, &u.serve)
	if err != nil {
		return err
	}
	return waitAPI(u.c.APIURL(), ch, waitDaemon)
}

// waitAPI waits until the API at url answers, or ch dies.
func waitAPI(url string, ch *proc.Child, d time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ch.Exited() {
			return fmt.Errorf("%s %s:\n%s", ch.Name, ch.DescribeExit(), ch.Tail(8))
		}
		if resp, err := hc.Get(url + "/v1/processes"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s: no API at %s after %v (see %s)", ch.Name, url, d, ch.LogPath)
}

// startGroup starts the primary and then the secondaries; `wait pri` and
// `wait sec N`, through spp serve, tell when each has finished its start.
func (u *upSession) startGroup() error {
	pri, err := u.spawn("primary", RolePrimary, u.c.PrimaryArgv(u.binDir), false, &u.primary)
	if err != nil {
		return err
	}
	if err := u.waitDaemon(pri, "wait pri "+secs(waitDaemon)); err != nil {
		return err
	}
	secsCh := make([]*proc.Child, len(u.c.Secondary))
	for i, s := range u.c.Secondary {
		ch, err := u.spawn(s.Name, RoleSecondary, u.c.SecondaryArgv(s, u.binDir), false, nil)
		if err != nil {
			return err
		}
		secsCh[i] = ch
	}
	u.mu.Lock()
	u.secs = secsCh
	u.mu.Unlock()
	for i, s := range u.c.Secondary {
		if err := u.waitDaemon(secsCh[i], fmt.Sprintf("wait sec %d %s", *s.ClientID, secs(waitDaemon))); err != nil {
			return err
		}
	}
	return nil
}

func secs(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// waitDaemon runs `spp -c "wait ..."`, and gives up at once if the daemon
// dies meanwhile.
func (u *upSession) waitDaemon(ch *proc.Child, wait string) error {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		select {
		case <-ch.Done():
			cancel(fmt.Errorf("%s %s", ch.Name, ch.DescribeExit()))
		case <-ctx.Done():
		}
	}()
	err := u.sh.runCtx(ctx, waitDaemon+5*time.Second, nil, "-c", wait)
	if err != nil {
		if ch.Exited() {
			return fmt.Errorf("%s %s:\n%s", ch.Name, ch.DescribeExit(), ch.Tail(8))
		}
		return fmt.Errorf("%s did not connect to the controller: %v", ch.Name, err)
	}
	return nil
}

func (u *upSession) applyCommandFile() error {
	f := u.c.Node.CommandFile
	if f == "" {
		return nil
	}
	u.say("applying %s", f)
	// Each batch is atomic and applying the same wiring twice changes
	// nothing, so a failure (a flush timing out on a loaded machine) is
	// worth another try.
	var err error
	for try := 1; try <= 3; try++ {
		if err = u.sh.run(60*time.Second, u.out, "-f", f); err == nil || u.isStopping() {
			break
		}
		if dead := u.deadDaemon(); dead != "" {
			// A secondary that died of the failed flush is started again
			// (the VMs wait for it); a dead primary is the supervisor's.
			if rerr := u.restartDeadSecondaries(); rerr != nil {
				return fmt.Errorf("command file %s: %v\n%s", f, err, dead)
			}
		}
		u.say("command file %s: %v\nnode: trying again (%d/3)", f, err, try)
		time.Sleep(time.Second)
	}
	if err != nil {
		return fmt.Errorf("command file %s: %v", f, err)
	}
	return nil
}
