package client

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// notes collects what the callbacks were told.
type notes struct {
	mu     sync.Mutex
	lines  []string
	closed chan error
}

func newNotes() *notes { return &notes{closed: make(chan error, 1)} }

func (n *notes) add(s string) {
	n.mu.Lock()
	n.lines = append(n.lines, s)
	n.mu.Unlock()
}

func (n *notes) get() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.lines...)
}

func (n *notes) options(name string) Options {
	return Options{
		Name:    name,
		Late:    func(what string, reply []byte) { n.add("late " + what + " " + string(reply)) },
		Unasked: func(reply []byte) { n.add("unasked " + string(reply)) },
		Closed:  func(why error) { n.closed <- why },
	}
}

// daemon is the far end of a net.Pipe: it reads request lines and answers
// each with what answer returns ("" for no answer), in order.
func daemon(t *testing.T, answer func(n int, req string) string) (*Client, *notes, net.Conn) {
	t.Helper()
	near, far := net.Pipe()
	t.Cleanup(func() { near.Close(); far.Close() })
	go func() {
		r := bufio.NewReader(far)
		for n := 0; ; n++ {
			req, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if a := answer(n, strings.TrimSuffix(req, "\n")); a != "" {
				if _, err := io.WriteString(far, a+"\n"); err != nil {
					return
				}
			}
		}
	}()
	ns := newNotes()
	c := New(near, ns.options("sec 1"))
	t.Cleanup(c.Close)
	return c, ns, far
}

func echo(n int, req string) string {
	return fmt.Sprintf(`{"results":[],"n":%d,"req":%q}`, n, req)
}

// Replies are paired with requests in order, also when several goroutines
// send at once: each caller gets the reply to its own request.
func TestOrder(t *testing.T) {
	c, ns, _ := daemon(t, echo)
	for i := 0; i < 3; i++ {
		req := fmt.Sprintf(`{"commands":[],"i":%d}`, i)
		got, err := c.Send([]byte(req), "r", time.Second)
		if want := echo(i, req); err != nil || string(got) != want {
			t.Fatalf("request %d: %s %v, want %s", i, got, err, want)
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := fmt.Sprintf(`{"commands":[],"g":%d}`, i)
			got, err := c.Send([]byte(req), "r", 5*time.Second)
			if err != nil || !strings.Contains(string(got), fmt.Sprintf(`"req":%q`, req)) {
				t.Errorf("goroutine %d: %s %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	if n := ns.get(); len(n) != 0 {
		t.Errorf("notes %v", n)
	}
}

// A request already ending in "\n" is sent as it is: one line, one reply.
func TestNewlineNotDoubled(t *testing.T) {
	c, ns, _ := daemon(t, echo)
	for i := 0; i < 2; i++ {
		if got, err := c.Send([]byte("{}\n"), "r", time.Second); err != nil || string(got) != echo(i, "{}") {
			t.Fatalf("%d: %s %v", i, got, err)
		}
	}
	if n := ns.get(); len(n) != 0 {
		t.Errorf("notes %v (an empty line was sent?)", n)
	}
}

// A reply that comes after its call gave up goes to Late, never to the
// next call; a reply nobody asked for goes to Unasked.
func TestTimeoutAndLateReply(t *testing.T) {
	release := make(chan struct{})
	c, ns, far := daemon(t, func(n int, req string) string {
		if n == 0 {
			<-release
		}
		return echo(n, req)
	})
	start := time.Now()
	_, err := c.Send([]byte("slow"), "the slow one", 100*time.Millisecond)
	if err == nil || err.Error() != "sec 1 did not answer within 100ms" {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	close(release)
	got, err := c.Send([]byte("next"), "next", time.Second)
	if err != nil || string(got) != echo(1, "next") {
		t.Fatalf("next: %s %v (the late reply taken for it?)", got, err)
	}
	if n := ns.get(); len(n) != 1 || n[0] != "late the slow one "+echo(0, "slow") {
		t.Fatalf("notes %v", n)
	}
	io.WriteString(far, `{"results":[]}`+"\n")
	deadline := time.Now().Add(2 * time.Second)
	for len(ns.get()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := ns.get(); len(n) != 2 || n[1] != `unasked {"results":[]}` {
		t.Fatalf("notes %v", n)
	}
}

// The daemon leaving fails a waiting call at once, Closed is told (nil:
// a clean end), Done closes, and later Sends fail.
func TestConnectionLoss(t *testing.T) {
	got := make(chan struct{})
	c, ns, far := daemon(t, func(n int, req string) string {
		close(got)
		return ""
	})
	go func() { <-got; far.Close() }()
	start := time.Now()
	_, err := c.Send([]byte("flush"), "flush", time.Hour)
	if err == nil || err.Error() != "sec 1 disconnected before answering" {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
	if why := <-ns.closed; why != nil {
		t.Fatalf("Closed(%v), want nil", why)
	}
	select {
	case <-c.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("Done not closed")
	}
	if _, err := c.Send([]byte("status"), "status", time.Second); err == nil || err.Error() != "sec 1 is not connected" {
		t.Fatalf("send after loss: %v", err)
	}
}

// A reply that is not one JSON value breaks the stream: the call fails
// with why, and so does the connection.
func TestUnreadableReply(t *testing.T) {
	for _, bad := range []string{"not json", `{"results":[]}{"results":[]}`, " "} {
		c, ns, _ := daemon(t, func(int, string) string { return bad })
		_, err := c.Send([]byte("status"), "status", 5*time.Second)
		if err == nil || !strings.HasPrefix(err.Error(), "sec 1: unreadable reply: ") {
			t.Errorf("%q: err %v", bad, err)
		}
		if why := <-ns.closed; why == nil || !strings.HasPrefix(why.Error(), "unreadable reply: ") || c.Err() != why {
			t.Errorf("%q: Closed(%v), Err %v", bad, why, c.Err())
		}
	}
}

// A daemon that answers before it has read the whole request, then
// closes (a request too large), is still heard.
func TestAnswerBeforeWholeRequest(t *testing.T) {
	near, far := net.Pipe()
	defer far.Close()
	go func() {
		buf := make([]byte, 16)
		io.ReadFull(far, buf)
		io.WriteString(far, `{"results":[{"result":"error"}]}`+"\n")
		far.Close()
	}()
	c := New(near, Options{})
	defer c.Close()
	got, err := c.Send([]byte(strings.Repeat("x", 1<<16)), "big", 5*time.Second)
	if err != nil || string(got) != `{"results":[{"result":"error"}]}` {
		t.Fatalf("%s %v", got, err)
	}
}

// With no name, errors say nothing in its place.
func TestNoName(t *testing.T) {
	near, far := net.Pipe()
	defer far.Close()
	c := New(near, Options{})
	defer c.Close()
	go io.Copy(io.Discard, far)
	if _, err := c.Send([]byte("x"), "x", 50*time.Millisecond); err == nil || err.Error() != "did not answer within 50ms" {
		t.Fatalf("timeout: %v", err)
	}
	c.SetName("pri")
	if _, err := c.Send([]byte("x"), "x", 50*time.Millisecond); err == nil || err.Error() != "pri did not answer within 50ms" {
		t.Fatalf("after SetName: %v", err)
	}
}

func TestParse(t *testing.T) {
	r, err := Parse([]byte(`{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":"bad value(core_id)"}},{"result":"invalid"}]}`))
	if err != nil || r.OK() || r.FirstError() != "bad value(core_id)" {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = Parse([]byte(`{"results":[{"result":"success"}],"client_id":3,"process_type":"vf","info":{"client_id":3,"process_type":"vf","main_lcore":1,"staged":true,"ports":[{"port":"ring0","rx":5,"tx":6,"rx_drop":0,"tx_drop":1}],"core":[{"core":2,"type":"unuse"}]}}`))
	if err != nil || !r.OK() || r.FirstError() != "" || *r.ClientID != 3 || r.ProcessType != "vf" {
		t.Fatalf("%+v %v", r, err)
	}
	in, err := r.SecondaryInfo()
	if err != nil || !in.Staged || in.Ports[0].Tx != 6 || in.Core[0].Type != "unuse" {
		t.Fatalf("%+v %v", in, err)
	}
	if _, err := Parse([]byte(`[`)); err == nil {
		t.Fatal("bad JSON parsed")
	}
	r, _ = Parse([]byte(`{"results":[]}`))
	if _, err := r.PrimaryInfo(); err == nil {
		t.Fatal("no info read as a status")
	}
}
