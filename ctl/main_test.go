package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// TestMain lets the pty test run this binary as spp itself.
func TestMain(m *testing.M) {
	if os.Getenv("SPP_CTL_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type runResult struct {
	code        int
	out, errOut string
}

// runSpp runs spp with args and stdin while a vf with client id 1 (failing
// on core 9) connects to it; it returns the exit status and the output.
func runSpp(t *testing.T, stdin string, args ...string) (runResult, *ctltest.Daemon) {
	t.Helper()
	pp, sp := ctltest.FreePort(t), ctltest.FreePort(t)
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(append([]string{"-p", pp, "-s", sp}, args...), strings.NewReader(stdin), &out, &errOut)
	}()
	d := ctltest.StartDaemon(t, "127.0.0.1:"+sp, 1, "vf", ctltest.FailingCore("9"))
	code := <-done
	return runResult{code, out.String(), errOut.String()}, d
}

// commandFiles writes a command file that succeeds (good.txt) and one that
// fails (bad.txt) into a directory of the test and returns their paths.
func commandFiles(t *testing.T, good, bad string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	g, b := filepath.Join(dir, "good.txt"), filepath.Join(dir, "bad.txt")
	for path, text := range map[string]string{g: good, b: bad} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return g, b
}

// -f, -c and stdin: exit status 0 only if every command succeeded. (A
// batch with a flush that succeeded is followed by the shell's own status,
// for the note on idle components.)
func TestRunExitStatus(t *testing.T) {
	good, bad := commandFiles(t,
		"wait sec 1\nsec 1;component 2 forward ring0 ring1\nsec 1;flush\n",
		"wait sec 1\nsec 1;component 9 forward ring0 ring1\nsec 1;flush\n")

	r, d := runSpp(t, "", "-f", good)
	if r.code != 0 || len(d.Sent()) != 2 || d.Sent()[1] != `{"commands":[{"command":"status"}]}` {
		t.Errorf("-f good: %d %q sent %q", r.code, r.errOut, d.Sent())
	}
	if !strings.Contains(r.errOut, "spp: listening on 127.0.0.1:") {
		t.Errorf("no listening line: %q", r.errOut)
	}
	r, _ = runSpp(t, "", "-f", bad)
	if r.code != 1 || !strings.Contains(r.errOut, bad+":2: sec 1;component 9 forward ring0 ring1: bad value(core_id)") {
		t.Errorf("-f bad: %d %q", r.code, r.errOut)
	}
	// -c commands in a row batch like lines of a file.
	r, d = runSpp(t, "", "-c", "wait sec 1", "-c", "sec 1;component 2 none", "-c", "sec 1;flush")
	if r.code != 0 || len(d.Sent()) != 2 || !strings.HasSuffix(d.Sent()[0], `{"command":"flush"}]}`) {
		t.Errorf("-c: %d %q sent %q", r.code, r.errOut, d.Sent())
	}
	r, _ = runSpp(t, "", "-c", "wait sec 1", "-c", "sec 1;component 9 none")
	if r.code != 1 {
		t.Errorf("-c failing: %d", r.code)
	}
	// -f and -c run in the order given.
	r, d = runSpp(t, "", "-c", "wait sec 1", "-f", good, "-c", "sec 1;cancel")
	if r.code != 0 || len(d.Sent()) != 3 || d.Sent()[2] != `{"commands":[{"command":"cancel"}]}` {
		t.Errorf("-c -f -c: %d %q sent %q", r.code, r.errOut, d.Sent())
	}
	// stdin that is not a terminal is a command file. (The first status
	// of a process is preceded by the shell's own, the base of its rates:
	// two status requests.)
	r, d = runSpp(t, "wait sec 1\n# comment\nsec 1;status\n")
	if r.code != 0 || !strings.Contains(r.out, "| CORE") || len(d.Sent()) != 2 || d.Sent()[1] != `{"commands":[{"command":"status"}]}` {
		t.Errorf("stdin: %d %q %q", r.code, r.out, r.errOut)
	}
	r, _ = runSpp(t, "wait sec 1\nsec 1;status\nnonsense\n")
	if r.code != 1 || !strings.Contains(r.errOut, `stdin:3: nonsense: unknown command "nonsense"`) {
		t.Errorf("stdin bad: %d %q", r.code, r.errOut)
	}
	// bye ends the file there.
	r, d = runSpp(t, "wait sec 1\nbye\nsec 1;status\n")
	if r.code != 0 || len(d.Sent()) != 0 {
		t.Errorf("bye: %d sent %q", r.code, d.Sent())
	}
	// A missing file.
	r, _ = runSpp(t, "", "-c", "wait sec 1", "-f", filepath.Join(filepath.Dir(good), "none.txt"))
	if r.code != 1 || !strings.Contains(r.errOut, "none.txt: no such file") {
		t.Errorf("missing -f: %d %q", r.code, r.errOut)
	}
}

// --json prints each reply as one JSON line, tables never.
func TestRunJSON(t *testing.T) {
	r, _ := runSpp(t, "", "--json", "-c", "wait sec 1", "-c", "sec 1;status", "-c", "status")
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if r.code != 0 || len(lines) != 2 || strings.Contains(r.out, "+--") ||
		!strings.HasPrefix(lines[0], `{"results":[{"result":"success"}],"info":{`) ||
		!strings.HasPrefix(lines[1], `[{"process_type":"vf","client_id":1,"peer":"127.0.0.1:`) {
		t.Errorf("--json: %d\n%s\n%s", r.code, r.out, r.errOut)
	}
}

// spp -h documents every flag: the flags it lists (flag's own list, so
// every defined flag) are exactly controller.md's (--api and its token
// file from rest.md), each is in the synopsis,
// and the subcommands and the exit statuses are there.
func TestUsageEveryFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-h"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("-h: status %d", code)
	}
	h := errOut.String()
	synopsis, _, _ := strings.Cut(h, "\n")
	var listed []string
	for _, l := range strings.Split(h, "\n") {
		if f, ok := strings.CutPrefix(l, "  -"); ok {
			name := strings.Fields(f)[0] // "-p PORT", "-json\tprint..."
			listed = append(listed, name)
			if !strings.Contains(synopsis, " -"+name+" ") && !strings.Contains(synopsis, " --"+name) &&
				!strings.Contains(synopsis, "[-"+name+" ") && !strings.Contains(synopsis, "[--"+name) {
				t.Errorf("flag -%s is not in the synopsis %q", name, synopsis)
			}
		}
	}
	if want := []string{"api", "api-token-file", "bind", "c", "f", "json", "p", "s"}; !reflect.DeepEqual(listed, want) {
		t.Errorf("-h lists flags %v, the spec has %v", listed, want)
	}
	ctltest.Contains(t, "-h", h, "spp up FILE [--demo]", "spp down [FILE]", "spp serve [--api ADDR]", "$SPP_API", "help CMD",
		"Exit status: 0 ", "; 1 a command failed", "; 2 bad\nusage", "; 3 an internal error")
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-h"}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "usage: spp [-p PORT]") {
		t.Errorf("-h: %d %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"--nope"}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Errorf("--nope: %d", code)
	}
	if code := run([]string{"-p", "0", "-s", "0", "extra"}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Errorf("extra argument: %d", code)
	}
	// A port in use: a clear error, status 2.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	errOut.Reset()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	if code := run([]string{"-p", port, "-s", "0", "-c", "status"}, strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "address already in use") {
		t.Errorf("port in use: %d %q", code, errOut.String())
	}
}

// secondaryFirst checks bye all's order: the primary got exit only after
// the secondary had hung up.
func secondaryFirst(t *testing.T, sec, pri *ctltest.Daemon) {
	t.Helper()
	_, secClosed := sec.ExitTimes()
	priGot, _ := pri.ExitTimes()
	if secClosed.IsZero() || priGot.IsZero() || !priGot.After(secClosed) {
		t.Errorf("sec 1 hung up at %v, the primary got exit at %v", secClosed, priGot)
	}
}

// spp -c "bye all" goes the same way as typed: the primary gets exit only
// after the secondary, which takes 300 ms to release its ports, hung up;
// spp exits 0.
func TestRunByeAll(t *testing.T) {
	pp, sp := ctltest.FreePort(t), ctltest.FreePort(t)
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run([]string{"-p", pp, "-s", sp, "-c", "wait pri", "-c", "wait sec 1", "-c", "bye all"}, strings.NewReader(""), &out, &errOut)
	}()
	sec := ctltest.StartDaemon(t, "127.0.0.1:"+sp, 1, "vf", ctltest.Lingering(300*time.Millisecond))
	pri := ctltest.StartDaemon(t, "127.0.0.1:"+pp, 0, "primary")
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d: %s", code, errOut.String())
	}
	secondaryFirst(t, sec, pri)
}
