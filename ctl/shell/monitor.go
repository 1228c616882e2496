package shell

// monitor [pri|sec N] [INTERVAL]: the status tables redrawn every interval
// until a key is pressed (package monitor draws, keys.go waits for the key).

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/spp-go/spp/ctl/monitor"
	"github.com/spp-go/spp/ctl/rate"
	"github.com/spp-go/spp/ctl/registry"
)

const (
	monitorEvery = time.Second            // INTERVAL by default
	monitorMin   = 100 * time.Millisecond // a shorter INTERVAL is this
	monitorBars  = 5                      // bars for the busiest ports
)

// monitorArgs reads [pri|sec N] [INTERVAL]. No process: the one entered
// with sec N or pri, else every connected process.
func (sh *Shell) monitorArgs(a []string) (tgts []registry.Target, every time.Duration, err error) {
	every = monitorEvery
	switch {
	case len(a) >= 1 && a[0] == "pri":
		tgts, a = []registry.Target{{Primary: true}}, a[1:]
	case len(a) >= 2 && a[0] == "sec":
		id, err := parseID(a[1])
		if err != nil {
			return nil, 0, err
		}
		tgts, a = []registry.Target{{ID: id}}, a[2:]
	case len(a) >= 1 && a[0] == "sec":
		return nil, 0, fmt.Errorf("monitor sec needs a client id")
	}
	if len(a) > 1 {
		return nil, 0, fmt.Errorf("usage: monitor [pri|sec N] [INTERVAL]")
	}
	if len(a) == 1 {
		if every, err = parseTimeout(a[0]); err != nil {
			return nil, 0, fmt.Errorf("bad INTERVAL %q (seconds, or like 500ms)", a[0])
		}
		every = max(every, monitorMin)
	}
	if tgts == nil {
		if tgts, err = sh.defaultTargets(false); err != nil {
			return nil, 0, err
		}
	}
	return tgts, every, nil
}

func (sh *Shell) cmdMonitor(a []string) error {
	tgts, every, err := sh.monitorArgs(a)
	if err != nil {
		return err
	}
	if !sh.interactive {
		return fmt.Errorf("monitor needs the interactive shell (a terminal): use status in scripts")
	}
	keys, err := watchKeys(sh.con.stopping)
	if err != nil {
		return fmt.Errorf("monitor: the terminal: %v", err)
	}
	// The screen is the monitor's: announcements wait until it is over,
	// and a signal ends it as a key does (then the shell leaves).
	sh.con.setPrompting(true)
	err = monitor.Run(sh.out, every, func() monitor.Frame { return sh.monitorFrame(tgts, every, keys) }, keys.Key)
	keys.Stop()
	sh.con.setPrompting(false)
	return err
}

// monitorFrame asks each process for its status and draws the tables as
// status prints them, rates since the previous frame, and bars for the
// busiest ports of them all.
func (sh *Shell) monitorFrame(tgts []registry.Target, every time.Duration, keys *keyWatch) monitor.Frame {
	var body bytes.Buffer
	var all rate.Rates
	var names []string
	for _, t := range tgts {
		names = append(names, t.String())
		if _, ok := sh.lookup(t); !ok {
			fmt.Fprintf(&body, "%s: not connected\n", t)
			continue
		}
		rt, err := sh.fetchStatus(t, "status (monitor)")
		if err != nil {
			fmt.Fprintf(&body, "%s: %v\n", t, err)
			continue
		}
		si, pi := sh.infos.get(t)
		if pi != nil {
			renderPrimary(&body, pi, rt)
		} else {
			renderSecondary(&body, t.String(), si, rt)
		}
		if rt != nil {
			for _, pr := range rt.Ports {
				if len(tgts) > 1 {
					pr.Port = t.String() + " " + pr.Port
				}
				all.Ports = append(all.Ports, pr)
			}
		}
	}
	w, h := keys.Size()
	return monitor.Frame{
		Title:  fmt.Sprintf("%s every %v, %s", strings.Join(names, ", "), every, time.Now().Format("15:04:05")),
		Body:   body.String(),
		Bars:   monitor.Busiest(all, monitorBars),
		Footer: "press a key to return to the prompt",
		Width:  w,
		Height: h,
	}
}
