package shell

import (
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// The shell sends process first and registers what the reply says.
func TestHandshake(t *testing.T) {
	ts := newTestShell(t)
	s := ts.reg.Sec(t, 7, ctltest.Mirror)
	p := ts.reg.Pri(t)
	const processBatch = `{"commands":[{"command":"process"}]}` // the handshake
	for _, d := range []*ctltest.Daemon{s, p} {
		if r := d.Requests(); len(r) != 1 || r[0] != processBatch {
			t.Errorf("first requests %q, want just %s", r, processBatch)
		}
	}
	sp := ts.reg.Lookup(registry.Target{ID: 7})
	if sp.Type != "mirror" || sp.ID != 7 || sp.Peer != s.Conn.LocalAddr().String() || sp.Since.IsZero() {
		t.Errorf("registered %+v", sp)
	}
	pp := ts.reg.Lookup(registry.Target{Primary: true})
	if pp.Type != "primary" || !pp.Primary || pp.Peer != p.Conn.LocalAddr().String() {
		t.Errorf("registered %+v", pp)
	}
	ctltest.WaitFor(t, "announcements", func() bool {
		n := ts.notes.String()
		return strings.Contains(n, "sec 7 (mirror) connected from "+sp.Peer) && strings.Contains(n, "primary connected from "+pp.Peer)
	})
	// The shell's status lists both.
	if !ts.typed("status") {
		t.Fatal(ts.errw)
	}
	out := ts.out.String()
	ctltest.Contains(t, "status", out, "| pri ", "| primary", "| sec 7 ", "| mirror", sp.Peer, pp.Peer)
}

// A second connection with a client id in use replaces the first, with a
// warning naming both peers; the first is dropped.
func TestDuplicateIDReplaces(t *testing.T) {
	ts := newTestShell(t)
	d1 := ts.reg.Sec(t, 1)
	first := ts.reg.Lookup(registry.Target{ID: 1})
	d2 := ctltest.StartDaemon(t, ts.reg.SecAddr, 1, "vf")
	ctltest.WaitFor(t, "replacement", func() bool {
		p := ts.reg.Lookup(registry.Target{ID: 1})
		return p != nil && p != first
	})
	warn := "warning: sec 1 (vf) from " + d2.Conn.LocalAddr().String() + " replaces sec 1 (vf) from " + d1.Conn.LocalAddr().String()
	ctltest.WaitFor(t, "the warning", func() bool { return strings.Contains(ts.notes.String(), warn) })
	select {
	case <-d1.Done: // the shell closed it
	case <-time.After(5 * time.Second):
		t.Fatal("first connection still open")
	}
	if !ts.typed("sec 1;flush") {
		t.Fatal(ts.errw)
	}
	if len(d1.Sent()) != 0 || len(d2.Sent()) != 2 { // the flush, and the status after it
		t.Errorf("sent to old %q, new %q", d1.Sent(), d2.Sent())
	}
	if n := len(ts.reg.Processes()); n != 1 {
		t.Errorf("%d processes registered", n)
	}
	// The old one going away does not unregister the new one, nor is it
	// announced as sec 1 leaving.
	if strings.Contains(ts.notes.String(), "disconnected") {
		t.Errorf("notes: %s", ts.notes)
	}
	// The new one leaving is announced and unregisters.
	d2.Close()
	ctltest.WaitFor(t, "unregistered", func() bool { return ts.reg.Lookup(registry.Target{ID: 1}) == nil })
	ctltest.WaitFor(t, "the leave notice", func() bool { return strings.Contains(ts.notes.String(), "sec 1 (vf) disconnected") })
}

// A daemon that does not answer in time: the command is reported, the shell
// goes on, and the late reply is announced and thrown away, never taken as
// the answer to the next command.
func TestReplyTimeout(t *testing.T) {
	defer func(d time.Duration) { registry.ReplyTimeout = d }(registry.ReplyTimeout)
	registry.ReplyTimeout = 400 * time.Millisecond
	ts := newTestShell(t)
	d := ts.reg.Sec(t, 1, ctltest.WithDelay(func(n int) time.Duration {
		if n == 1 { // the first request after the handshake
			return 600 * time.Millisecond
		}
		return 0
	}))
	ts.failsAfter(t, "sec 1;status", 350*time.Millisecond, 580*time.Millisecond, "sec 1 did not answer within 400ms")
	// The next command gets its own reply (success, no status table), after
	// the late one has come in.
	ts.errw.Reset()
	if !ts.typed("sec 1;flush") {
		t.Fatalf("flush failed: %s", ts.errw)
	}
	if strings.Contains(ts.out.String(), "CORE") {
		t.Errorf("the late status reply was taken as flush's:\n%s", ts.out)
	}
	ctltest.WaitFor(t, "late notice", func() bool {
		return strings.Contains(ts.notes.String(), `late reply from sec 1 to "sec 1;status" ignored: {"results":[{"result":"success"}],"info":`)
	})
	if got := d.Sent(); len(got) != 3 || got[2] != flushStatus { // status, flush, the status after the flush
		t.Errorf("sent %q", got)
	}
	// Still registered and usable.
	if !ts.typed("sec 1;status") || !strings.Contains(ts.out.String(), "| CORE") {
		t.Errorf("status after the timeout: %s %s", ts.out, ts.errw)
	}
}

// A batch with a flush waits registry.FlushTimeout (the daemon may take 10 s to
// switch its lcores), other batches registry.ReplyTimeout: typed, in a command file,
// and as a raw batch. Proved with replies held back longer than
// registry.ReplyTimeout and shorter than registry.FlushTimeout.
func TestFlushTimeout(t *testing.T) {
	defer func(r, f time.Duration) { registry.ReplyTimeout, registry.FlushTimeout = r, f }(registry.ReplyTimeout, registry.FlushTimeout)
	registry.ReplyTimeout, registry.FlushTimeout = 300*time.Millisecond, 3*time.Second
	ts := newTestShell(t)
	ts.reg.Sec(t, 1, ctltest.WithDelay(func(n int) time.Duration {
		if n == 0 { // the handshake
			return 0
		}
		return 600 * time.Millisecond
	}))
	for _, cmd := range []string{
		"sec 1;flush",
		`sec 1;{"commands":[{"command":"cancel"},{"command":"flush"}]}`,
	} {
		ts.errw.Reset()
		if !ts.typed(cmd) {
			t.Errorf("%s: %s", cmd, ts.errw)
		}
	}
	if !ts.Shell.RunScript(strings.NewReader("sec 1;component 2 none\nsec 1;flush\n"), "file") {
		t.Errorf("file: %s", ts.errw)
	}
	if ts.typed("sec 1;cancel") || !strings.Contains(ts.errw.String(), "sec 1 did not answer within 300ms") {
		t.Errorf("cancel waited for its late reply: %s", ts.errw)
	}
}

// A reply nobody asked for is announced and ignored.
func TestUnaskedReply(t *testing.T) {
	ts := newTestShell(t)
	d := ts.reg.Sec(t, 1)
	d.Conn.Write([]byte(`{"results":[{"result":"success"}]}` + "\n"))
	ctltest.WaitFor(t, "notice", func() bool { return strings.Contains(ts.notes.String(), "sec 1 sent a reply nobody asked for") })
	if !ts.typed("sec 1;status") || !strings.Contains(ts.out.String(), "| CORE") {
		t.Errorf("status: %s %s", ts.out, ts.errw)
	}
}

// A daemon leaving while a command waits: the command fails at once.
func TestDisconnectWhileWaiting(t *testing.T) {
	ts := newTestShell(t)
	d := ts.reg.Sec(t, 1, ctltest.WithDelay(func(n int) time.Duration {
		if n == 1 {
			return time.Hour
		}
		return 0
	}))
	go func() {
		ctltest.WaitFor(t, "request", func() bool { return len(d.Sent()) == 1 })
		d.Close()
	}()
	start := time.Now()
	if ts.typed("sec 1;flush") {
		t.Fatal("flush succeeded")
	}
	if time.Since(start) > 3*time.Second {
		t.Error("waited for the timeout")
	}
	if e := ts.errw.String(); e != "sec 1;flush: sec 1 disconnected before answering\n" {
		t.Errorf("error %q", e)
	}
}

// wait blocks until the process is connected, or fails at its timeout.
func TestWait(t *testing.T) {
	ts := newTestShell(t)
	ts.failsAfter(t, "wait sec 3 0.2", 200*time.Millisecond, 2*time.Second, "sec 3 did not connect within 200ms")
	done := make(chan bool)
	go func() { done <- ts.typed("wait sec 3 5s") }()
	time.Sleep(100 * time.Millisecond)
	ctltest.StartDaemon(t, ts.reg.SecAddr, 3, "vf")
	if !<-done {
		t.Errorf("wait failed: %s", ts.errw)
	}
	go func() { done <- ts.typed("wait pri") }()
	ctltest.StartDaemon(t, ts.reg.PriAddr, 0, "primary")
	if !<-done {
		t.Errorf("wait pri failed: %s", ts.errw)
	}
}

// bye sec / bye all send exit to every secondary / and the primary.
func TestBye(t *testing.T) {
	for _, c := range []struct {
		typed      string
		secs, pris int
	}{{"bye", 0, 0}, {"bye sec", 1, 0}, {"bye all", 1, 1}} {
		ts := newTestShell(t)
		s1, s2, p := ts.reg.Sec(t, 1), ts.reg.Sec(t, 2), ts.reg.Pri(t)
		if !ts.typed(c.typed) || !ts.quit {
			t.Fatalf("%s: %s quit=%v", c.typed, ts.errw, ts.quit)
		}
		for _, d := range []*ctltest.Daemon{s1, s2} {
			if got := d.Sent(); len(got) != c.secs || c.secs == 1 && got[0] != `{"commands":[{"command":"exit"}]}` {
				t.Errorf("%s: secondary got %q", c.typed, got)
			}
		}
		if got := p.Sent(); len(got) != c.pris {
			t.Errorf("%s: primary got %q", c.typed, got)
		}
	}
}

// bye all, with secondaries that take a while to release their ports (they
// keep the connection open 300 and 500 ms after the reply to exit, as real
// ones do): the primary gets exit only after both hung up, and bye all
// returns only after the primary hung up too.
func TestByeAllWaitsForSecondaries(t *testing.T) {
	ts := newTestShell(t)
	s1 := ts.reg.Sec(t, 1, ctltest.Lingering(300*time.Millisecond))
	s2 := ts.reg.Sec(t, 2, ctltest.Lingering(500*time.Millisecond))
	p := ctltest.StartDaemon(t, ts.reg.PriAddr, 0, "primary", ctltest.Lingering(200*time.Millisecond))
	if ts.reg.Wait(registry.Target{Primary: true}, 5*time.Second) == nil {
		t.Fatal("primary did not register")
	}
	if !ts.typed("bye all") || !ts.quit {
		t.Fatalf("bye all: %s", ts.errw)
	}
	returned := time.Now()
	priGot, priClosed := p.ExitTimes()
	if priGot.IsZero() || priClosed.IsZero() {
		t.Fatalf("the primary got %q", p.Sent())
	}
	for _, d := range []*ctltest.Daemon{s1, s2} {
		got, closed := d.ExitTimes()
		if got.IsZero() || closed.IsZero() {
			t.Fatalf("sec %d got %q", d.ID, d.Sent())
		}
		if !priGot.After(closed) {
			t.Errorf("the primary got exit %v before sec %d hung up", closed.Sub(priGot), d.ID)
		}
	}
	if returned.Before(priClosed) {
		t.Errorf("bye all returned %v before the primary hung up", priClosed.Sub(returned))
	}
	if ts.errw.Len() != 0 {
		t.Errorf("errors: %s", ts.errw)
	}
}

// A secondary that stays connected after its exit reply: bye all waits
// byeWait for it, says so, stops the primary anyway and fails; bye sec
// likewise fails.
func TestByeSecondaryStaysConnected(t *testing.T) {
	defer func(d time.Duration) { byeWait = d }(byeWait)
	byeWait = 300 * time.Millisecond
	for _, c := range []struct{ typed, want string }{
		{"bye all", "bye: sec 1: still connected 300ms after its exit reply; stopping the primary anyway\n"},
		{"bye sec", "bye: sec 1: still connected 300ms after its exit reply\n"},
	} {
		ts := newTestShell(t)
		ts.reg.Sec(t, 1, ctltest.Lingering(5*time.Second))
		s2 := ts.reg.Sec(t, 2)
		p := ts.reg.Pri(t)
		start := time.Now()
		if ts.typed(c.typed) {
			t.Errorf("%s succeeded", c.typed)
		}
		if el := time.Since(start); el < byeWait || el > 2*time.Second {
			t.Errorf("%s took %v", c.typed, el)
		}
		if got := ts.errw.String(); got != c.want {
			t.Errorf("%s: errors %q, want %q", c.typed, got, c.want)
		}
		if got, _ := s2.ExitTimes(); got.IsZero() {
			t.Errorf("%s: sec 2 got %q", c.typed, s2.Sent())
		}
		if got, _ := p.ExitTimes(); got.IsZero() != (c.typed == "bye sec") {
			t.Errorf("%s: the primary got %q", c.typed, p.Sent())
		}
	}
}
