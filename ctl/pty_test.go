package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// tmuxSession runs a command on a terminal of its own (a tmux server on a
// private socket in the test's directory, so nothing else is touched) and
// reads the screen.
type tmuxSession struct {
	t    *testing.T
	sock string
}

// sppExe is spp for the tmux tests: this test binary, which runs spp's main
// with SPP_CTL_MAIN=1. The tests need tmux.
func sppExe(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for this test")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// startTmux runs the shell command cmd on a terminal of 150 columns and
// rows lines, on a tmux server of its own (its socket in dir) that the
// test's end kills.
func startTmux(t *testing.T, dir string, rows int, cmd string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, sock: filepath.Join(dir, "tmux")}
	s.tmux("new-session", "-d", "-s", "spp", "-x", "150", "-y", strconv.Itoa(rows), cmd)
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

// recordExit is what the pane's shell runs after spp: it writes spp's
// exit status and the terminal's mode (stty -a) to the file after, and
// keeps the pane open.
func recordExit(after string) string {
	return fmt.Sprintf("echo status=$? >%s.tmp; stty -a >>%s.tmp; mv %s.tmp %s; sleep 60", after, after, after, after)
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

// typeUntil types keys (as keys does) and waits until the last line of
// the screen is last (what names it in the error).
func (s *tmuxSession) typeUntil(what, last string, keys ...string) {
	s.t.Helper()
	s.keys(keys...)
	s.waitScreen(what, func(scr string) bool { return lastLine(scr) == last })
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "spp") }

// keys types into the terminal (tmux key names: Tab, Enter, C-u), one key
// or text at a time, each once the screen has taken the previous one:
// go-prompt takes what one read returns as one key, so "text" and Tab
// arriving together would insert a tab character.
func (s *tmuxSession) keys(k ...string) {
	s.t.Helper()
	for i, key := range k {
		if i > 0 {
			time.Sleep(150 * time.Millisecond)
		}
		switch key {
		case "Tab", "Enter", "C-u":
			s.tmux("send-keys", "-t", "spp", key)
		default:
			s.tmux("send-keys", "-t", "spp", "-l", key)
		}
	}
}

// waitScreen waits until the screen satisfies cond.
func (s *tmuxSession) waitScreen(what string, cond func(string) bool) string {
	s.t.Helper()
	var scr string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if scr = s.screen(); cond(scr) {
			return scr
		}
	}
	s.t.Fatalf("screen never showed %s:\n%s", what, scr)
	return ""
}

// waitShown waits until the screen shows text and its prompt line is
// prompt (what names it in the error).
func (s *tmuxSession) waitShown(what, text, prompt string) string {
	s.t.Helper()
	return s.waitScreen(what, func(scr string) bool { return strings.Contains(scr, text) && lastLine(scr) == prompt })
}

// bye types bye and waits until spp left: its terminal closes (the
// session's command was spp alone).
func (s *tmuxSession) bye() {
	s.t.Helper()
	s.keys("bye", "Enter")
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if exec.Command("tmux", "-S", s.sock, "has-session", "-t", "spp").Run() != nil {
			return
		}
		if time.Now().After(end) {
			s.t.Fatalf("bye did not leave:\n%s", s.screen())
		}
	}
}

// promptAt finds the prompt line (the last line starting with the prompt;
// a completion menu may be drawn below it). It returns its index in the
// screen's lines and its text, trailing spaces removed.
func promptAt(scr string) (int, []string) {
	lines := strings.Split(scr, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "spp >") || strings.HasPrefix(lines[i], "spp [") {
			return i, lines
		}
	}
	return -1, lines
}

func lastLine(scr string) string {
	i, lines := promptAt(scr)
	if i < 0 {
		return ""
	}
	return lines[i]
}

// The interactive shell on a real terminal: Tab completes from the table and
// the live state, sec 1;status draws the tables, and a process connecting
// while a line is half typed is announced above it without breaking it.
func TestInteractiveTerminal(t *testing.T) {
	exe := sppExe(t)
	dir := t.TempDir()
	pp, sp := ctltest.FreePort(t), ctltest.FreePort(t)
	s := startTmux(t, dir, 50, "env SPP_CTL_MAIN=1 SPP_HISTORY="+filepath.Join(dir, "hist")+" "+exe+
		" -p "+pp+" -s "+sp+" 2>"+filepath.Join(dir, "stderr"))

	s.waitShown("the prompt", "listening on 127.0.0.1:"+pp, "spp >")
	ctltest.StartDaemon(t, "127.0.0.1:"+sp, 1, "vf")
	s.waitShown("sec 1 connecting", "sec 1 (vf) connected from 127.0.0.1:", "spp >")

	// A command name.
	s.typeUntil("component completed", "spp > sec 1;component", "sec 1;comp", "Tab")
	// A port, from the status the shell asked for when sec 1 connected.
	s.typeUntil("vhost0 completed", "spp > sec 1;component 2 forward vhost0", " 2 forward vh", "Tab")
	s.typeUntil("an empty line", "spp >", "C-u")

	// Half a line, then sec 2 connects: the notice goes above, the line stays.
	s.typeUntil("the half line", "spp > sec 1;sta", "sec 1;sta")
	ctltest.StartDaemon(t, "127.0.0.1:"+sp, 2, "vf")
	scr := s.waitScreen("sec 2 connecting", func(scr string) bool { return strings.Contains(scr, "sec 2 (vf) connected from") })
	i, lines := promptAt(scr)
	if i < 1 || !strings.HasPrefix(lines[i-1], "sec 2 (vf) connected from 127.0.0.1:") || lines[i] != "spp > sec 1;sta" {
		t.Fatalf("the notice broke the line:\n%s", scr)
	}
	s.keys("tus", "Enter")
	scr = s.waitShown("the status tables", "|      | 52:54:00:12:34:56 | ring0 |", "spp >")
	ctltest.Contains(t, "screen", scr,
		"spp > sec 1;status",
		"sec 1: vf, client_id 1, main lcore 1: changes staged",
		"| CORE | NAME        | TYPE       | STATE   | RX    | TX          | PACKETS | DROPS |",
		"|    2 | classifier2 | classifier | running | nic0  | ring0,ring2 |     120 |     0 |",
		"| PORT   | RX  | TX | RX_DROP | TX_DROP | LINK |",
		"| vhost0 |  40 | 60 |       0 |       3 | up   |",
	)

	// The same with a line longer than the terminal is wide (it wraps).
	long := "sec 1;classifier_table mac default " + strings.Repeat("x", 160)
	s.keys(long)
	wrapped := func(scr string) bool { // the prompt line and the next hold the whole line
		i, l := promptAt(scr)
		return i >= 0 && i+1 < len(l) && l[i]+l[i+1] == "spp > "+long
	}
	s.waitScreen("the long line", wrapped)
	ctltest.StartDaemon(t, "127.0.0.1:"+sp, 3, "vf")
	scr = s.waitScreen("sec 3 connecting", func(scr string) bool { return strings.Contains(scr, "sec 3 (vf) connected from") })
	i, lines = promptAt(scr)
	if i < 1 || !strings.HasPrefix(lines[i-1], "sec 3 (vf) connected from 127.0.0.1:") || !wrapped(scr) {
		t.Fatalf("the notice broke the wrapped line:\n%s", scr)
	}
	s.typeUntil("an empty line", "spp >", "C-u")

	// Entering sec 2 changes the prompt; a bad command is one line.
	s.typeUntil("the sec 2 prompt", "spp [sec 2] >", "sec 2", "Enter")
	s.keys("component 2", "Enter")
	s.waitShown("the error", "component 2: component: needs CORE and TYPE", "spp [sec 2] >")
	s.bye()
	if b, _ := os.ReadFile(filepath.Join(dir, "stderr")); len(b) > 0 {
		t.Errorf("stderr: %s", b)
	}
	h, _ := os.ReadFile(filepath.Join(dir, "hist"))
	if want := "sec 1;status\nsec 2\ncomponent 2\nbye\n"; string(h) != want {
		t.Errorf("history %q, want %q", h, want)
	}
}

// The terminal's mode, as `stty -a` prints it: whether line editing, echo
// and signal keys are on (a raw terminal has all three off).
var sttySane = []string{" icanon ", " echo ", " isig "}

// Every way out of the interactive shell gives the terminal its mode back
// and exits 0 (go-prompt v0.2.6 alone left it raw, and on SIGTERM exited 1):
// SIGTERM at the prompt with half a line typed (the line is not run),
// SIGTERM while a command runs (spp leaves at once, not when `wait` ends),
// bye, and Ctrl-D. Proved with stty, run on spp's terminal after it exited.
func TestInteractiveLeaving(t *testing.T) {
	exe := sppExe(t)
	for _, c := range []struct {
		name   string
		leave  func(s *tmuxSession, pid int)
		screen string // the screen shows it after spp left
	}{
		{"SIGTERM at the prompt", func(s *tmuxSession, pid int) {
			s.typeUntil("the half line", "spp > sec 1;status", "sec 1;status")
			syscall.Kill(pid, syscall.SIGTERM)
		}, "spp: terminated: leaving (the daemons keep running)"},
		{"SIGTERM while a command runs", func(s *tmuxSession, pid int) {
			s.keys("wait sec 9 60", "Enter")
			time.Sleep(300 * time.Millisecond)
			syscall.Kill(pid, syscall.SIGTERM)
		}, "spp: terminated while a command ran: leaving"},
		{"bye", func(s *tmuxSession, pid int) { s.keys("bye", "Enter") }, "spp > bye"},
		{"Ctrl-D", func(s *tmuxSession, pid int) { s.tmux("send-keys", "-t", "spp", "C-d") }, "spp >"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			pidFile, after := filepath.Join(dir, "pid"), filepath.Join(dir, "after")
			// sh writes its pid and becomes spp.
			s := startTmux(t, dir, 30, fmt.Sprintf("sh -c 'echo $$ >%s; exec env SPP_CTL_MAIN=1 SPP_HISTORY=%s %s -p 0 -s 0'; ",
				pidFile, filepath.Join(dir, "hist"), exe)+recordExit(after))
			s.waitScreen("the prompt", func(scr string) bool { return lastLine(scr) == "spp >" })
			b, _ := os.ReadFile(pidFile)
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatalf("pid file: %q", b)
			}

			start := time.Now()
			c.leave(s, pid)
			var res []byte
			for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if res, err = os.ReadFile(after); err == nil {
					break
				}
				if time.Now().After(end) {
					t.Fatalf("spp did not leave:\n%s", s.screen())
				}
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("spp took %v to leave", el)
			}
			out := strings.ReplaceAll(string(res), "\n", " ")
			if !strings.HasPrefix(out, "status=0 ") {
				t.Errorf("exit %s", strings.Fields(out)[0])
			}
			for _, m := range sttySane {
				if !strings.Contains(out, m) {
					t.Errorf("terminal left without%s: %s", m, res)
				}
			}
			scr := s.screen()
			if !strings.Contains(scr, c.screen) || strings.Contains(scr, "not connected") {
				t.Errorf("screen:\n%s", scr)
			}
		})
	}
}
