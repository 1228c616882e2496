// Package apiclient is the client of a running `spp serve` (rest.md): the
// shell's Backend when it is attached with spp --api URL. Batches go
// through the native batch endpoints, the list of processes through
// GET /v1/processes, announcements come from the event stream
// (events.go). Pure Go.
package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/shell"
)

// Client talks to one spp serve. It implements shell.Backend.
type Client struct {
	base  string // http://host:port
	token string
	hc    *http.Client
}

// New makes a client of the service at url ("http://127.0.0.1:7777", or
// just "127.0.0.1:7777"); token, when not "", is sent as a bearer token.
func New(url, token string) (*Client, error) {
	u, err := api.BaseURL(url, true)
	if err != nil {
		return nil, err
	}
	return &Client{base: u, token: token, hc: &http.Client{}}, nil
}

// URL is the service's address.
func (c *Client) URL() string { return c.base }

// margin is how much longer than the server's own deadline the client
// waits: the server's 504 says more than a client timeout.
const margin = 5 * time.Second

// do makes one request and returns the status and the body.
func (c *Client) do(method, path string, body []byte, timeout time.Duration) (int, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	hc := *c.hc
	hc.Timeout = timeout
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("spp serve at %s: %v", c.base, api.Unwrap(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("spp serve at %s: %v", c.base, err)
	}
	return resp.StatusCode, b, nil
}

// replyError is a reply other than the one expected, as an error: the
// server's text.
func (c *Client) replyError(code int, body []byte) error {
	msg := strings.TrimSpace(string(body))
	if code == http.StatusUnauthorized {
		return fmt.Errorf("spp serve at %s: %s (--api-token-file)", c.base, msg)
	}
	return fmt.Errorf("spp serve at %s: %d %s", c.base, code, msg)
}

// Processes is GET /v1/processes.
func (c *Client) Processes() ([]shell.Proc, error) {
	code, body, err := c.do(http.MethodGet, api.ProcessesPath, nil, registry.ReplyTimeout)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, c.replyError(code, body)
	}
	var list []api.Process
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("spp serve at %s: processes: %v", c.base, err)
	}
	out := make([]shell.Proc, 0, len(list))
	for _, p := range list {
		out = append(out, proc(p))
	}
	return out, nil
}

// proc is a process of the service as the shell sees it.
func proc(p api.Process) shell.Proc {
	sp := shell.Proc{Type: p.Type, Peer: p.Peer}
	if p.ClientID == nil {
		sp.Target.Primary = true
	} else {
		sp.Target.ID = *p.ClientID
	}
	sp.Since, _ = time.Parse(api.SinceFormat, p.Since)
	return sp
}

// Send posts a batch to the native endpoint and returns the daemon's
// reply. The server bounds the request with its own deadline (timeout
// here is the shell's, the same); its 504 reason becomes the error.
func (c *Client) Send(t registry.Target, batch []byte, what string, timeout time.Duration) ([]byte, error) {
	path := api.PrimaryBatchPath
	if !t.Primary {
		path = api.SecondaryBatch(t.ID)
	}
	code, body, err := c.do(http.MethodPost, path, batch, timeout+margin)
	switch {
	case err != nil:
		return nil, err
	case code == http.StatusOK:
		return bytes.TrimSpace(body), nil
	case code == http.StatusNotFound:
		return nil, shell.ErrNotConnected
	case code == http.StatusGatewayTimeout || code == http.StatusBadGateway:
		// The daemon's silence, as the local registry words it.
		return nil, errors.New(strings.TrimSuffix(strings.TrimSpace(string(body)), api.OutcomeUnknown))
	}
	return nil, c.replyError(code, body)
}

// poll is how often Wait and WaitGone look at the list of processes.
const poll = 100 * time.Millisecond

// Wait polls the list of processes until t is in it.
func (c *Client) Wait(t registry.Target, timeout time.Duration) (shell.Proc, error) {
	deadline := time.Now().Add(timeout)
	for {
		ps, err := c.Processes()
		for _, p := range ps {
			if p.Target == t {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			if err != nil {
				return shell.Proc{}, err
			}
			return shell.Proc{}, shell.ErrNotConnected
		}
		time.Sleep(poll)
	}
}

// WaitGone polls the list of processes until none of ps is in it.
func (c *Client) WaitGone(ps []shell.Proc, timeout time.Duration) ([]shell.Proc, error) {
	deadline := time.Now().Add(timeout)
	for {
		now, err := c.Processes()
		var left []shell.Proc
		for _, p := range ps {
			for _, q := range now {
				if p.Same(q) {
					left = append(left, p)
				}
			}
		}
		if err == nil && len(left) == 0 {
			return nil, nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return ps, err
			}
			return left, nil
		}
		time.Sleep(poll)
	}
}
