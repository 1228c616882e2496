package dpdk

// The names every process of a --file-prefix agrees on, and the layout of
// the memzone spp_nic_ports: spp_primary creates and writes, the
// secondaries look up and read, both through this file
// (docs/architecture.md, "Names shared across processes").

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/yerden/go-dpdk/memzone"
)

// MbufPoolName is spp_primary's mbuf pool: rx buffers of every port.
const MbufPoolName = "spp_mbuf_pool"

// RingName is the name of the shared ring ringN (spp_ring0, spp_ring1, ...).
func RingName(n int) string { return "spp_ring" + strconv.Itoa(n) }

// MirrorPoolName is the pool spp_mirror of client id takes its copies
// from; a restart with the same id reuses it.
func MirrorPoolName(clientID int) string { return "spp_mirror_pool_" + strconv.Itoa(clientID) }

// MirrorClonePoolName is the pool of data-less mbufs spp_mirror of client
// id takes its clones from (shallow copies).
func MirrorClonePoolName(clientID int) string { return "spp_mirror_clone_" + strconv.Itoa(clientID) }

// NICZoneName is the memzone where spp_primary lists the ethdev ids of nic0,
// nic1, ... (its -p mask, in order): a little-endian uint16 count, then
// that many little-endian uint16 port ids.
const NICZoneName = "spp_nic_ports"

// NICZone is the memzone spp_nic_ports as its publisher holds it.
type NICZone struct{ mz *memzone.Memzone }

// PublishNICs writes the ethdev ids of nic0, nic1, ... into spp_nic_ports
// for the secondaries (LookupNICs). The primary frees it at exit.
func PublishNICs(ids []uint16) (*NICZone, error) {
	mz, err := memzone.Reserve(NICZoneName, uintptr(2+2*len(ids)))
	if err != nil {
		return nil, fmt.Errorf("memzone %s: %v", NICZoneName, err)
	}
	b := mz.Bytes()
	binary.LittleEndian.PutUint16(b, uint16(len(ids)))
	for i, id := range ids {
		binary.LittleEndian.PutUint16(b[2+2*i:], id)
	}
	return &NICZone{mz}, nil
}

// Free releases the memzone.
func (z *NICZone) Free() { z.mz.Free() }

// LookupNICs reads what PublishNICs wrote: the ethdev ids of nic0, nic1,
// ..., or false when there is no such memzone or it is malformed.
func LookupNICs() ([]uint16, bool) {
	mz, err := memzone.Lookup(NICZoneName)
	if err != nil {
		return nil, false
	}
	b := mz.Bytes()
	if len(b) < 2 {
		return nil, false
	}
	n := int(binary.LittleEndian.Uint16(b))
	if 2+2*n > len(b) {
		return nil, false
	}
	ids := make([]uint16, n)
	for i := range ids {
		ids[i] = binary.LittleEndian.Uint16(b[2+2*i:])
	}
	return ids, true
}
