package shell

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// The operator guide's version 2 examples, typed into the shell, against
// the secondary's real engine (common/engine; its data plane does
// nothing): the daemon accepts every command as the shell builds it, the
// note names what the engine reports idle, the tables show what it
// reports, and completion offers its components and VLAN ids.
func TestShellAgainstEngine(t *testing.T) {
	ts := newTestShell(t)
	ts.reg.Sec(t, 1, ctltest.WithEngine(proto.TypeVF, 1))

	// A component before its ports: idle, noted, then completed.
	file := "sec 1;component 6 forward name vm3_rx\nsec 1;flush\n"
	if !ts.script(file) || ts.out.String() != "note: vm3_rx is idle: it needs 1 rx port and 1 tx port\n" {
		t.Fatalf("idle component: %q %s", ts.out, ts.errw)
	}
	ts.out.Reset()
	if !ts.script("sec 1;port add ring4 rx vm3_rx\nsec 1;flush\n") || ts.out.String() != "note: vm3_rx is idle: it needs 1 tx port\n" {
		t.Fatalf("one port: %q %s", ts.out, ts.errw)
	}
	ts.out.Reset()
	if !ts.script("sec 1;port add vhost2 tx vm3_rx\nsec 1;flush\n") || ts.out.Len() != 0 {
		t.Fatalf("complete: %q %s", ts.out, ts.errw)
	}

	// One uplink, a VLAN per VM, two components per lcore.
	file = `sec 1;component 2 classifier nic0 name cls
sec 1;port add ring0 tx cls del_vlantag
sec 1;port add ring2 tx cls del_vlantag
sec 1;classifier_table vlan 100 00:11:22:33:44:55 ring0
sec 1;classifier_table vlan 200 52:54:00:00:00:02 ring2
sec 1;classifier_table mac default ring2
sec 1;component 4 forward ring0 vhost0 name vm1_rx
sec 1;component 4 forward vhost0 name vm1_tx
sec 1;port add ring1 tx vm1_tx add_vlantag 100 0
sec 1;component 5 forward ring2 vhost1 name vm2_rx
sec 1;component 5 forward vhost1 name vm2_tx
sec 1;port add ring3 tx vm2_tx add_vlantag 200 7
sec 1;component 3 merge ring1,ring3 nic0
sec 1;flush
sec 1;status
`
	ts.out.Reset()
	if !ts.script(file) {
		t.Fatalf("VLAN example: %s", ts.errw)
	}
	out := ts.out.String()
	ctltest.Contains(t, "status", out,
		"|    2 | cls    | classifier | running | nic0        | ring0(-vlan),ring2(-vlan) |",
		"|    3 | merge3 | merge      | running | ring1,ring3 | nic0                      |",
		"|    4 | vm1_rx | forward    | running | ring0       | vhost0                    |",
		"|    4 | vm1_tx | forward    | running | vhost0      | ring1(+vlan 100/0)        |",
		"|    5 | vm2_tx | forward    | running | vhost1      | ring3(+vlan 200/7)        |",
		"|    6 | vm3_rx | forward    | running | ring4       | vhost2                    |",
		"|    7 |        | unuse      |",
		"|      | default           | ring2 |",
		"|  100 | 00:11:22:33:44:55 | ring0 |",
		"|  200 | 52:54:00:00:00:02 | ring2 |",
	)
	if strings.Contains(out, "note:") {
		t.Errorf("a note with nothing idle:\n%s", out)
	}
	for text, want := range map[string]string{
		"sec 1;port del ring1 tx ":                   "cls merge3 vm1_rx vm1_tx vm2_rx vm2_tx vm3_rx",
		"sec 1;classifier_table vlan ":               "100 200",
		"sec 1;classifier_table vlan 200 ":           "52:54:00:00:00:02",
		"sec 1;port add nic1 tx vm1_tx add_vlantag ": "100 200",
	} {
		if got := strings.Join(complete(ts.Shell, text), " "); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}

	// Removing one component of a shared lcore; an entry by unuse; a port
	// taken away leaves its component idle, and the note says so.
	ts.out.Reset()
	file = "sec 1;component 4 none name vm1_tx\nsec 1;classifier_table vlan 100 00:11:22:33:44:55 unuse\n" +
		"sec 1;port del vhost0 tx vm1_rx\nsec 1;flush\nsec 1;status\n"
	if !ts.script(file) {
		t.Fatalf("removal: %s", ts.errw)
	}
	out = ts.out.String()
	if !strings.HasPrefix(out, "note: vm1_rx is idle: it needs 1 tx port\n") || strings.Contains(out, "vm1_tx") ||
		strings.Contains(out, "|  100 |") || !strings.Contains(out, "|    4 | vm1_rx | forward    | idle    | ring0       |") {
		t.Errorf("after the removal:\n%s", out)
	}

	// A value the shell passes on unchecked gets the daemon's error.
	ts.errw.Reset()
	if ts.typed("sec 1;port add ring5 tx vm1_rx add_vlantag 4095 0") || !strings.Contains(ts.errw.String(), "bad value(id)") {
		t.Errorf("VLAN id 4095: %s", ts.errw)
	}
}
