package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// mixed is a capture of n distinct frames of mixed sizes (60 to 1514 bytes),
// unicast, broadcast and multicast.
func mixed(n int) [][]byte {
	sizes := []int{60, 61, 64, 100, 127, 128, 256, 511, 512, 1000, 1023, 1024, 1500, 1514}
	dsts := []uint64{0x525400000001, 0xffffffffffff, 0x01005e000001, 0x020000000002}
	var out [][]byte
	for i := 0; i < n; i++ {
		out = append(out, pcapfile.Frame(dsts[i%len(dsts)], 0x020000000099, sizes[i%len(sizes)], uint32(i)))
	}
	return out
}

// sameInOrder checks that a capture file holds exactly want, in order.
func sameInOrder(t *testing.T, path string, want [][]byte) {
	t.Helper()
	got, err := pcapfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d frames, want %d", filepath.Base(path), len(got), len(want))
	}
	for i := range want {
		if i < len(got) && !bytes.Equal(got[i], want[i]) {
			t.Errorf("%s: frame %d (%d bytes) differs from the input (%d bytes)", filepath.Base(path), i, len(got[i]), len(want[i]))
			return
		}
	}
}

// Issue 4 item 1: pcap0 -> mirror -> pcap1 and pcap2, for both copy modes.
// Proved: both output captures hold exactly the input frames, byte for
// byte, in order, and the mirror counted no drops.
func TestMirrorPcap(t *testing.T) {
	for _, mode := range []string{"shallow", "deep"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			in := mixed(300)
			if err := pcapfile.Write(filepath.Join(dir, "spp-rx0.pcap"), in); err != nil {
				t.Fatal(err)
			}
			n := st.Start(t, st.PrimaryOpts{Rings: 4})
			m := n.StartSecondary("spp_mirror", "1@0,2@1", 1, "--pcap-dir", dir, "--copy", mode)
			m.Do(st.Component(2, "mirror", "pcap0", "pcap1,pcap2"), st.Flush)
			s := m.WaitStatus(30*time.Second, "the mirrored frames", func(s *proto.SecondaryInfo) bool {
				return st.Port(s, "pcap1").Tx >= uint64(len(in)) && st.Port(s, "pcap2").Tx >= uint64(len(in))
			})
			if c := st.Core(s, 2); c.Packets != uint64(len(in)) || c.Drops != 0 {
				t.Errorf("mirror counters %+v", c)
			}
			m.Exit() // closes the captures
			sameInOrder(t, filepath.Join(dir, "spp-tx1.pcap"), in)
			sameInOrder(t, filepath.Join(dir, "spp-tx2.pcap"), in)
		})
	}
}

// Issue 4 item 2, seed 004: spp_vf carries the traffic of nic0 (net_ring0,
// fed from a capture) through ring0 towards a VM, and spp_mirror taps
// ring0: ring0 -> mirror -> ring4 (on to the VM path, pcap1) and ring5 (to
// a monitor port, pcap2). Proved: the VM path gets every frame and the
// monitor a copy of each, byte for byte, in order.
func TestSeed004Tap(t *testing.T) {
	dir := t.TempDir()
	in := mixed(200)
	if err := pcapfile.Write(filepath.Join(dir, "spp-rx0.pcap"), in); err != nil {
		t.Fatal(err)
	}
	n := st.Start(t, st.PrimaryOpts{Rings: 6, Vdevs: []string{"net_ring0"}, PortMask: "0x1"})
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1,4@1,5@1", 1, "--pcap-dir", dir)
	m := n.StartSecondary("spp_mirror", "6@0,7@1", 2)
	// Downstream first, the source last, so that no frame arrives early.
	vf.Do(st.Component(3, "forward", "nic0", "ring0"),
		st.Component(4, "forward", "ring4", "pcap1"), // the VM path
		st.Component(5, "forward", "ring5", "pcap2"), // the monitor
		st.Flush)
	m.Do(st.Component(7, "mirror", "ring0", "ring4,ring5"), st.Flush)
	vf.Do(st.Component(2, "forward", "pcap0", "nic0"), st.Flush)

	vf.WaitStatus(30*time.Second, "frames on both paths", func(s *proto.SecondaryInfo) bool {
		return st.Port(s, "pcap1").Tx >= uint64(len(in)) && st.Port(s, "pcap2").Tx >= uint64(len(in))
	})
	ms := m.Status()
	if c := st.Core(ms, 7); c.Packets != uint64(len(in)) || c.Drops != 0 {
		t.Errorf("mirror counters %+v", c)
	}
	vf.Exit()
	sameInOrder(t, filepath.Join(dir, "spp-tx1.pcap"), in)
	sameInOrder(t, filepath.Join(dir, "spp-tx2.pcap"), in)
	m.Exit()
}

var clonePoolLine = regexp.MustCompile(`mbuf pool (spp_mirror_(?:pool|clone))_(\d+): (\d+) of (\d+) in use`)

// Issue 4 item 3: after 10^7 mirrored packets and traffic stopped, the
// primary's mbuf pool and the mirror's own pools are back at their idle use.
// null0 -> mirror -> null1, null2 at full speed, for both copy modes (deep
// copies come from spp_mirror_pool_<id>, clones from spp_mirror_clone_<id>).
// Proved: in_use of spp_mbuf_pool equals its value before traffic; the
// pool the mode copies into, and every other pool of the mirror, has
// nothing in use when spp_mirror exits (it says so in its log).
func TestMirrorNoLeak(t *testing.T) {
	const packets = 10_000_000
	for i, mode := range []string{"shallow", "deep"} {
		t.Run(mode, func(t *testing.T) {
			n := st.Start(t, st.PrimaryOpts{Rings: 4})
			idle := n.PrimaryStatus().Mempool.InUse
			m := n.StartSecondary("spp_mirror", "1@0,2@1", 3+i, "--copy", mode)
			m.Do(st.Component(2, "mirror", "null0", "null1,null2"), st.Flush)
			start := time.Now()
			m.WaitStatus(120*time.Second, fmt.Sprintf("%d mirrored packets", packets), func(s *proto.SecondaryInfo) bool {
				return st.Core(s, 2).Packets >= packets
			})
			t.Logf("%d packets in %v", packets, time.Since(start))
			m.Do(st.Component(2, "none", "", ""), st.Flush)
			st.WaitFor(t, 10*time.Second, fmt.Sprintf("primary mempool in_use back to %d", idle), func() bool {
				return n.PrimaryStatus().Mempool.InUse == idle
			})
			m.Exit()
			want := map[string]string{"shallow": "spp_mirror_clone", "deep": "spp_mirror_pool"}[mode]
			seen := false
			for _, match := range clonePoolLine.FindAllStringSubmatch(m.Proc.Log(), -1) {
				if id, _ := strconv.Atoi(match[2]); id != 3+i || match[3] != "0" {
					t.Errorf("mirror pool at exit: %s", match[0])
				}
				seen = seen || match[1] == want
			}
			if !seen {
				t.Fatalf("no %s report in the log:\n%s", want, m.Proc.Log())
			}
		})
	}
}
