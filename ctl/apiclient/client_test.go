package apiclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/shell"
)

func TestNewURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:7777":     "http://127.0.0.1:7777",
		"http://node1:7777/": "http://node1:7777",
		"https://node1:443":  "https://node1:443",
		"http://[::1]:7777":  "http://[::1]:7777",
	} {
		c, err := New(in, "")
		if err != nil || c.URL() != want {
			t.Errorf("New(%q) = %v %v, want %s", in, c, err, want)
		}
	}
	if _, err := New("ftp://x", ""); err == nil {
		t.Error("ftp:// accepted")
	}
}

// The event stream: events in order, the token sent; when the service
// goes away the loss is said once, and its return once.
func TestEvents(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", 401)
			return
		}
		mu.Lock()
		conns++
		n := conns
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, ": spp events\n\n")
		if n == 1 {
			fmt.Fprint(w, "event: joined\ndata: {\"event\":\"joined\",\"type\":\"vf\",\"client-id\":3,\"peer\":\"p\",\"since\":\"2026-01-02T03:04:05Z\",\"message\":\"sec 3 (vf) connected from p\"}\n\n")
			fmt.Fprint(w, "event: left\ndata: {\"event\":\"left\",\"type\":\"primary\",\"peer\":\"q\",\"since\":\"\",\"message\":\"primary disconnected (q)\"}\n\n")
			return // the stream breaks
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer hs.Close()
	defer func(d time.Duration) { retry = d }(retry)
	retry = 50 * time.Millisecond
	c, _ := New(hs.URL, "tok")
	var got []shell.Event
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		c.Events(ctx, func(e shell.Event) {
			mu.Lock()
			got = append(got, e)
			mu.Unlock()
		}, ready)
		close(done)
	}()
	<-ready
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 4 || time.Now().After(end) {
			break
		}
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 {
		t.Fatalf("events %+v", got)
	}
	j, l := got[0], got[1]
	if j.Kind != registry.Joined || j.Proc.Target != (registry.Target{ID: 3}) || j.Proc.Type != "vf" || j.Proc.Peer != "p" ||
		j.Proc.Since.IsZero() || j.Message != "sec 3 (vf) connected from p" {
		t.Errorf("joined %+v", j)
	}
	if l.Kind != registry.Left || !l.Proc.Target.Primary || l.Message != "primary disconnected (q)" {
		t.Errorf("left %+v", l)
	}
	if !strings.HasPrefix(got[2].Message, "spp: lost the event stream of "+hs.URL) || got[2].Kind != "" ||
		got[3].Message != "spp: event stream of "+hs.URL+" is back" {
		t.Errorf("loss and return: %+v", got[2:])
	}
}
