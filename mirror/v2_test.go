package main

import (
	"reflect"
	"testing"

	st "github.com/spp-go/spp/common/secondary/sectest"
)

// Issue 11, protocol.md 9.1 in spp_mirror: two named mirrors share lcore
// 2, pcap0 -> ma -> pcap1, pcap2 and pcap3 -> mb -> pcap4, pcap5. Proved:
// status shows both on lcore 2 in name order, running, each with its own
// count; each of the four output captures holds exactly its mirror's
// input, byte for byte, in order.
func TestTwoMirrorsOneLcore(t *testing.T) {
	in0, in3 := mixed(120), mixed(260)[120:] // distinct frames (other sequence numbers)
	_, m, dir := st.StartWithCaptures(t, "spp_mirror", "1@0,2@1", map[int][][]byte{0: in0, 3: in3})
	s := m.DoUntilSent(map[string]int{"pcap2": len(in0), "pcap5": len(in3)},
		st.Named(2, "mirror", "mb", "pcap3", "pcap4,pcap5"), st.Named(2, "mirror", "ma", "pcap0", "pcap1,pcap2"), st.Flush)
	if names := st.OnCore(s, 2); !reflect.DeepEqual(names, []string{"ma", "mb"}) {
		t.Errorf("lcore 2 runs %v, want [ma mb]", names)
	}
	st.RunningWith(t, s, map[string]int{"ma": len(in0), "mb": len(in3)})
	m.Exit() // closes the captures
	st.ExactCapture(t, dir, 1, in0)
	st.ExactCapture(t, dir, 2, in0)
	st.ExactCapture(t, dir, 4, in3)
	st.ExactCapture(t, dir, 5, in3)
}
