package main

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
)

// Issue 11, protocol.md 9.1 in spp_mirror: two named mirrors share lcore
// 2, pcap0 -> ma -> pcap1, pcap2 and pcap3 -> mb -> pcap4, pcap5. Proved:
// status shows both on lcore 2 in name order, running, each with its own
// count; each of the four output captures holds exactly its mirror's
// input, byte for byte, in order.
func TestTwoMirrorsOneLcore(t *testing.T) {
	dir := t.TempDir()
	in0, in3 := mixed(120), mixed(260)[120:] // distinct frames (other sequence numbers)
	for _, c := range []struct {
		n      string
		frames [][]byte
	}{{"0", in0}, {"3", in3}} {
		if err := pcapfile.Write(filepath.Join(dir, "spp-rx"+c.n+".pcap"), c.frames); err != nil {
			t.Fatal(err)
		}
	}
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	m := n.StartSecondary("spp_mirror", "1@0,2@1", 1, "--pcap-dir", dir)
	m.Do(st.Named(2, "mirror", "mb", "pcap3", "pcap4,pcap5"), st.Named(2, "mirror", "ma", "pcap0", "pcap1,pcap2"), st.Flush)
	m.WaitStatus(30*time.Second, "both mirrors' frames", func(s *proto.SecondaryInfo) bool {
		return st.Port(s, "pcap2").Tx >= uint64(len(in0)) && st.Port(s, "pcap5").Tx >= uint64(len(in3))
	})
	time.Sleep(200 * time.Millisecond) // more would be a bug: let it show
	s := m.Status()
	if names := st.OnCore(s, 2); !reflect.DeepEqual(names, []string{"ma", "mb"}) {
		t.Errorf("lcore 2 runs %v, want [ma mb]", names)
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"ma", len(in0)}, {"mb", len(in3)}} {
		if got := st.ComponentNamed(s, c.name); got.State != proto.StateRunning || got.Packets != uint64(c.n) || got.Drops != 0 {
			t.Errorf("%s: %+v, want running with %d packets and no drops", c.name, got, c.n)
		}
	}
	m.Exit() // closes the captures
	sameInOrder(t, filepath.Join(dir, "spp-tx1.pcap"), in0)
	sameInOrder(t, filepath.Join(dir, "spp-tx2.pcap"), in0)
	sameInOrder(t, filepath.Join(dir, "spp-tx4.pcap"), in3)
	sameInOrder(t, filepath.Join(dir, "spp-tx5.pcap"), in3)
}
