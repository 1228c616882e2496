package registry

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// timedEvents is a registry's events as a consumer prints them, each with
// when it came.
type timedEvents struct {
	mu    sync.Mutex
	lines []string
	at    []time.Time
	drops int // connections the events account for
}

func (te *timedEvents) add(e Event) {
	te.mu.Lock()
	defer te.mu.Unlock()
	te.lines = append(te.lines, e.String())
	te.at = append(te.at, time.Now())
	if e.Kind == Rejected {
		te.drops += max(e.Count, 1)
	}
}

func (te *timedEvents) counted() int {
	te.mu.Lock()
	defer te.mu.Unlock()
	return te.drops
}

// flood opens n connections to addr and reads the process request on
// each; hangUp closes each at once, else they stay silent.
func flood(t *testing.T, addr string, n int, hangUp bool) {
	t.Helper()
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if hangUp {
			bufio.NewReader(c).ReadString('\n')
			c.Close()
		} else {
			t.Cleanup(func() { c.Close() })
		}
	}
}

// Issue 16 item 2: 500 connections that never answer `process` make a few
// lines, not 500. Every drop is accounted for (the lines' counts add up to
// 500); at most DropBurst drops get a line of their own; the rest come as
// "N more connections dropped in the last W s: no answer to process"; and
// no span of one window holds more than DropBurst+1 lines. Once the flood
// is over, a drop has its own line again.
func TestDropsSummarised(t *testing.T) {
	defer func(r, w time.Duration, b int) { ReplyTimeout, DropWindow, DropBurst = r, w, b }(ReplyTimeout, DropWindow, DropBurst)
	ReplyTimeout, DropWindow, DropBurst = 100*time.Millisecond, 500*time.Millisecond, 3
	te := &timedEvents{}
	reg, err := Listen("127.0.0.1", 0, 0, te.add)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	_, sec := reg.Addrs()

	flood(t, sec.String(), 500, false)
	deadline := time.Now().Add(20 * time.Second)
	for te.counted() < 500 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(2 * DropWindow) // nothing more comes
	checkFlood(t, te)

	// The flood is over: a drop a quiet window later has its own line.
	flood(t, sec.String(), 1, false)
	deadline = time.Now().Add(5 * time.Second)
	for te.counted() < 501 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	te.mu.Lock()
	defer te.mu.Unlock()
	if last := te.lines[len(te.lines)-1]; te.drops != 501 || !strings.HasPrefix(last, "connection from ") {
		t.Errorf("a drop after the flood: %d drops, last line %q", te.drops, last)
	}
}

func checkFlood(t *testing.T, te *timedEvents) {
	t.Helper()
	te.mu.Lock()
	defer te.mu.Unlock()
	t.Logf("%d lines for 500 drops:\n%s", len(te.lines), strings.Join(te.lines, "\n"))
	if te.drops != 500 {
		t.Fatalf("the lines account for %d drops, want 500", te.drops)
	}
	own, summaries := 0, 0
	for _, l := range te.lines {
		switch {
		case strings.HasPrefix(l, "connection from ") && strings.HasSuffix(l, " dropped: process: did not answer within 100ms"):
			own++
		case strings.Contains(l, " connections dropped in the last 0.5 s: no answer to process"):
			summaries++
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	if own > DropBurst || summaries == 0 {
		t.Errorf("%d drops with a line of their own (at most %d), %d summaries", own, DropBurst, summaries)
	}
	for i := range te.at {
		n := 0
		for j := i; j < len(te.at) && te.at[j].Sub(te.at[i]) < DropWindow; j++ {
			n++
		}
		if n > DropBurst+1 {
			t.Errorf("%d lines within %v from line %d", n, DropWindow, i)
		}
	}
}

// Peers that hang up are summarised under their own reason, and Close
// sends what the open window has counted (nothing comes after Close).
func TestDropsFlushedAtClose(t *testing.T) {
	defer func(w time.Duration, b int) { DropWindow, DropBurst = w, b }(DropWindow, DropBurst)
	DropWindow, DropBurst = time.Minute, 3
	te := &timedEvents{}
	reg, err := Listen("127.0.0.1", 0, 0, te.add)
	if err != nil {
		t.Fatal(err)
	}
	_, sec := reg.Addrs()
	flood(t, sec.String(), 20, true)
	deadline := time.Now().Add(5 * time.Second)
	for te.counted() < DropBurst && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the other 17 are counted, not sent
	reg.Close()
	te.mu.Lock()
	lines := append([]string{}, te.lines...)
	te.mu.Unlock()
	want := fmt.Sprintf("%d more connections dropped in the last 60 s: hung up before answering process", 20-DropBurst)
	if len(lines) != DropBurst+1 || lines[DropBurst] != want {
		t.Fatalf("lines:\n%s\nwant %d of their own, then %q", strings.Join(lines, "\n"), DropBurst, want)
	}
	time.Sleep(100 * time.Millisecond)
	if te.counted() != 20 || len(te.lines) != DropBurst+1 {
		t.Errorf("after Close: %d lines, %d drops", len(te.lines), te.counted())
	}
}
