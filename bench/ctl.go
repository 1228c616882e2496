package main

// The bench plays the controller (protocol.md): it listens, the daemons
// connect to it, and it sends them JSON batches.

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"
)

type server struct{ ln net.Listener }

func listen() (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &server{ln}, nil
}

func (s *server) addr() string { return s.ln.Addr().String() }

func (s *server) close() { s.ln.Close() }

// accept waits up to d for a daemon to connect.
func (s *server) accept(d time.Duration, who *child) (*conn, error) {
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := s.ln.Accept()
		ch <- res{c, err}
	}()
	timeout := time.After(d)
	for {
		select {
		case r := <-ch:
			if r.err != nil {
				return nil, r.err
			}
			return &conn{c: r.c, dec: json.NewDecoder(r.c)}, nil
		case <-timeout:
			s.ln.Close() // ends the Accept above
			return nil, fmt.Errorf("%s did not connect within %v; see %s/%s.log", who.name, d, logDir, who.name)
		case <-who.done:
			s.ln.Close()
			return nil, fmt.Errorf("%s exited before it connected (%v); see %s/%s.log", who.name, who.err, logDir, who.name)
		}
	}
}

type conn struct {
	c   net.Conn
	dec *json.Decoder
}

type cmd map[string]any

type result struct {
	Result       string `json:"result"`
	ErrorDetails *struct {
		Message string `json:"message"`
	} `json:"error_details"`
}

type reply struct {
	Results     []result        `json:"results"`
	ClientID    *int            `json:"client_id"`
	ProcessType string          `json:"process_type"`
	Info        json.RawMessage `json:"info"`
}

// do sends one batch and reads its reply. A command that did not succeed
// is an error.
func (c *conn) do(cmds ...cmd) (*reply, error) {
	b, err := json.Marshal(map[string]any{"commands": cmds})
	if err != nil {
		return nil, err
	}
	c.c.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := c.c.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	var r reply
	if err := c.dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reading the reply: %v", err)
	}
	for i, res := range r.Results {
		if res.Result != "success" {
			msg := res.Result
			if res.ErrorDetails != nil {
				msg += ": " + res.ErrorDetails.Message
			}
			name, _ := cmds[i]["command"].(string)
			return &r, fmt.Errorf("command %d (%s): %s", i, name, msg)
		}
	}
	if len(r.Results) != len(cmds) {
		return &r, fmt.Errorf("%d results for %d commands", len(r.Results), len(cmds))
	}
	return &r, nil
}

type portStatus struct {
	Port   string `json:"port"`
	Rx     uint64 `json:"rx"`
	Tx     uint64 `json:"tx"`
	RxDrop uint64 `json:"rx_drop"`
	TxDrop uint64 `json:"tx_drop"`
}

type coreStatus struct {
	Core    int    `json:"core"`
	Type    string `json:"type"`
	Packets uint64 `json:"packets"`
	Drops   uint64 `json:"drops"`
}

type ringStatus struct {
	Ring     string `json:"ring"`
	Count    uint64 `json:"count"`
	Capacity uint64 `json:"capacity"`
}

type mempoolStatus struct {
	Name      string `json:"name"`
	Size      uint64 `json:"size"`
	Available uint64 `json:"available"`
	InUse     uint64 `json:"in_use"`
}

// info is the union of a primary's and a secondary's status.
type info struct {
	Ports   []portStatus   `json:"ports"`
	Core    []coreStatus   `json:"core"`
	Rings   []ringStatus   `json:"rings"`
	Mempool *mempoolStatus `json:"mempool"`
}

func (c *conn) status() (*info, error) {
	r, err := c.do(cmd{"command": "status"})
	if err != nil {
		return nil, err
	}
	var in info
	if err := json.Unmarshal(r.Info, &in); err != nil {
		return nil, fmt.Errorf("status info: %v", err)
	}
	return &in, nil
}

func (in *info) port(name string) portStatus {
	for _, p := range in.Ports {
		if p.Port == name {
			return p
		}
	}
	return portStatus{Port: name}
}

// drops adds up everything dropped: ports' rx and tx drops and the
// components' drops.
func (in *info) drops() uint64 {
	var n uint64
	for _, p := range in.Ports {
		n += p.RxDrop + p.TxDrop
	}
	for _, c := range in.Core {
		n += c.Drops
	}
	return n
}

func (in *info) ring(name string) (ringStatus, bool) {
	for _, r := range in.Rings {
		if r.Ring == name {
			return r, true
		}
	}
	return ringStatus{}, false
}

func (c *conn) close() { c.c.Close() }

// component builds a component command (type none: no port lists).
func component(core int, typ string, rx, tx []string) cmd {
	c := cmd{"command": "component", "core_id": fmt.Sprint(core), "type": typ}
	if rx != nil {
		c["rx_ports"] = rx
	}
	if tx != nil {
		c["tx_ports"] = tx
	}
	return c
}

func flush() cmd { return cmd{"command": "flush"} }

func classifierEntry(mac string, port string) cmd {
	return cmd{"command": "classifier_table", "type": "mac", "value": mac, "port": port}
}

func macString(m uint64) string {
	var b strings.Builder
	for i := 0; i < 6; i++ {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02x", byte(m>>(40-8*i)))
	}
	return b.String()
}
