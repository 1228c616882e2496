package node

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
)

// The traffic source writes a classic pcap file (the format libpcap reads:
// a 24-byte file header, then a 16-byte header before each frame). No
// libpcap needed.

const (
	pcapMagic    = 0xa1b2c3d4 // microsecond timestamps, written little-endian
	linkEthernet = 1
	frameLen     = 60 // minimum Ethernet frame without FCS
	// EtherType 0x88B5 is reserved for local experiments (IEEE 802):
	// nobody on a real network would take these frames for theirs.
	demoEtherType = 0x88b5
)

// WritePcap writes frames as a pcap file.
func WritePcap(w io.Writer, frames [][]byte) error {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagic)
	binary.LittleEndian.PutUint16(h[4:], 2) // version 2.4
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535) // snap length
	binary.LittleEndian.PutUint32(h[20:], linkEthernet)
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	for i, f := range frames {
		var r [16]byte
		binary.LittleEndian.PutUint32(r[0:], uint32(i/1000000)) // seconds
		binary.LittleEndian.PutUint32(r[4:], uint32(i%1000000)) // microseconds
		binary.LittleEndian.PutUint32(r[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(r[12:], uint32(len(f)))
		if _, err := w.Write(r[:]); err != nil {
			return err
		}
		if _, err := w.Write(f); err != nil {
			return err
		}
	}
	return nil
}

// ReadPcap reads back what WritePcap wrote (for tests and the verdict).
func ReadPcap(r io.Reader) ([][]byte, error) {
	var h [24]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	if binary.LittleEndian.Uint32(h[0:]) != pcapMagic {
		return nil, fmt.Errorf("not a little-endian pcap file")
	}
	var frames [][]byte
	for {
		var rec [16]byte
		_, err := io.ReadFull(r, rec[:])
		if err == io.EOF {
			return frames, nil
		}
		if err != nil {
			return nil, fmt.Errorf("pcap record: %w", err)
		}
		n := binary.LittleEndian.Uint32(rec[8:])
		if n > 65535 {
			return nil, fmt.Errorf("pcap record of %d bytes", n)
		}
		f := make([]byte, n)
		if _, err := io.ReadFull(r, f); err != nil {
			return nil, fmt.Errorf("pcap frame: %w", err)
		}
		frames = append(frames, f)
	}
}

// Frame builds one demo frame: dst, src, EtherType 0x88B5, and a payload
// that says what it is.
func buildFrame(dst, src net.HardwareAddr, seq int) []byte {
	f := make([]byte, frameLen)
	copy(f[0:6], dst)
	copy(f[6:12], src)
	binary.BigEndian.PutUint16(f[12:], demoEtherType)
	copy(f[14:], fmt.Sprintf("spp-go demo frame %d", seq))
	return f
}

// TrafficFrames builds the frames of the [traffic] section, in order.
func (c *Config) TrafficFrames() ([][]byte, error) {
	var out [][]byte
	for _, f := range c.Traffic.Frames {
		dst, err := c.resolveMAC(f.Dst)
		if err != nil {
			return nil, err
		}
		src, err := c.resolveMAC(f.Src)
		if err != nil {
			return nil, err
		}
		for i := 0; i < f.Count; i++ {
			out = append(out, buildFrame(dst, src, len(out)))
		}
	}
	return out, nil
}

// writeTraffic writes the traffic capture where the secondary's pcapN reads
// it, through a temporary file so that a reader never sees half of it.
func (c *Config) writeTraffic() (string, error) {
	frames, err := c.TrafficFrames()
	if err != nil {
		return "", err
	}
	path := c.PcapPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	if err := WritePcap(f, frames); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
