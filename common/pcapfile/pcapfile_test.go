package pcapfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Frames written come back byte for byte, in order; a truncated last
// record is left out.
func TestRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.pcap")
	in := [][]byte{Frame(0x525400000001, 0x525400000002, 60, 1), Frame(0xffffffffffff, 2, 1514, 2), Frame(3, 4, 14, 3)}
	if err := Write(p, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(p)
	if err != nil || len(out) != len(in) {
		t.Fatalf("read %d frames, %v", len(out), err)
	}
	for i := range in {
		if !bytes.Equal(in[i], out[i]) {
			t.Errorf("frame %d differs", i)
		}
	}
	if Dst(out[0]) != 0x525400000001 || Src(out[0]) != 0x525400000002 {
		t.Errorf("dst %x src %x", Dst(out[0]), Src(out[0]))
	}
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, b[:len(b)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err = Read(p); err != nil || len(out) != 2 {
		t.Errorf("truncated file: %d frames, %v", len(out), err)
	}
	if err := os.WriteFile(p, []byte("not a pcap file at all!!"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(p); err == nil {
		t.Errorf("garbage read without error")
	}
}
