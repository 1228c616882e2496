package serve

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// restMethods are the methods FuzzREST sends (its method byte picks one).
var restMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"}

// FuzzREST: whatever the method, path and body, spp serve's handlers
// (through Handler: auth, body limit, routes) never panic and answer
//   - 200 with a JSON body, or 204 with none;
//   - a redirect of the router (a path to clean), with its Location;
//   - 400, 404, 405, 413 or 501 with one line of text/plain that says why
//     (rest.md: upstream's texts); such a refusal reaches no daemon,
//     unless it is a daemon's own error ("command error: ...");
//   - never a 500, nor a 502 or 504: the daemons here (a primary, vf 1
//     failing components on core 9, mirror 2; ctl/internal/ctltest) answer
//     at once and stay, exit included.
//
// The request is parsed from its bytes by net/http, as the server would;
// what net/http refuses never reaches a handler. The event stream, which
// takes no input and never ends, is left out.
func FuzzREST(f *testing.F) {
	s := New(Options{}) // no log: a line per refused input would pile up
	reg, err := registry.Listen("127.0.0.1", 0, 0, s.OnEvent)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(reg.Close)
	s.Use(reg)
	pa, sa := reg.Addrs()
	daemons := []*ctltest.Daemon{
		ctltest.StartDaemon(f, pa.String(), 0, "primary", ctltest.Staying),
		ctltest.StartDaemon(f, sa.String(), 1, "vf", ctltest.Staying, ctltest.FailingCore("9")),
		ctltest.StartDaemon(f, sa.String(), 2, "vf", ctltest.Staying, ctltest.Mirror),
	}
	for _, t := range []registry.Target{{Primary: true}, {ID: 1}, {ID: 2}} {
		if reg.Wait(t, 5*time.Second) == nil {
			f.Fatalf("%s did not register", t)
		}
	}
	received := func() (n int) {
		for _, d := range daemons {
			n += d.Received()
		}
		return n
	}
	h := s.Handler()

	const ct, ports = "/v1/vfs/1/classifier_table", "/v1/vfs/1/components/fwd/ports"
	for _, c := range []struct {
		method uint8 // index in restMethods
		path   string
		body   string
	}{
		{0, "/v1/processes", ""}, {0, "/v1/cpu_layout", ""}, {0, "/v1/cpu_usage", ""},
		{0, "/v1/primary/status", ""}, {3, "/v1/primary/status", ""}, {3, "/v1/primary", ""},
		{0, "/v1/vfs/1", ""}, {3, "/v1/vfs/1", ""}, {0, "/v1/mirrors/2", ""}, {3, "/v1/mirrors/2", ""},
		{0, "/v1/vfs/9", ""}, {0, "/v1/vfs/x", ""}, {0, "/v1/mirrors/1", ""}, {0, "//v1/vfs/1/", ""},
		{1, "/v1/vfs/1/components", `{"name":"cls","core":2,"type":"classifier_mac"}`},
		{1, "/v1/vfs/1/components", `{"name":"a","core":9,"type":"forward"}`},
		{1, "/v1/vfs/1/components", `{"name":"a b","core":"2","type":"forward"}`},
		{1, "/v1/vfs/1/components", `{"name":"a\nb","core":2,"type":"forward"}`},
		{1, "/v1/mirrors/2/components", `{"name":"mon","core":3,"type":"mirror"}`},
		{3, "/v1/vfs/1/components/cls", ""}, {3, "/v1/mirrors/2/components/mon", ""},
		{2, ports, `{"action":"attach","port":"phy:0","dir":"rx"}`},
		{2, ports, `{"action":"attach","port":"vhost:0","dir":"tx","vlan":{"operation":"add","id":100,"pcp":3}}`},
		{2, ports, `{"action":"detach","port":"ring:1","dir":"tx","vlan":{"operation":"del"}}`},
		{2, ports, `{"action":"attach","port":"ring:0","dir":"rx","vlan":{"operation":"add","id":"x","pcp":0}}`},
		{2, ct, `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:01","port":"ring:0"}`},
		{2, ct, `{"action":"del","type":"vlan","vlan":200,"mac_address":"default","port":"ring:0"}`},
		{2, ct, `{"action":"add","type":"vlan","vlan":"100","port":"ring:0","mac_address":"52:54:00:00:00:01"}`},
		{2, ct, `{"action":`}, {2, ct, `[1]`}, {2, ct, `{}`},
		{1, "/spp/v1/primary/batch", `{"commands":[{"command":"status"}]}`},
		{1, "/spp/v1/secondaries/1/batch", `{"commands":[{"command":"component","core_id":"2","type":"forward","rx_ports":["ring0"],"tx_ports":["ring1"]},{"command":"flush"}]}`},
		{1, "/spp/v1/secondaries/2/batch", `{"commands":[{"command":"exit"}]}`},
		{1, "/spp/v1/secondaries/1/batch", `{"commands":[]} {}`},
		{1, "/spp/v1/secondaries/128/batch", `{"commands":[]}`},
		{2, "/v1/nfvs/1/forward", `{"action":"start"}`}, {1, "/v1/primary/flow_rules/port_id/0/validate", "{}"},
		{4, "/v1/vfs/1", ""}, {5, "/v1/vfs/1", "{}"},
	} {
		f.Add(c.method, c.path, []byte(c.body))
	}
	f.Fuzz(func(t *testing.T, method uint8, path string, body []byte) {
		m := restMethods[int(method)%len(restMethods)]
		raw := m + " " + path + " HTTP/1.1\r\nHost: spp\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body)
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return // net/http answers it, no handler
		}
		r.RemoteAddr = "127.0.0.1:40000"
		if _, pattern := s.mux.Handler(r); pattern == "GET "+api.EventsPath {
			return
		}
		before := received()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		code, ctype, out := w.Code, w.Header().Get("Content-Type"), w.Body.String()
		what := func() string { return m + " " + strconv.Quote(path) + " " + strconv.Quote(string(body)) }
		switch code {
		case http.StatusOK:
			if ctype != "application/json" || !json.Valid([]byte(out)) {
				t.Fatalf("%s: 200 %s %q", what(), ctype, out)
			}
		case http.StatusNoContent:
			if out != "" {
				t.Fatalf("%s: 204 with a body %q", what(), out)
			}
		case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			if w.Header().Get("Location") == "" {
				t.Fatalf("%s: %d without a Location", what(), code)
			}
		case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed,
			http.StatusRequestEntityTooLarge, http.StatusNotImplemented:
			if !strings.HasPrefix(ctype, "text/plain") || len(out) < 2 || strings.Index(out, "\n") != len(out)-1 {
				t.Fatalf("%s: %d %s %q, want one line of text", what(), code, ctype, out)
			}
			if n := received(); n != before && !strings.HasPrefix(out, "command error: ") {
				t.Fatalf("%s: %d %q, and %d requests reached the daemons", what(), code, out, n-before)
			}
		default:
			t.Fatalf("%s: %d %s %q", what(), code, ctype, out)
		}
	})
}
