package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	"github.com/spp-go/spp/ctl/api"
)

// The agent's side of `spp serve` (rest.md, native endpoints; the shapes
// are ctl/api's): batches to a secondary, its status, and the event stream
// that says when a spp_vf (re)joins.

// requestTimeout bounds one request: spp serve answers within its own
// deadlines (5 s, 15 s with a flush) and says 504 past them.
const requestTimeout = 20 * time.Second

// ErrNotConnected is a secondary spp serve does not have (404): the spp_vf
// is not running, or not connected yet. The errors of Controller do not
// name the secondary: the caller does.
var ErrNotConnected = errors.New("not connected to spp serve")

// Controller is a client of one spp serve.
type Controller struct {
	base string
	hc   *http.Client
}

// NewController makes a client of the spp serve at url
// ("http://127.0.0.1:7777" or "127.0.0.1:7777").
func NewController(url string) (*Controller, error) {
	u, err := api.BaseURL(url, false)
	if err != nil {
		return nil, err
	}
	return &Controller{base: u, hc: &http.Client{}}, nil
}

// URL is the service's address.
func (c *Controller) URL() string { return c.base }

// Do sends cmds as one batch to secondary id and returns the reply. A
// reply is returned even when a command failed: the batch was delivered,
// and atomic (protocol.md section 3), so nothing of it was applied.
func (c *Controller) Do(ctx context.Context, id int, cmds ...proto.Command) (*client.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+api.SecondaryBatch(id), bytes.NewReader(proto.EncodeBatch(cmds...)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("spp serve at %s: %v", c.base, api.Unwrap(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, proto.MaxRequestBytes))
	if err != nil {
		return nil, fmt.Errorf("spp serve at %s: %v", c.base, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, ErrNotConnected
	default: // 502, 504: the outcome may be unknown; the next status says
		return nil, fmt.Errorf("spp serve at %s: %s: %s", c.base, resp.Status, strings.TrimSpace(string(body)))
	}
	rep, err := client.Parse(body)
	if err != nil {
		return nil, err
	}
	if len(rep.Results) != len(cmds) {
		return nil, fmt.Errorf("answered %d results for %d commands", len(rep.Results), len(cmds))
	}
	return rep, nil
}

// Status is secondary id's status.
func (c *Controller) Status(ctx context.Context, id int) (*proto.SecondaryInfo, error) {
	rep, err := c.Do(ctx, id, proto.Status())
	if err != nil {
		return nil, err
	}
	if msg := rep.FirstError(); msg != "" {
		return nil, fmt.Errorf("status: %s", msg)
	}
	in, err := rep.SecondaryInfo()
	if err != nil {
		return nil, err
	}
	if in.ProcessType != "" && in.ProcessType != proto.TypeVF {
		return nil, fmt.Errorf("client id %d is a %s, not a spp_vf", id, in.ProcessType)
	}
	return in, nil
}

// Batch sends a batch that must succeed whole: an error names the command
// the spp_vf refused (and nothing of the batch was applied).
func (c *Controller) Batch(ctx context.Context, id int, cmds []proto.Command) error {
	rep, err := c.Do(ctx, id, cmds...)
	if err != nil {
		return err
	}
	for i, r := range rep.Results {
		if r.Result == proto.Failure {
			msg := "error"
			if r.ErrorDetails != nil {
				msg = r.ErrorDetails.Message
			}
			return fmt.Errorf("refused the batch at command %d %s: %s", i, cmds[i].Raw, msg)
		}
	}
	if !rep.OK() {
		return fmt.Errorf("the batch did not succeed: %+v", rep.Results)
	}
	return nil
}

// Event is one event of the stream (api.Event: joined, left, replaced,
// ...).
type Event = api.Event

// clientID is the event's client id, -1 for the primary or none.
func clientID(e Event) int {
	if e.ClientID == nil {
		return -1
	}
	return *e.ClientID
}

// Events follows the event stream until ctx ends: opened is called each
// time the stream is (re)opened (events may have been missed before it),
// on for each event, broken each time it breaks or cannot be opened; it is
// opened again, with backoff.
func (c *Controller) Events(ctx context.Context, opened func(), on func(Event), broken func(error)) {
	b := newBackoff()
	for ctx.Err() == nil {
		err := c.stream(ctx, func() { b.reset(); opened() }, on)
		if ctx.Err() != nil {
			return
		}
		d := b.next()
		broken(err)
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
}

func (c *Controller) stream(ctx context.Context, opened func(), on func(Event)) error {
	err := api.Stream(ctx, c.hc, c.base, "", opened, func(name, data string) {
		var e Event
		if json.Unmarshal([]byte(data), &e) == nil {
			if e.Event == "" {
				e.Event = name
			}
			on(e)
		}
	})
	if err != nil {
		return err
	}
	return errors.New("closed by the service")
}

// backoff is the retry delay: 100 ms doubling to 5 s.
type backoff struct{ d time.Duration }

const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 5 * time.Second
)

func newBackoff() *backoff { return &backoff{} }

func (b *backoff) reset() { b.d = 0 }

func (b *backoff) next() time.Duration {
	switch {
	case b.d == 0:
		b.d = backoffMin
	case b.d < backoffMax:
		b.d = min(2*b.d, backoffMax)
	}
	return b.d
}
