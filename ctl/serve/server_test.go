package serve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// The server in process, with test daemons (ctl/internal/ctltest): what
// does not need DPDK. integration_test.go runs bin/spp serve with real
// daemons.

type testServer struct {
	s    *Server
	reg  *ctltest.Registry // the daemons connect to it
	url  string
	logs *ctltest.LockedBuffer
}

func newTestServer(t *testing.T, o Options) *testServer {
	t.Helper()
	ts := &testServer{logs: &ctltest.LockedBuffer{}}
	o.Log = log.New(ts.logs, "", 0)
	ts.s = New(o)
	ts.reg = ctltest.Listen(t, ts.s.OnEvent)
	ts.s.Use(ts.reg.Registry)
	hs := httptest.NewServer(ts.s.Handler())
	t.Cleanup(func() {
		hs.CloseClientConnections() // the event streams
		hs.Close()
	})
	ts.url = hs.URL
	return ts
}

type reply struct {
	code int
	body string
	ct   string
}

func (ts *testServer) do(t *testing.T, method, path, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b), resp.Header.Get("Content-Type")}
}

// The native batch endpoint delivers the body as it is (on one line) and
// answers the daemon's reply verbatim, failed commands included; it
// refuses what a daemon would drop its connection for.
func TestNativeBatch(t *testing.T) {
	ts := newTestServer(t, Options{})
	d := ts.reg.Sec(t, 1, ctltest.FailingCore("9"))
	r := ts.do(t, "POST", "/spp/v1/secondaries/1/batch", "{\"commands\": [\n {\"command\":\"component\",\"core_id\":\"2\",\"type\":\"forward\",\"rx_ports\":[\"ring0\"],\"tx_ports\":[\"ring1\"]},\n {\"command\":\"flush\"}]}")
	if r.code != 200 || r.body != `{"results":[{"result":"success"},{"result":"success"}]}` || r.ct != "application/json" {
		t.Errorf("batch: %+v", r)
	}
	if got := d.Sent(); len(got) != 1 || got[0] != `{"commands":[{"command":"component","core_id":"2","type":"forward","rx_ports":["ring0"],"tx_ports":["ring1"]},{"command":"flush"}]}` {
		t.Errorf("the daemon got %q", got)
	}
	r = ts.do(t, "POST", "/spp/v1/secondaries/1/batch", `{"commands":[{"command":"component","core_id":"9","type":"forward"},{"command":"flush"}]}`)
	if r.code != 200 || !strings.Contains(r.body, `"result":"error"`) {
		t.Errorf("a batch the daemon rejects is still delivered: %+v", r)
	}
	for _, c := range []struct {
		path, body string
		code       int
		text       string
	}{
		{"/spp/v1/secondaries/2/batch", `{"commands":[]}`, 404, "sec_id 2 not found."},
		{"/spp/v1/secondaries/x/batch", `{"commands":[]}`, 404, `no process "x"`},
		{"/spp/v1/secondaries/128/batch", `{"commands":[]}`, 404, `no process "128"`},
		{"/spp/v1/primary/batch", `{"commands":[]}`, 404, "primary not found."},
		{"/spp/v1/secondaries/1/batch", `{"commands":[`, 400, "not a batch"},
		{"/spp/v1/secondaries/1/batch", `{"cmds":[]}`, 400, "not a batch"},
		{"/spp/v1/secondaries/1/batch", `{"commands":[]} {}`, 400, "not a batch"},
		{"/spp/v1/secondaries/1/batch", `{"commands":[` + strings.Repeat(`{"command":"status"},`, 256) + `{"command":"status"}]}`, 400, "257 commands"},
	} {
		r := ts.do(t, "POST", c.path, c.body)
		if r.code != c.code || !strings.HasPrefix(r.ct, "text/plain") || !strings.Contains(r.body, c.text) {
			t.Errorf("%s %.40s: %+v, want %d %q", c.path, c.body, r, c.code, c.text)
		}
	}
	if n := len(d.Sent()); n != 2 {
		t.Errorf("the daemon got %d requests, want the 2 good ones", n)
	}
}

// A daemon that does not answer in time: 504 saying the outcome is
// unknown; the next request to it waited its turn, and the server goes on
// serving.
func TestDeadline(t *testing.T) {
	defer func(r time.Duration) { registry.ReplyTimeout = r }(registry.ReplyTimeout)
	// The reply comes 100 ms after the deadline: well before the next
	// request's.
	registry.ReplyTimeout = 400 * time.Millisecond
	ts := newTestServer(t, Options{})
	ts.reg.Sec(t, 1, ctltest.WithDelay(func(n int) time.Duration {
		if n == 1 {
			return 500 * time.Millisecond
		}
		return 0
	}))
	start := time.Now()
	r := ts.do(t, "GET", "/v1/vfs/1", "")
	took := time.Since(start)
	if r.code != 504 || !strings.HasSuffix(strings.TrimSpace(r.body), api.OutcomeUnknown) || !strings.Contains(r.body, "sec 1 did not answer within 400ms") {
		t.Errorf("no answer: %+v", r)
	}
	if took < 400*time.Millisecond || took > 2*time.Second {
		t.Errorf("504 after %v, want after the 400ms deadline", took)
	}
	r = ts.do(t, "GET", "/v1/vfs/1", "")
	if r.code != 200 || !strings.Contains(r.body, `"client-id":1`) {
		t.Errorf("after the 504: %+v", r)
	}
	if !strings.Contains(ts.logs.String(), "GET /v1/vfs/1 from 127.0.0.1:") || !strings.Contains(ts.logs.String(), ": 504 sec 1 did not answer") {
		t.Errorf("log:\n%s", ts.logs)
	}
	// The late reply is noticed and thrown away, not taken as the answer
	// to a later request (the 200 above was a status of the second).
	ctltest.WaitFor(t, "the late reply notice", func() bool { return strings.Contains(ts.logs.String(), "late reply from sec 1") })
}

// pipeDaemon is a secondary that reads every request as soon as it comes
// (recording when) and answers each 100 ms after the one before: it shows
// whether a request was written before the previous one had its reply.
type pipeDaemon struct {
	mu      sync.Mutex
	reqs    []string
	got     []time.Time // when each request came
	replied []time.Time // when each reply went
}

func startPipeDaemon(t *testing.T, addr string, id int) *pipeDaemon {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	d := &pipeDaemon{}
	queue := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			d.mu.Lock()
			d.reqs = append(d.reqs, sc.Text())
			d.got = append(d.got, time.Now())
			d.mu.Unlock()
			queue <- sc.Text()
		}
		close(queue)
	}()
	go func() {
		for req := range queue {
			if strings.Contains(req, `"process"`) {
				fmt.Fprintf(c, `{"results":[{"result":"success"}],"client_id":%d,"process_type":"vf"}`+"\n", id)
				continue
			}
			time.Sleep(100 * time.Millisecond)
			d.mu.Lock()
			d.replied = append(d.replied, time.Now())
			d.mu.Unlock()
			io.WriteString(c, `{"results":[{"result":"success"}]}`+"\n")
		}
	}()
	return d
}

// Concurrent requests to one process reach it in the order they arrived,
// one at a time (none is written before the one before has its reply),
// while another process is served meanwhile.
func TestArrivalOrder(t *testing.T) {
	ts := newTestServer(t, Options{})
	d := startPipeDaemon(t, ts.reg.SecAddr, 1)
	if ts.reg.Wait(registry.Target{ID: 1}, 5*time.Second) == nil {
		t.Fatal("sec 1 did not register")
	}
	other := ts.reg.Sec(t, 2)
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"commands":[{"command":"flush","n":%d}]}`, i)
			if r := ts.do(t, "POST", "/spp/v1/secondaries/1/batch", body); r.code != 200 {
				t.Errorf("request %d: %+v", i, r)
			}
		}()
		// It has arrived (is at sec 1's gate) before the next is sent.
		ctltest.WaitFor(t, fmt.Sprintf("request %d at the gate", i), func() bool { return ts.s.gates.reached.Load() == int64(i+1) })
	}
	// sec 2 is not held up by sec 1's queue.
	start := time.Now()
	if r := ts.do(t, "GET", "/v1/vfs/2", ""); r.code != 200 || time.Since(start) > 300*time.Millisecond {
		t.Errorf("sec 2 while sec 1 is busy: %d after %v", r.code, time.Since(start))
	}
	wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	reqs, got := d.reqs[1:], d.got[1:] // after the handshake
	if len(reqs) != 5 || len(d.replied) != 5 {
		t.Fatalf("requests %q, %d replies", reqs, len(d.replied))
	}
	for i, req := range reqs {
		if !strings.Contains(req, fmt.Sprintf(`"n":%d`, i)) {
			t.Errorf("request %d to reach the daemon was %s", i, req)
		}
		if i > 0 && got[i].Before(d.replied[i-1]) {
			t.Errorf("request %d came %v before the reply to request %d went", i, d.replied[i-1].Sub(got[i]), i-1)
		}
	}
	if len(other.Sent()) != 1 {
		t.Errorf("sec 2 got %q", other.Sent())
	}
}

// Requests from another host need the bearer token; loopback ones need
// none. Bodies over 1 MiB are refused before anything is sent.
func TestAuthAndBodyLimit(t *testing.T) {
	ts := newTestServer(t, Options{Token: "s3cret"})
	d := ts.reg.Sec(t, 1)
	h := ts.s.Handler()
	call := func(remote, auth, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("PUT", "/v1/vfs/1/classifier_table", strings.NewReader(body))
		req.RemoteAddr = remote
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	add := `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:01","port":"ring:0"}`
	for _, c := range []struct {
		remote, auth string
		code         int
	}{
		{"192.0.2.7:4000", "", 401},
		{"192.0.2.7:4000", "Bearer wrong", 401},
		{"192.0.2.7:4000", "Basic czNjcmV0", 401},
		{"192.0.2.7:4000", "Bearer s3cret", 204},
		{"[2001:db8::1]:4000", "Bearer s3cret", 204},
		{"127.0.0.1:4000", "", 204},
		{"[::1]:4000", "", 204},
	} {
		w := call(c.remote, c.auth, add)
		if w.Code != c.code {
			t.Errorf("from %s with %q: %d %s, want %d", c.remote, c.auth, w.Code, w.Body, c.code)
		}
		if c.code == 401 && (w.Header().Get("WWW-Authenticate") == "" || !strings.Contains(w.Body.String(), "bearer token")) {
			t.Errorf("401 without its header or reason: %v %s", w.Header(), w.Body)
		}
	}
	if n := len(d.Sent()); n != 4 {
		t.Errorf("%d batches reached the daemon, want the 4 authorized", n)
	}
	big := strings.Repeat(" ", 2<<20) + add
	if w := call("127.0.0.1:4000", "", big); w.Code != 413 {
		t.Errorf("2 MiB body: %d %s", w.Code, w.Body)
	}
	// The same with no Content-Length (chunked), through a real server.
	req, _ := http.NewRequest("POST", ts.url+"/spp/v1/secondaries/1/batch", io.MultiReader(strings.NewReader(big), strings.NewReader("")))
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("2 MiB chunked body: %d", resp.StatusCode)
	}
	if n := len(d.Sent()); n != 4 {
		t.Errorf("%d batches reached the daemon after the big bodies", n)
	}
	if r := ts.do(t, "GET", "/v1/vfs/1", ""); r.code != 200 {
		t.Errorf("after the big bodies: %+v", r)
	}
}

// The event stream: one Server-Sent Event per registry event, its data a
// line of JSON with the process's type, id and peer.
func TestEventStream(t *testing.T) {
	ts := newTestServer(t, Options{})
	resp, err := http.Get(ts.url + api.EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() api.Event {
		t.Helper()
		var name string
		for {
			select {
			case l := <-lines:
				if v, ok := strings.CutPrefix(l, "event: "); ok {
					name = v
				}
				if v, ok := strings.CutPrefix(l, "data: "); ok {
					var e api.Event
					if err := json.Unmarshal([]byte(v), &e); err != nil || e.Event != name {
						t.Fatalf("event %s data %s: %v", name, v, err)
					}
					return e
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no event")
			}
		}
	}
	d := ts.reg.Sec(t, 3)
	e := next()
	if e.Event != "joined" || e.Type != "vf" || e.ClientID == nil || *e.ClientID != 3 || e.Peer != d.Conn.LocalAddr().String() ||
		e.Message != "sec 3 (vf) connected from "+e.Peer || e.Since == "" {
		t.Errorf("joined: %+v", e)
	}
	d2 := ctltest.StartDaemon(t, ts.reg.SecAddr, 3, "vf")
	e = next()
	if e.Event != "replaced" || e.Peer != d2.Conn.LocalAddr().String() || e.OldPeer != d.Conn.LocalAddr().String() {
		t.Errorf("replaced: %+v", e)
	}
	d2.Close()
	e = next()
	if e.Event != "left" || e.Peer != d2.Conn.LocalAddr().String() || *e.ClientID != 3 {
		t.Errorf("left: %+v", e)
	}
	ts.reg.Pri(t)
	if e = next(); e.Event != "joined" || e.Type != "primary" || e.ClientID != nil {
		t.Errorf("primary joined: %+v", e)
	}
	for _, w := range []string{"sec 3 (vf) connected from", "warning: sec 3 (vf) from", "sec 3 (vf) disconnected", "primary connected from"} {
		if !strings.Contains(ts.logs.String(), w) {
			t.Errorf("no log line %q:\n%s", w, ts.logs)
		}
	}
}

// Bad input to the compatible API: each its status and upstream's text,
// nothing sent to the daemon.
func TestCompatBadInput(t *testing.T) {
	ts := newTestServer(t, Options{})
	d := ts.reg.Sec(t, 1)
	ts.reg.Sec(t, 2, ctltest.Mirror)
	const ct = "/v1/vfs/1/classifier_table"
	for _, c := range []struct {
		method, path, body string
		code               int
		text               string
	}{
		{"GET", "/v1/nothing", "", 404, ""},
		{"GET", "/v1/vfs/9", "", 404, "sec_id 9 not found."},
		{"GET", "/v1/vfs/x", "", 404, ""},
		{"GET", "/v1/mirrors/1", "", 404, "sec_id 1 not found."},
		{"GET", "/v1/vfs/2", "", 404, "sec_id 2 not found."},
		{"PUT", "/v1/mirrors/2/classifier_table", "{}", 404, ""},
		{"DELETE", "/v1/processes", "", 405, ""},
		{"PUT", ct, `{"action":`, 400, "Not in json format."},
		{"PUT", ct, `[1]`, 400, "Not in json format."},
		{"PUT", ct, `{"type":"mac","port":"ring:0","mac_address":"52:54:00:00:00:01"}`, 400, "key(action) required."},
		{"PUT", ct, `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:01"}`, 400, "key(port) required."},
		{"PUT", ct, `{"action":"move","type":"mac","port":"ring:0","mac_address":"52:54:00:00:00:01"}`, 400, "invalid key(action): move."},
		{"PUT", ct, `{"action":"add","type":"ip","port":"ring:0","mac_address":"52:54:00:00:00:01"}`, 400, "invalid key(type): ip."},
		{"PUT", ct, `{"action":"add","type":"mac","port":"ring:x","mac_address":"52:54:00:00:00:01"}`, 400, "invalid key(port): ring:x."},
		{"PUT", ct, `{"action":"add","type":"mac","port":0,"mac_address":"52:54:00:00:00:01"}`, 400, "invalid key(port): 0."},
		{"PUT", ct, `{"action":"add","type":"mac","port":"ring:0","mac_address":"52:54:00:00:01"}`, 400, "invalid key(mac_address): 52:54:00:00:01."},
		{"PUT", ct, `{"action":"add","type":"vlan","port":"ring:0","mac_address":"52:54:00:00:00:01"}`, 400, "key(vlan) required."},
		{"PUT", ct, `{"action":"add","type":"vlan","vlan":"100","port":"ring:0","mac_address":"52:54:00:00:00:01"}`, 400, "invalid key(vlan): 100."},
		{"POST", "/v1/vfs/1/components", `{}`, 400, "key(name) required."},
		{"POST", "/v1/vfs/1/components", `{"name":"a","type":"forward"}`, 400, "key(core) required."},
		{"POST", "/v1/vfs/1/components", `{"name":"a b","core":2,"type":"forward"}`, 400, "invalid key(name): a b."},
		{"POST", "/v1/vfs/1/components", `{"name":7,"core":2,"type":"forward"}`, 400, "invalid key(name): 7."},
		{"POST", "/v1/vfs/1/components", `{"name":"a","core":"2","type":"forward"}`, 400, "invalid key(core): 2."},
		{"POST", "/v1/vfs/1/components", `{"name":"a","core":2.5,"type":"forward"}`, 400, "invalid key(core): 2.5."},
		{"POST", "/v1/vfs/1/components", `{"name":"a","core":2,"type":"mirror"}`, 400, "invalid key(type): mirror."},
		{"POST", "/v1/mirrors/2/components", `{"name":"a","core":2,"type":"forward"}`, 400, "invalid key(type): forward."},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"attach","port":"ring:0"}`, 400, "key(dir) required."},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"plug","port":"ring:0","dir":"rx"}`, 400, "invalid key(action): plug."},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"attach","port":"tap:0","dir":"rx"}`, 400, "invalid key(port): tap:0."},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"attach","port":"ring:0","dir":"up"}`, 400, "invalid key(dir): up."},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"attach","port":"ring:0","dir":"rx","vlan":{"operation":"add","id":"x","pcp":0}}`, 400, `invalid key(vlan): {"operation":"add","id":"x","pcp":0}.`},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"attach","port":"ring:0","dir":"rx","vlan":{"operation":"push"}}`, 400, `invalid key(vlan): {"operation":"push"}.`},
		{"PUT", "/v1/vfs/1/components/a/ports", `{"action":"attach","port":"ring:0","dir":"rx","vlan":"add"}`, 400, `invalid key(vlan): add.`},
		{"PUT", "/v1/nfvs/1/forward", `{"action":"start"}`, 501, "no spp_nfv"},
		{"GET", "/v1/pcaps/3", "", 501, "no spp_pcap"},
		{"PUT", "/v1/primary/launch", "{}", 501, "does not launch"},
		{"POST", "/v1/primary/flow_rules/port_id/0/validate", "{}", 501, "no flow rules"},
		{"GET", "/v1/primary/status", "", 404, "primary not found."},
	} {
		r := ts.do(t, c.method, c.path, c.body)
		if r.code != c.code || !strings.HasPrefix(r.ct, "text/plain") || !strings.Contains(r.body, c.text) {
			t.Errorf("%s %s %s: %d %q, want %d %q", c.method, c.path, c.body, r.code, r.body, c.code, c.text)
		}
	}
	if got := d.Sent(); len(got) != 0 {
		t.Errorf("sent %q", got)
	}
}

// Start: an API reachable from other hosts needs a token file, refused at
// start otherwise; an empty token file too.
func TestMainRefuses(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, c := range []struct {
		args []string
		text string
	}{
		{[]string{"--api", "0.0.0.0:0"}, "reachable from other hosts: give --api-token-file"},
		{[]string{"--api", ":0"}, "reachable from other hosts"},
		{[]string{"--api", "0.0.0.0:0", "--api-token-file", empty}, "is empty"},
		{[]string{"--api", "0.0.0.0:0", "--api-token-file", filepath.Join(dir, "none")}, "no such file"},
		{[]string{"--api", "nocolon"}, "missing port"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"extra"}, "usage: spp serve"},
	} {
		var out, errb strings.Builder
		if code := Main(c.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), c.text) {
			t.Errorf("%v: %d %q, want 2 and %q", c.args, code, errb.String(), c.text)
		}
	}
	var out, errb strings.Builder // help, even after a stray word
	if code := Main([]string{"extra", "-h"}, &out, &errb); code != 0 || !strings.HasPrefix(errb.String(), "usage: spp serve") {
		t.Errorf("extra -h: %d %q", code, errb.String())
	}
	for _, a := range []string{"127.0.0.1:1", "[::1]:1", "localhost:1"} {
		if ok, err := IsLoopback(a); !ok || err != nil {
			t.Errorf("%s: %v %v", a, ok, err)
		}
	}
	for _, a := range []string{"0.0.0.0:1", ":1", "192.0.2.1:1", "[::]:1"} {
		if ok, _ := IsLoopback(a); ok {
			t.Errorf("%s taken for loopback", a)
		}
	}
}
