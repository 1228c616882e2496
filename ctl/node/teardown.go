package node

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// teardown stops everything `spp up` started, in reverse order, and removes
// the node's files. It runs once; a second call waits for the first. It
// returns false if something could not be stopped.
func (u *upSession) teardown() bool {
	u.mu.Lock()
	if u.stopping {
		u.mu.Unlock()
		<-u.tornDown()
		return true
	}
	u.stopping = true
	serve, pri, secsCh, vms, ag := u.serve, u.primary, u.secs, u.vms, u.agent
	if u.interactive && u.shellCmd != nil {
		// Stopped from outside (spp down, a signal): the operator's shell
		// goes first, and gives the terminal back.
		_ = u.shellCmd.Process.Signal(syscall.SIGTERM)
	}
	u.mu.Unlock()
	defer close(u.tornDown())
	sh := u.sh.abort() // a wait or a status of the main flow: no longer needed

	ok := true
	if ag != nil && !ag.Exited() { // first: it would rewire what stops
		u.note("stopping spp agent")
		if err := ag.Stop(stopGrace); err != nil {
			u.say("%v", err)
			ok = false
		}
	}
	for i := len(vms) - 1; i >= 0; i-- {
		if vms[i] != nil && !vms[i].Exited() {
			u.say("stopping %s", vms[i].Name)
			if err := stopVM(vms[i], stopGrace); err != nil {
				u.say("%v", err)
				ok = false
			}
		}
	}
	// Daemons first get the protocol's exit (clean release of their ports),
	// secondaries before the primary; signals are the fallback.
	var live []string
	for i, s := range u.c.Secondary {
		if i < len(secsCh) && secsCh[i] != nil && !secsCh[i].Exited() {
			live = append(live, "-c", fmt.Sprintf("wait sec %d 3", *s.ClientID), "-c", fmt.Sprintf("sec %d;exit", *s.ClientID))
		}
	}
	if len(live) > 0 && serveUp(serve) {
		u.say("stopping the secondaries (exit)")
		_ = sh.run(15*time.Second, nil, live...)
	}
	for _, ch := range secsCh {
		if ch != nil {
			if err := ch.Stop(stopGrace); err != nil {
				u.say("%v", err)
				ok = false
			}
		}
	}
	if pri != nil && !pri.Exited() {
		u.say("stopping the primary (exit)")
		if serveUp(serve) {
			_ = sh.run(15*time.Second, nil, "-c", "wait pri 3", "-c", "pri;exit")
		}
		if err := pri.Stop(stopGrace); err != nil {
			u.say("%v", err)
			ok = false
		}
	}
	// The controller goes last: the daemons' exits went through it.
	if serveUp(serve) {
		u.note("stopping spp serve")
		if err := serve.Stop(stopGrace); err != nil {
			u.say("%v", err)
			ok = false
		}
	}
	u.state.RemoveFiles(u.logf)
	if ok {
		_ = os.Remove(u.statePath)
		u.say("node stopped; hugepage files, sockets and captures removed")
	}
	return ok
}

func (u *upSession) tornDown() chan struct{} { return u.down }

// serveUp says whether spp serve runs: the shells' commands go through it.
func serveUp(serve *proc.Child) bool { return serve != nil && !serve.Exited() }
