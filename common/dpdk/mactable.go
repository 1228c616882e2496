package dpdk

/*
#include <stdlib.h>
#include <rte_malloc.h>
#include "dataplane.h"
#include "mem.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math/bits"
	"unsafe"
)

// MACTable maps destinations to tx indexes of a classifier, in C memory:
// destination MACs of untagged frames (Add), and (VLAN id, destination
// MAC) of tagged ones (AddVLAN). Build it completely before it goes into a
// component: a table in use by an lcore must not change. Free it only after
// a Switch took its components out of use.
type MACTable struct {
	c      *C.struct_spp_mactable
	slots  []uint64
	vslots []C.struct_spp_vslot
	vflood []uint64
	perTx  [maxPorts]int // MAC entries of each tx index
	perVTx [maxPorts]int // VLAN entries of each tx index
}

// maxVID is the highest VLAN id of an entry; vflood has one mask per id.
const maxVID = 4094

// NewMACTable makes a table that holds up to macs MAC entries (at least 1)
// and vlans VLAN entries (0: none).
func NewMACTable(macs, vlans int) (*MACTable, error) {
	n := slotsFor(macs)
	slots := C.rte_zmalloc(nil, C.size_t(n)*8, C.RTE_CACHE_LINE_SIZE)
	if slots == nil {
		return nil, fmt.Errorf("no memory for a MAC table of %d entries", macs)
	}
	c := (*C.struct_spp_mactable)(C.spp_calloc_aligned(C.sizeof_struct_spp_mactable))
	if c == nil {
		C.rte_free(slots)
		return nil, errors.New("no memory for a MAC table")
	}
	c.slots = (*C.uint64_t)(slots)
	c.mask = C.uint64_t(n - 1)
	c.shift = C.uint32_t(64 - bits.TrailingZeros(uint(n)))
	c.def = -1
	t := &MACTable{c: c, slots: unsafe.Slice((*uint64)(slots), n)}
	if vlans > 0 {
		vn := slotsFor(vlans)
		vs := C.rte_zmalloc(nil, C.size_t(vn)*C.sizeof_struct_spp_vslot, C.RTE_CACHE_LINE_SIZE)
		vf := C.rte_zmalloc(nil, (maxVID+1)*8, C.RTE_CACHE_LINE_SIZE)
		if vs == nil || vf == nil {
			C.rte_free(vs)
			C.rte_free(vf)
			t.Free()
			return nil, fmt.Errorf("no memory for a VLAN table of %d entries", vlans)
		}
		c.vslots = (*C.struct_spp_vslot)(vs)
		c.vmask = C.uint64_t(vn - 1)
		c.vshift = C.uint32_t(64 - bits.TrailingZeros(uint(vn)))
		c.vflood = (*C.uint64_t)(vf)
		t.vslots = unsafe.Slice((*C.struct_spp_vslot)(vs), vn)
		t.vflood = unsafe.Slice((*uint64)(vf), maxVID+1)
	}
	return t, nil
}

// slotsFor is the slot count of a table of n entries: a power of two, at
// least twice n (so a probe always meets an empty slot), at least 16.
func slotsFor(n int) int {
	s := 16
	for s < 2*n {
		s <<= 1
	}
	return s
}

// wireMAC turns 0xaabbccddeeff (aa:bb:cc:dd:ee:ff) into the value the C side
// reads from a frame: its first six bytes as a little-endian integer.
func wireMAC(mac uint64) uint64 {
	return bits.ReverseBytes64(mac<<16) & C.SPP_MAC_MASK
}

func hash(key uint64, shift C.uint32_t) uint64 { return (key * 0x9e3779b97f4a7c15) >> uint(shift) }

func checkEntry(mac uint64, tx int) error {
	if tx < 0 || tx >= maxPorts {
		return fmt.Errorf("tx index %d out of range 0..%d", tx, maxPorts-1)
	}
	if mac > C.SPP_MAC_MASK {
		return fmt.Errorf("MAC %#x is more than 48 bits", mac)
	}
	return nil
}

// Add maps mac (0xaabbccddeeff for aa:bb:cc:dd:ee:ff) of untagged frames
// to tx index tx.
func (t *MACTable) Add(mac uint64, tx int) error {
	if err := checkEntry(mac, tx); err != nil {
		return err
	}
	if 2*(int(t.c.count)+1) > len(t.slots) {
		return fmt.Errorf("MAC table full (%d entries)", t.c.count)
	}
	key := wireMAC(mac)
	h := hash(key, t.c.shift)
	for {
		s := t.slots[h]
		if s&C.SPP_SLOT_USED == 0 {
			break
		}
		if s&C.SPP_MAC_MASK == key {
			if int(s>>56) == tx {
				return nil
			}
			return fmt.Errorf("MAC %012x is already mapped to tx %d", mac, s>>56)
		}
		h = (h + 1) & uint64(t.c.mask)
	}
	t.slots[h] = key | C.SPP_SLOT_USED | uint64(tx)<<56
	t.c.count++
	t.perTx[tx]++
	t.update()
	return nil
}

// AddVLAN maps (vid, mac) of frames tagged with VLAN id vid to tx index tx.
func (t *MACTable) AddVLAN(vid uint16, mac uint64, tx int) error {
	if err := checkEntry(mac, tx); err != nil {
		return err
	}
	if vid < 1 || vid > maxVID {
		return fmt.Errorf("VLAN id %d out of range 1..%d", vid, maxVID)
	}
	if 2*(int(t.c.vcount)+1) > len(t.vslots) {
		return fmt.Errorf("VLAN table full (%d entries)", t.c.vcount)
	}
	key := uint64(vid)<<48 | wireMAC(mac)
	h := hash(key, t.c.vshift)
	for ; t.vslots[h].key != 0; h = (h + 1) & uint64(t.c.vmask) {
		if uint64(t.vslots[h].key) == key {
			if int(t.vslots[h].tx) == tx {
				return nil
			}
			return fmt.Errorf("VLAN %d MAC %012x is already mapped to tx %d", vid, mac, t.vslots[h].tx)
		}
	}
	t.vslots[h] = C.struct_spp_vslot{key: C.uint64_t(key), tx: C.uint64_t(tx)}
	t.c.vcount++
	t.perVTx[tx]++
	t.vflood[vid] |= 1 << tx
	t.update()
	return nil
}

// SetDefault sets the tx index of unmapped unicast; -1 for none.
func (t *MACTable) SetDefault(tx int) error {
	if tx < -1 || tx >= maxPorts {
		return fmt.Errorf("tx index %d out of range -1..%d", tx, maxPorts-1)
	}
	t.c.def = C.int32_t(tx)
	t.c.defmask = 0
	if tx >= 0 {
		t.c.defmask = 1 << tx
	}
	t.update()
	return nil
}

// Len is the number of MAC entries, VLAN ones included.
func (t *MACTable) Len() int { return int(t.c.count + t.c.vcount) }

// update rebuilds the flood set of untagged frames (tx indexes with a MAC
// entry, default included) and the highest tx index used.
func (t *MACTable) update() {
	flood, max := uint64(t.c.defmask), 0
	for i := 0; i < maxPorts; i++ {
		if t.perTx[i] > 0 {
			flood |= 1 << i
		}
		if t.perTx[i] > 0 || t.perVTx[i] > 0 || int(t.c.def) == i {
			max = i + 1
		}
	}
	t.c.flood = C.uint64_t(flood)
	t.c.max_tx = C.uint16_t(max)
}

// Free releases the table. No lcore may use it any more.
func (t *MACTable) Free() {
	if t.c != nil {
		C.rte_free(unsafe.Pointer(t.c.slots))
		C.rte_free(unsafe.Pointer(t.c.vslots))
		C.rte_free(unsafe.Pointer(t.c.vflood))
		C.free(unsafe.Pointer(t.c))
		t.c, t.slots, t.vslots, t.vflood = nil, nil, nil, nil
	}
}
