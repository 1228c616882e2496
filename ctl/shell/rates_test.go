package shell

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/rate"
	"github.com/spp-go/spp/ctl/registry"
)

// With rates, the tables fill the pps columns: per component, per port;
// a port or component the rates lack (new since the previous status) and
// an idle lcore show "-" and nothing; a line says over what time.
func TestRenderRates(t *testing.T) {
	si := ctltest.SampleSec
	rt := &rate.Rates{Seconds: 2,
		Ports: []rate.PortRate{{Port: "nic0", RxPPS: 14_880_952, TxPPS: 950}, {Port: "vhost0", RxPPS: 12345, TxPPS: 0}},
		Core:  []rate.CoreRate{{Core: 2, Name: "classifier2", PPS: 7.46}},
	}
	var b strings.Builder
	renderSecondary(&b, "sec 1", &si, rt)
	want := `sec 1: vf, client_id 1, main lcore 1: changes staged, not flushed yet (flush applies them, cancel drops them)
pps over the last 2s
+------+-------------+------------+---------+-------+-------------+---------+-------+-----+
| CORE | NAME        | TYPE       | STATE   | RX    | TX          | PACKETS | DROPS | PPS |
+------+-------------+------------+---------+-------+-------------+---------+-------+-----+
|    2 | classifier2 | classifier | running | nic0  | ring0,ring2 |     120 |     0 | 7.5 |
|    3 |             | unuse      |         |       |             |         |       |     |
|    4 | fw1         | forward    | running | ring0 | vhost0      |      60 |     2 |   - |
+------+-------------+------------+---------+-------+-------------+---------+-------+-----+
+--------+-----+----+---------+---------+------+--------+--------+
| PORT   | RX  | TX | RX_DROP | TX_DROP | LINK | RX_PPS | TX_PPS |
+--------+-----+----+---------+---------+------+--------+--------+
| nic0   | 120 | 98 |       0 |       0 |      | 14.88M |    950 |
| ring0  |  60 | 60 |       0 |       0 |      |      - |      - |
| vhost0 |  40 | 60 |       0 |       3 | up   |  12.3k |      0 |
+--------+-----+----+---------+---------+------+--------+--------+
`
	if got := b.String(); !strings.HasPrefix(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	pi := ctltest.SamplePri
	b.Reset()
	renderPrimary(&b, &pi, &rate.Rates{Seconds: 0.25, Ports: []rate.PortRate{{Port: "nic1", RxPPS: 1_250_000, TxPPS: 1.2e9}}})
	ctltest.Contains(t, "primary", b.String(),
		"pri: main lcore 0\npps over the last 300ms\n",
		"| nic0 |  5 |  6 |       1 |       0 |      |      - |      - |",
		"| nic1 |  0 |  0 |       0 |       0 |      |  1.25M |  1.20G |",
	)
}

// withBytes is si with byte counters on its ethdev ports (nic0, vhost0),
// none on ring0, as a real vf sends them.
func withBytes(si proto.SecondaryInfo) proto.SecondaryInfo {
	si.Ports = append([]proto.PortStatus(nil), si.Ports...)
	for i, p := range si.Ports {
		if p.Port != "ring0" {
			rx, tx := p.Rx*100, p.Tx*100
			si.Ports[i].RxBytes, si.Ports[i].TxBytes = &rx, &tx
		}
	}
	return si
}

func mbps(v float64) *float64 { return &v }

// A status with byte counters gives the ports table RX_MBPS and TX_MBPS:
// the Mbit/s of the ports the rates have them for, "-" for a ring (no
// byte counters) and when there are no rates. A status without any keeps
// the table as it was (TestRenderRates).
func TestRenderMbit(t *testing.T) {
	si := withBytes(ctltest.SampleSec)
	rt := &rate.Rates{Seconds: 1, Ports: []rate.PortRate{
		{Port: "nic0", RxPPS: 14_880_952, TxPPS: 950, RxMbps: mbps(7619.047), TxMbps: mbps(0.004)},
		{Port: "ring0", RxPPS: 10, TxPPS: 10},
		{Port: "vhost0", RxPPS: 12345, RxMbps: mbps(95.24), TxMbps: mbps(0)},
	}}
	var b strings.Builder
	renderPorts(&b, si.Ports, rt)
	want := `+--------+-----+----+---------+---------+------+--------+--------+---------+---------+
| PORT   | RX  | TX | RX_DROP | TX_DROP | LINK | RX_PPS | TX_PPS | RX_MBPS | TX_MBPS |
+--------+-----+----+---------+---------+------+--------+--------+---------+---------+
| nic0   | 120 | 98 |       0 |       0 |      | 14.88M |    950 |    7619 |   <0.01 |
| ring0  |  60 | 60 |       0 |       0 |      |     10 |     10 |       - |       - |
| vhost0 |  40 | 60 |       0 |       3 | up   |  12.3k |      0 |    95.2 |       0 |
+--------+-----+----+---------+---------+------+--------+--------+---------+---------+
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	b.Reset()
	renderPorts(&b, si.Ports, nil)
	if !strings.Contains(b.String(), "| nic0   | 120 | 98 |       0 |       0 |      |      - |      - |       - |       - |") {
		t.Errorf("no rates:\n%s", b.String())
	}
}

// status reply, as a test reads the rates: the reply's rates member.
type ratesReply struct {
	Rates *rate.Rates `json:"rates"`
}

// The first status of a process is preceded by one of the shell's own, a
// window earlier: its tables have rates, and they are the counters' growth
// over the window. The next status has rates since the previous one, with
// no extra request. A process that reconnects starts again (its counters
// are another process's). --json carries the rates; without a window
// (rateWindow 0) nothing is measured and the columns say "-".
func TestStatusRates(t *testing.T) {
	ts := newTestShell(t)
	ts.rateWindow = 300 * time.Millisecond
	d := ts.reg.Sec(t, 1, ctltest.Counting(600))

	start := time.Now()
	if !ts.typed("sec 1;status") {
		t.Fatal(ts.errw)
	}
	if el := time.Since(start); el < ts.rateWindow {
		t.Errorf("status took %v, less than the window", el)
	}
	if got := d.Sent(); len(got) != 2 || got[0] != `{"commands":[{"command":"status"}]}` || got[1] != got[0] {
		t.Fatalf("sent %q, want two statuses", got)
	}
	out := ts.out.String()
	if !regexp.MustCompile(`(?m)^pps over the last (300|400|500)ms$`).MatchString(out) {
		t.Errorf("no rate line:\n%s", out)
	}
	// 600 packets over about 0.3 s: about 2k pps on each port and component.
	cell := `(1\.[2-9]|2\.[0-9])k`
	for _, cells := range [][]string{
		{"2", "classifier2", "classifier", "running", "nic0", "ring0,ring2", "720", "0", cell},
		{"vhost0", "640", "660", "0", "3", "up", cell, cell},
	} {
		re := `(?m)^\|\s*` + strings.Join(cells, `\s*\|\s*`) + `\s*\|$`
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no row like %s:\n%s", re, out)
		}
	}

	// The next status: rates since the one before, and --json has them.
	ts.out.Reset()
	ts.json = true
	time.Sleep(100 * time.Millisecond)
	if !ts.typed("sec 1;status") {
		t.Fatal(ts.errw)
	}
	if n := len(d.Sent()); n != 3 {
		t.Errorf("second status: %d requests in all, want 3", n)
	}
	line := strings.TrimSpace(ts.out.String())
	var rep ratesReply
	if err := json.Unmarshal([]byte(line), &rep); err != nil || rep.Rates == nil {
		t.Fatalf("--json: %v: %s", err, line)
	}
	if !strings.HasPrefix(line, `{"results":[{"result":"success"}],"info":{"client_id":1,"process_type":"vf"`) {
		t.Errorf("--json: the reply is not kept as it came: %s", line)
	}
	r := *rep.Rates
	p, ok := r.Port("nic0")
	want := 600 / r.Seconds
	if !ok || r.Seconds < 0.1 || p.RxPPS < want*0.99 || p.RxPPS > want*1.01 || p.Reset {
		t.Errorf("--json rates: %+v, want nic0 at %.1f pps", r, want)
	}
	if len(r.Core) != 2 { // the classifier and fw1; not the idle lcore
		t.Errorf("--json component rates: %+v", r.Core)
	}

	// Reconnected: measured again.
	d.Close()
	ctltest.WaitFor(t, "sec 1 gone", func() bool { return ts.reg.Lookup(registry.Target{ID: 1}) == nil })
	d2 := ts.reg.Sec(t, 1, ctltest.Counting(600))
	ts.out.Reset()
	if !ts.typed("sec 1;status") {
		t.Fatal(ts.errw)
	}
	if got := d2.Sent(); len(got) != 2 {
		t.Errorf("after a reconnection: sent %q, want two statuses", got)
	}
	if !strings.Contains(ts.out.String(), `"rates":{"seconds":0.`) {
		t.Errorf("after a reconnection: %s", ts.out)
	}

	// Byte counters in the status: the table has Mbit/s, --json too.
	ts3 := newTestShell(t)
	ts3.rateWindow = 300 * time.Millisecond
	ts3.reg.Sec(t, 3, ctltest.WithStatus(withBytes(ctltest.SampleSec)), ctltest.Counting(600))
	if !ts3.typed("sec 3;status") {
		t.Fatal(ts3.errw)
	}
	// 600 packets of 100 bytes over about 0.3 s: about 1.6 Mbit/s.
	mcell := `1\.[0-9]{2}`
	for _, cells := range [][]string{
		{"nic0", "720", "698", "0", "0", "", cell, cell, mcell, mcell},
		{"ring0", "660", "660", "0", "0", "", cell, cell, "-", "-"},
	} {
		re := `(?m)^\|\s*` + strings.Join(cells, `\s*\|\s*`) + `\s*\|$`
		if !regexp.MustCompile(re).MatchString(ts3.out.String()) {
			t.Errorf("no row like %s:\n%s", re, ts3.out)
		}
	}
	ts3.out.Reset()
	ts3.json = true
	time.Sleep(100 * time.Millisecond)
	if !ts3.typed("sec 3;status") {
		t.Fatal(ts3.errw)
	}
	rep = ratesReply{}
	if err := json.Unmarshal(ts3.out.Bytes(), &rep); err != nil || rep.Rates == nil {
		t.Fatalf("--json: %v: %s", err, ts3.out)
	}
	wantMbit := 600 * 100 * 8 / 1e6 / rep.Rates.Seconds
	if p, ok := rep.Rates.Port("vhost0"); !ok || p.RxMbps == nil || p.TxMbps == nil ||
		*p.RxMbps < wantMbit*0.99 || *p.RxMbps > wantMbit*1.01 || *p.TxMbps != *p.RxMbps {
		t.Errorf("--json vhost0: %+v, want %.3f Mbit/s each way", p, wantMbit)
	}
	if p, ok := rep.Rates.Port("ring0"); !ok || p.RxMbps != nil || p.TxMbps != nil {
		t.Errorf("--json ring0: %+v, want no Mbit/s", p)
	}

	// No window: one status, no rates.
	ts2 := newTestShell(t)
	d3 := ts2.reg.Sec(t, 2)
	if !ts2.typed("sec 2;status") || len(d3.Sent()) != 1 || !strings.Contains(ts2.out.String(), "|      - |      - |") ||
		strings.Contains(ts2.out.String(), "pps over") {
		t.Errorf("no window: sent %q\n%s", d3.Sent(), ts2.out)
	}
}

// Statuses within a batch count too: a raw batch with a status is measured;
// one without is not.
func TestAsksStatus(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"commands":[{"command":"flush"},{"command":"status"}]}`: true,
		`{"commands":[{"command":"flush"}]}`:                      false,
	} {
		if got := asksStatus(&group{raw: []byte(raw)}); got != want {
			t.Errorf("%s: %v", raw, got)
		}
	}
	if !asksStatus(&group{cmds: []proto.Command{proto.Flush(), proto.Status()}}) || asksStatus(&group{cmds: []proto.Command{proto.Flush()}}) {
		t.Error("cmds with and without a status")
	}
}

// withRates adds the member and keeps the reply's bytes.
func TestWithRates(t *testing.T) {
	rt := &rate.Rates{Seconds: 1, Ports: []rate.PortRate{}}
	for in, want := range map[string]string{
		`{"results":[]}` + "\n": `{"results":[],"rates":{"seconds":1,"ports":[]}}`,
		`{}`:                    `{"rates":{"seconds":1,"ports":[]}}`,
	} {
		if got := string(withRates([]byte(in), rt)); got != want {
			t.Errorf("%q: got %s", in, got)
		}
	}
	if got := string(withRates([]byte(`{"results":[]}`), nil)); got != `{"results":[]}` {
		t.Errorf("no rates: %s", got)
	}
}
