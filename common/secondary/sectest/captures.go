package sectest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
)

// WriteCapture writes frames as the input of port pcapN: spp-rxN.pcap in
// dir, the daemon's --pcap-dir.
func WriteCapture(t *testing.T, dir string, n int, frames [][]byte) {
	t.Helper()
	if err := pcapfile.Write(filepath.Join(dir, fmt.Sprintf("spp-rx%d.pcap", n)), frames); err != nil {
		t.Fatal(err)
	}
}

// ExactCapture checks that port pcapN wrote exactly want (spp-txN.pcap in
// dir), byte for byte, in order.
func ExactCapture(t *testing.T, dir string, n int, want [][]byte) {
	t.Helper()
	got, err := pcapfile.Read(filepath.Join(dir, fmt.Sprintf("spp-tx%d.pcap", n)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("spp-tx%d.pcap: %d frames, want %d", n, len(got), len(want))
	}
	for i := range want {
		if i < len(got) && !bytes.Equal(got[i], want[i]) {
			t.Errorf("spp-tx%d.pcap: frame %d is\n% x\nwant\n% x", n, i, got[i], want[i])
			return
		}
	}
}

// StartWithCaptures starts a primary with 4 rings and bin (spp_vf,
// spp_mirror) on lcores as secondary 1, its pcap ports in a new directory
// that holds in[N] as pcapN's input; extra are more arguments of bin. It
// returns the node, the secondary and the directory.
func StartWithCaptures(t *testing.T, bin, lcores string, in map[int][][]byte, extra ...string) (*Node, *Daemon, string) {
	t.Helper()
	dir := t.TempDir()
	for n, frames := range in {
		WriteCapture(t, dir, n, frames)
	}
	n := Start(t, PrimaryOpts{Rings: 4})
	return n, n.StartSecondary(bin, lcores, 1, append([]string{"--pcap-dir", dir}, extra...)...), dir
}

// RunningWith checks that each component of s named in packets runs and
// counted exactly its packets, with no drops.
func RunningWith(t *testing.T, s *proto.SecondaryInfo, packets map[string]int) {
	t.Helper()
	for name, n := range packets {
		if got := ComponentNamed(s, name); got.State != proto.StateRunning || got.Packets != uint64(n) || got.Drops != 0 {
			t.Errorf("%s: %+v, want running with %d packets and no drops", name, got, n)
		}
	}
}

// DoUntilSent sends cmds as one batch, which must succeed, waits until each
// port of sent has sent (tx) at least its number of frames, and 200 ms
// more (more frames would be a bug: let it show), and returns the status
// then.
func (d *Daemon) DoUntilSent(sent map[string]int, cmds ...string) *proto.SecondaryInfo {
	d.n.T.Helper()
	d.Do(cmds...)
	d.WaitStatus(30*time.Second, fmt.Sprintf("tx %v", sent), func(s *proto.SecondaryInfo) bool {
		for p, n := range sent {
			if Port(s, p).Tx < uint64(n) {
				return false
			}
		}
		return true
	})
	time.Sleep(200 * time.Millisecond)
	return d.Status()
}
