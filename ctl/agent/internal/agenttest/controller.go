package agenttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Controller is a fake `spp serve` on a loopback port: rest.md's native
// batch endpoint (POST /spp/v1/secondaries/{id}/batch: the daemon's reply,
// 404 for a client id nobody has) and event stream (GET /spp/v1/events:
// joined and left as Server-Sent Events, the data one line of JSON), over
// the VFs that joined it. It can be stopped and started again on the same
// address, as a restarted controller.
type Controller struct {
	t    *testing.T
	addr string

	mu   sync.Mutex
	srv  *http.Server
	vfs  map[int]*VF
	subs map[chan []byte]bool
	// gate, when set, holds every batch (not a lone status) until it is
	// closed; held gets one value per batch held.
	gate chan struct{}
	held chan int
}

// StartController serves on a free loopback port until the test ends.
func StartController(t *testing.T) *Controller {
	c := &Controller{t: t, vfs: map[int]*VF{}, subs: map[chan []byte]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.Stop)
	return c
}

// URL is the service's address.
func (c *Controller) URL() string { return "http://" + c.addr }

func (c *Controller) serve(ln net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /spp/v1/secondaries/{id}/batch", c.batch)
	mux.HandleFunc("GET /spp/v1/events", c.events)
	srv := &http.Server{Handler: mux}
	c.mu.Lock()
	c.srv = srv
	c.mu.Unlock()
	go srv.Serve(ln)
}

// Stop closes the service and every connection to it, as a controller
// that went away.
func (c *Controller) Stop() {
	c.mu.Lock()
	srv := c.srv
	c.srv = nil
	for ch := range c.subs {
		close(ch)
		delete(c.subs, ch)
	}
	c.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Restart serves again on the same address; the VFs are kept (daemons
// reconnect to a restarted controller) and announced as joined.
func (c *Controller) Restart() {
	var ln net.Listener
	var err error
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if ln, err = net.Listen("tcp", c.addr); err == nil || time.Now().After(end) {
			break
		}
	}
	if err != nil {
		c.t.Fatalf("restart on %s: %v", c.addr, err)
	}
	c.serve(ln)
}

// Join connects a spp_vf: batches for its client id reach it, and the
// event stream says joined (or replaced, when one had that id).
func (c *Controller) Join(v *VF) {
	c.mu.Lock()
	kind := "joined"
	if c.vfs[v.ID] != nil {
		kind = "replaced"
	}
	c.vfs[v.ID] = v
	c.mu.Unlock()
	c.emit(kind, v.ID)
}

// Leave disconnects client id id: 404 from then on, and left.
func (c *Controller) Leave(id int) {
	c.mu.Lock()
	delete(c.vfs, id)
	c.mu.Unlock()
	c.emit("left", id)
}

// Hold makes batches wait until Release; each one waiting sends its
// client id on the returned channel.
func (c *Controller) Hold() <-chan int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gate, c.held = make(chan struct{}), make(chan int, 16)
	return c.held
}

// Release lets held batches through.
func (c *Controller) Release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gate != nil {
		close(c.gate)
		c.gate = nil
	}
}

// Subscribers is the number of event streams open.
func (c *Controller) Subscribers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.subs)
}

func (c *Controller) emit(kind string, id int) {
	data, _ := json.Marshal(map[string]any{"event": kind, "type": "vf", "client-id": id, "peer": "127.0.0.1:40000",
		"message": fmt.Sprintf("%s: vf %d", kind, id)})
	msg := []byte("event: " + kind + "\ndata: " + string(data) + "\n\n")
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- msg:
		default:
		}
	}
}

func (c *Controller) batch(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	body, rerr := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	c.mu.Lock()
	v := c.vfs[id]
	gate, held := c.gate, c.held
	c.mu.Unlock()
	if err != nil || rerr != nil || v == nil {
		http.Error(w, fmt.Sprintf("sec_id %s not found.", r.PathValue("id")), http.StatusNotFound)
		return
	}
	if gate != nil && string(body) != `{"commands":[{"command":"status"}]}` {
		held <- id
		<-gate
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(v.Handle(body))
}

func (c *Controller) events(w http.ResponseWriter, r *http.Request) {
	ch := make(chan []byte, 64)
	c.mu.Lock()
	c.subs[ch] = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, ": spp events\n\n")
	rc := http.NewResponseController(w)
	rc.Flush()
	for {
		select {
		case msg, ok := <-ch:
			if !ok {
				return
			}
			w.Write(msg)
			rc.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
