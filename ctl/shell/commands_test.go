package shell

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/c-bata/go-prompt"

	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// help lists every command of the table, and help NAME describes each.
func TestHelpEveryCommand(t *testing.T) {
	ts := newTestShell(t)
	if !ts.typed("help") {
		t.Fatal(ts.errw)
	}
	list := ts.out.String()
	for _, c := range commands {
		if !strings.Contains(list, "  "+c.line()) || !strings.Contains(list, c.brief) {
			t.Errorf("help lacks %q / %q", c.line(), c.brief)
		}
		ts.out.Reset()
		if !ts.typed("help " + c.name) {
			t.Errorf("help %s: %s", c.name, ts.errw)
			continue
		}
		h := ts.out.String()
		if !strings.Contains(h, c.line()+"    (") || !strings.Contains(h, c.brief) {
			t.Errorf("help %s:\n%s", c.name, h)
		}
		for _, l := range strings.Split(c.help, "\n") {
			if !strings.Contains(h, l) {
				t.Errorf("help %s lacks %q", c.name, l)
			}
		}
	}
	if !strings.Contains(list, rawHelp) {
		t.Error("help lacks the raw batch")
	}
	// status is both a shell and a process command: help shows both.
	ts.out.Reset()
	ts.typed("help status")
	if h := ts.out.String(); !strings.Contains(h, "(shell command)") || !strings.Contains(h, "(process command, for primary and secondaries)") {
		t.Errorf("help status:\n%s", h)
	}
}

// The table is consistent: names unique per scope, every shell command runs,
// every process command builds and goes somewhere.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands {
		k := c.name + "/" + string(rune('0'+c.scope))
		if seen[k] {
			t.Errorf("%s twice", c.name)
		}
		seen[k] = true
		switch c.scope {
		case shellScope:
			if c.run == nil || c.build != nil {
				t.Errorf("shell command %s", c.name)
			}
		case procScope:
			if c.build == nil || c.run != nil || !c.forPri && !c.forSec {
				t.Errorf("process command %s", c.name)
			}
		}
		if c.brief == "" {
			t.Errorf("%s has no brief", c.name)
		}
	}
}

// complete returns the suggestions go-prompt would show for text.
func complete(sh *Shell, text string) []string {
	b := prompt.NewBuffer()
	b.InsertText(text, false, true)
	var s []string
	for _, x := range sh.complete(*b.Document()) {
		s = append(s, x.Text)
	}
	return s
}

// Completion from the table and the live state: connected ids, the lcores,
// ports and MACs of the last status, the primary's rings.
func TestCompletion(t *testing.T) {
	ts := newTestShell(t)
	ts.reg.Sec(t, 1)
	ts.reg.Sec(t, 4, ctltest.Mirror)
	ts.reg.Pri(t)
	for _, p := range ts.reg.Processes() {
		ts.learnStatus(p.Target())
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "vm1.txt"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "vms"), 0o755)

	cases := []struct {
		text string
		want []string
	}{
		{"st", []string{"status"}},
		{"b", []string{"bye"}},
		{"bye ", []string{"sec", "all"}},
		{"sec ", []string{"1", "4"}},
		{"wait ", []string{"pri", "sec"}},
		{"wait sec ", []string{"1", "4"}},
		{"wait pri ", nil},
		{"help comp", []string{"component"}},
		{"playback " + dir + "/v", []string{dir + "/vm1.txt", dir + "/vms/"}},
		{"sec 1;", []string{"component", "port", "classifier_table", "flush", "cancel", "status", "process", "exit"}},
		{"sec 1;comp", []string{"component"}},
		{"sec 1; cl", []string{"classifier_table"}},
		{"pri;", []string{"status", "process", "exit", "clear"}},
		{"pri;c", []string{"clear"}},
		{"sec 1;component ", []string{"2", "3", "4"}},
		{"sec 1;component 2 ", []string{"forward", "merge", "classifier", "none"}},
		{"sec 4;component 2 ", []string{"mirror", "none"}},
		{"sec 1;component 2 forward ", []string{"nic0", "nic1", "ring0", "ring1", "ring2", "vhost0", "name"}},
		{"sec 1;component 2 forward ri", []string{"ring0", "ring1", "ring2"}},
		{"sec 1;component 2 classifier nic0 ring0,ri", []string{"ring0", "ring1", "ring2"}},
		{"sec 1;component 2 classifier nic0 ring0,v", []string{"vhost0"}},
		{"sec 1;component 2 none ", []string{"name"}},
		{"sec 1;component 2 forward ring0 ring1 ", []string{"name"}},
		{"sec 1;component 2 forward ring0 ring1 name fw1 ", nil},
		{"sec 1;classifier_table ", []string{"mac", "vlan"}},
		{"sec 1;classifier_table mac ", []string{"default", "52:54:00:12:34:56"}},
		{"sec 1;classifier_table mac 52", []string{"52:54:00:12:34:56"}},
		{"sec 1;classifier_table mac default ", []string{"nic0", "nic1", "ring0", "ring1", "ring2", "vhost0", "unuse"}},
		{"sec 1;classifier_table mac default u", []string{"unuse"}},
		{"sec 1;flush ", nil},
		{"sec 9;component ", nil}, // not connected: no lcores known
		{"mon", []string{"monitor"}},
		{"monitor ", []string{"pri", "sec"}},
		{"monitor sec ", []string{"1", "4"}},
		{"monitor pri ", nil},
		{"topo ", []string{"sec", "svg"}},
		{"topo sec ", []string{"1", "4"}},
		{"topo sec 1 ", []string{"svg"}},
		{"topo svg " + dir + "/v", []string{dir + "/vm1.txt", dir + "/vms/"}},
		{"topo sec 1 svg " + dir + "/v", []string{dir + "/vm1.txt", dir + "/vms/"}},
		{"bogus ", nil},
	}
	for _, c := range cases {
		if got := complete(ts.Shell, c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}

	// Inside sec 1: process commands first, then the shell's (not status twice).
	ts.entered = &registry.Target{ID: 1}
	if got := complete(ts.Shell, "st"); !reflect.DeepEqual(got, []string{"status"}) {
		t.Errorf("in sec 1, st: %q", got)
	}
	if got := complete(ts.Shell, "e"); !reflect.DeepEqual(got, []string{"exit", "end"}) {
		t.Errorf("in sec 1, e: %q", got)
	}
	if got := complete(ts.Shell, "component 2 forward r"); !reflect.DeepEqual(got, []string{"ring0", "ring1", "ring2"}) {
		t.Errorf("in sec 1, ports: %q", got)
	}
	if got := complete(ts.Shell, "sec "); !reflect.DeepEqual(got, []string{"1", "4"}) {
		t.Errorf("in sec 1, sec: %q", got)
	}
	// An empty line offers nothing until Tab (tested under a terminal).
	if got := complete(ts.Shell, ""); got != nil {
		t.Errorf("empty line: %q", got)
	}
}

// Completion of what protocol.md section 9 adds, from a status that has it
// (ctltest.SampleV2): component names (port ... NAME, component ... name
// NAME), add_vlantag and del_vlantag, VLAN ids (from the classifier table
// and the pushes), the MACs of one VLAN's entries, an lcore with two
// components offered once.
func TestCompletionV2(t *testing.T) {
	ts := newTestShell(t)
	ts.reg.Sec(t, 1, ctltest.WithStatus(ctltest.SampleV2))
	for _, p := range ts.reg.Processes() {
		ts.learnStatus(p.Target())
	}
	ports := []string{"nic0", "nic1", "ring0", "ring1", "ring2", "ring3"}
	names := []string{"cls", "up", "forward3"}
	cases := []struct {
		text string
		want []string
	}{
		{"sec 1;component ", []string{"2", "3", "4"}},
		{"sec 1;component 2 forward n", []string{"nic0", "nic1", "name"}},
		{"sec 1;component 2 forward name ", names},
		{"sec 1;component 2 forward ring3 name ", names},
		{"sec 1;component 2 forward ring3 ring0 name ", names},
		{"sec 1;component 2 forward ring3 ring0 name f", []string{"forward3"}},
		{"sec 1;component 2 forward name fw1 ", nil},
		{"sec 1;component 2 none name ", names},
		{"sec 1;port ", []string{"add", "del"}},
		{"sec 1;port add ", ports},
		{"sec 1;port add ring3 ", []string{"rx", "tx"}},
		{"sec 1;port add nic1 tx ", names},
		{"sec 1;port add nic1 tx forward3 ", []string{"add_vlantag", "del_vlantag"}},
		{"sec 1;port add nic1 tx forward3 add_vlantag ", []string{"100", "200"}},
		{"sec 1;port add nic1 tx forward3 add_vlantag 1", []string{"100"}},
		{"sec 1;port add nic1 tx forward3 add_vlantag 100 ", []string{"0", "1", "2", "3", "4", "5", "6", "7"}},
		{"sec 1;port add nic1 tx forward3 add_vlantag 100 0 ", nil},
		{"sec 1;port add nic1 tx forward3 del_vlantag ", nil},
		{"sec 1;classifier_table vlan ", []string{"100", "200"}},
		{"sec 1;classifier_table vlan 100 ", []string{"52:54:00:00:00:01"}},
		{"sec 1;classifier_table vlan 200 ", []string{"52:54:00:00:00:02"}},
		{"sec 1;classifier_table vlan 300 ", nil},
		{"sec 1;classifier_table vlan 100 52:54:00:00:00:01 ", append(append([]string(nil), ports...), "unuse")},
		{"sec 1;classifier_table vlan 100 52:54:00:00:00:01 ring0 ", nil},
		{"sec 1;classifier_table mac ", []string{"default", "52:54:00:00:00:09"}},
		{"pri;port", nil},
	}
	for _, c := range cases {
		if got := complete(ts.Shell, c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
	// What the candidates say: both components of lcore 2, an idle one,
	// where a VLAN id comes from.
	desc := map[string]string{}
	for _, text := range []string{"sec 1;component ", "sec 1;port add nic1 tx ", "sec 1;classifier_table vlan "} {
		b := prompt.NewBuffer()
		b.InsertText(text, false, true)
		for _, s := range ts.complete(*b.Document()) {
			desc[text+s.Text] = s.Description
		}
	}
	for k, want := range map[string]string{
		"sec 1;component 2":               "cls: classifier nic0 -> ring0(-vlan),ring1(-vlan); up: forward ring2 -> nic1(+vlan 100/3)",
		"sec 1;component 3":               "forward3: forward ring3 -> - (idle)",
		"sec 1;component 4":               "no component",
		"sec 1;port add nic1 tx forward3": "core 3, forward3: forward ring3 -> - (idle)",
		"sec 1;classifier_table vlan 100": "classifier table, pushed by up",
		"sec 1;classifier_table vlan 200": "classifier table",
	} {
		if desc[k] != want {
			t.Errorf("%q: description %q, want %q", k, desc[k], want)
		}
	}
}

// record writes typed commands (inside sec N as sec N;CMD); history keeps
// every typed line in $SPP_HISTORY and numbers them; the record file plays
// back as one batch.
func TestRecordHistory(t *testing.T) {
	dir := t.TempDir()
	ts := newTestShell(t)
	ts.histPath = filepath.Join(dir, "hist")
	os.WriteFile(ts.histPath, []byte("old one\n"), 0o600)
	ts.loadHistory()
	d := ts.reg.Sec(t, 1)
	rec := filepath.Join(dir, "rec.txt")
	typed := []string{"record " + rec, "sec 1", "component 2 none", "end", "sec 1;flush", "help", "status", "wait sec 1", ""}
	for _, l := range typed {
		if !ts.typed(l) {
			t.Fatalf("%q: %s", l, ts.errw)
		}
	}
	ts.rec.Close()
	b, _ := os.ReadFile(rec)
	if want := "sec 1;component 2 none\nsec 1;flush\nstatus\nwait sec 1\n"; string(b) != want {
		t.Errorf("record file %q, want %q", b, want)
	}
	h, _ := os.ReadFile(ts.histPath)
	if want := "old one\n" + strings.Join(typed[:len(typed)-1], "\n") + "\n"; string(h) != want {
		t.Errorf("history file %q, want %q", h, want)
	}
	ts.out.Reset()
	ts.typed("history")
	if out := ts.out.String(); !strings.HasPrefix(out, "    1  old one\n    2  record "+rec+"\n") || !strings.Contains(out, "    9  wait sec 1\n   10  history\n") {
		t.Errorf("history:\n%s", out)
	}

	n := len(d.Sent())
	if !ts.typed("playback " + rec) {
		t.Fatal(ts.errw)
	}
	if got := d.Sent()[n:]; len(got) != 2 || got[0] != `{"commands":[{"command":"component","core_id":"2","type":"none"},{"command":"flush"}]}` || got[1] != flushStatus {
		t.Errorf("playback sent %q", got)
	}
}

// Every command of controller.md is in help, as the operator types it, and
// help NAME describes it with what the spec says about it. (The table is
// the only source of help and of parsing, TestHelpEveryCommand; this checks
// the table against the spec.)
func TestHelpCoversSpec(t *testing.T) {
	ts := newTestShell(t)
	ts.typed("help")
	list := ts.out.String()
	for _, typed := range []string{
		"status", "pri;CMD", "sec N;CMD", "sec N", "end", "wait pri [TIMEOUT]", "wait sec N [TIMEOUT]",
		"playback FILE", "record FILE", "history", "bye [sec|all]", "help [CMD]",
		"component CORE TYPE [RX[,RX..]] [TX[,TX..]]", "component CORE none",
		"classifier_table mac MAC|default PORT|unuse",
		// Version 2 (controller.md "Version 2 additions", protocol.md 9).
		"component CORE TYPE [RX[,RX..]] [TX[,TX..]] [name NAME]", "component CORE none [name NAME]",
		"port add|del PORT rx|tx NAME [add_vlantag ID PCP | del_vlantag]",
		"classifier_table vlan VID MAC PORT|unuse",
		"flush", "cancel", "process", "exit", "clear", `{"commands":[...]}`,
	} {
		if !strings.Contains(list, typed) {
			t.Errorf("help lacks %q", typed)
		}
	}
	for name, says := range map[string][]string{
		"status": {"shell command", "table of connected processes", "process command, for primary and secondaries", "cores, ports, classifier table", "rings, mempool",
			"a row per component", "idle", "ring1(+vlan 100/0)", "ring0(-vlan)", "VLAN column"},
		"pri":      {"status, clear, exit, process", "end"},
		"sec":      {"spp [sec 1] > ", "end"},
		"end":      {"leave"},
		"wait":     {"default 10s", "TIMEOUT is seconds"},
		"playback": {"# and blank lines are skipped", "all or nothing per process"},
		"record":   {"sec N;CMD", "playback"},
		"history":  {"~/.spp_history"},
		"bye":      {"sec: first exit every secondary", "all: and then the primary", "10 s at most"},
		"help":     {"more about one command"},
		"component": {"forward", "merge", "classifier", "classifier_mac", "mirror", "none", "nicN, ringN, vhostN, pcapN, nullN", "phy:N", "staged until flush",
			"replaces everything on CORE", "forward4", "With name NAME", "share an lcore", "none with a name removes", "idle", `"name":"fw1"`},
		"port": {"add or remove one rx or tx port of component NAME", "add_vlantag ID PCP", "1..4094", "0..7", "del_vlantag", "strips the outer tag",
			`"vlan":{"operation":"add","id":100,"pcp":0}`},
		"classifier_table": {"default", "unuse", "case-insensitively", "vlan entries", "VID", `"type":"vlan","vlan":100`},
		"flush":            {"commit"},
		"cancel":           {"since the last flush"},
		"process":          {"type and client id"},
		"exit":             {"stop the process"},
		"clear":            {"zero the primary's"},
	} {
		ts.out.Reset()
		if !ts.typed("help " + name) {
			t.Errorf("help %s: %s", name, ts.errw)
			continue
		}
		for _, w := range says {
			if !strings.Contains(ts.out.String(), w) {
				t.Errorf("help %s lacks %q:\n%s", name, w, ts.out)
			}
		}
	}
	ts.errw.Reset()
	if ts.typed("help nonsense") || !strings.Contains(ts.errw.String(), `no command "nonsense"`) {
		t.Errorf("help nonsense: %s", ts.errw)
	}
}

// Every example in help ("  TYPED" then "sends JSON") is what typing it
// sends.
func TestHelpExamplesSend(t *testing.T) {
	ts := newTestShell(t)
	d := ts.reg.Sec(t, 1)
	n := 0
	for _, c := range commands {
		lines := strings.Split(c.help, "\n")
		for i := 0; i+1 < len(lines); i++ {
			want, ok := strings.CutPrefix(lines[i+1], "sends ")
			if !ok || !strings.HasPrefix(lines[i], "  ") {
				continue
			}
			n++
			before := len(d.Sent())
			if !ts.typed("sec 1;" + strings.TrimSpace(lines[i])) {
				t.Errorf("%s: %s", lines[i], ts.errw)
				continue
			}
			if got := d.Sent()[before:]; len(got) != 1 || got[0] != `{"commands":[`+want+`]}` {
				t.Errorf("help of %s: %q sends %q, help says %s", c.name, lines[i], got, want)
			}
		}
	}
	if n < 4 {
		t.Errorf("%d examples found", n)
	}
}
