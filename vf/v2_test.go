package main

import (
	"bytes"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// Issue 11 (protocol.md 9) through the real processes: named components
// sharing an lcore, idle components and the port command, VLAN push and
// strip with (vlan, MAC) classification, ring drain, framing, and the
// 2017 text commands.

var sizes = []int{60, 64, 128, 333, 1000, 1514}

// framesTo is n distinct frames to dst of mixed sizes, sequence numbers
// from seq0.
func framesTo(dst uint64, seq0 uint32, n int) [][]byte {
	var out [][]byte
	for i := 0; i < n; i++ {
		out = append(out, pcapfile.Frame(dst, host, sizes[i%len(sizes)], seq0+uint32(i)))
	}
	return out
}

// tag is f with an 802.1Q tag (TPID 0x8100, then PCP in the top 3 bits
// and the VLAN id in the low 12 bits of the TCI) after its MAC addresses.
func tag(f []byte, vid, pcp int) []byte {
	g := append([]byte(nil), f[:12]...)
	g = append(g, 0x81, 0x00, byte(pcp<<5|vid>>8), byte(vid))
	return append(g, f[12:]...)
}

// frameBytes is the bytes of frames, as a driver counts them.
func frameBytes(frames [][]byte) uint64 {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	return uint64(n)
}

// 9.1: two named forwards on one lcore, pcap0 -> fa -> pcap1 and
// pcap2 -> fb -> pcap3. Proved: status shows both on lcore 2 (name order,
// running, each with its own count) and lcore 3 unused; each output
// capture holds exactly its input, byte for byte, in order (neither
// component starved, none of one's frames in the other's output).
func TestTwoForwardsOneLcore(t *testing.T) {
	in0, in2 := framesTo(mac1, 0, 150), framesTo(mac2, 1000, 170)
	_, vf, dir := st.StartWithCaptures(t, "spp_vf", "1@0,2@1,3@1", map[int][][]byte{0: in0, 2: in2})
	in := vf.DoUntilSent(map[string]int{"pcap1": len(in0), "pcap3": len(in2)},
		st.Named(2, "forward", "fb", "pcap2", "pcap3"), st.Named(2, "forward", "fa", "pcap0", "pcap1"), st.Flush)
	if names := st.OnCore(in, 2); !reflect.DeepEqual(names, []string{"fa", "fb"}) {
		t.Errorf("lcore 2 runs %v, want [fa fb]", names)
	}
	if c := st.Core(in, 3); c.Type != proto.CoreUnuse {
		t.Errorf("lcore 3: %+v, want unuse", c)
	}
	st.RunningWith(t, in, map[string]int{"fa": len(in0), "fb": len(in2)})
	if p1, p3 := st.Port(in, "pcap1"), st.Port(in, "pcap3"); p1.Tx != uint64(len(in0)) || p3.Tx != uint64(len(in2)) {
		t.Errorf("pcap1 %+v, pcap3 %+v", p1, p3)
	}
	vf.Exit() // closes the captures
	st.ExactCapture(t, dir, 1, in0)
	st.ExactCapture(t, dir, 3, in2)
}

// 9.2, 9.3: a forward with no tx port is accepted (a missing tx_ports
// field is not), flushed and shown idle with the exact status entry of
// 9.5; its lcore skips it: pcap0 is not read while it is idle. The port
// command gives it its tx port; it then runs and forwards every frame of
// pcap0, exactly.
func TestIdleThenPortAdd(t *testing.T) {
	in0 := framesTo(mac1, 0, 120)
	_, vf, dir := st.StartWithCaptures(t, "spp_vf", "1@0,2@1", map[int][][]byte{0: in0})

	r := vf.Send(st.Batch(`{"command":"component","core_id":"2","type":"forward","name":"fw","rx_ports":["pcap0"]}`))
	if want := `{"results":[{"result":"error","error_details":{"message":"not enough parameter(tx_ports)"}}]}`; r.Raw != want {
		t.Errorf("missing tx_ports:\n got  %s\n want %s", r.Raw, want)
	}
	vf.Do(st.Named(2, "forward", "fw", "pcap0", ""), st.Flush)
	raw := vf.StatusRaw()
	for _, w := range []string{
		`"staged":false`,
		`{"core":2,"name":"fw","type":"forward","state":"idle","rx_port":[{"port":"pcap0","vlan":{"operation":"none"}}],"tx_port":[],"packets":0,"drops":0}`,
	} {
		if !strings.Contains(raw, w) {
			t.Errorf("status lacks %s:\n%s", w, raw)
		}
	}
	time.Sleep(300 * time.Millisecond) // an lcore running fw would read pcap0 by now
	if p := st.Port(vf.Status(), "pcap0"); p.Rx != 0 {
		t.Errorf("pcap0 read while fw is idle: %+v", p)
	}

	vf.Do(st.PortCmd("add", "pcap1", "tx", "fw"), st.Flush)
	vf.WaitStatus(30*time.Second, "fw's frames", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "pcap1").Tx >= uint64(len(in0))
	})
	time.Sleep(200 * time.Millisecond)
	in := vf.Status()
	if c := st.ComponentNamed(in, "fw"); c.State != proto.StateRunning || c.Packets != uint64(len(in0)) || len(c.TxPort) != 1 || c.TxPort[0].Port != "pcap1" {
		t.Errorf("fw after port add: %+v", c)
	}
	vf.Exit()
	st.ExactCapture(t, dir, 1, in0)
}

// 9.4: VLAN strip and push in the data plane. A classifier (pcap0 ->
// ring0 stripping, ring1) with a vlan entry (100, mac1) -> ring0 and a mac
// entry mac1 -> ring1; two forwards empty the rings into pcap1 and pcap2.
// Proved, byte for byte in the output captures: a frame tagged 100 to mac1
// leaves pcap1 without its tag; a broadcast tagged 100 is flooded to ring0
// only (the one port with a vlan-100 entry) and leaves stripped; an
// untagged frame to mac1 takes the mac entry and leaves pcap2 as it came;
// frames tagged 200 to mac1 or 100 to mac2 match no entry and are the
// classifier's drops. A forward pcap3 -> pcap4 pushing id 100 pcp 5 on
// its tx port writes each frame with the tag 81 00 a0 64 inserted after
// the MAC addresses. Status shows the operations and the vlan entry
// (9.4, 9.5), and byte counters for the pcap ports (their frames' bytes,
// tags pushed included) but none for the rings (section 6).
func TestVLANStripAndPush(t *testing.T) {
	var in0, want1, want2 [][]byte
	drops := 0
	for i := 0; i < 60; i++ {
		size, seq := sizes[i%len(sizes)], uint32(i)
		f := pcapfile.Frame(mac1, host, size, seq)
		switch i % 5 {
		case 0:
			in0, want1 = append(in0, tag(f, 100, 0)), append(want1, f)
		case 1:
			in0, want2 = append(in0, f), append(want2, f)
		case 2:
			in0, drops = append(in0, tag(f, 200, 0)), drops+1
		case 3:
			b := pcapfile.Frame(bcast, host, size, seq)
			in0, want1 = append(in0, tag(b, 100, 6)), append(want1, b)
		case 4:
			in0, drops = append(in0, tag(pcapfile.Frame(mac2, host, size, seq), 100, 0)), drops+1
		}
	}
	in3 := append(framesTo(mac2, 500, 20), framesTo(bcast, 600, 7)...)
	var want4 [][]byte
	for _, f := range in3 {
		want4 = append(want4, tag(f, 100, 5))
	}
	_, vf, dir := st.StartWithCaptures(t, "spp_vf", "1@0,2@1,3@1", map[int][][]byte{0: in0, 3: in3})
	vf.Do(
		`{"command":"component","core_id":"2","type":"classifier","name":"cls","rx_ports":["pcap0"],`+
			`"tx_ports":[{"port":"ring0","vlan":{"operation":"del"}},"ring1"]}`,
		st.Named(3, "forward", "out1", "ring0", "pcap1"),
		st.Named(3, "forward", "out2", "ring1", "pcap2"),
		`{"command":"component","core_id":"3","type":"forward","name":"push","rx_ports":["pcap3"],`+
			`"tx_ports":[{"port":"pcap4","vlan":{"operation":"add","id":100,"pcp":5}}]}`,
		st.VLANEntry(100, "52:54:00:00:00:01", "ring0"),
		st.MAC("52:54:00:00:00:01", "ring1"),
		st.Flush)
	vf.WaitStatus(30*time.Second, "the frames out", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "pcap1").Tx >= uint64(len(want1)) && st.Port(in, "pcap2").Tx >= uint64(len(want2)) &&
			st.Port(in, "pcap4").Tx >= uint64(len(want4))
	})
	time.Sleep(200 * time.Millisecond)
	in := vf.Status()
	if c := st.ComponentNamed(in, "cls"); c.Packets != uint64(len(in0)) || c.Drops != uint64(drops) {
		t.Errorf("cls: %+v, want %d packets and %d drops", c, len(in0), drops)
	}
	for _, p := range in.Ports {
		if p.TxDrop != 0 {
			t.Errorf("%s refused %d frames", p.Port, p.TxDrop)
		}
	}
	// Byte counters: a pcap port carries its driver's, exactly the frames'
	// lengths; a ring port has none.
	for _, c := range []struct {
		port   string
		rx, tx [][]byte
	}{{"pcap0", in0, nil}, {"pcap1", nil, want1}, {"pcap4", nil, want4}} {
		p := st.Port(in, c.port)
		if p.RxBytes == nil || p.TxBytes == nil || *p.RxBytes != frameBytes(c.rx) || *p.TxBytes != frameBytes(c.tx) {
			t.Errorf("%s: %+v, want rx_bytes %d and tx_bytes %d", c.port, p, frameBytes(c.rx), frameBytes(c.tx))
		}
	}
	if p := st.Port(in, "ring0"); p.RxBytes != nil || p.TxBytes != nil {
		t.Errorf("ring0 carries byte counters: %+v", p)
	}
	raw := vf.StatusRaw()
	if !regexp.MustCompile(`\{"port":"ring0","rx":\d+,"tx":\d+,"rx_drop":0,"tx_drop":0\}`).MatchString(raw) ||
		!regexp.MustCompile(`\{"port":"pcap0","rx":\d+,"tx":0,"rx_drop":0,"tx_drop":0,"link":"up","rx_bytes":\d+,"tx_bytes":0\}`).MatchString(raw) {
		t.Errorf("ring0 or pcap0 not sent as protocol.md section 6 says:\n%s", raw)
	}
	for _, w := range []string{
		`"name":"cls","type":"classifier","state":"running","rx_port":[{"port":"pcap0","vlan":{"operation":"none"}}],` +
			`"tx_port":[{"port":"ring0","vlan":{"operation":"del"}},{"port":"ring1","vlan":{"operation":"none"}}]`,
		`"name":"push","type":"forward","state":"running","rx_port":[{"port":"pcap3","vlan":{"operation":"none"}}],` +
			`"tx_port":[{"port":"pcap4","vlan":{"operation":"add","id":100,"pcp":5}}]`,
		`"classifier_table":[{"type":"mac","value":"52:54:00:00:00:01","port":"ring1"},` +
			`{"type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"}]`,
	} {
		if !strings.Contains(raw, w) {
			t.Errorf("status lacks %s:\n%s", w, raw)
		}
	}
	vf.Exit()
	st.ExactCapture(t, dir, 1, want1)
	st.ExactCapture(t, dir, 2, want2)
	st.ExactCapture(t, dir, 4, want4)
	// The pushed tag, written out rather than through tag().
	if got, err := pcapfile.Read(filepath.Join(dir, "spp-tx4.pcap")); err == nil && len(got) > 0 {
		if h := got[0]; len(h) < 18 || !bytes.Equal(h[12:16], []byte{0x81, 0x00, 0xa0, 0x64}) || !bytes.Equal(h[16:18], []byte{0x88, 0xb5}) {
			t.Errorf("first pushed frame starts % x, want the tag 81 00 a0 64 then the EtherType 88 b5 at byte 12", h[:min(len(h), 18)])
		}
	}
}

// 9.7: a ring whose reader is removed is drained by the flush. On one
// lcore, fill (a merge of null0, null2, null3: three bursts a pass) feeds
// ring0 and rd (one burst a pass) reads it into null1, so ring0 is full
// at every pass boundary. One flush then removes fill and leaves rd idle
// (its tx port deleted): the lcore stops both at once. Proved: the
// primary's ring0 is empty right after that flush; ring0's rx_drop holds
// the leftovers, exactly what entered ring0 (tx) less what rd took (rx),
// and they are close to a full ring. Then a new writer (pcap0) and rd
// completed again (pcap1) move frames through ring0: pcap1 gets exactly
// pcap0's frames, nothing left over from before.
func TestRingDrain(t *testing.T) {
	in0 := framesTo(mac1, 0, 50)
	n, vf, dir := st.StartWithCaptures(t, "spp_vf", "1@0,2@1", map[int][][]byte{0: in0})
	vf.Do(st.Named(2, "merge", "fill", "null0,null2,null3", "ring0"), st.Named(2, "forward", "rd", "ring0", "null1"), st.Flush)
	vf.WaitStatus(30*time.Second, "rd to read 100000 frames", func(in *proto.SecondaryInfo) bool {
		return st.ComponentNamed(in, "rd").Packets >= 100000
	})
	var capacity uint64
	for _, r := range n.PrimaryStatus().Rings {
		if r.Ring == "ring0" {
			capacity = r.Capacity
		}
	}

	vf.Do(st.Remove("fill"), st.PortCmd("del", "null1", "tx", "rd"), st.Flush)
	for _, r := range n.PrimaryStatus().Rings {
		if r.Ring == "ring0" && r.Count != 0 {
			t.Errorf("ring0 holds %d packets after the flush that removed its reader", r.Count)
		}
	}
	in := vf.Status()
	if c := st.ComponentNamed(in, "rd"); c.State != proto.StateIdle {
		t.Errorf("rd: %+v, want idle", c)
	}
	r0 := st.Port(in, "ring0")
	if r0.RxDrop != r0.Tx-r0.Rx {
		t.Errorf("ring0 %+v: rx_drop should be the %d packets left in it (tx - rx)", r0, r0.Tx-r0.Rx)
	}
	if r0.RxDrop < capacity-2*32 || r0.RxDrop > capacity {
		t.Errorf("ring0 rx_drop %d, want a nearly full ring (capacity %d)", r0.RxDrop, capacity)
	}
	t.Logf("ring0 after the drain: %+v (capacity %d)", r0, capacity)

	vf.Do(st.Named(2, "forward", "fill2", "pcap0", "ring0"), st.PortCmd("add", "pcap1", "tx", "rd"), st.Flush)
	vf.WaitStatus(30*time.Second, "pcap0's frames through ring0", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "pcap1").Tx >= uint64(len(in0))
	})
	time.Sleep(200 * time.Millisecond)
	vf.Exit()
	st.ExactCapture(t, dir, 1, in0)
}

// 9.6: the request of the issue, invalid at its first "]", gets exactly
// "bad message format" within 100 ms from the real spp_vf (it used to wait
// for 1 MiB more); the connection is closed, spp_vf connects again with its
// configuration intact.
func TestMalformedAnsweredAtOnce(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vf := n.StartSecondary("spp_vf", "1@0,2@1", 1)
	vf.Do(st.Named(2, "forward", "fw", "ring0", "ring1"), st.Flush)
	got, took := vf.RawReply([]byte(`{"commands": [ {"command": "status" ]]` + "\n"))
	if want := `{"results":[{"result":"error","error_details":{"message":"bad message format"}}]}`; got != want {
		t.Errorf("reply %s, want %s", got, want)
	}
	if took > 100*time.Millisecond {
		t.Errorf("reply after %v, want within 100 ms", took)
	}
	t.Logf("bad message format after %v", took)
	if !vf.Peer.Closed(5 * time.Second) {
		t.Error("the connection stays open after bad message format")
	}
	n.Reaccept(vf)
	if c := st.ComponentNamed(vf.Status(), "fw"); c.Core != 2 || c.State != proto.StateRunning {
		t.Errorf("fw after reconnecting: %+v", c)
	}
	vf.Exit()
}

// The 2017 controller's text commands, sent as it sent them (no
// terminator), build a path port by port: push (pcap0 -> ring0, tagging
// 100 pcp 3) on lcore 2, cls (ring0 -> ring1, stripping) and out (ring1 ->
// pcap1) on lcore 3, with the entry (100, mac1) -> ring1. Proved: each
// command gets its JSON reply; text status shows the components with
// their VLAN operations and the vlan entry; frames to mac1 are tagged,
// classified by (100, mac1) and stripped, and reach pcap1 exactly as they
// were sent; frames to mac2 are the classifier's drops; component stop
// removes one component only.
func TestText2017(t *testing.T) {
	var in0, want1 [][]byte
	for i := 0; i < 40; i++ {
		dst := uint64(mac1)
		if i%3 == 2 {
			dst = mac2
		}
		f := pcapfile.Frame(dst, host, sizes[i%len(sizes)], uint32(i))
		in0 = append(in0, f)
		if dst == mac1 {
			want1 = append(want1, f)
		}
	}
	_, vf, dir := st.StartWithCaptures(t, "spp_vf", "1@0,2@1,3@1", map[int][][]byte{0: in0})

	if got := vf.Text("_get_client_id"); got != `{"results":[{"result":"success"}],"client_id":1}` {
		t.Errorf("_get_client_id: %s", got)
	}
	for _, l := range []string{
		"component start push 2 forward",
		"port add pcap:0 rx push",
		"port add ring:0 tx push add_vlantag 100 3",
		"component start cls 3 classifier",
		"port add ring:0 rx cls",
		"port add ring:1 tx cls del_vlantag",
		"classifier_table add vlan 100 52:54:00:00:00:01 ring:1",
		"component start out 3 forward",
		"port add ring:1 rx out",
		"port add pcap:1 tx out",
		"flush",
	} {
		if got := vf.Text(l); got != `{"results":[{"result":"success"}]}` {
			t.Fatalf("%s: %s", l, got)
		}
	}
	r, err := client.Parse([]byte(vf.Text("status")))
	if err != nil {
		t.Fatal(err)
	}
	in, err := r.SecondaryInfo()
	if err != nil || !r.OK() {
		t.Fatalf("text status: %v %+v", err, r)
	}
	if got := st.ComponentNamed(in, "push"); got.Core != 2 || got.State != proto.StateRunning ||
		!reflect.DeepEqual(got.TxPort, []proto.PortRef{{Port: "ring0", VLAN: proto.VLAN{Operation: proto.VLANAdd, ID: 100, PCP: 3}}}) {
		t.Errorf("push: %+v", got)
	}
	if got := st.ComponentNamed(in, "cls"); got.Core != 3 || got.State != proto.StateRunning ||
		!reflect.DeepEqual(got.TxPort, []proto.PortRef{{Port: "ring1", VLAN: proto.VLAN{Operation: proto.VLANDel}}}) {
		t.Errorf("cls: %+v", got)
	}
	if names := st.OnCore(in, 3); !reflect.DeepEqual(names, []string{"cls", "out"}) {
		t.Errorf("lcore 3 runs %v", names)
	}
	want := []proto.ClassifierEntry{{Type: proto.EntryVLAN, VLAN: 100, Value: "52:54:00:00:00:01", Port: "ring1"}}
	if !reflect.DeepEqual(in.ClassifierTable, want) {
		t.Errorf("classifier table %+v", in.ClassifierTable)
	}

	in = vf.WaitStatus(30*time.Second, "frames to mac1 on pcap1", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "pcap1").Tx >= uint64(len(want1)) && st.ComponentNamed(in, "cls").Packets >= uint64(len(in0))
	})
	if c := st.ComponentNamed(in, "cls"); c.Drops != uint64(len(in0)-len(want1)) {
		t.Errorf("cls dropped %d, want the %d frames to mac2", c.Drops, len(in0)-len(want1))
	}
	for _, l := range []string{"component stop out", "flush"} {
		if got := vf.Text(l); got != `{"results":[{"result":"success"}]}` {
			t.Errorf("%s: %s", l, got)
		}
	}
	in = vf.Status()
	if names := st.OnCore(in, 3); !reflect.DeepEqual(names, []string{"cls"}) {
		t.Errorf("lcore 3 after component stop out: %v", names)
	}
	vf.Exit()
	st.ExactCapture(t, dir, 1, want1)
}
