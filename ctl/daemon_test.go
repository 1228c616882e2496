package main

// In-process test daemons that speak protocol.md: read one batch per line
// (the shell ends each batch with "\n"), answer one JSON reply + "\n".

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// TestMain lets the pty test run this binary as spp itself.
func TestMain(m *testing.M) {
	if os.Getenv("SPP_CTL_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// sampleSec is the status of a vf as protocol.md section 4 shows it.
var sampleSec = proto.SecondaryInfo{
	ClientID: 1, ProcessType: "vf", MainLcore: 1, Staged: true,
	Ports: []proto.PortStatus{
		{Port: "nic0", Rx: 120, Tx: 98},
		{Port: "ring0", Rx: 60, Tx: 60},
		{Port: "vhost0", Rx: 40, Tx: 60, TxDrop: 3, Link: "up"},
	},
	Core: []proto.CoreStatus{
		{Core: 2, Name: "classifier2", Type: "classifier", RxPort: []string{"nic0"}, TxPort: []string{"ring0", "ring2"}, Packets: 120},
		{Core: 3, Type: "unuse"},
		{Core: 4, Name: "fw1", Type: "forward", RxPort: []string{"ring0"}, TxPort: []string{"vhost0"}, Packets: 60, Drops: 2},
	},
	ClassifierTable: []proto.ClassifierEntry{
		{Type: "mac", Value: "default", Port: "ring2"},
		{Type: "mac", Value: "52:54:00:12:34:56", Port: "ring0"},
	},
}

var samplePri = proto.PrimaryInfo{
	MainLcore: 0,
	Ports:     []proto.PortStatus{{Port: "nic0", Rx: 5, Tx: 6, RxDrop: 1}, {Port: "nic1"}},
	Rings:     []proto.RingStatus{{Ring: "ring0", Count: 3, Capacity: 127}, {Ring: "ring1", Capacity: 127}},
	Mempool:   proto.MempoolStatus{Name: "spp_mbuf_pool", Size: 8192, Available: 8000, InUse: 192},
}

// fakeDaemon is one daemon connection.
type fakeDaemon struct {
	conn net.Conn
	id   int
	typ  string // "primary", "vf", "mirror"
	// failCore makes a component command on that core_id fail, as a daemon
	// rejects a core that is not one of its workers.
	failCore string
	// delay, when set, is how long the reply to request number n (0: the
	// handshake) is held back.
	delay func(n int) time.Duration
	// linger is how long the connection stays open after the reply to exit,
	// as a real daemon keeps it while it releases its ports.
	linger time.Duration

	mu       sync.Mutex
	got      []string    // every request, as received
	gotAt    []time.Time // when each came
	closedAt time.Time   // when the daemon hung up after exit
	done     chan struct{}
}

// startDaemon dials addr (retrying, as daemons do) and serves until closed.
func startDaemon(t *testing.T, addr string, id int, typ string, opts ...func(*fakeDaemon)) *fakeDaemon {
	t.Helper()
	d := &fakeDaemon{id: id, typ: typ, done: make(chan struct{})}
	for _, o := range opts {
		o(d)
	}
	var err error
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if d.conn, err = net.Dial("tcp", addr); err == nil || time.Now().After(end) {
			break
		}
	}
	if err != nil {
		t.Fatalf("daemon cannot connect: %v", err)
	}
	t.Cleanup(d.close)
	go d.serve()
	return d
}

func (d *fakeDaemon) close() { d.conn.Close() }

func (d *fakeDaemon) requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.got...)
}

// sent returns the requests after the handshake.
func (d *fakeDaemon) sent() []string {
	r := d.requests()
	if len(r) == 0 {
		return nil
	}
	return r[1:]
}

func (d *fakeDaemon) serve() {
	defer close(d.done)
	rd := bufio.NewReader(d.conn)
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
		out := d.answer(req)
		if _, err := d.conn.Write(append(out, '\n')); err != nil {
			return
		}
		if bytes.Contains([]byte(req), []byte(`"command":"exit"`)) {
			time.Sleep(d.linger)
			d.mu.Lock()
			d.closedAt = time.Now()
			d.mu.Unlock()
			d.conn.Close()
			return
		}
	}
}

// answer builds the reply of protocol.md section 3: a failing command is
// error, those before it cancelled, those after invalid.
func (d *fakeDaemon) answer(req string) []byte {
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
		case "process":
			id := d.id
			r.ClientID, r.ProcessType = &id, d.typ
		case "status":
			if d.typ == "primary" {
				pi := samplePri
				r.Info = &pi
			} else {
				si := sampleSec
				si.ClientID, si.ProcessType = d.id, d.typ
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

// testShell is a non-interactive shell on free ports, its output captured.
type testShell struct {
	*Shell
	out, errw *bytes.Buffer
	notes     *lockedBuffer
	priAddr   string
	secAddr   string
}

func newTestShell(t *testing.T) *testShell {
	t.Helper()
	ts := &testShell{out: &bytes.Buffer{}, errw: &bytes.Buffer{}, notes: &lockedBuffer{}}
	ts.Shell = &Shell{out: ts.out, errw: ts.errw, con: &console{w: ts.notes}}
	srv, err := Listen("127.0.0.1", 0, 0, ts.con.announce)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts.srv = srv
	pa, sa := srv.Addrs()
	ts.priAddr, ts.secAddr = pa.String(), sa.String()
	return ts
}

// sec connects a vf (or mirror) with client id id and waits until it is
// registered.
func (ts *testShell) sec(t *testing.T, id int, opts ...func(*fakeDaemon)) *fakeDaemon {
	t.Helper()
	d := startDaemon(t, ts.secAddr, id, "vf", opts...)
	if ts.srv.Wait(target{id: id}, 5*time.Second) == nil {
		t.Fatalf("sec %d did not register", id)
	}
	return d
}

func (ts *testShell) pri(t *testing.T) *fakeDaemon {
	t.Helper()
	d := startDaemon(t, ts.priAddr, 0, "primary")
	if ts.srv.Wait(target{pri: true}, 5*time.Second) == nil {
		t.Fatal("primary did not register")
	}
	return d
}

// script runs text as a command file.
func (ts *testShell) script(text string) bool {
	return ts.runScript(strings.NewReader(text), "t")
}

// withDelay holds back the reply to request n by delay(n).
func withDelay(f func(n int) time.Duration) func(*fakeDaemon) {
	return func(d *fakeDaemon) { d.delay = f }
}

func failingCore(core string) func(*fakeDaemon) {
	return func(d *fakeDaemon) { d.failCore = core }
}

func mirrorType(d *fakeDaemon) { d.typ = "mirror" }

// lingering keeps the connection open for l after the reply to exit.
func lingering(l time.Duration) func(*fakeDaemon) {
	return func(d *fakeDaemon) { d.linger = l }
}

// exitTimes returns when the daemon got exit (zero: never) and when it hung
// up after it.
func (d *fakeDaemon) exitTimes() (got, closed time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, r := range d.got {
		if strings.Contains(r, `"command":"exit"`) {
			got = d.gotAt[i]
		}
	}
	return got, d.closedAt
}
