package shell

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
)

// sec N;status: the staged line, then cores (a row per component with its
// name and state, an lcore without any as unuse), ports, classifier table
// (the VLAN column empty for mac entries). With no rates known, the pps
// columns say "-".
func TestRenderSecondary(t *testing.T) {
	var b bytes.Buffer
	si := ctltest.SampleSec
	renderSecondary(&b, "sec 1", &si, nil)
	want := `sec 1: vf, client_id 1, main lcore 1: changes staged, not flushed yet (flush applies them, cancel drops them)
+------+-------------+------------+---------+-------+-------------+---------+-------+-----+
| CORE | NAME        | TYPE       | STATE   | RX    | TX          | PACKETS | DROPS | PPS |
+------+-------------+------------+---------+-------+-------------+---------+-------+-----+
|    2 | classifier2 | classifier | running | nic0  | ring0,ring2 |     120 |     0 |   - |
|    3 |             | unuse      |         |       |             |         |       |     |
|    4 | fw1         | forward    | running | ring0 | vhost0      |      60 |     2 |   - |
+------+-------------+------------+---------+-------+-------------+---------+-------+-----+
+--------+-----+----+---------+---------+------+--------+--------+
| PORT   | RX  | TX | RX_DROP | TX_DROP | LINK | RX_PPS | TX_PPS |
+--------+-----+----+---------+---------+------+--------+--------+
| nic0   | 120 | 98 |       0 |       0 |      |      - |      - |
| ring0  |  60 | 60 |       0 |       0 |      |      - |      - |
| vhost0 |  40 | 60 |       0 |       3 | up   |      - |      - |
+--------+-----+----+---------+---------+------+--------+--------+
+------+-------------------+-------+
| VLAN | MAC               | PORT  |
+------+-------------------+-------+
|      | default           | ring2 |
|      | 52:54:00:12:34:56 | ring0 |
+------+-------------------+-------+
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// A mirror has no classifier table; nothing staged says so.
func TestRenderMirror(t *testing.T) {
	var b bytes.Buffer
	renderSecondary(&b, "sec 2", &proto.SecondaryInfo{ClientID: 2, ProcessType: "mirror", MainLcore: 5,
		Core: []proto.CoreStatus{{Core: 6, Name: "mirror6", Type: "mirror", State: proto.StateRunning, RxPort: ctltest.Ports("ring0"), TxPort: ctltest.Ports("ring1", "ring2"), Packets: 7}}}, nil)
	out := b.String()
	if !strings.HasPrefix(out, "sec 2: mirror, client_id 2, main lcore 5: no changes staged\n") ||
		!strings.Contains(out, "|    6 | mirror6 | mirror | running | ring0 | ring1,ring2 |       7 |     0 |") || strings.Contains(out, "MAC") {
		t.Errorf("got\n%s", out)
	}
}

// pri;status: ports, rings (count/capacity), the mempool line.
func TestRenderPrimary(t *testing.T) {
	var b bytes.Buffer
	pi := ctltest.SamplePri
	renderPrimary(&b, &pi, nil)
	want := `pri: main lcore 0
+------+----+----+---------+---------+------+--------+--------+
| PORT | RX | TX | RX_DROP | TX_DROP | LINK | RX_PPS | TX_PPS |
+------+----+----+---------+---------+------+--------+--------+
| nic0 |  5 |  6 |       1 |       0 |      |      - |      - |
| nic1 |  0 |  0 |       0 |       0 |      |      - |      - |
+------+----+----+---------+---------+------+--------+--------+
+-------+-------+----------+
| RING  | COUNT | CAPACITY |
+-------+-------+----------+
| ring0 |     3 |      127 |
| ring1 |     0 |      127 |
+-------+-------+----------+
mempool spp_mbuf_pool: size 8192, available 8000, in use 192
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// The shell's status: one row per process.
func TestRenderProcs(t *testing.T) {
	var b bytes.Buffer
	since := time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local)
	renderProcs(&b, []Proc{
		{Target: registry.Target{Primary: true}, Type: "primary", Peer: "127.0.0.1:40000", Since: since},
		{Target: registry.Target{ID: 1}, Type: "vf", Peer: "127.0.0.1:40001", Since: since.Add(time.Minute)},
	}, since.Add(2*time.Minute))
	want := `+---------+---------+-----------+-----------------+--------------------------------+
| PROCESS | TYPE    | CLIENT_ID | PEER            | CONNECTED SINCE                |
+---------+---------+-----------+-----------------+--------------------------------+
| pri     | primary | -         | 127.0.0.1:40000 | 2024-05-01 12:00:00 (2m0s ago) |
| sec 1   | vf      | 1         | 127.0.0.1:40001 | 2024-05-01 12:01:00 (1m0s ago) |
+---------+---------+-----------+-----------------+--------------------------------+
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	renderProcs(&b, nil, since)
	if b.String() != "no process connected\n" {
		t.Errorf("got %q", b.String())
	}
}

// A status reply, whatever command produced it, is rendered by the kind of
// process; --json prints the reply itself instead.
func TestStatusReplyOutput(t *testing.T) {
	ts := newTestShell(t)
	ts.reg.Sec(t, 1)
	ts.reg.Pri(t)
	if !ts.typed("sec 1;status") || !strings.Contains(ts.out.String(), "|      | 52:54:00:12:34:56 | ring0 |") {
		t.Errorf("sec 1;status:\n%s%s", ts.out, ts.errw)
	}
	ts.out.Reset()
	if !ts.typed("pri;status") || !strings.Contains(ts.out.String(), "mempool spp_mbuf_pool") {
		t.Errorf("pri;status:\n%s%s", ts.out, ts.errw)
	}
	ts.out.Reset()
	if !ts.typed("sec 1;process") || ts.out.String() != "sec 1: process_type vf, client_id 1\n" {
		t.Errorf("sec 1;process: %q", ts.out)
	}
	ts.out.Reset()
	ts.json = true
	if !ts.typed("sec 1;status") {
		t.Fatal(ts.errw)
	}
	out := ts.out.String()
	if !strings.HasPrefix(out, `{"results":[{"result":"success"}],"info":{"client_id":1,"process_type":"vf"`) || strings.Count(out, "\n") != 1 {
		t.Errorf("--json: %q", out)
	}
}

// Protocol v2 (section 9.5): a row per component, two on lcore 2; the
// state (idle: forward3 lacks its tx port); each port's VLAN operation
// after its name, (-vlan) strip, (+vlan ID/PCP) push; vlan entries with
// their id in the VLAN column, after the mac ones.
func TestRenderSecondaryV2(t *testing.T) {
	var b bytes.Buffer
	si := ctltest.SampleV2
	renderSecondary(&b, "sec 1", &si, nil)
	want := `sec 1: vf, client_id 1, main lcore 1: no changes staged
+------+----------+------------+---------+-------+---------------------------+---------+-------+-----+
| CORE | NAME     | TYPE       | STATE   | RX    | TX                        | PACKETS | DROPS | PPS |
+------+----------+------------+---------+-------+---------------------------+---------+-------+-----+
|    2 | cls      | classifier | running | nic0  | ring0(-vlan),ring1(-vlan) |     300 |     0 |   - |
|    2 | up       | forward    | running | ring2 | nic1(+vlan 100/3)         |      90 |     1 |   - |
|    3 | forward3 | forward    | idle    | ring3 |                           |       0 |     0 |   - |
|    4 |          | unuse      |         |       |                           |         |       |     |
+------+----------+------------+---------+-------+---------------------------+---------+-------+-----+
+-------+-----+-----+---------+---------+------+--------+--------+
| PORT  | RX  | TX  | RX_DROP | TX_DROP | LINK | RX_PPS | TX_PPS |
+-------+-----+-----+---------+---------+------+--------+--------+
| nic0  | 300 |   0 |       0 |       0 |      |      - |      - |
| nic1  |   0 |  90 |       0 |       0 |      |      - |      - |
| ring0 | 100 | 100 |       0 |       0 |      |      - |      - |
| ring1 | 200 | 200 |       0 |       0 |      |      - |      - |
| ring2 |  90 |  90 |       0 |       0 |      |      - |      - |
| ring3 |   0 |   0 |       0 |       0 |      |      - |      - |
+-------+-----+-----+---------+---------+------+--------+--------+
+------+-------------------+-------+
| VLAN | MAC               | PORT  |
+------+-------------------+-------+
|      | default           | ring1 |
|      | 52:54:00:00:00:09 | ring1 |
|  100 | 52:54:00:00:00:01 | ring0 |
|  200 | 52:54:00:00:00:02 | ring1 |
+------+-------------------+-------+
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// Every VLAN operation as the tables write it after a port's name.
func TestVLANText(t *testing.T) {
	for v, want := range map[proto.VLAN]string{
		{}:                                   "",
		{Operation: proto.VLANNone}:          "",
		{Operation: proto.VLANDel}:           "(-vlan)",
		{Operation: proto.VLANAdd, ID: 4094}: "(+vlan 4094/0)",
		{Operation: proto.VLANAdd, ID: 1, PCP: 7}: "(+vlan 1/7)",
		{Operation: "swap"}:                       "(vlan swap)", // a newer daemon's: said as it is
	} {
		if got := vlanText(v); got != want {
			t.Errorf("%+v: %q, want %q", v, got, want)
		}
	}
}
