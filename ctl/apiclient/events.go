package apiclient

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/shell"
)

// retry is how long Events waits before it connects again.
var retry = time.Second

// Events follows the service's event stream until ctx ends, and hands each
// event to on, in order. When the stream breaks it says so once (an Event
// with no Kind, only a Message), connects again every second, and says
// when it is back. ready, when not nil, is closed once the stream is first
// open: events after that are not missed.
func (c *Client) Events(ctx context.Context, on func(shell.Event), ready chan<- struct{}) {
	lost := false
	for ctx.Err() == nil {
		err := c.stream(ctx, func() {
			if lost {
				on(shell.Event{Message: "spp: event stream of " + c.base + " is back"})
				lost = false
			}
			if ready != nil {
				close(ready)
				ready = nil
			}
		}, on)
		if ctx.Err() != nil {
			return
		}
		if !lost {
			on(shell.Event{Message: fmt.Sprintf("spp: lost the event stream of %s (%v); trying again every %v", c.base, err, retry)})
			lost = true
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
	}
}

// stream reads one connection of the event stream: opened is called once
// its header has come, on for each event.
func (c *Client) stream(ctx context.Context, opened func(), on func(shell.Event)) error {
	err := api.Stream(ctx, c.hc, c.base, c.token, opened, func(_, data string) {
		// "event:" repeats the data's own "event".
		if e, ok := event(data); ok {
			on(e)
		}
	})
	if err != nil {
		return err
	}
	return fmt.Errorf("the service closed it")
}

// event reads one event's data.
func event(data string) (shell.Event, bool) {
	var e api.Event
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return shell.Event{}, false
	}
	ev := shell.Event{Kind: registry.Kind(e.Event), Message: e.Message}
	if e.Type != "" {
		ev.Proc = proc(e.Process)
	}
	return ev, true
}
