package node

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// Supervision: a dead primary takes its group down and the group starts
// again; a secondary a failed flush killed starts again; spp serve, if it
// dies, starts again (the daemons keep forwarding and reconnect to it).

// supervise restarts the group when the primary dies: its secondaries are
// stranded then (a new primary cannot start while they live), so they are
// stopped first.
func (u *upSession) supervise() {
	for {
		u.mu.Lock()
		pri := u.primary
		u.mu.Unlock()
		<-pri.Done()
		u.mu.Lock()
		if u.stopping {
			u.mu.Unlock()
			return
		}
		now := time.Now()
		recent := u.restarts[:0]
		for _, t := range u.restarts {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		u.restarts = append(recent, now)
		tooMany := len(u.restarts) > 3
		secsCh := u.secs
		interactive := u.interactive
		u.mu.Unlock()

		if pri.Err() == nil {
			// exit 0: an operator's `pri;exit` or `bye all`, not a crash.
			u.say("primary exited (status 0): not restarting it")
			return
		}
		u.say("primary %s; stopping its secondaries and starting the group again", pri.DescribeExit())
		if tooMany {
			u.say("the primary died 4 times within a minute: giving up (see %s)", pri.LogPath)
			u.teardown()
			os.Exit(1)
		}
		for _, ch := range secsCh {
			if err := ch.Stop(stopGrace); err != nil {
				u.say("%v", err)
			}
		}
		u.forget(append([]*proc.Child{pri}, secsCh...)...)
		if err := proc.RemovePrefix(u.c.EAL.HugeDir, u.c.EAL.FilePrefix); err != nil {
			u.say("%v", err)
		}
		if err := u.startGroup(); err != nil {
			u.say("restarting the group: %v", err)
			u.teardown()
			os.Exit(1)
		}
		if interactive {
			if f := u.c.Node.CommandFile; f != "" {
				u.say("group restarted: type `playback %s` to apply the command file again", f)
			}
		} else if err := u.applyCommandFile(); err != nil {
			u.say("%v", err)
		}
	}
}

// deadDaemon names a daemon of the group that has exited, with the end of
// its log, or returns "".
func (u *upSession) deadDaemon() string {
	u.mu.Lock()
	chs := append([]*proc.Child{u.primary}, u.secs...)
	u.mu.Unlock()
	for _, ch := range chs {
		if ch != nil && ch.Exited() {
			return fmt.Sprintf("%s %s:\n%s", ch.Name, ch.DescribeExit(), ch.Tail(6))
		}
	}
	return ""
}

// restartDeadSecondaries starts again the secondaries that have exited,
// provided the primary lives.
func (u *upSession) restartDeadSecondaries() error {
	u.mu.Lock()
	pri, secsCh := u.primary, append([]*proc.Child{}, u.secs...)
	u.mu.Unlock()
	if pri == nil || pri.Exited() {
		return errors.New("the primary is gone")
	}
	for i, ch := range secsCh {
		if ch == nil || !ch.Exited() {
			continue
		}
		s := u.c.Secondary[i]
		u.say("%s %s: starting it again", s.Name, ch.DescribeExit())
		u.forget(ch)
		nch, err := u.spawn(s.Name, RoleSecondary, u.c.SecondaryArgv(s, u.binDir), false, &u.secs[i])
		if err != nil {
			return err
		}
		if err := u.waitDaemon(nch, fmt.Sprintf("wait sec %d %s", *s.ClientID, secs(waitDaemon))); err != nil {
			return err
		}
	}
	return nil
}

// superviseServe starts spp serve again when it dies while the node runs:
// it holds no state the daemons do not have, and they reconnect to it
// within a second. It gives up after 3 deaths within a minute.
func (u *upSession) superviseServe() {
	var deaths []time.Time
	for {
		u.mu.Lock()
		ch := u.serve
		u.mu.Unlock()
		<-ch.Done()
		if u.isStopping() {
			return
		}
		now := time.Now()
		recent := deaths[:0]
		for _, t := range deaths {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		deaths = append(recent, now)
		u.forget(ch)
		if len(deaths) > 3 {
			u.say("spp serve died 4 times within a minute: not starting it again (see %s); spp down stops the node", ch.LogPath)
			return
		}
		if err := u.startServe(); err != nil {
			u.say("starting spp serve again: %v", err)
			return
		}
		u.say("spp serve started again; the daemons reconnect to it")
	}
}
