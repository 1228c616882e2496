package shell

// The shell commands of the table (commands.go): what they do.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

func (sh *Shell) cmdStatus(a []string) error {
	if len(a) > 0 {
		return fmt.Errorf("status takes no arguments (sec N;status asks a process)")
	}
	procs, err := sh.be.Processes()
	if err != nil {
		return err
	}
	if sh.json {
		type row struct {
			Type     string `json:"process_type"`
			ClientID *int   `json:"client_id,omitempty"`
			Peer     string `json:"peer"`
			Since    string `json:"since"`
		}
		rows := []row{}
		for _, p := range procs {
			r := row{Type: p.Type, Peer: p.Peer, Since: p.Since.Format(time.RFC3339)}
			if !p.Target.Primary {
				id := p.Target.ID
				r.ClientID = &id
			}
			rows = append(rows, r)
		}
		b, _ := json.Marshal(rows)
		fmt.Fprintf(sh.out, "%s\n", b)
		return nil
	}
	var b bytes.Buffer
	renderProcs(&b, procs, time.Now())
	sh.out.Write(b.Bytes())
	return nil
}

func (sh *Shell) cmdPri(a []string) error {
	if len(a) > 0 {
		return fmt.Errorf("pri;CMD sends CMD (did you mean pri;%s?)", strings.Join(a, " "))
	}
	sh.entered = &registry.Target{Primary: true}
	return nil
}

func (sh *Shell) cmdSec(a []string) error {
	if len(a) != 1 {
		if len(a) > 1 {
			return fmt.Errorf("sec N;CMD sends CMD (did you mean sec %s;%s?)", a[0], strings.Join(a[1:], " "))
		}
		return fmt.Errorf("sec needs a client id: sec N, or sec N;CMD")
	}
	id, err := parseID(a[0])
	if err != nil {
		return err
	}
	t := registry.Target{ID: id}
	sh.entered = &t
	if _, ok := sh.lookup(t); !ok {
		fmt.Fprintf(sh.out, "note: %s is not connected (yet)\n", t)
	}
	return nil
}

func (sh *Shell) cmdEnd(a []string) error {
	if sh.entered == nil {
		return fmt.Errorf("not inside a process (sec N enters one)")
	}
	sh.entered = nil
	return nil
}

// defaultTargets are the processes of a command that names none (monitor,
// topo): the one entered with sec N or pri, else every connected one;
// secOnly leaves the primary out of both.
func (sh *Shell) defaultTargets(secOnly bool) ([]registry.Target, error) {
	if e := sh.entered; e != nil && !(secOnly && e.Primary) {
		return []registry.Target{*e}, nil
	}
	procs, err := sh.be.Processes()
	if err != nil {
		return nil, err
	}
	var tgts []registry.Target
	for _, p := range procs {
		if !(secOnly && p.Target.Primary) {
			tgts = append(tgts, p.Target)
		}
	}
	if len(tgts) == 0 {
		if secOnly {
			return nil, fmt.Errorf("no secondary connected")
		}
		return nil, fmt.Errorf("no process connected")
	}
	return tgts, nil
}

func (sh *Shell) cmdWait(a []string) error {
	var t registry.Target
	switch {
	case len(a) >= 1 && len(a) <= 2 && a[0] == "pri":
		t, a = registry.Target{Primary: true}, a[1:]
	case len(a) >= 2 && len(a) <= 3 && a[0] == "sec":
		id, err := parseID(a[1])
		if err != nil {
			return err
		}
		t, a = registry.Target{ID: id}, a[2:]
	default:
		return fmt.Errorf("usage: wait pri [TIMEOUT] | wait sec N [TIMEOUT]")
	}
	d := waitDefault
	if len(a) == 1 {
		var err error
		if d, err = parseTimeout(a[0]); err != nil {
			return err
		}
	}
	if _, err := sh.be.Wait(t, d); err != nil {
		if errors.Is(err, ErrNotConnected) {
			return fmt.Errorf("%s did not connect within %v", t, d)
		}
		return err
	}
	return nil
}

// parseTimeout reads seconds ("30", "0.5") or a Go duration ("500ms").
func parseTimeout(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("bad TIMEOUT %q (seconds, or like 500ms)", s)
}

// maxDepth bounds playback inside playback (a file playing itself).
const maxDepth = 8

func (sh *Shell) cmdPlayback(a []string) error {
	if len(a) != 1 {
		return fmt.Errorf("usage: playback FILE")
	}
	if sh.depth >= maxDepth {
		return fmt.Errorf("playback nested more than %d deep", maxDepth)
	}
	f, err := os.Open(a[0])
	if err != nil {
		return err
	}
	defer f.Close()
	// A file's sec N does not outlive the file.
	saved := sh.entered
	sh.depth++
	ok := sh.RunScript(f, a[0])
	sh.depth--
	sh.entered = saved
	if !ok {
		return errReported
	}
	return nil
}

func (sh *Shell) cmdRecord(a []string) error {
	if len(a) != 1 {
		return fmt.Errorf("usage: record FILE")
	}
	f, err := os.OpenFile(a[0], os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if sh.rec != nil {
		sh.rec.Close()
	}
	sh.rec = f
	fmt.Fprintf(sh.out, "recording to %s\n", a[0])
	return nil
}

func (sh *Shell) cmdHistory(a []string) error {
	if len(a) > 0 {
		return fmt.Errorf("history takes no arguments")
	}
	for i, h := range sh.history {
		fmt.Fprintf(sh.out, "%5d  %s\n", i+1, h)
	}
	return nil
}

// byeWait bounds how long bye sec / bye all wait for the secondaries to
// disconnect after their exit replies. A variable, so that tests need not
// wait.
var byeWait = 10 * time.Second

// cmdBye leaves the shell; bye sec and bye all first send exit to every
// secondary and wait until they have disconnected: a daemon hangs up only
// when it has released its ports and is about to exit, and a secondary
// needs the primary until then (DPDK hotplug goes through the primary's mp
// channel; a primary that exits first leaves its runtime directory
// behind). bye all sends exit to the primary only after that, and waits
// for it to disconnect too.
func (sh *Shell) cmdBye(a []string) error {
	if len(a) > 1 || len(a) == 1 && a[0] != "sec" && a[0] != "all" {
		return fmt.Errorf("usage: bye [sec|all]")
	}
	sh.quit = true
	if len(a) == 0 {
		return nil
	}
	procs, err := sh.be.Processes()
	if err != nil {
		return err
	}
	ok := true
	exit := proto.Exit()
	var exiting []Proc
	var pri *Proc
	for _, p := range procs {
		if p.Target.Primary {
			pri = &p
			continue
		}
		if sh.send(&group{tgt: p.Target, cmds: []proto.Command{exit}, labels: []string{"bye: " + p.Label() + ";exit"}}) {
			exiting = append(exiting, p)
		} else {
			ok = false
		}
	}
	left, err := sh.be.WaitGone(exiting, byeWait)
	if err != nil {
		sh.fail("bye", err)
		ok = false
	}
	for _, p := range left {
		then := ""
		if a[0] == "all" {
			then = "; stopping the primary anyway"
		}
		sh.fail("bye: "+p.Label(), fmt.Errorf("still connected %v after its exit reply%s", byeWait, then))
		ok = false
	}
	if a[0] == "all" {
		// The primary hangs up last too: waiting for it means that when
		// spp returns, the node is gone (its runtime directory removed).
		if !sh.send(&group{tgt: registry.Target{Primary: true}, cmds: []proto.Command{exit}, labels: []string{"bye: pri;exit"}}) {
			ok = false
		} else if pri != nil {
			if left, err := sh.be.WaitGone([]Proc{*pri}, byeWait); err != nil || len(left) > 0 {
				if err == nil {
					err = fmt.Errorf("still connected %v after its exit reply", byeWait)
				}
				sh.fail("bye: pri", err)
				ok = false
			}
		}
	}
	if !ok {
		return errReported
	}
	return nil
}

func (sh *Shell) cmdHelp(a []string) error {
	if len(a) == 0 {
		fmt.Fprint(sh.out, helpText())
		return nil
	}
	if len(a) > 1 {
		return fmt.Errorf("usage: help [CMD]")
	}
	name := strings.TrimPrefix(a[0], "{") // help {  → the raw batch
	if name != a[0] {
		fmt.Fprintln(sh.out, rawHelp)
		return nil
	}
	h, ok := helpFor(a[0])
	if !ok {
		return fmt.Errorf("no command %q (help lists them)", a[0])
	}
	fmt.Fprint(sh.out, h)
	return nil
}
