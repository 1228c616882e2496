package main

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/serve"
)

// spp --api URL: the shell attached to a spp serve (here in process, with
// test daemons) behaves as the standalone shell does.

type service struct {
	url              string
	reg              *registry.Registry
	priAddr, secAddr string
}

func startService(t *testing.T) *service {
	t.Helper()
	s := serve.New(serve.Options{})
	r := ctltest.Listen(t, s.OnEvent)
	s.Use(r.Registry)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.CloseClientConnections() // the event streams
		hs.Close()
	})
	return &service{url: hs.URL, reg: r.Registry, priAddr: r.PriAddr, secAddr: r.SecAddr}
}

// runAttached runs spp --api with args and stdin against a service that a
// vf with client id 1 (failing on core 9) has joined.
func runAttached(t *testing.T, stdin string, args ...string) (runResult, *ctltest.Daemon) {
	t.Helper()
	svc := startService(t)
	d := ctltest.StartDaemon(t, svc.secAddr, 1, "vf", ctltest.FailingCore("9"))
	if svc.reg.Wait(registry.Target{ID: 1}, 5*time.Second) == nil {
		t.Fatal("sec 1 did not join")
	}
	var out, errOut bytes.Buffer
	code := run(append([]string{"--api", svc.url}, args...), strings.NewReader(stdin), &out, &errOut)
	return runResult{code, out.String(), errOut.String()}, d
}

// errorLines are the lines of stderr that report a failure: not the
// listening or attached line, not an announcement.
func errorLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" || strings.HasPrefix(l, "spp: ") || strings.Contains(l, " connected from ") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// The same commands, attached and standalone: the same exit status, the
// same output and the same error lines, and the same batches reach the
// daemon.
func TestAttachedLikeStandalone(t *testing.T) {
	good, bad := commandFiles(t,
		"wait sec 1\nsec 1;component 2 forward ring0 ring1\nsec 1;classifier_table mac 52:54:00:00:00:01 ring1\nsec 1;flush\n",
		"wait sec 1\nsec 1;component 2 none\nsec 1;component 9 forward ring0 ring1\nsec 1;flush\n")
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"-f good", "", []string{"-f", good}, 0},
		{"-f bad", "", []string{"-f", bad}, 1},
		{"-c", "", []string{"-c", "wait sec 1", "-c", "sec 1;component 2 none", "-c", "sec 1;flush"}, 0},
		{"stdin status", "wait sec 1\n# comment\nsec 1;status\nsec 1;process\n", nil, 0},
		{"stdin error", "wait sec 1\nnonsense\nsec 1;cancel\n", nil, 1},
		{"--json", "", []string{"--json", "-c", "wait sec 1", "-c", "sec 1;status", "-c", "sec 1;flush"}, 0},
		{"not connected", "", []string{"-c", "wait sec 1", "-c", "sec 2;status", "-c", "pri;status"}, 1},
		{"wait times out", "", []string{"-c", "wait sec 1", "-c", "wait sec 2 0.2"}, 1},
		{"raw batch", "", []string{"-c", "wait sec 1", "-c", `sec 1;{"commands":[{"command":"component","core_id":"9","type":"none"},{"command":"flush"}]}`}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, da := runAttached(t, c.stdin, c.args...)
			s, ds := runSpp(t, c.stdin, c.args...)
			if a.code != c.code || s.code != c.code {
				t.Errorf("exit status attached %d, standalone %d, want %d\n%s%s", a.code, s.code, c.code, a.errOut, s.errOut)
			}
			// Rates are measured over about a second: the same but for the
			// exact duration.
			for re, to := range map[*regexp.Regexp]string{
				regexp.MustCompile(`"seconds":[0-9.]+`):      `"seconds":1`,
				regexp.MustCompile(`over the last [0-9.]+s`): "over the last 1s",
			} {
				a.out, s.out = re.ReplaceAllString(a.out, to), re.ReplaceAllString(s.out, to)
			}
			if a.out != s.out {
				t.Errorf("output attached:\n%s\nstandalone:\n%s", a.out, s.out)
			}
			if ae, se := errorLines(a.errOut), errorLines(s.errOut); strings.Join(ae, "\n") != strings.Join(se, "\n") {
				t.Errorf("errors attached:\n%s\nstandalone:\n%s", strings.Join(ae, "\n"), strings.Join(se, "\n"))
			}
			if as, ss := da.Sent(), ds.Sent(); strings.Join(as, "\n") != strings.Join(ss, "\n") {
				t.Errorf("sent attached %q, standalone %q", as, ss)
			}
			if !strings.Contains(a.errOut, "spp: attached to http://127.0.0.1:") || !strings.Contains(a.errOut, "sec 1 (vf) connected") {
				t.Errorf("no attached line: %q", a.errOut)
			}
		})
	}
}

// Announcements come from the event stream: a process joining while the
// attached shell reads its commands is announced, as standalone.
func TestAttachedAnnouncements(t *testing.T) {
	svc := startService(t)
	pr, pw := io.Pipe()
	out, errOut := &ctltest.LockedBuffer{}, &ctltest.LockedBuffer{}
	done := make(chan int)
	go func() { done <- run([]string{"--api", svc.url}, pr, out, errOut) }()
	ctltest.WaitFor(t, "attached", func() bool { return strings.Contains(errOut.String(), "attached to") })
	d := ctltest.StartDaemon(t, svc.secAddr, 3, "mirror")
	ctltest.WaitFor(t, "the announcement", func() bool {
		return strings.Contains(errOut.String(), "sec 3 (mirror) connected from "+d.Conn.LocalAddr().String())
	})
	// A shell command after it sends the process line's batch.
	io.WriteString(pw, "sec 3;process\nhistory\n")
	ctltest.WaitFor(t, "the reply", func() bool { return out.String() != "" })
	d.Close()
	ctltest.WaitFor(t, "the leave", func() bool { return strings.Contains(errOut.String(), "sec 3 (mirror) disconnected") })
	pw.Close()
	if code := <-done; code != 0 || out.String() != "sec 3: process_type mirror, client_id 3\n" {
		t.Errorf("exit %d, output %q, stderr %q", code, out.String(), errOut)
	}
}

// bye all through the service: the secondary first, the primary once the
// secondary has hung up.
func TestAttachedByeAll(t *testing.T) {
	svc := startService(t)
	sec := ctltest.StartDaemon(t, svc.secAddr, 1, "vf", ctltest.Lingering(300*time.Millisecond))
	pri := ctltest.StartDaemon(t, svc.priAddr, 0, "primary")
	var out, errOut bytes.Buffer
	code := run([]string{"--api", svc.url, "-c", "wait pri", "-c", "wait sec 1", "-c", "bye all"}, strings.NewReader(""), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, errOut.String())
	}
	secondaryFirst(t, sec, pri)
}

// No service there, or flags that belong to it: status 2.
func TestAttachedUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	port := ctltest.FreePort(t)
	if code := run([]string{"--api", "127.0.0.1:" + port, "-c", "status"}, strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "connection refused") {
		t.Errorf("no service: %d %q", code, errOut.String())
	}
	errOut.Reset()
	t.Setenv("SPP_API", "127.0.0.1:"+port)
	if code := run([]string{"-p", "5555", "-c", "status"}, strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "-p, -s and --bind are its own") {
		t.Errorf("SPP_API with -p: %d %q", code, errOut.String())
	}
}

// spp topo --api asks a running service: seed 000's graph byte for byte,
// as when it listens itself.
func TestAttachedTopo(t *testing.T) {
	si, want := ctltest.Seed000(t), ctltest.Seed000DOT
	svc := startService(t)
	ctltest.StartDaemon(t, svc.secAddr, 1, "vf", ctltest.WithStatus(si))
	if svc.reg.Wait(registry.Target{ID: 1}, 5*time.Second) == nil {
		t.Fatal("sec 1 did not join")
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"topo", "--api", svc.url}, strings.NewReader(""), &out, &errOut); code != 0 || out.String() != want {
		t.Errorf("spp topo --api: %d\n%s\nwant\n%s\n%s", code, out.String(), want, errOut.String())
	}
	out.Reset()
	if code := run([]string{"topo", "sec", "3", "--api", svc.url}, strings.NewReader(""), &out, &errOut); code != 1 {
		t.Errorf("spp topo sec 3 --api (not connected): %d %s", code, errOut.String())
	}
}

// The interactive shell attached: the announcement of a process that
// joins the service, completion from the status the shell then asked for
// (through the service), a notice above a half-typed line, the tables.
func TestInteractiveAttached(t *testing.T) {
	exe := sppExe(t)
	svc := startService(t)
	dir := t.TempDir()
	s := startTmux(t, dir, 50, "env SPP_CTL_MAIN=1 SPP_API="+svc.url+" SPP_HISTORY="+filepath.Join(dir, "hist")+" "+exe+" 2>"+filepath.Join(dir, "stderr"))

	s.waitShown("the prompt", "spp: attached to "+svc.url+": no process connected", "spp >")
	ctltest.StartDaemon(t, svc.secAddr, 1, "vf")
	s.waitShown("sec 1 joining", "sec 1 (vf) connected from 127.0.0.1:", "spp >")
	s.typeUntil("the client id completed", "spp > sec 1", "sec ", "Tab")
	s.typeUntil("vhost0 completed", "spp > sec 1;component 2 forward vhost0", ";component 2 forward vh", "Tab")
	s.typeUntil("the half line", "spp > sec 1;sta", "C-u", "sec 1;sta")
	ctltest.StartDaemon(t, svc.secAddr, 2, "mirror")
	scr := s.waitScreen("sec 2 joining", func(scr string) bool { return strings.Contains(scr, "sec 2 (mirror) connected from") })
	i, lines := promptAt(scr)
	if i < 1 || !strings.HasPrefix(lines[i-1], "sec 2 (mirror) connected from 127.0.0.1:") || lines[i] != "spp > sec 1;sta" {
		t.Fatalf("the notice broke the line:\n%s", scr)
	}
	s.keys("tus", "Enter")
	s.waitShown("the status tables", "|    2 | classifier2 | classifier | running | nic0  | ring0,ring2 |", "spp >")
	s.bye()
	if b, _ := os.ReadFile(filepath.Join(dir, "stderr")); len(b) > 0 {
		t.Errorf("stderr: %s", b)
	}
}
