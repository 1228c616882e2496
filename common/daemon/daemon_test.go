package daemon

import (
	"bufio"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/testenv"
)

// controller is the test's side: a loopback listener the daemon dials.
type controller struct {
	t  *testing.T
	ln net.Listener
}

func newController(t *testing.T) *controller {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &controller{t, ln}
}

// accept waits at most d for the daemon to connect.
func (c *controller) accept(d time.Duration) (net.Conn, *bufio.Reader) {
	c.t.Helper()
	c.ln.(*net.TCPListener).SetDeadline(time.Now().Add(d))
	conn, err := c.ln.Accept()
	if err != nil {
		c.t.Fatalf("daemon did not connect within %v: %v", d, err)
	}
	c.t.Cleanup(func() { conn.Close() })
	return conn, bufio.NewReader(conn)
}

func readLine(t *testing.T, conn net.Conn, r *bufio.Reader) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a reply: %v (got %q)", err, line)
	}
	return line
}

// expectClosed checks that the daemon closed the connection.
func expectClosed(t *testing.T, conn net.Conn, r *bufio.Reader) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("connection not closed: %q, %v", b, err)
	}
}

// echo answers every request with success and, in client_id, the request's
// sequence number; it records the command names it saw.
type echo struct {
	mu    sync.Mutex
	seen  []string
	delay time.Duration
}

func (e *echo) Handle(req *proto.Request) (proto.Reply, bool) {
	time.Sleep(e.delay)
	e.mu.Lock()
	defer e.mu.Unlock()
	var ns []string
	for _, c := range req.Commands {
		ns = append(ns, c.Name)
	}
	e.seen = append(e.seen, strings.Join(ns, ","))
	n := len(e.seen)
	rep := proto.SuccessReply(len(req.Commands))
	rep.ClientID = &n
	exit := len(ns) == 1 && ns[0] == "exit"
	return rep, exit
}

func (e *echo) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.seen)
}

// runResult is what Run returned.
type runResult struct {
	hangUp func()
	err    error
}

// start runs the daemon; closing the returned stop channel stops it, and
// done gets Run's result.
func start(t *testing.T, addr string, h Handler) (stop chan struct{}, done chan runResult, logs *testenv.Log) {
	stop, done, logs = make(chan struct{}), make(chan runResult, 1), &testenv.Log{}
	finished := make(chan struct{})
	go func() {
		hangUp, err := Run(addr, h, logs.Logf, stop)
		done <- runResult{hangUp, err}
		close(finished)
	}()
	t.Cleanup(func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		select {
		case <-finished:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after stop")
		}
	})
	return stop, done, logs
}

// Requests written back to back are run one at a time, in order, and
// answered in order, even when the handler is slow.
func TestServesInOrder(t *testing.T) {
	ctl := newController(t)
	h := &echo{delay: 20 * time.Millisecond}
	start(t, ctl.ln.Addr().String(), h)
	conn, r := ctl.accept(5 * time.Second)
	conn.Write([]byte(`{"commands":[{"command":"status"}]}{"commands":[{"command":"component","core_id":2,"type":"none"},{"command":"flush"}]}` +
		"\ncancel\n" + `{"commands":[]}`))
	want := []string{
		`{"results":[{"result":"success"}],"client_id":1}`,
		`{"results":[{"result":"success"},{"result":"success"}],"client_id":2}`,
		`{"results":[{"result":"success"}],"client_id":3}`,
		`{"results":[],"client_id":4}`,
	}
	for i, w := range want {
		if got := readLine(t, conn, r); got != w+"\n" {
			t.Fatalf("reply %d: %q, want %q", i, got, w)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if got := strings.Join(h.seen, " "); got != "status component,flush cancel " {
		t.Fatalf("handled %q", got)
	}
}

// The reply to the text command _get_client_id has no process_type, even
// when the handler answers it like the process command.
func TestGetClientIDShape(t *testing.T) {
	ctl := newController(t)
	id := 7
	start(t, ctl.ln.Addr().String(), HandlerFunc(func(req *proto.Request) (proto.Reply, bool) {
		rep := proto.SuccessReply(1)
		rep.ClientID, rep.ProcessType = &id, proto.TypeVF
		return rep, false
	}))
	conn, r := ctl.accept(5 * time.Second)
	conn.Write([]byte("_get_client_id"))
	if got, want := readLine(t, conn, r), `{"results":[{"result":"success"}],"client_id":7}`+"\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	conn.Write([]byte(`{"commands":[{"command":"process"}]}`))
	if got, want := readLine(t, conn, r), `{"results":[{"result":"success"}],"client_id":7,"process_type":"vf"}`+"\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// When the controller closes the connection, the daemon connects again
// within 2 s and serves the new connection.
func TestReconnectAfterClose(t *testing.T) {
	ctl := newController(t)
	h := &echo{}
	_, _, logs := start(t, ctl.ln.Addr().String(), h)
	conn, r := ctl.accept(5 * time.Second)
	conn.Write([]byte("status\n"))
	readLine(t, conn, r)
	conn.Close()
	closed := time.Now()
	conn2, r2 := ctl.accept(2 * time.Second)
	if el := time.Since(closed); el > 2*time.Second {
		t.Fatalf("reconnected after %v", el)
	}
	conn2.Write([]byte("flush\n"))
	if got := readLine(t, conn2, r2); got != `{"results":[{"result":"success"}],"client_id":2}`+"\n" {
		t.Fatalf("after reconnect: %q", got)
	}
	if !logs.Has("controller closed the connection") || !logs.Has("connected to controller") {
		t.Fatalf("logs: %q", logs.Lines())
	}
}

// A request that cannot be framed gets the bad message format reply, then
// the daemon closes the connection, runs nothing, and connects again.
func TestBadMessage(t *testing.T) {
	for _, msg := range []string{`{"commands":[1]}`, `{not json}`, `{"commands":"x"}` + "\n" + `{"commands":[{"command":"status"}]}`} {
		ctl := newController(t)
		h := &echo{}
		_, _, logs := start(t, ctl.ln.Addr().String(), h)
		conn, r := ctl.accept(5 * time.Second)
		conn.Write([]byte(msg))
		if got, want := readLine(t, conn, r), `{"results":[{"result":"error","error_details":{"message":"bad message format"}}]}`+"\n"; got != want {
			t.Fatalf("%s: got %q, want %q", msg, got, want)
		}
		expectClosed(t, conn, r)
		conn2, r2 := ctl.accept(2 * time.Second)
		if h.count() != 0 {
			t.Fatalf("%s: handler ran %d requests", msg, h.count())
		}
		conn2.Write([]byte("status"))
		readLine(t, conn2, r2)
		if !logs.Has("bad message from controller") {
			t.Fatalf("logs: %q", logs.Lines())
		}
	}
}

// A text command that is unknown or malformed fails alone; the connection
// stays open.
func TestBadTextKeepsConnection(t *testing.T) {
	ctl := newController(t)
	start(t, ctl.ln.Addr().String(), HandlerFunc(func(req *proto.Request) (proto.Reply, bool) {
		if err := req.Commands[0].Err(); err != nil {
			return proto.FailReply(1, 0, err), false
		}
		return proto.SuccessReply(1), false
	}))
	conn, r := ctl.accept(5 * time.Second)
	conn.Write([]byte("frobnicate\nstatus\n"))
	if got, want := readLine(t, conn, r), `{"results":[{"result":"error","error_details":{"message":"bad value(command): unknown command \"frobnicate\""}}]}`+"\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := readLine(t, conn, r); got != `{"results":[{"result":"success"}]}`+"\n" {
		t.Fatalf("got %q", got)
	}
}

// expectOpen checks that the connection is still open for d: a read sees
// neither data nor the end of the stream.
func expectOpen(t *testing.T, conn net.Conn, r *bufio.Reader, d time.Duration) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	if b, err := r.ReadByte(); err == nil || !isTimeout(err) {
		t.Fatalf("connection not open: read %q, %v", b, err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// exit: the reply is written, then Run returns nil with the connection still
// open; it stays open while the caller shuts down, and closes only when the
// caller hangs up. Then the daemon does not connect again.
func TestExit(t *testing.T) {
	ctl := newController(t)
	h := &echo{}
	_, done, logs := start(t, ctl.ln.Addr().String(), h)
	conn, r := ctl.accept(5 * time.Second)
	conn.Write([]byte(`{"commands":[{"command":"exit"}]}`))
	var res runResult
	select {
	case res = <-done:
		if res.err != nil {
			t.Fatalf("Run: %v", res.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after exit")
	}
	// Run has returned: the reply must already be there.
	if got := readLine(t, conn, r); got != `{"results":[{"result":"success"}],"client_id":1}`+"\n" {
		t.Fatalf("got %q", got)
	}
	// The caller's shutdown (ports, lcores, EAL in a real daemon) takes a
	// while; the controller must not see the daemon gone before it is over.
	var mu sync.Mutex
	shutDown := false
	go func() {
		time.Sleep(500 * time.Millisecond)
		mu.Lock()
		shutDown = true
		mu.Unlock()
		res.hangUp()
	}()
	expectOpen(t, conn, r, 300*time.Millisecond)
	expectClosed(t, conn, r)
	mu.Lock()
	if !shutDown {
		t.Fatal("the connection closed before the caller hung up")
	}
	mu.Unlock()
	res.hangUp() // a second call does no harm
	if !logs.Has("exit requested") {
		t.Errorf("logs: %q", logs.Lines())
	}
	// And it does not connect again.
	ctl.ln.(*net.TCPListener).SetDeadline(time.Now().Add(1500 * time.Millisecond))
	if c, err := ctl.ln.Accept(); err == nil {
		c.Close()
		t.Fatal("daemon connected again after exit")
	}
}

// With no controller, the daemon keeps trying every second; it connects
// once the controller is there.
func TestRetryUntilControllerStarts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	_, _, logs := start(t, addr, &echo{})
	time.Sleep(2500 * time.Millisecond) // two or three failed attempts
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	ctl := &controller{t, ln}
	t.Cleanup(func() { ln.Close() })
	conn, r := ctl.accept(2 * time.Second)
	conn.Write([]byte("status\n"))
	readLine(t, conn, r)
	if n := logs.Count("cannot connect"); n != 1 {
		t.Fatalf("%d 'cannot connect' log lines, want 1 per failure streak: %q", n, logs.Lines())
	}
}

// stopWithin closes stop: Run must return without error within a second.
func stopWithin(t *testing.T, stop chan struct{}, done <-chan runResult, while string) {
	t.Helper()
	close(stop)
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatal(res.err)
		}
		res.hangUp()
	case <-time.After(time.Second):
		t.Fatal("Run did not return after stop while " + while)
	}
}

// stop ends Run promptly, connected or not; a connection is closed by Run
// itself (hangUp is not needed, and does nothing).
func TestStop(t *testing.T) {
	ctl := newController(t)
	stop, done, _ := start(t, ctl.ln.Addr().String(), &echo{})
	conn, r := ctl.accept(5 * time.Second)
	stopWithin(t, stop, done, "connected")
	expectClosed(t, conn, r)

	ctl.ln.Close()
	stop, done, _ = start(t, ctl.ln.Addr().String(), &echo{})
	time.Sleep(100 * time.Millisecond)
	stopWithin(t, stop, done, "disconnected")
}

func TestBadAddress(t *testing.T) {
	hangUp, err := Run("localhost", &echo{}, nil, make(chan struct{}))
	if err == nil {
		t.Fatal("Run accepted an address with no port")
	}
	hangUp()
}

// OnSignal's stop closes at SIGTERM (sent here to the test binary, which
// OnSignal catches), logged; not before.
func TestOnSignal(t *testing.T) {
	var logs testenv.Log
	stop, release := OnSignal(logs.Logf)
	defer release()
	select {
	case <-stop:
		t.Fatal("stop closed with no signal")
	case <-time.After(100 * time.Millisecond):
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stop:
	case <-time.After(5 * time.Second):
		t.Fatal("stop not closed after SIGTERM")
	}
	if !logs.Has("terminated: stopping") {
		t.Errorf("logs: %q", logs.Lines())
	}
}
