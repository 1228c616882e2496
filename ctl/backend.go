package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spp-go/spp/ctl/apiclient"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/serve"
	"github.com/spp-go/spp/ctl/shell"
)

// The shell's two backends: the registry of this process (listen), or a
// running spp serve (attach). Each returns what stops it.

// listen makes the shell listen for the daemons itself.
func listen(sh *shell.Shell, at *registry.Where) (func(), error) {
	reg, err := at.Listen(func(e registry.Event) { sh.OnEvent(shell.LocalEvent(e)) })
	if err != nil {
		return nil, err
	}
	sh.Use(shell.Local{Reg: reg})
	pa, sa := reg.Addrs()
	sh.Announce(fmt.Sprintf("spp: listening on %s (primary) and %s (secondaries)", pa, sa))
	return reg.Close, nil
}

// attachWait bounds the wait for the event stream at the start.
const attachWait = 5 * time.Second

// attach makes the shell a client of the spp serve at url: it checks that
// the service answers, then follows its event stream for the
// announcements (from the moment the stream is open: an event the shell
// does not see is one that happened before it).
func attach(sh *shell.Shell, url, tokenFile string) (func(), error) {
	token := ""
	if tokenFile != "" {
		var err error
		if token, err = serve.ReadToken(tokenFile); err != nil {
			return nil, fmt.Errorf("--api-token-file: %v", err)
		}
	}
	c, err := apiclient.New(url, token)
	if err != nil {
		return nil, err
	}
	procs, err := c.Processes()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	go c.Events(ctx, sh.OnEvent, ready)
	select {
	case <-ready:
	case <-time.After(attachWait):
	}
	sh.Use(c)
	var names []string
	for _, p := range procs {
		if p.Target.Primary {
			names = append(names, "the primary")
		} else {
			names = append(names, fmt.Sprintf("%s (%s)", p.Label(), p.Type))
		}
	}
	connected := "no process connected"
	if len(names) > 0 {
		connected = strings.Join(names, ", ") + " connected"
	}
	sh.Announce(fmt.Sprintf("spp: attached to %s: %s", c.URL(), connected))
	return cancel, nil
}
