package shell

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// Every row of controller.md's translation table, and every process
// command, byte for byte on the wire. A batch with a flush is followed by
// the shell's own status (the idle note).
func TestTranslationOnTheWire(t *testing.T) {
	ts := newTestShell(t)
	sec := ts.reg.Sec(t, 1)
	pri := ts.reg.Pri(t)
	cases := []struct {
		typed string
		to    *ctltest.Daemon
		want  string
	}{
		{"sec 1;component 2 classifier nic0 ring0,ring2", sec,
			`{"commands":[{"command":"component","core_id":"2","type":"classifier","rx_ports":["nic0"],"tx_ports":["ring0","ring2"]}]}`},
		{"sec 1;component 4 forward ring0 vhost0", sec,
			`{"commands":[{"command":"component","core_id":"4","type":"forward","rx_ports":["ring0"],"tx_ports":["vhost0"]}]}`},
		{"sec 1;component 3 merge ring1,ring3 nic0", sec,
			`{"commands":[{"command":"component","core_id":"3","type":"merge","rx_ports":["ring1","ring3"],"tx_ports":["nic0"]}]}`},
		{"sec 1;component 5 mirror ring0 ring1,ring2", sec,
			`{"commands":[{"command":"component","core_id":"5","type":"mirror","rx_ports":["ring0"],"tx_ports":["ring1","ring2"]}]}`},
		{"sec 1;component 5 classifier_mac phy:0 ring:0", sec, // aliases and synonyms are the daemon's to read
			`{"commands":[{"command":"component","core_id":"5","type":"classifier_mac","rx_ports":["phy:0"],"tx_ports":["ring:0"]}]}`},
		{"sec 1;component 5 forward ring0", sec,
			`{"commands":[{"command":"component","core_id":"5","type":"forward","rx_ports":["ring0"],"tx_ports":[]}]}`},
		{"sec 1;component 5 forward", sec,
			`{"commands":[{"command":"component","core_id":"5","type":"forward","rx_ports":[],"tx_ports":[]}]}`},
		{"sec 1;component 2 none", sec,
			`{"commands":[{"command":"component","core_id":"2","type":"none"}]}`},
		{"sec 1;classifier_table mac AA:bb:CC:dd:EE:ff ring0", sec, // case preserved
			`{"commands":[{"command":"classifier_table","type":"mac","value":"AA:bb:CC:dd:EE:ff","port":"ring0"}]}`},
		{"sec 1;classifier_table mac default ring2", sec,
			`{"commands":[{"command":"classifier_table","type":"mac","value":"default","port":"ring2"}]}`},
		{"sec 1;classifier_table mac 52:54:00:12:34:56 unuse", sec,
			`{"commands":[{"command":"classifier_table","type":"mac","value":"52:54:00:12:34:56","port":"unuse"}]}`},
		// Version 2 (protocol.md 9.1, 9.3, 9.4).
		{"sec 1;component 2 forward ring0 ring1 name fw1", sec,
			`{"commands":[{"command":"component","core_id":"2","type":"forward","name":"fw1","rx_ports":["ring0"],"tx_ports":["ring1"]}]}`},
		{"sec 1;component 2 forward ring0 name fw1", sec, // idle until it has a tx port
			`{"commands":[{"command":"component","core_id":"2","type":"forward","name":"fw1","rx_ports":["ring0"],"tx_ports":[]}]}`},
		{"sec 1;component 2 classifier name cls", sec,
			`{"commands":[{"command":"component","core_id":"2","type":"classifier","name":"cls","rx_ports":[],"tx_ports":[]}]}`},
		{"sec 1;component 3 merge ring1,ring3 nic0 name m-1.x", sec,
			`{"commands":[{"command":"component","core_id":"3","type":"merge","name":"m-1.x","rx_ports":["ring1","ring3"],"tx_ports":["nic0"]}]}`},
		{"sec 1;component 2 none name fw1", sec,
			`{"commands":[{"command":"component","core_id":"2","type":"none","name":"fw1"}]}`},
		{"sec 1;port add ring0 rx fw1", sec,
			`{"commands":[{"command":"port","action":"add","port":"ring0","dir":"rx","name":"fw1"}]}`},
		{"sec 1;port del ring1 tx fw1", sec,
			`{"commands":[{"command":"port","action":"del","port":"ring1","dir":"tx","name":"fw1"}]}`},
		{"sec 1;port add ring1 tx fw1 add_vlantag 100 0", sec,
			`{"commands":[{"command":"port","action":"add","port":"ring1","dir":"tx","name":"fw1","vlan":{"operation":"add","id":100,"pcp":0}}]}`},
		{"sec 1;port add vhost:0 rx fw1 add_vlantag 4094 7", sec,
			`{"commands":[{"command":"port","action":"add","port":"vhost:0","dir":"rx","name":"fw1","vlan":{"operation":"add","id":4094,"pcp":7}}]}`},
		{"sec 1;port add ring1 tx fw1 add_vlantag 0x10 high", sec, // values are the daemon's to judge
			`{"commands":[{"command":"port","action":"add","port":"ring1","dir":"tx","name":"fw1","vlan":{"operation":"add","id":"0x10","pcp":"high"}}]}`},
		{"sec 1;port add ring0 rx fw1 del_vlantag", sec,
			`{"commands":[{"command":"port","action":"add","port":"ring0","dir":"rx","name":"fw1","vlan":{"operation":"del"}}]}`},
		{"sec 1;classifier_table vlan 100 52:54:00:00:00:01 ring0", sec,
			`{"commands":[{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"}]}`},
		{"sec 1;classifier_table vlan 100 52:54:00:00:00:01 unuse", sec,
			`{"commands":[{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"unuse"}]}`},
		{"sec 1;flush", sec, `{"commands":[{"command":"flush"}]}`},
		{"sec 1;cancel", sec, `{"commands":[{"command":"cancel"}]}`},
		{"sec 1;status", sec, `{"commands":[{"command":"status"}]}`},
		{"sec 1;process", sec, `{"commands":[{"command":"process"}]}`},
		{"sec 1; status", sec, `{"commands":[{"command":"status"}]}`},
		{"  sec   1 ;   flush  ", sec, `{"commands":[{"command":"flush"}]}`},
		{`sec 1;{"commands":[{"command":"flush"}, {"command":"status"}]}`, sec,
			`{"commands":[{"command":"flush"}, {"command":"status"}]}`}, // raw: as it is
		{"pri;status", pri, `{"commands":[{"command":"status"}]}`},
		{"pri;clear", pri, `{"commands":[{"command":"clear"}]}`},
		{"pri; process", pri, `{"commands":[{"command":"process"}]}`},
		{`pri;{"commands":[{"command":"clear"}]}`, pri, `{"commands":[{"command":"clear"}]}`},
	}
	for _, c := range cases {
		n := len(c.to.Requests())
		if !ts.typed(c.typed) {
			t.Errorf("%q failed: %s", c.typed, ts.errw)
		}
		want := []string{c.want}
		if strings.Contains(c.want, `{"command":"flush"}`) {
			want = append(want, flushStatus)
		}
		got := c.to.Requests()[n:]
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q sent\n  %s\nwant\n  %s", c.typed, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
	if ts.errw.Len() > 0 {
		t.Errorf("errors: %s", ts.errw)
	}
}

// exit of both kinds of process (it ends the test daemon, so on its own).
func TestTranslationExit(t *testing.T) {
	ts := newTestShell(t)
	sec := ts.reg.Sec(t, 1)
	pri := ts.reg.Pri(t)
	for _, c := range []struct {
		typed string
		d     *ctltest.Daemon
	}{{"sec 1;exit", sec}, {"pri;exit", pri}} {
		if !ts.typed(c.typed) {
			t.Fatalf("%s failed: %s", c.typed, ts.errw)
		}
		if got := c.d.Sent(); len(got) != 1 || got[0] != `{"commands":[{"command":"exit"}]}` {
			t.Errorf("%s sent %q", c.typed, got)
		}
	}
	ctltest.WaitFor(t, "both gone", func() bool { return len(ts.reg.Processes()) == 0 })
}

// Inside sec N, bare process commands go to N; shell commands still work.
func TestContext(t *testing.T) {
	ts := newTestShell(t)
	sec := ts.reg.Sec(t, 1)
	pri := ts.reg.Pri(t)
	steps := []string{"sec 1", "component 2 none", "flush", "status", `{"commands":[{"command":"cancel"}]}`,
		"pri;clear", "help flush", "end", "pri", "status", "end"}
	for _, s := range steps {
		if !ts.typed(s) {
			t.Fatalf("%q failed: %s", s, ts.errw)
		}
		if s == "sec 1" && ts.promptText() != "spp [sec 1] > " {
			t.Errorf("prompt %q", ts.promptText())
		}
	}
	want := []string{
		`{"commands":[{"command":"component","core_id":"2","type":"none"}]}`,
		`{"commands":[{"command":"flush"}]}`,
		flushStatus,
		`{"commands":[{"command":"status"}]}`,
		`{"commands":[{"command":"cancel"}]}`,
	}
	if got := sec.Sent(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sec 1 got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantPri := `{"commands":[{"command":"clear"}]}` + "\n" + `{"commands":[{"command":"status"}]}`
	if got := strings.Join(pri.Sent(), "\n"); got != wantPri {
		t.Errorf("pri got\n%s", got)
	}
	if ts.promptText() != "spp > " {
		t.Errorf("after end: prompt %q", ts.promptText())
	}
	if ts.typed("end") || !strings.Contains(ts.errw.String(), "not inside a process") {
		t.Errorf("end outside a process: %s", ts.errw)
	}
}

// Bad lines: one readable error naming the line, and nothing sent.
func TestTranslationErrors(t *testing.T) {
	ts := newTestShell(t)
	sec := ts.reg.Sec(t, 1)
	pri := ts.reg.Pri(t)
	cases := []struct{ typed, msg string }{
		{"sec 1;component 2", "component: needs CORE and TYPE"},
		{"sec 1;component", "needs CORE and TYPE"},
		{"sec 1;component 2 none ring0", "none takes no ports"},
		{"sec 1;component 2 forward ring0 ring1 ring2", "separated by commas"},
		{"sec 1;component 2 merge ring0,,ring1 nic0", `empty port name in "ring0,,ring1"`},
		{"sec 1;classifier_table mac 00:11:22:33:44:55", "needs mac"},
		{"sec 1;classifier_table vlan 1 ring0", "needs vlan, then VID, MAC, and PORT or unuse"},
		{"sec 1;classifier_table vlan 1 00:11:22:33:44:55 ring0 x", "needs vlan, then VID"},
		{"sec 1;classifier_table ip 1 ring0", `unknown table type "ip" (mac or vlan)`},
		{"sec 1;classifier_table", "needs mac or vlan"},
		{"sec 1;component 2 forward ring0 ring1 name", "name needs a NAME"},
		{"sec 1;component 2 forward name", "name needs a NAME"},
		{"sec 1;component 2 forward name fw1 ring0", "name NAME comes last"},
		{"sec 1;component 2 forward ring0 name fw1 name fw2", "name NAME comes last"},
		{"sec 1;component 2 none ring0 name fw1", "none takes no ports"},
		{"sec 1;component 2 forward ring0 ring1 ring2 name fw1", "separated by commas"},
		{"sec 1;port add ring0 rx", "port: needs add or del, PORT, rx or tx, and the component's NAME"},
		{"sec 1;port", "needs add or del"},
		{"sec 1;port add ring0 rx fw1 add_vlantag 100", "add_vlantag needs ID and PCP"},
		{"sec 1;port add ring0 rx fw1 add_vlantag 100 0 1", "add_vlantag needs ID and PCP, and nothing after"},
		{"sec 1;port add ring0 rx fw1 del_vlantag 100", "del_vlantag takes nothing after it"},
		{"sec 1;port add ring0 rx fw1 vlan 100", `after NAME: add_vlantag ID PCP or del_vlantag, not "vlan"`},
		{"pri;port add ring0 rx fw1", "port is not a primary command"},
		{"sec 1;flush now", "flush: takes no arguments"},
		{"sec 1;clear", "clear is a primary command"},
		{"pri;flush", "flush is not a primary command"},
		{"pri;component 2 none", "component is not a primary command"},
		{"sec 1;bogus", `unknown process command "bogus"`},
		{"sec 128;status", `bad client id "128"`},
		{"sec x;status", `bad client id "x"`},
		{"sec -1;status", `bad client id "-1"`},
		{"sec;status", "one client id"},
		{"sec 1;", "nothing after sec 1;"},
		{`sec 1;{"commands":[`, "not a JSON batch"},
		{`sec 1;{"commands":[]} {}`, "text after the object"},
		{`sec 1;{"command":"flush"}`, `no "commands" list`},
		{`{"commands":[{"command":"flush"}]}`, "a raw batch needs a process"},
		{"flush", "flush is a process command"},
		{"bogus 1 2", `unknown command "bogus"`},
		{"sec 1 status", "did you mean sec 1;status?"},
		{"pri status", "did you mean pri;status?"},
		{"sec 9;status", "sec 9 is not connected"},
		{"status now", "status takes no arguments"},
		{"wait", "usage: wait"},
		{"wait sec 1 abc", `bad TIMEOUT "abc"`},
		{"playback /nonexistent/x", "no such file"},
		{"record", "usage: record FILE"},
		{"bye now", "usage: bye [sec|all]"},
		{"help nothing", `no command "nothing"`},
	}
	for _, c := range cases {
		ts.errw.Reset()
		if ts.typed(c.typed) {
			t.Errorf("%q succeeded", c.typed)
		}
		e := ts.errw.String()
		if !strings.HasPrefix(e, strings.TrimSpace(c.typed)+": ") || !strings.Contains(e, c.msg) || strings.Count(e, "\n") != 1 {
			t.Errorf("%q: error %q, want one line %q: ...%s...", c.typed, e, strings.TrimSpace(c.typed), c.msg)
		}
	}
	if len(sec.Sent()) != 0 || len(pri.Sent()) != 0 {
		t.Errorf("sent %q %q", sec.Sent(), pri.Sent())
	}
	if ts.quit {
		t.Error("a bad bye left the shell")
	}
}

// What the shell builds for the version 2 commands reads back, with the
// daemon's own readers (common/proto), as what was typed; values the shell
// passes on unchecked get the daemon's error for that field.
func TestV2CommandsReadBack(t *testing.T) {
	build := func(line string) proto.Command {
		t.Helper()
		w := strings.Fields(line)
		cmd, err := lookup(procScope, w[0]).build(w[1:])
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return cmd
	}
	names := func(ps []proto.PortSpec) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.String())
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	// readBack reads cmd with the daemon's reader of its kind and prints
	// what it read.
	readBack := func(cmd proto.Command) (string, error) {
		switch cmd.Name {
		case proto.CmdComponent:
			c, err := cmd.Component()
			return fmt.Sprintf("%d %s %s %s %s", c.CoreID, c.Type, c.Name, names(c.Rx), names(c.Tx)), err
		case proto.CmdPort:
			p, err := cmd.PortOp()
			return fmt.Sprintf("%s %s %s %s %v", p.Action, p.Port, p.Dir, p.Name, p.VLAN), err
		}
		c, err := cmd.Classifier()
		port := c.Port.String()
		if c.Unuse {
			port = "unuse"
		}
		return fmt.Sprintf("%s %d %s %s", c.Type, c.VLAN, c.Value, port), err
	}
	for line, want := range map[string]string{
		"component 2 forward ring0 name fw1":                 "2 forward fw1 [ring0] []",
		"component 3 merge ring1,ring3 nic0 name m":          "3 merge m [ring1,ring3] [nic0]",
		"component 2 classifier name cls":                    "2 classifier cls [] []",
		"component 2 none name fw1":                          "2 none fw1 [] []",
		"component 2 forward ring0 vhost0":                   "2 forward  [ring0] [vhost0]",
		"port add ring1 tx fw1 add_vlantag 100 3":            "add ring1 tx fw1 {add 100 3}",
		"port add vhost:0 rx fw1 del_vlantag":                "add vhost0 rx fw1 {del 0 0}",
		"port del ring1 rx fw1":                              "del ring1 rx fw1 {none 0 0}",
		"classifier_table vlan 100 52:54:00:AA:00:01 ring0":  "vlan 100 52:54:00:aa:00:01 ring0",
		"classifier_table vlan 4094 52:54:00:aa:00:01 unuse": "vlan 4094 52:54:00:aa:00:01 unuse",
		"classifier_table mac default ring2":                 "mac 0 default ring2",
	} {
		got, err := readBack(build(line))
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		if got != want {
			t.Errorf("%s reads back as %q, want %q", line, got, want)
		}
	}
	for line, want := range map[string]string{
		"port add ring1 tx fw1 add_vlantag 0x10 1":        "bad value(id)",
		"port add ring1 tx fw1 add_vlantag 4095 1":        "bad value(id)",
		"port add ring1 tx fw1 add_vlantag 100 8":         "bad value(pcp)",
		"port add ring1 up fw1":                           "bad value(dir)",
		"port move ring1 tx fw1":                          "bad value(action)",
		"classifier_table vlan 0 52:54:00:00:00:01 ring0": "bad value(vlan)",
		"classifier_table vlan 100 default ring0":         "bad value(value)",
	} {
		_, err := readBack(build(line))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: daemon's reader says %v, want %s...", line, err, want)
		}
	}
}
