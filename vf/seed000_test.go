package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// The two VMs of seed 000, an outside host, and a MAC nobody has.
const (
	mac1    = 0x525400000001
	mac2    = 0x525400000002
	host    = 0x020000000a0a
	unknown = 0x525400000099
	bcast   = 0xffffffffffff
)

// traffic is a capture of frames to the two VMs, broadcast and unknown
// unicast, interleaved, of mixed sizes, each with a distinct sequence
// number (from seq0).
type traffic struct {
	frames           [][]byte
	n1, n2, nb, nunk int
}

func makeTraffic(seq0 uint32) traffic {
	var tr traffic
	sizes := []int{60, 64, 128, 333, 1000, 1514}
	pattern := []uint64{mac1, mac2, mac1, bcast, unknown, mac2, mac1, bcast, mac1, mac2, unknown}
	for i := 0; i < 3*len(pattern); i++ {
		dst := pattern[i%len(pattern)]
		tr.frames = append(tr.frames, pcapfile.Frame(dst, host, sizes[i%len(sizes)], seq0+uint32(i)))
		switch dst {
		case mac1:
			tr.n1++
		case mac2:
			tr.n2++
		case bcast:
			tr.nb++
		default:
			tr.nunk++
		}
	}
	return tr
}

// macswap is what a testpmd VM in macswap mode sends back.
func macswap(f []byte) []byte {
	g := append([]byte(nil), f...)
	copy(g[0:6], f[6:12])
	copy(g[6:12], f[0:6])
	return g
}

// multiset counts frames by content.
func multiset(frames [][]byte) map[string]int {
	m := map[string]int{}
	for _, f := range frames {
		m[string(f)]++
	}
	return m
}

func sameFrames(t *testing.T, what string, got, want [][]byte) {
	t.Helper()
	g, w := multiset(got), multiset(want)
	if len(got) != len(want) {
		t.Errorf("%s: %d frames, want %d", what, len(got), len(want))
	}
	for f, n := range w {
		if g[f] != n {
			t.Errorf("%s: frame to %012x from %012x (%d bytes) seen %d times, want %d",
				what, pcapfile.Dst([]byte(f)), pcapfile.Src([]byte(f)), len(f), g[f], n)
		}
	}
	for f, n := range g {
		if w[f] == 0 {
			t.Errorf("%s: unexpected frame to %012x from %012x (%d bytes), %d times",
				what, pcapfile.Dst([]byte(f)), pcapfile.Src([]byte(f)), len(f), n)
		}
	}
}

// seed000Start is seed 000's "VM start" batch for two VMs, with uplink
// (nic0 in the seed) as the classifier's rx and the merge's tx.
func seed000Start(uplink string) []string {
	return []string{
		`{"command":"component","core_id":"2","type":"none"}`,
		`{"command":"component","core_id":"2","type":"classifier","rx_ports":["` + uplink + `"],"tx_ports":["ring0","ring2"]}`,
		`{"command":"component","core_id":"4","type":"forward","rx_ports":["ring0"],"tx_ports":["vhost0"]}`,
		st.MAC("52:54:00:00:00:01", "unuse"),
		st.MAC("52:54:00:00:00:01", "ring0"),
		`{"command":"component","core_id":"5","type":"forward","rx_ports":["vhost0"],"tx_ports":["ring1"]}`,
		`{"command":"component","core_id":"6","type":"forward","rx_ports":["ring2"],"tx_ports":["vhost1"]}`,
		`{"command":"component","core_id":"7","type":"forward","rx_ports":["vhost1"],"tx_ports":["ring3"]}`,
		st.MAC("52:54:00:00:00:02", "unuse"),
		st.MAC("52:54:00:00:00:02", "ring2"),
		`{"command":"component","core_id":"3","type":"none"}`,
		`{"command":"component","core_id":"3","type":"merge","rx_ports":["ring1","ring3"],"tx_ports":["` + uplink + `"]}`,
		st.Flush,
	}
}

// seedDo sends a batch written with the seed's port names to vf, with
// vhost0 and vhost1 renamed vhost20 and vhost21, so that the tests do not
// meet a demo using /tmp/sock0 and /tmp/sock1.
func seedDo(t *testing.T, vf *st.Daemon) func(cmds ...string) {
	v := strings.NewReplacer("vhost0", "vhost20", "vhost1", "vhost21")
	return func(cmds ...string) {
		t.Helper()
		for i := range cmds {
			cmds[i] = v.Replace(cmds[i])
		}
		vf.Do(cmds...)
	}
}

// Seed 000, issue 3 items 1 and 2. The uplink is pcap0 (reading a capture
// of frames to the two VMs, broadcast and unknown unicast; writing what
// merge sends to spp-tx0.pcap), the VMs are testpmd in macswap mode on
// vhost0 and vhost1.
//
// VM start: the seed's batch (with pcap0 for nic0) wires both VMs. Proved:
// each VM gets exactly the frames to its MAC plus every broadcast, and sends
// back exactly those (counted in status and found byte for byte, swapped,
// in spp-tx0.pcap); unknown unicast reaches nobody and is counted as the
// classifier's drops.
//
// VM stop: the seed's stop pattern for VM 1 (clear, then classifier and
// merge again with VM 2's ports only) stops VM 1's path and leaves VM 2's
// working: a second capture (read by pcap1) reaches VM 2 alone, frames to
// VM 1 are now dropped, and VM 2's entry survived the classifier's rebuild.
func TestSeed000VMStartStop(t *testing.T) {
	dir := t.TempDir()
	start, stop := makeTraffic(0), makeTraffic(1000)
	for i, tr := range []traffic{start, stop} {
		if err := pcapfile.Write(filepath.Join(dir, fmt.Sprintf("spp-rx%d.pcap", i)), tr.frames); err != nil {
			t.Fatal(err)
		}
	}
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vm1 := st.StartVM(t, 20, "52:54:00:00:00:01", true)
	vm2 := st.StartVM(t, 21, "52:54:00:00:00:02", true)
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1,4@1,5@1,6@1,7@1", 1, "--pcap-dir", dir, "--vhost-client")
	do := seedDo(t, vf)

	// The VMs' ports first, so that the VMs are up before pcap0 starts
	// reading: these two forwarders are also in the seed's batch, where
	// they do not change (and their lcores are not touched).
	do(st.Component(5, "forward", "vhost0", "ring1"), st.Component(7, "forward", "vhost1", "ring3"), st.Flush)
	vf.WaitStatus(st.VMTimeout, "the VMs' links", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "vhost20").Link == "up" && st.Port(in, "vhost21").Link == "up"
	})
	vm1.WaitForwarding(t)
	vm2.WaitForwarding(t)

	// Seed 000 "VM start", for both VMs, with pcap0 in place of nic0.
	do(seed000Start("pcap0")...)

	back1 := uint64(start.n1 + start.n2 + 2*start.nb) // what the VMs send back
	vf.WaitStatus(30*time.Second, "the VMs' replies on pcap0", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "pcap0").Tx >= back1
	})
	time.Sleep(200 * time.Millisecond) // anything more would be a bug: let it show
	in := vf.Status()
	check := func(what string, got, want uint64) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %d, want %d", what, got, want)
		}
	}
	cls := st.Core(in, 2)
	check("pcap0 rx", st.Port(in, "pcap0").Rx, uint64(len(start.frames)))
	check("classifier packets", cls.Packets, uint64(len(start.frames)))
	check("classifier drops (unknown unicast)", cls.Drops, uint64(start.nunk))
	check("vhost0 tx (VM 1 got)", st.Port(in, "vhost20").Tx, uint64(start.n1+start.nb))
	check("vhost1 tx (VM 2 got)", st.Port(in, "vhost21").Tx, uint64(start.n2+start.nb))
	check("vhost0 rx (VM 1 sent back)", st.Port(in, "vhost20").Rx, uint64(start.n1+start.nb))
	check("vhost1 rx (VM 2 sent back)", st.Port(in, "vhost21").Rx, uint64(start.n2+start.nb))
	check("pcap0 tx", st.Port(in, "pcap0").Tx, back1)
	if len(in.ClassifierTable) != 2 {
		t.Errorf("classifier table %+v", in.ClassifierTable)
	}

	// Seed 000 "VM stop" for VM 1 while VM 2 stays: clear everything of
	// VM 1, then classifier and merge again with what remains. The
	// classifier reads a new capture (pcap1): pcap0's was read once.
	do(
		`{"command":"component","core_id":"2","type":"none"}`,
		st.MAC("52:54:00:00:00:01", "unuse"),
		`{"command":"component","core_id":"4","type":"none"}`,
		`{"command":"component","core_id":"3","type":"none"}`,
		`{"command":"component","core_id":"5","type":"none"}`,
		`{"command":"component","core_id":"2","type":"classifier","rx_ports":["pcap1"],"tx_ports":["ring2"]}`,
		`{"command":"component","core_id":"3","type":"merge","rx_ports":["ring3"],"tx_ports":["pcap0"]}`,
		st.Flush)
	vm1.Proc.Kill() // the VM stops after its wiring is gone
	back2 := uint64(stop.n2 + stop.nb)
	vf.WaitStatus(30*time.Second, "VM 2's replies after VM 1 stopped", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "pcap1").Rx == uint64(len(stop.frames)) && st.Port(in, "pcap0").Tx >= back1+back2
	})
	time.Sleep(200 * time.Millisecond)
	in = vf.Status()
	cls = st.Core(in, 2)
	check("classifier packets after stop", cls.Packets, uint64(len(stop.frames)))
	check("classifier drops after stop (VM 1's and unknown)", cls.Drops, uint64(stop.n1+stop.nunk))
	check("vhost1 tx after stop", st.Port(in, "vhost21").Tx, uint64(start.n2+start.nb+stop.n2+stop.nb))
	check("pcap0 tx after stop", st.Port(in, "pcap0").Tx, back1+back2)
	for _, p := range in.Ports {
		if p.Port == "vhost20" || p.Port == "ring0" || p.Port == "ring1" {
			t.Errorf("%s still in status after VM 1 stopped: %+v", p.Port, in.Ports)
		}
	}
	if len(in.ClassifierTable) != 1 || in.ClassifierTable[0].Value != "52:54:00:00:00:02" || in.ClassifierTable[0].Port != "ring2" {
		t.Errorf("classifier table after VM 1 stop: %+v", in.ClassifierTable)
	}
	vf.Exit() // removes pcap0: spp-tx0.pcap is complete

	out, err := pcapfile.Read(filepath.Join(dir, "spp-tx0.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(out)) != back1+back2 {
		t.Fatalf("spp-tx0.pcap holds %d frames, want %d", len(out), back1+back2)
	}
	var want1, want2 [][]byte
	for _, f := range start.frames {
		switch pcapfile.Dst(f) {
		case mac1, mac2:
			want1 = append(want1, macswap(f))
		case bcast:
			want1 = append(want1, macswap(f), macswap(f)) // one from each VM
		}
	}
	for _, f := range stop.frames {
		switch pcapfile.Dst(f) {
		case mac2, bcast:
			want2 = append(want2, macswap(f))
		}
	}
	sameFrames(t, "VM start", out[:back1], want1)
	sameFrames(t, "VM stop", out[back1:], want2)
}

// Seed 000's VM start batch as written, with nic0 = net_ring0 of the
// primary (a loopback: what merge sends to nic0 comes back to the
// classifier). Proved: the batch is accepted and forwards. Four frames
// (VM 1 to VM 2 and back) are injected through a merge rx port (pcap0) and
// then bounce between the VMs through nic0, the classifier and both
// forwarders of each VM, until their MACs are unmapped; then every frame is
// dropped by the classifier and the counters stand still. spp_vf is the
// vhost-user server here (the other test has it as client), and its socket
// files are gone after it exits.
func TestSeed000WithNIC(t *testing.T) {
	dir := t.TempDir()
	var frames [][]byte
	for i := 0; i < 2; i++ {
		frames = append(frames, pcapfile.Frame(mac1, mac2, 64, uint32(i)), pcapfile.Frame(mac2, mac1, 64, uint32(10+i)))
	}
	if err := pcapfile.Write(filepath.Join(dir, "spp-rx0.pcap"), frames); err != nil {
		t.Fatal(err)
	}
	n := st.Start(t, st.PrimaryOpts{Rings: 4, Vdevs: []string{"net_ring0"}, PortMask: "0x1"})
	// spp_vf is the vhost-user server here (the default): the VMs come
	// after the flush that creates /tmp/sock20 and /tmp/sock21.
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1,4@1,5@1,6@1,7@1", 1, "--pcap-dir", dir)
	do := seedDo(t, vf)
	do(seed000Start("nic0")...)
	vm1 := st.StartVM(t, 20, "52:54:00:00:00:01", false)
	vm2 := st.StartVM(t, 21, "52:54:00:00:00:02", false)
	vf.WaitStatus(st.VMTimeout, "the VMs' links", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "vhost20").Link == "up" && st.Port(in, "vhost21").Link == "up"
	})
	vm1.WaitForwarding(t)
	vm2.WaitForwarding(t)

	do(`{"command":"component","core_id":"3","type":"merge","rx_ports":["ring1","ring3","pcap0"],"tx_ports":["nic0"]}`, st.Flush)
	in := vf.WaitStatus(30*time.Second, "frames bouncing between the VMs", func(in *proto.SecondaryInfo) bool {
		return st.Port(in, "vhost20").Tx >= 10 && st.Port(in, "vhost21").Tx >= 10
	})
	if d := st.Core(in, 2).Drops; d != 0 {
		t.Errorf("classifier dropped %d frames while both MACs were mapped", d)
	}
	if nic := st.Port(in, "nic0"); nic.Rx == 0 || nic.Tx == 0 {
		t.Errorf("nic0 counters %+v", nic)
	}

	// Unmapped, the four frames are dropped by the classifier as they come
	// back from the VMs (none was lost on the way), and traffic stops.
	do(st.MAC("52:54:00:00:00:01", "unuse"), st.MAC("52:54:00:00:00:02", "unuse"), st.Flush)
	a := vf.WaitStatus(30*time.Second, "the four frames dropped", func(in *proto.SecondaryInfo) bool {
		return st.Core(in, 2).Drops >= uint64(len(frames))
	})
	time.Sleep(500 * time.Millisecond)
	b := vf.Status()
	if d := st.Core(b, 2).Drops; d != uint64(len(frames)) {
		t.Errorf("classifier dropped %d frames, want %d", d, len(frames))
	}
	if st.Port(a, "nic0").Rx != st.Port(b, "nic0").Rx || st.Port(a, "vhost20").Tx != st.Port(b, "vhost20").Tx {
		t.Errorf("traffic goes on after the MACs were unmapped: %+v then %+v", a.Ports, b.Ports)
	}
	for _, p := range b.Ports {
		if p.TxDrop != 0 {
			t.Errorf("%s dropped %d frames on tx", p.Port, p.TxDrop)
		}
	}
	vf.Exit()
	for _, s := range []string{"/tmp/sock20", "/tmp/sock21"} {
		if _, err := os.Stat(s); err == nil {
			t.Errorf("%s is still there after spp_vf exited", s)
		}
	}
}
