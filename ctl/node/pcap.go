package node

import (
	"encoding/binary"
	"net"
	"os"
	"path/filepath"

	"github.com/spp-go/spp/common/pcapfile"
)

// The traffic source is a capture file that a secondary's pcapN port reads
// once, when the traffic's start commands add that port to a component.

const frameLen = 60 // the minimum Ethernet frame, without FCS

func macValue(m net.HardwareAddr) uint64 {
	var b [8]byte
	copy(b[2:], m)
	return binary.BigEndian.Uint64(b[:])
}

// TrafficFrames builds the frames of the [traffic] section, in order:
// EtherType 0x88B5 (local experimental), numbered payloads.
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
			out = append(out, pcapfile.Frame(macValue(dst), macValue(src), frameLen, uint32(len(out))))
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
	if err := pcapfile.Write(tmp, frames); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
