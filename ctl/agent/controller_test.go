package agent

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// serveFunc serves h on a loopback port until the test ends.
func serveFunc(t *testing.T, h http.HandlerFunc) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// What spp serve may answer besides a clean reply: each is an error that
// says what happened, and a refused command names itself.
func TestControllerReplies(t *testing.T) {
	var mu sync.Mutex
	status, body := 200, ""
	url := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/spp/v1/secondaries/3/batch" || r.Method != http.MethodPost {
			http.Error(w, "wrong path "+r.URL.Path, 400)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	})
	c, err := NewController(strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	set := func(s int, b string) { mu.Lock(); status, body = s, b; mu.Unlock() }
	cmds := []proto.Command{proto.Flush()}
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{404, "sec_id 3 not found.", "not connected"},
		{504, "spp_vf 3 did not answer within 15s; outcome unknown", "504 Gateway Timeout: spp_vf 3 did not answer within 15s; outcome unknown"},
		{200, `{"results":[]}`, "answered 0 results for 1 commands"},
		{200, `{"results":[{"result":"error","error_details":{"message":"bad value(core_id)"}}]}`, `refused the batch at command 0 {"command":"flush"}: bad value(core_id)`},
		{200, `not json`, "unreadable reply"},
	} {
		set(tc.status, tc.body)
		err := c.Batch(context.Background(), 3, cmds)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d %s: %v, want %q", tc.status, tc.body, err, tc.want)
		}
		if tc.status == 404 && !errors.Is(err, ErrNotConnected) {
			t.Errorf("404 is not ErrNotConnected: %v", err)
		}
	}
	set(200, `{"results":[{"result":"success"}],"info":{"client_id":3,"process_type":"mirror","core":[]}}`)
	if _, err := c.Status(context.Background(), 3); err == nil || !strings.Contains(err.Error(), "is a mirror") {
		t.Errorf("a mirror's status: %v", err)
	}
	if _, err := NewController("https://x"); err == nil {
		t.Error("https accepted")
	}
}

// The event stream as spp serve writes it (event: and data: lines, comment
// lines, keep-alives) is read event by event; a broken stream is opened
// again and reported once per break.
func TestControllerEvents(t *testing.T) {
	var mu sync.Mutex
	opens := 0
	url := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		opens++
		n := opens
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte(": spp events\n\n"))
		if n == 1 {
			w.Write([]byte("event: joined\ndata: {\"event\":\"joined\",\"type\":\"vf\",\"client-id\":2,\"peer\":\"127.0.0.1:5\",\"since\":\"x\",\"message\":\"m\"}\n\n" +
				": keepalive\n\n" +
				"event: left\ndata: {\"event\":\"left\",\"type\":\"vf\",\"client-id\":2,\"peer\":\"127.0.0.1:5\",\"message\":\"m\"}\n\n"))
			return // the stream breaks
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	c, _ := NewController(url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	var broken int
	opened := make(chan struct{}, 4)
	go c.Events(ctx, func() { opened <- struct{}{} }, func(e Event) {
		mu.Lock()
		got = append(got, e.Event+":"+e.Type+":"+string(rune('0'+clientID(e))))
		mu.Unlock()
	}, func(error) { mu.Lock(); broken++; mu.Unlock() })
	for i := 0; i < 2; i++ {
		select {
		case <-opened:
		case <-time.After(5 * time.Second):
			t.Fatalf("stream not opened %d times", i+1)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, " ") != "joined:vf:2 left:vf:2" || broken != 1 {
		t.Errorf("events %q, broken %d", got, broken)
	}
}
