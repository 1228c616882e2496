package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Stream opens the event stream of the service at base (its root URL) and
// reads it until it ends: opened is called once its header has come, on
// with each event's name (its "event:" line, "" without one) and data.
// token, when set, is sent as the bearer token. It returns what broke the
// stream, or nil when the service closed it. Both of the service's clients
// (ctl/apiclient, ctl/agent) read the stream through it.
func Stream(ctx context.Context, hc *http.Client, base, token string, opened func(), on func(name, data string)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+EventsPath, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Unwrap(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	opened()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 4096), MaxBody)
	var name string
	var data strings.Builder
	for sc.Scan() {
		l := sc.Text()
		switch {
		case l == "":
			if data.Len() > 0 {
				on(name, data.String())
			}
			name = ""
			data.Reset()
		case strings.HasPrefix(l, "event:"):
			name = strings.TrimSpace(strings.TrimPrefix(l, "event:"))
		case strings.HasPrefix(l, "data:"):
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(l, "data:"), " "))
		}
		// ":" lines are comments.
	}
	return sc.Err()
}

// Unwrap drops net/http's "Get "URL": " prefix from a transport error: the
// caller names the URL.
func Unwrap(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		return ue.Unwrap()
	}
	return err
}
