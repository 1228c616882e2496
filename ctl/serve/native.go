package serve

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/registry"
)

// spp-go's own endpoints: batches as the daemons take them, the event
// stream, and the list of processes (which the compatible API shares).

func (s *Server) nativeRoutes() {
	s.handle("GET "+api.ProcessesPath, s.processes)
	s.handle("POST "+api.PrimaryBatchPath, func(r *http.Request) (any, error) {
		return s.batch(r, registry.Target{Primary: true})
	})
	s.handle("POST "+api.SecondaryBatchPath, func(r *http.Request) (any, error) {
		id, err := clientID(r)
		if err != nil {
			return nil, err
		}
		return s.batch(r, registry.Target{ID: id})
	})
	s.mux.HandleFunc("GET "+api.EventsPath, s.events)
}

// clientID reads the {id} of a path: a client id, else the path is
// unknown (404), as upstream's int routes.
func clientID(r *http.Request) (int, error) {
	v := r.PathValue("id")
	id, err := strconv.Atoi(v)
	if err != nil || !proto.ValidClientID(id) || strconv.Itoa(id) != v {
		return 0, fail(http.StatusNotFound, "no process %q: a client id is 0..%d.", v, proto.MaxClientID)
	}
	return id, nil
}

func (s *Server) processes(*http.Request) (any, error) {
	out := []api.Process{}
	if s.reg != nil {
		for _, p := range s.reg.Processes() {
			out = append(out, processJSON(p))
		}
	}
	return out, nil
}

// batch sends the body, a batch, to the process as it is (compacted onto
// one line) and answers the daemon's reply verbatim, failed commands
// included: the batch was delivered. The body is checked first: a daemon
// answers a malformed request by dropping its connection.
func (s *Server) batch(r *http.Request, t registry.Target) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var b struct {
		Commands []json.RawMessage `json:"commands"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Commands == nil {
		return nil, fail(http.StatusBadRequest, `not a batch: want {"commands":[...]}.`)
	}
	if len(b.Commands) > proto.MaxCommands {
		return nil, fail(http.StatusBadRequest, "%d commands: a batch has at most %d.", len(b.Commands), proto.MaxCommands)
	}
	flush := false
	for _, c := range b.Commands {
		var cmd struct {
			Command string `json:"command"`
		}
		if json.Unmarshal(c, &cmd) == nil && cmd.Command == proto.CmdFlush {
			flush = true
		}
	}
	var line bytes.Buffer
	if err := json.Compact(&line, body); err != nil {
		return nil, fail(http.StatusBadRequest, `not a batch: want {"commands":[...]}.`)
	}
	if line.Len() >= proto.MaxRequestBytes {
		return nil, fail(http.StatusRequestEntityTooLarge, "the batch is over %d bytes.", proto.MaxRequestBytes-1)
	}
	ss, err := s.open(r, t, "", flush)
	if err != nil {
		return nil, err
	}
	defer ss.close()
	raw, err := ss.send(line.Bytes(), "REST: batch of "+strconv.Itoa(len(b.Commands)))
	if err != nil {
		return nil, err
	}
	return rawJSON(raw), nil
}

// keepAlive is how often an idle event stream gets a comment line, so that
// a dead client is noticed and proxies keep the connection.
var keepAlive = 30 * time.Second

// events is the event stream: Server-Sent Events, one per registry event,
// its data one line of JSON (api.Event).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	ch := s.subscribe()
	defer s.unsubscribe(ch)
	io.WriteString(w, ": spp events\n\n")
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case msg, ok := <-ch:
			if !ok {
				return // dropped: it did not keep up
			}
			w.Write(msg)
		case <-tick.C:
			io.WriteString(w, ": keepalive\n\n")
		case <-r.Context().Done():
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}
