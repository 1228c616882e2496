package testenv

import (
	"bufio"
	"debug/buildinfo"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBinFromSPPBIN(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "spp_x"), []byte("#!/bin/sh\n"), 0o755)
	t.Setenv("SPP_BIN", dir)
	if got := Bin(t, "spp_x"); got != filepath.Join(dir, "spp_x") {
		t.Fatalf("Bin = %s", got)
	}
}

// The DPDK daemons the tests run are built with Go's heap at its fixed base:
// with the randomized base of Go 1.26, about one secondary in a thousand
// fails EAL init, its heap in the way of the primary's memory
// (common/dpdk/heapbase.go).
func TestDaemonsFixedHeapBase(t *testing.T) {
	for _, name := range []string{"spp_primary", "spp_vf", "spp_mirror"} {
		info, err := buildinfo.ReadFile(Bin(t, name))
		if err != nil {
			t.Fatal(err)
		}
		exp := ""
		for _, s := range info.Settings {
			if s.Key == "GOEXPERIMENT" {
				exp = s.Value
			}
		}
		if !strings.Contains(exp, "norandomizedheapbase64") {
			t.Errorf("%s built with GOEXPERIMENT=%q: want norandomizedheapbase64 (build with make build)", name, exp)
		}
	}
}

func TestPrefixUniqueAndRemoved(t *testing.T) {
	var p1, p2 string
	t.Run("inner", func(t *testing.T) {
		p1, p2 = Prefix(t), Prefix(t)
		if os.Geteuid() == 0 {
			os.MkdirAll("/var/run/dpdk/"+p1, 0o700)
			os.WriteFile("/dev/hugepages/"+p1+"map_0", nil, 0o600)
		}
	})
	if p1 == p2 || !strings.HasPrefix(p1, "spp_t") {
		t.Fatalf("prefixes %q %q", p1, p2)
	}
	for _, f := range []string{"/var/run/dpdk/" + p1, "/dev/hugepages/" + p1 + "map_0"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left after the test", f)
		}
	}
}

// A prefix left by a test process that is gone is removed by the next
// test binary's first Prefix; one whose test process lives (this one, or
// another) is kept.
func TestSweepStale(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (/var/run/dpdk)")
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	live := exec.Command("sleep", "60")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	defer live.Process.Kill()
	stale := fmt.Sprintf("spp_t%d_1", dead.Process.Pid)
	kept := []string{fmt.Sprintf("spp_t%d_1", live.Process.Pid), fmt.Sprintf("spp_t%d_99", os.Getpid()), "spp_tx_1"}
	for _, p := range append([]string{stale}, kept...) {
		os.MkdirAll("/var/run/dpdk/"+p, 0o700)
		os.WriteFile("/dev/hugepages/"+p+"map_0", nil, 0o600)
		defer RemovePrefix(p)
	}
	// Hugepage files alone (their runtime directory already gone) are stale too.
	orphan := fmt.Sprintf("spp_t%d_2", dead.Process.Pid)
	os.WriteFile("/dev/hugepages/"+orphan+"map_0", nil, 0o600)
	defer RemovePrefix(orphan)

	sweepStale()
	for _, f := range []string{"/var/run/dpdk/" + stale, "/dev/hugepages/" + stale + "map_0", "/dev/hugepages/" + orphan + "map_0"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s of a dead test process left", f)
		}
	}
	for _, p := range kept {
		for _, f := range []string{"/var/run/dpdk/" + p, "/dev/hugepages/" + p + "map_0"} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s removed: %v", f, err)
			}
		}
	}
}

// A fake daemon: dials the controller, answers each line with a reply
// naming it, and closes after "bye".
func fakeDaemon(addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil || strings.Contains(line, "bye") {
			return
		}
		c.Write([]byte(`{"results":[{"result":"success"}],"len":` + strconv.Itoa(len(line)) + "}\n"))
	}
}

func TestControllerPeer(t *testing.T) {
	c := NewController(t)
	if _, err := c.Accept(50 * time.Millisecond); err == nil {
		t.Fatal("Accept returned a peer nobody made")
	}
	go fakeDaemon(c.Addr())
	p, err := c.Accept(2 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.Send(`{"commands":[{"command":"status"}]}`)
	if err != nil || string(got) != `{"results":[{"result":"success"}],"len":36}` {
		t.Fatalf("reply %s, %v", got, err)
	}
	if p.Closed(20 * time.Millisecond) {
		t.Fatal("connection reported closed while open")
	}
	p.Write([]byte("bye\n"))
	if !p.Closed(2 * time.Second) {
		t.Fatal("closed connection not seen")
	}
	if _, err := p.Send("x"); err == nil {
		t.Fatal("Send on a closed connection succeeded")
	}
}

func TestProc(t *testing.T) {
	p := Start(t, "/bin/sh", "-c", "echo hello; exit 3")
	code, err := p.Wait(5 * time.Second)
	if err != nil || code != 3 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if p.Log() != "hello\n" {
		t.Fatalf("log %q", p.Log())
	}
	s := Start(t, "/bin/sleep", "30")
	if _, err := s.Wait(20 * time.Millisecond); err == nil || !s.Running() {
		t.Fatal("sleep exited at once")
	}
	s.Signal(syscall.SIGTERM)
	if code, err := s.Wait(5 * time.Second); err != nil || code != -1 {
		t.Fatalf("after SIGTERM: %d, %v", code, err)
	}
	k := Start(t, "/bin/sleep", "30")
	k.Kill()
	if k.Running() {
		t.Fatal("still running after Kill")
	}
}

// Log takes lines from several goroutines, each with its time of day, and
// counts the lines that hold a string (not the occurrences).
func TestLog(t *testing.T) {
	var l Log
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func(i int) { l.Logf("worker %d: cannot connect, cannot connect", i); done <- true }(i)
	}
	for i := 0; i < 4; i++ {
		<-done
	}
	l.Logf("connected")
	if n := l.Count("cannot connect"); n != 4 {
		t.Errorf("Count = %d, want 4: %q", n, l.Lines())
	}
	if !l.Has("connected") || l.Has("worker 4") {
		t.Errorf("Has: %q", l.Lines())
	}
	if lines := strings.Split(l.String(), "\n"); len(lines) != 5 || !regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} connected$`).MatchString(lines[4]) {
		t.Errorf("String: %q", l.String())
	}
}
