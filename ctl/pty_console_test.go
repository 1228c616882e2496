package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// startTmuxShell runs spp (this test binary as spp) on a tmux terminal of
// 150x50; when spp exits, the pane's shell writes spp's exit status and the
// terminal's mode (stty -a) to the returned file. It returns once the
// prompt is there, with the secondary port.
func startTmuxShell(t *testing.T) (s *tmuxSession, sp, hist, after string) {
	t.Helper()
	exe := sppExe(t)
	dir := t.TempDir()
	pp, sp := ctltest.FreePort(t), ctltest.FreePort(t)
	hist, after = filepath.Join(dir, "hist"), filepath.Join(dir, "after")
	s = startTmux(t, dir, 50, fmt.Sprintf("env SPP_CTL_MAIN=1 SPP_HISTORY=%s %s -p %s -s %s 2>%s; ",
		hist, exe, pp, sp, filepath.Join(dir, "stderr"))+recordExit(after))
	s.waitShown("the prompt", "listening on 127.0.0.1:"+pp, "spp >")
	return s, "127.0.0.1:" + sp, hist, after
}

// paste pastes text into the terminal as a terminal does (tmux turns each
// LF into CR), inside bracketed paste markers if bracketed (and spp asked
// for the mode).
func (s *tmuxSession) paste(text string, bracketed bool) {
	s.t.Helper()
	f := filepath.Join(filepath.Dir(s.sock), "paste")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.tmux("load-buffer", f)
	args := []string{"paste-buffer", "-d", "-t", "spp"}
	if bracketed {
		args = append(args, "-p")
	}
	s.tmux(args...)
}

// leave types bye and returns what the pane's shell wrote after spp
// exited: its status and the terminal's mode.
func (s *tmuxSession) leave(after string) string {
	s.t.Helper()
	s.keys("bye", "Enter")
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(after); err == nil {
			return strings.ReplaceAll(string(b), "\n", " ")
		}
		if time.Now().After(end) {
			s.t.Fatalf("bye did not leave:\n%s", s.screen())
		}
	}
}

// Pasting (issue 15): a pasted line with its newline runs, bracketed or not;
// a pasted three-line block runs line by line, in order, each as if typed,
// bracketed or not; inside a bracketed paste a control byte is text, not a
// key (a pasted Ctrl-U does not erase the line).
func TestInteractivePaste(t *testing.T) {
	s, sp, hist, after := startTmuxShell(t)
	ctltest.StartDaemon(t, sp, 1, "vf")
	ctltest.StartDaemon(t, sp, 2, "mirror")
	s.waitScreen("sec 1 and 2", func(scr string) bool {
		return strings.Contains(scr, "sec 1 (vf) connected") && strings.Contains(scr, "sec 2 (mirror) connected") && lastLine(scr) == "spp >"
	})

	// One line, bracketed, then not.
	s.paste("sec 1;process\n", true)
	s.waitShown("sec 1;process run", "spp > sec 1;process\nsec 1: process_type vf, client_id 1\n", "spp >")
	s.paste("sec 2;process\n", false)
	s.waitShown("sec 2;process run", "spp > sec 2;process\nsec 2: process_type mirror, client_id 2\n", "spp >")

	// Three lines, bracketed, then not: each runs, in order, its output
	// under its own prompt line.
	for _, bracketed := range []bool{true, false} {
		s.tmux("clear-history", "-t", "spp")
		s.keys("C-u")
		s.tmux("send-keys", "-t", "spp", "C-l") // go-prompt clears the screen
		s.waitScreen("a clear screen", func(scr string) bool { return strings.TrimSpace(scr) == "spp >" })
		s.paste("sec 2;process\nsec 1;process\nend\n", bracketed)
		want := "spp > sec 2;process\nsec 2: process_type mirror, client_id 2\n" +
			"spp > sec 1;process\nsec 1: process_type vf, client_id 1\n" +
			"spp > end\nend: not inside a process (sec N enters one)\nspp >"
		s.waitScreen(fmt.Sprintf("the block run in order (bracketed %v)", bracketed), func(scr string) bool {
			return strings.TrimSpace(scr) == want
		})
	}

	// A Ctrl-U inside a bracketed paste is dropped: the line runs whole.
	s.paste("sec 1;pro\x15cess\n", true)
	s.waitScreen("the line with a pasted Ctrl-U", func(scr string) bool {
		return strings.Contains(scr, "spp > sec 1;process\nsec 1: process_type vf, client_id 1\nspp >")
	})

	res := s.leave(after)
	if !strings.HasPrefix(res, "status=0 ") {
		t.Errorf("spp exit: %s", res)
	}
	h, _ := os.ReadFile(hist)
	want := "sec 1;process\nsec 2;process\n" +
		"sec 2;process\nsec 1;process\nend\n" + "sec 2;process\nsec 1;process\nend\n" +
		"sec 1;process\nbye\n"
	if string(h) != want {
		t.Errorf("history %q, want %q", h, want)
	}
}

// paneFlag reads a tmux format of the pane (alternate_on, cursor_flag).
func (s *tmuxSession) paneFlag(name string) string {
	return strings.TrimSpace(s.tmux("display-message", "-p", "-t", "spp", "#{"+name+"}"))
}

// ttyMode is the mode of spp's terminal now (stty -g).
func (s *tmuxSession) ttyMode() string {
	s.t.Helper()
	tty := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "spp", "#{pane_tty}"))
	out, err := exec.Command("stty", "-F", tty, "-g").CombinedOutput()
	if err != nil {
		s.t.Fatalf("stty -F %s: %v: %s", tty, err, out)
	}
	return strings.TrimSpace(string(out))
}

// monitor (issue 15): it draws in the alternate screen, redraws every
// interval with the status tables and rates (pps columns, bars of the
// busiest ports), holds announcements meanwhile, and returns to the prompt
// on a key: the normal screen as it was, the cursor shown, the terminal in
// the mode it had, the key not passed on, the next key going to the prompt;
// the held announcement then shows. spp exits 0 with the terminal sane.
func TestInteractiveMonitor(t *testing.T) {
	s, sp, _, after := startTmuxShell(t)
	d := ctltest.StartDaemon(t, sp, 1, "vf", ctltest.Counting(1000))
	s.waitShown("sec 1", "sec 1 (vf) connected", "spp >")
	mode := s.ttyMode()
	n0 := d.Statuses()

	s.keys("monitor sec 1 0.2", "Enter")
	// 1000 packets every 0.2 s: 5k pps, in the columns and on the bars.
	pps := regexp.MustCompile(`\| vhost0 +\| +\d+ \| +\d+ \| +0 \| +3 \| up +\| +[45]\.\dk \| +[45]\.\dk \|`)
	bar := regexp.MustCompile(`(?m)^nic0 +\[#+ *\] rx [45]\.\dk tx [45]\.\dk pps$`)
	scr := s.waitScreen("monitor frames with rates", func(scr string) bool {
		return strings.HasPrefix(scr, "sec 1 every 200ms, ") && strings.Contains(scr, "| CORE") &&
			pps.MatchString(scr) && bar.MatchString(scr) && strings.Contains(scr, "press a key to return to the prompt")
	})
	if s.paneFlag("alternate_on") != "1" || s.paneFlag("cursor_flag") != "0" {
		t.Errorf("monitor: alternate screen %s, cursor %s", s.paneFlag("alternate_on"), s.paneFlag("cursor_flag"))
	}
	if strings.Contains(scr, "spp >") {
		t.Errorf("the prompt shows under monitor:\n%s", scr)
	}
	// Redrawn: statuses keep coming, about 5 a second.
	n1 := d.Statuses()
	time.Sleep(time.Second)
	if n := d.Statuses() - n1; n < 3 || n > 7 {
		t.Errorf("%d statuses in a second of monitor every 200ms", n)
	}
	// A process connecting meanwhile is announced after, not over the frame.
	ctltest.StartDaemon(t, sp, 2, "vf")
	time.Sleep(500 * time.Millisecond)
	if scr := s.screen(); strings.Contains(scr, "sec 2 (vf) connected") {
		t.Errorf("announcement drawn over the monitor:\n%s", scr)
	}

	s.tmux("send-keys", "-t", "spp", "q")
	scr = s.waitScreen("the prompt again", func(scr string) bool {
		return lastLine(scr) == "spp >" && strings.Contains(scr, "sec 2 (vf) connected")
	})
	i, lines := promptAt(scr)
	if !strings.Contains(scr, "Type help for the commands") || !strings.HasPrefix(lines[i-1], "sec 2 (vf) connected") ||
		!strings.Contains(lines[i-2], "spp > monitor sec 1 0.2") {
		t.Errorf("the screen after monitor:\n%s", scr)
	}
	if s.paneFlag("alternate_on") != "0" || s.paneFlag("cursor_flag") != "1" {
		t.Errorf("after monitor: alternate screen %s, cursor %s", s.paneFlag("alternate_on"), s.paneFlag("cursor_flag"))
	}
	if m := s.ttyMode(); m != mode {
		t.Errorf("terminal mode after monitor %s, before %s", m, mode)
	}
	stopped := d.Statuses()
	time.Sleep(500 * time.Millisecond)
	if d.Statuses() != stopped || stopped-n0 < 5 {
		t.Errorf("statuses: %d during monitor, %d after it", stopped-n0, d.Statuses()-stopped)
	}
	// The next keys go to the prompt, the first included.
	s.typeUntil("the line typed after monitor", "spp > sec 1;process", "sec 1;process")
	s.keys("Enter")
	s.waitShown("its output", "spp > sec 1;process\nsec 1: process_type vf, client_id 1\n", "spp >")

	res := s.leave(after)
	if !strings.HasPrefix(res, "status=0 ") {
		t.Errorf("spp exit: %s", res)
	}
	for _, m := range sttySane {
		if !strings.Contains(res, m) {
			t.Errorf("terminal left without%s: %s", m, res)
		}
	}
}
