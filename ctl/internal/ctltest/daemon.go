// Package ctltest holds what the tests of spp's ctl packages (ctl,
// ctl/shell, ctl/serve, ctl/registry, ctl/topo, ...) share: in-process test
// daemons that speak protocol.md (read one batch per line, the controller
// ends each batch with "\n"; answer one JSON reply + "\n"), a registry
// for them (Listen), seed 000's status and graph, and small helpers. Only
// tests import it.
package ctltest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// Ports is a status port list of names without VLAN operations.
func Ports(names ...string) []proto.PortRef {
	out := []proto.PortRef{}
	for _, n := range names {
		out = append(out, proto.PortRef{Port: n, VLAN: proto.VLAN{Operation: proto.VLANNone}})
	}
	return out
}

// SampleSec is the status of a vf as protocol.md section 4 shows it, in
// the shape of version 2 (section 9.5): ports as objects, a state.
var SampleSec = proto.SecondaryInfo{
	ClientID: 1, ProcessType: "vf", MainLcore: 1, Staged: true,
	Ports: []proto.PortStatus{
		{Port: "nic0", Rx: 120, Tx: 98},
		{Port: "ring0", Rx: 60, Tx: 60},
		{Port: "vhost0", Rx: 40, Tx: 60, TxDrop: 3, Link: "up"},
	},
	Core: []proto.CoreStatus{
		{Core: 2, Name: "classifier2", Type: "classifier", State: proto.StateRunning, RxPort: Ports("nic0"), TxPort: Ports("ring0", "ring2"), Packets: 120},
		{Core: 3, Type: "unuse"},
		{Core: 4, Name: "fw1", Type: "forward", State: proto.StateRunning, RxPort: Ports("ring0"), TxPort: Ports("vhost0"), Packets: 60, Drops: 2},
	},
	ClassifierTable: []proto.ClassifierEntry{
		{Type: "mac", Value: "default", Port: "ring2"},
		{Type: "mac", Value: "52:54:00:12:34:56", Port: "ring0"},
	},
}

// SampleV2 is the status of a vf using what protocol.md section 9 adds:
// two components on lcore 2, VLAN operations (cls strips the tag on its tx
// ports, up pushes VLAN 100 on nic1), an idle component (forward3 has no
// tx port), a lcore without any, and vlan entries after the mac ones.
var SampleV2 = proto.SecondaryInfo{
	ClientID: 1, ProcessType: "vf", MainLcore: 1,
	Ports: []proto.PortStatus{
		{Port: "nic0", Rx: 300}, {Port: "nic1", Tx: 90},
		{Port: "ring0", Rx: 100, Tx: 100}, {Port: "ring1", Rx: 200, Tx: 200}, {Port: "ring2", Rx: 90, Tx: 90}, {Port: "ring3"},
	},
	Core: []proto.CoreStatus{
		{Core: 2, Name: "cls", Type: "classifier", State: proto.StateRunning, RxPort: Ports("nic0"),
			TxPort:  []proto.PortRef{{Port: "ring0", VLAN: proto.VLAN{Operation: proto.VLANDel}}, {Port: "ring1", VLAN: proto.VLAN{Operation: proto.VLANDel}}},
			Packets: 300},
		{Core: 2, Name: "up", Type: "forward", State: proto.StateRunning, RxPort: Ports("ring2"),
			TxPort: []proto.PortRef{{Port: "nic1", VLAN: proto.VLAN{Operation: proto.VLANAdd, ID: 100, PCP: 3}}}, Packets: 90, Drops: 1},
		{Core: 3, Name: "forward3", Type: "forward", State: proto.StateIdle, RxPort: Ports("ring3"), TxPort: Ports()},
		{Core: 4, Type: "unuse"},
	},
	ClassifierTable: []proto.ClassifierEntry{
		{Type: "mac", Value: "default", Port: "ring1"},
		{Type: "mac", Value: "52:54:00:00:00:09", Port: "ring1"},
		{Type: "vlan", VLAN: 100, Value: "52:54:00:00:00:01", Port: "ring0"},
		{Type: "vlan", VLAN: 200, Value: "52:54:00:00:00:02", Port: "ring1"},
	},
}

// SamplePri is the status of a primary.
var SamplePri = proto.PrimaryInfo{
	MainLcore: 0,
	Ports:     []proto.PortStatus{{Port: "nic0", Rx: 5, Tx: 6, RxDrop: 1, MAC: "02:70:63:61:70:00"}, {Port: "nic1"}},
	Rings:     []proto.RingStatus{{Ring: "ring0", Count: 3, Capacity: 127}, {Ring: "ring1", Capacity: 127}},
	Mempool:   proto.MempoolStatus{Name: "spp_mbuf_pool", Size: 8192, Available: 8000, InUse: 192},
}

// Daemon is one daemon connection.
type Daemon struct {
	Conn net.Conn
	ID   int
	Type string // "primary", "vf", "mirror"
	// failCore makes a component command on that core_id fail, as a daemon
	// rejects a core that is not one of its workers.
	failCore string
	// delay, when set, is how long the reply to request number n (0: the
	// handshake) is held back.
	delay func(n int) time.Duration
	// linger is how long the connection stays open after the reply to exit,
	// as a real daemon keeps it while it releases its ports.
	linger time.Duration
	// step, when set, is what every counter of the status grows by from
	// one status reply to the next (traffic, for the rates).
	step uint64
	// secStatus, when set, is the status a secondary answers.
	secStatus *proto.SecondaryInfo
	// handler, when set, answers every request after the handshake
	// instead (a real engine behind the test daemon).
	handler func(*proto.Request) (proto.Reply, bool)
	// stay keeps the connection after exit (a fuzz target's daemon).
	stay bool

	mu       sync.Mutex
	statuses uint64        // status replies sent
	got      []string      // every request, as received
	gotAt    []time.Time   // when each came
	closedAt time.Time     // when the daemon hung up after exit
	Done     chan struct{} // closed when the daemon's connection is over
}

// StartDaemon dials addr (retrying, as daemons do) and serves until closed.
func StartDaemon(t testing.TB, addr string, id int, typ string, opts ...func(*Daemon)) *Daemon {
	t.Helper()
	d := &Daemon{ID: id, Type: typ, Done: make(chan struct{})}
	for _, o := range opts {
		o(d)
	}
	var err error
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if d.Conn, err = net.Dial("tcp", addr); err == nil || time.Now().After(end) {
			break
		}
	}
	if err != nil {
		t.Fatalf("daemon cannot connect: %v", err)
	}
	t.Cleanup(d.Close)
	go d.serve()
	return d
}

// Close hangs up.
func (d *Daemon) Close() { d.Conn.Close() }

// Requests returns every request received, the handshake first.
func (d *Daemon) Requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.got...)
}

// Sent returns the requests after the handshake.
func (d *Daemon) Sent() []string {
	r := d.Requests()
	if len(r) == 0 {
		return nil
	}
	return r[1:]
}

func (d *Daemon) serve() {
	defer close(d.Done)
	rd := bufio.NewReader(d.Conn)
	for n := 0; ; n++ {
		req, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		req = strings.TrimSuffix(req, "\n")
		d.mu.Lock()
		d.got = append(d.got, req)
		d.gotAt = append(d.gotAt, time.Now())
		d.mu.Unlock()
		if d.delay != nil {
			time.Sleep(d.delay(n))
		}
		var out []byte
		if d.handler != nil && n > 0 {
			out = d.handle(req)
		} else {
			out = d.answer(req)
		}
		if _, err := d.Conn.Write(append(out, '\n')); err != nil {
			return
		}
		if !d.stay && bytes.Contains([]byte(req), []byte(`"command":"exit"`)) {
			time.Sleep(d.linger)
			d.mu.Lock()
			d.closedAt = time.Now()
			d.mu.Unlock()
			d.Conn.Close()
			return
		}
	}
}

// answer builds the reply of protocol.md section 3: a failing command is
// error, those before it cancelled, those after invalid.
func (d *Daemon) answer(req string) []byte {
	var b struct {
		Commands []map[string]any `json:"commands"`
	}
	if err := json.Unmarshal([]byte(req), &b); err != nil {
		return []byte(`{"results":[{"result":"error","error_details":{"message":"bad message format"}}]}`)
	}
	r := proto.Reply{Results: []proto.Result{}}
	failed := -1
	for i, c := range b.Commands {
		if c["command"] == "component" && d.failCore != "" && c["core_id"] == d.failCore {
			failed = i
			break
		}
	}
	for i, c := range b.Commands {
		switch {
		case failed < 0:
			r.Results = append(r.Results, proto.Result{Result: proto.Success})
		case i < failed:
			r.Results = append(r.Results, proto.Result{Result: proto.Cancelled})
		case i == failed:
			r.Results = append(r.Results, proto.Result{Result: proto.Failure, ErrorDetails: &proto.ErrorDetails{
				Message: "bad value(core_id): core " + d.failCore + " is not a worker lcore of this process"}})
		default:
			r.Results = append(r.Results, proto.Result{Result: proto.Invalid})
		}
		if failed >= 0 {
			continue
		}
		switch c["command"] {
		case proto.CmdProcess:
			id := d.ID
			r.ClientID, r.ProcessType = &id, d.Type
		case proto.CmdStatus:
			d.mu.Lock()
			grow := d.step * d.statuses
			d.statuses++
			d.mu.Unlock()
			if d.Type == proto.TypePrimary {
				pi := SamplePri
				pi.Ports = grown(pi.Ports, grow)
				r.Info = &pi
			} else {
				si := SampleSec
				if d.secStatus != nil {
					si = *d.secStatus
				}
				si.ClientID, si.ProcessType = d.ID, d.Type
				si.Ports = grown(si.Ports, grow)
				si.Core = append([]proto.CoreStatus(nil), si.Core...)
				for i := range si.Core {
					if si.Core[i].Type != proto.CoreUnuse {
						si.Core[i].Packets += grow
					}
				}
				r.Info = &si
			}
		}
	}
	out, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprint("test daemon: ", err))
	}
	return out
}

// handle decodes req as a daemon does (common/proto's reader) and answers
// with the handler's reply.
func (d *Daemon) handle(req string) []byte {
	r, err := proto.NewReader(lineConn{strings.NewReader(req)}).Next()
	if err != nil {
		return []byte(`{"results":[{"result":"error","error_details":{"message":"bad message format"}}]}`)
	}
	rep, _ := d.handler(r)
	out, err := json.Marshal(r.Shape(rep))
	if err != nil {
		panic(fmt.Sprint("test daemon: ", err))
	}
	return out
}

// lineConn is one request's bytes as proto.Reader reads them.
type lineConn struct{ *strings.Reader }

func (lineConn) SetReadDeadline(time.Time) error { return nil }

// WithHandler makes the daemon answer every request after the handshake
// with h, such as a common/engine Engine's Handle: the shell then talks to
// the real staging, flush and status logic.
func WithHandler(h func(*proto.Request) (proto.Reply, bool)) func(*Daemon) {
	return func(d *Daemon) { d.handler = h }
}

// grown is a copy of ports with every counter grown by n packets (and,
// where a port has byte counters, by 100 bytes a packet).
func grown(ports []proto.PortStatus, n uint64) []proto.PortStatus {
	out := append([]proto.PortStatus(nil), ports...)
	for i := range out {
		out[i].Rx += n
		out[i].Tx += n
		if p := out[i]; p.RxBytes != nil && p.TxBytes != nil {
			rx, tx := *p.RxBytes+100*n, *p.TxBytes+100*n // new values: the sample's are shared
			out[i].RxBytes, out[i].TxBytes = &rx, &tx
		}
	}
	return out
}

// Counting makes every rx, tx and packets counter of the status grow by
// step from one status reply to the next.
func Counting(step uint64) func(*Daemon) {
	return func(d *Daemon) { d.step = step }
}

// WithStatus makes a secondary answer status with si (its client id and
// type set to the daemon's).
func WithStatus(si proto.SecondaryInfo) func(*Daemon) {
	return func(d *Daemon) { d.secStatus = &si }
}

// Statuses is the number of status replies sent.
func (d *Daemon) Statuses() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return int(d.statuses)
}

// WithDelay holds back the reply to request n by delay(n).
func WithDelay(f func(n int) time.Duration) func(*Daemon) {
	return func(d *Daemon) { d.delay = f }
}

// FailingCore makes a component command on core fail, as a daemon rejects
// a core that is not one of its workers.
func FailingCore(core string) func(*Daemon) {
	return func(d *Daemon) { d.failCore = core }
}

// Mirror makes the daemon a spp_mirror.
func Mirror(d *Daemon) { d.Type = "mirror" }

// Staying makes the daemon answer exit and stay connected, so that a
// fuzz target's requests do not end it.
func Staying(d *Daemon) { d.stay = true }

// Received is the number of requests received, the handshake included.
func (d *Daemon) Received() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.got)
}

// Lingering keeps the connection open for l after the reply to exit.
func Lingering(l time.Duration) func(*Daemon) {
	return func(d *Daemon) { d.linger = l }
}

// ExitTimes returns when the daemon got exit (zero: never) and when it hung
// up after it.
func (d *Daemon) ExitTimes() (got, closed time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, r := range d.got {
		if strings.Contains(r, `"command":"exit"`) {
			got = d.gotAt[i]
		}
	}
	return got, d.closedAt
}
