// Package pcapfile reads and writes classic pcap capture files of Ethernet
// frames: what pcapN ports read and write. Pure Go, for tests and tools.
package pcapfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

const (
	magicLE  = 0xa1b2c3d4 // microsecond timestamps, as written little-endian
	magicNS  = 0xa1b23c4d // nanosecond timestamps
	linkEth  = 1
	snapLen  = 65535
	hdrLen   = 24
	recLen   = 16
	maxFrame = 1 << 18
)

// Write creates path holding frames, in order, with increasing timestamps.
func Write(path string, frames [][]byte) error {
	b := make([]byte, hdrLen, hdrLen+len(frames)*(recLen+64))
	binary.LittleEndian.PutUint32(b[0:], magicLE)
	binary.LittleEndian.PutUint16(b[4:], 2)
	binary.LittleEndian.PutUint16(b[6:], 4)
	binary.LittleEndian.PutUint32(b[16:], snapLen)
	binary.LittleEndian.PutUint32(b[20:], linkEth)
	for i, f := range frames {
		var r [recLen]byte
		binary.LittleEndian.PutUint32(r[0:], 1)         // seconds
		binary.LittleEndian.PutUint32(r[4:], uint32(i)) // microseconds
		binary.LittleEndian.PutUint32(r[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(r[12:], uint32(len(f)))
		b = append(b, r[:]...)
		b = append(b, f...)
	}
	return os.WriteFile(path, b, 0o644)
}

// Read returns the frames of a capture file, in order. A record cut short
// at the end (a writer still running) is left out.
func Read(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < hdrLen {
		return nil, errors.New(path + ": shorter than a pcap header")
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch m := binary.LittleEndian.Uint32(b); m {
	case magicLE, magicNS:
	default:
		if bm := binary.BigEndian.Uint32(b); bm != magicLE && bm != magicNS {
			return nil, fmt.Errorf("%s: not a pcap file (magic %#x)", path, m)
		}
		bo = binary.BigEndian
	}
	var frames [][]byte
	for off := hdrLen; off+recLen <= len(b); {
		n := int(bo.Uint32(b[off+8:]))
		if n > maxFrame {
			return nil, fmt.Errorf("%s: record of %d bytes at offset %d", path, n, off)
		}
		if off+recLen+n > len(b) {
			break
		}
		frames = append(frames, append([]byte(nil), b[off+recLen:off+recLen+n]...))
		off += recLen + n
	}
	return frames, nil
}

// Frame builds an Ethernet frame of length size (at least 14) from dst and
// src (0xaabbccddeeff for aa:bb:cc:dd:ee:ff), EtherType 0x88b5 (local
// experimental), and a payload that starts with seq (big-endian) and is
// then filled with a pattern derived from seq, so that every frame is
// distinct and recognisable.
func Frame(dst, src uint64, size int, seq uint32) []byte {
	if size < 14 {
		size = 14
	}
	f := make([]byte, size)
	for i := 0; i < 6; i++ {
		f[i] = byte(dst >> (40 - 8*i))
		f[6+i] = byte(src >> (40 - 8*i))
	}
	f[12], f[13] = 0x88, 0xb5
	p := f[14:]
	var s [4]byte
	binary.BigEndian.PutUint32(s[:], seq)
	copy(p, s[:])
	for i := 4; i < len(p); i++ {
		p[i] = byte(seq) + byte(i)
	}
	return f
}

// Dst is a frame's destination MAC (0xaabbccddeeff), 0 for a short frame.
func Dst(f []byte) uint64 {
	if len(f) < 6 {
		return 0
	}
	var m uint64
	for _, c := range f[:6] {
		m = m<<8 | uint64(c)
	}
	return m
}

// Src is a frame's source MAC, 0 for a short frame.
func Src(f []byte) uint64 {
	if len(f) < 12 {
		return 0
	}
	return Dst(f[6:])
}
