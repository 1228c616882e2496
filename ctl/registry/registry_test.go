package registry_test

import (
	"bufio"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	. "github.com/spp-go/spp/ctl/registry"
)

// testRegistry is a registry on free ports with its events kept, and as
// the shell would print them (notes).
type testRegistry struct {
	reg              *Registry
	priAddr, secAddr string
	notes            *ctltest.LockedBuffer

	mu     sync.Mutex
	events []Event
}

func listen(t *testing.T) *testRegistry {
	t.Helper()
	tr := &testRegistry{notes: &ctltest.LockedBuffer{}}
	reg, err := Listen("127.0.0.1", 0, 0, func(e Event) {
		tr.mu.Lock()
		tr.events = append(tr.events, e)
		tr.mu.Unlock()
		tr.notes.Write([]byte(e.String() + "\n"))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	tr.reg = reg
	pa, sa := reg.Addrs()
	tr.priAddr, tr.secAddr = pa.String(), sa.String()
	return tr
}

// kinds returns the kinds of the events so far.
func (tr *testRegistry) kinds() []Kind {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var ks []Kind
	for _, e := range tr.events {
		ks = append(ks, e.Kind)
	}
	return ks
}

func (tr *testRegistry) event(i int) Event {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.events[i]
}

// Connections whose process reply is unusable are dropped, with a notice.
func TestHandshakeRejects(t *testing.T) {
	defer func(d time.Duration, b int) { ReplyTimeout, DropBurst = d, b }(ReplyTimeout, DropBurst)
	ReplyTimeout = 200 * time.Millisecond
	DropBurst = 100 // each drop's own notice here; summaries: limit_test.go
	ts := listen(t)
	for _, c := range []struct{ reply, notice string }{
		{`{"results":[{"result":"success"}],"client_id":1,"process_type":"primary"}`, "the primary on the secondary port"},
		{`{"results":[{"result":"success"}],"client_id":200,"process_type":"vf"}`, "client_id 200 is out of range"},
		{`{"results":[{"result":"success"}],"process_type":"vf"}`, "has no client_id"},
		{`{"results":[{"result":"error","error_details":{"message":"bad value(command)"}}]}`, "process: bad value(command)"},
		{`not json`, "unreadable reply"},
		{"", "did not answer within 200ms"},
	} {
		conn, err := net.Dial("tcp", ts.secAddr)
		if err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(conn)
		if req, err := rd.ReadString('\n'); err != nil || req != string(proto.EncodeBatch(proto.Process()))+"\n" {
			t.Fatalf("handshake %q %v", req, err)
		}
		if c.reply != "" {
			conn.Write([]byte(c.reply + "\n"))
		}
		ctltest.WaitFor(t, c.notice, func() bool {
			return strings.Contains(ts.notes.String(), "connection from "+conn.LocalAddr().String()+" dropped") &&
				strings.Contains(ts.notes.String(), c.notice)
		})
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := rd.ReadByte(); err == nil {
			t.Errorf("%s: connection not closed", c.notice)
		}
		conn.Close()
	}
	// A secondary on the primary port.
	conn, err := net.Dial("tcp", ts.priAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	bufio.NewReader(conn).ReadString('\n')
	conn.Write([]byte(`{"results":[{"result":"success"}],"client_id":1,"process_type":"vf"}` + "\n"))
	ctltest.WaitFor(t, "rejected", func() bool { return strings.Contains(ts.notes.String(), "process: a vf on the primary port") })
	if n := len(ts.reg.Processes()); n != 0 {
		t.Errorf("%d registered", n)
	}
}

// Joining, replacing and leaving are events with their kind (rest.md's
// event names), the process (type, id, peer) and, for a replacement, the
// process dropped; Lookup, Processes, Wait and WaitGone follow them.
func TestEvents(t *testing.T) {
	tr := listen(t)
	pri := ctltest.StartDaemon(t, tr.priAddr, 0, "primary")
	if tr.reg.Wait(Target{Primary: true}, 5*time.Second) == nil {
		t.Fatal("the primary did not register")
	}
	ctltest.WaitFor(t, "the primary's event", func() bool { return len(tr.kinds()) == 1 })
	d1 := ctltest.StartDaemon(t, tr.secAddr, 3, "vf")
	first := tr.reg.Wait(Target{ID: 3}, 5*time.Second)
	if first == nil {
		t.Fatal("sec 3 did not register")
	}
	ctltest.WaitFor(t, "two joined", func() bool { return len(tr.kinds()) == 2 })
	for i, d := range []*ctltest.Daemon{pri, d1} {
		e := tr.event(i)
		if e.Kind != Joined || e.Process.Peer != d.Conn.LocalAddr().String() ||
			e.Process.Type != d.Type || e.Process.ID != d.ID || e.Process.Primary != (d.Type == "primary") {
			t.Errorf("event %d: %+v, want joined of %s %d from %s", i, e, d.Type, d.ID, d.Conn.LocalAddr())
		}
	}
	if ps := tr.reg.Processes(); len(ps) != 2 || ps[0] != tr.reg.Lookup(Target{Primary: true}) || ps[1] != first {
		t.Errorf("processes %v", ps)
	}

	d2 := ctltest.StartDaemon(t, tr.secAddr, 3, "mirror")
	ctltest.WaitFor(t, "the replacement", func() bool { return len(tr.kinds()) == 3 })
	e := tr.event(2)
	if e.Kind != Replaced || e.Old != first || e.Process.Type != "mirror" ||
		e.Process.Peer != d2.Conn.LocalAddr().String() || tr.reg.Lookup(Target{ID: 3}) != e.Process {
		t.Errorf("replacement event %+v", e)
	}
	if left := tr.reg.WaitGone([]*Process{first}, time.Second); left != nil {
		t.Errorf("the replaced process is still registered")
	}

	second := e.Process
	d2.Close()
	if left := tr.reg.WaitGone([]*Process{second}, 5*time.Second); left != nil {
		t.Fatal("sec 3 still registered after it hung up")
	}
	ctltest.WaitFor(t, "the leave", func() bool { return len(tr.kinds()) == 4 })
	if e := tr.event(3); e.Kind != Left || e.Process != second || e.Err != nil {
		t.Errorf("leave event %+v", e)
	}
	// The replaced connection's end is no event of its own.
	time.Sleep(100 * time.Millisecond)
	if got, want := tr.kinds(), []Kind{Joined, Joined, Replaced, Left}; !reflect.DeepEqual(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if tr.reg.Wait(Target{ID: 3}, 100*time.Millisecond) != nil {
		t.Error("Wait found sec 3 gone")
	}
	// The kinds are the event names of rest.md's event stream.
	for k, name := range map[Kind]string{Joined: "joined", Replaced: "replaced", Left: "left"} {
		if string(k) != name {
			t.Errorf("event %q is called %q in rest.md", k, name)
		}
	}
}

// Concurrent Sends on one connection each get the reply to their own
// request, whatever the order they were written in.
func TestSendPairsReplies(t *testing.T) {
	tr := listen(t)
	ctltest.StartDaemon(t, tr.secAddr, 1, "vf")
	p := tr.reg.Wait(Target{ID: 1}, 5*time.Second)
	if p == nil {
		t.Fatal("sec 1 did not register")
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(status bool) {
			defer wg.Done()
			batch, hasInfo := `{"commands":[{"command":"flush"}]}`, false
			if status {
				batch, hasInfo = `{"commands":[{"command":"status"}]}`, true
			}
			raw, err := p.Send([]byte(batch), batch, ReplyTimeout)
			if err != nil {
				t.Error(err)
				return
			}
			if got := strings.Contains(string(raw), `"info"`); got != hasInfo {
				t.Errorf("%s got %s", batch, raw)
			}
		}(i%2 == 0)
	}
	wg.Wait()
}
