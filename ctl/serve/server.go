// Package serve is `spp serve` (rest.md): the controller as a service. It
// owns a daemon registry (ctl/registry, the same one the standalone shell
// uses) and serves HTTP: spp-go's native endpoints (batches, the event
// stream) and upstream spp-ctl's /v1 API, translated to batches. Pure Go,
// net/http only.
//
// Files by concern: serve.go (the command: flags, start, SIGTERM),
// server.go (routes, events), auth.go (who may call, body limit, the log
// of failed requests), send.go (one request to one daemon: order,
// deadline), native.go, compat.go and compatsec.go (the endpoints),
// body.go (reading request bodies), translate.go (daemon status to
// upstream's JSON), cpu.go (cpu_layout and cpu_usage).
package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sync"

	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/registry"
)

// Server is the HTTP side of spp serve.
type Server struct {
	reg     *registry.Registry
	log     *log.Logger
	token   []byte // bearer token of non-loopback requests; nil: none set
	cpuRoot string // where cpu_layout reads the CPU topology
	gates   gates
	mux     *http.ServeMux

	mu   sync.Mutex
	subs map[chan []byte]bool // event stream subscribers
}

// Options configure a Server.
type Options struct {
	Log     *log.Logger // one line per event and per failed request
	Token   string      // "" when no token file is given (loopback only)
	CPURoot string      // default /sys/devices/system/cpu
}

// New makes a Server. It answers 404 for every process until Use gives it
// a registry; the registry's events go to OnEvent.
func New(o Options) *Server {
	s := &Server{log: o.Log, cpuRoot: o.CPURoot, subs: map[chan []byte]bool{}}
	if s.log == nil {
		s.log = log.New(discard{}, "", 0)
	}
	if o.Token != "" {
		s.token = []byte(o.Token)
	}
	if s.cpuRoot == "" {
		s.cpuRoot = "/sys/devices/system/cpu"
	}
	s.mux = http.NewServeMux()
	s.nativeRoutes()
	s.compatRoutes()
	return s
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Use sets the registry, before the server serves.
func (s *Server) Use(reg *registry.Registry) { s.reg = reg }

// OnEvent is the registry's event callback: one log line per event, the
// event to every subscriber of the event stream, and the request order of
// a process that is gone forgotten.
func (s *Server) OnEvent(e registry.Event) {
	s.log.Print(e.String())
	switch e.Kind {
	case registry.Left:
		s.gates.drop(e.Process)
	case registry.Replaced:
		s.gates.drop(e.Old)
	}
	data, err := json.Marshal(eventJSON(e))
	if err != nil {
		return
	}
	msg := []byte(fmt.Sprintf("event: %s\ndata: %s\n\n", e.Kind, data))
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- msg:
		default: // a subscriber that does not read is dropped, not waited for
			delete(s.subs, ch)
			close(ch)
		}
	}
}

func eventJSON(e registry.Event) api.Event {
	ev := api.Event{Event: string(e.Kind), Message: e.String()}
	if e.Process != nil {
		ev.Process = processJSON(e.Process)
	} else {
		ev.Peer = e.Peer
	}
	if e.Old != nil {
		ev.OldPeer = e.Old.Peer
	}
	if e.Err != nil {
		ev.Error = e.Err.Error()
	}
	return ev
}

func processJSON(p *registry.Process) api.Process {
	out := api.Process{Type: p.Type, Peer: p.Peer, Since: p.Since.Format(api.SinceFormat)}
	if !p.Primary {
		id := p.ID
		out.ClientID = &id
	}
	return out
}

// subscribe adds an event stream subscriber; its channel is closed when it
// is dropped.
func (s *Server) subscribe() chan []byte {
	ch := make(chan []byte, 64)
	s.mu.Lock()
	s.subs[ch] = true
	s.mu.Unlock()
	return ch
}

func (s *Server) unsubscribe(ch chan []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs[ch] {
		delete(s.subs, ch)
		close(ch)
	}
}

// httpError is a reply other than success: its status and its text/plain
// body.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func fail(code int, format string, a ...any) error {
	return &httpError{code: code, msg: fmt.Sprintf(format, a...)}
}

// rawJSON is a reply body sent as it is (a daemon's reply).
type rawJSON []byte

// handle registers pattern with a handler that returns the reply: nil for
// 204 and no body, rawJSON or a value to marshal for 200 and JSON, or an
// error (an *httpError for its status; any other is a 500).
func (s *Server) handle(pattern string, h func(r *http.Request) (any, error)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) {
				he = &httpError{code: http.StatusInternalServerError, msg: err.Error()}
			}
			writeText(w, he.code, he.msg)
			return
		}
		if v == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		body, ok := v.(rawJSON)
		if !ok {
			if body, err = json.Marshal(v); err != nil {
				writeText(w, http.StatusInternalServerError, err.Error())
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}

func writeText(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}
