package ctltest

// Small helpers of the ctl tests: a shared buffer, a poll, a free port,
// the port of an address.

import (
	"bytes"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// LockedBuffer collects output written from several goroutines.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WaitFor polls cond for up to 5 s.
func WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// FreePort returns a port nobody listens on (for spp's own -p/-s), never
// one it returned before in this test binary: the kernel may hand out a
// port just closed again, and a shell given the same port for -p and -s
// cannot listen on both.
func FreePort(t *testing.T) string {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !portsGiven[p] {
			portsGiven[p] = true
			return strconv.Itoa(p)
		}
	}
}

var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

// PortOf is the port of a HOST:PORT address (the daemons' controller
// addresses, for spp's -p and -s).
func PortOf(t *testing.T, addr string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
