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

// MACTable maps destination MACs to tx indexes of a classifier, in C memory.
// Build it completely before it goes into a Config: a table in use by an
// lcore must not change. Free it only after a Switch took it out of use.
type MACTable struct {
	c      *C.struct_spp_mactable
	slots  []uint64
	perTx  [maxPorts]int // MACs mapped to each tx index
	hasDef bool
}

// NewMACTable makes a table that holds up to capacity MACs (at least 1).
func NewMACTable(capacity int) (*MACTable, error) {
	if capacity < 1 {
		capacity = 1
	}
	n := 16
	for n < 2*capacity {
		n <<= 1
	}
	size := C.size_t(n) * 8
	slots := C.rte_zmalloc(nil, size, C.RTE_CACHE_LINE_SIZE)
	if slots == nil {
		return nil, fmt.Errorf("no memory for a MAC table of %d entries", capacity)
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
	return &MACTable{c: c, slots: unsafe.Slice((*uint64)(slots), n)}, nil
}

// wireMAC turns 0xaabbccddeeff (aa:bb:cc:dd:ee:ff) into the value the C side
// reads from a frame: its first six bytes as a little-endian integer.
func wireMAC(mac uint64) uint64 {
	return bits.ReverseBytes64(mac<<16) & C.SPP_MAC_MASK
}

// Add maps mac (0xaabbccddeeff for aa:bb:cc:dd:ee:ff) to tx index tx.
func (t *MACTable) Add(mac uint64, tx int) error {
	if tx < 0 || tx >= maxPorts {
		return fmt.Errorf("tx index %d out of range 0..%d", tx, maxPorts-1)
	}
	if mac > C.SPP_MAC_MASK {
		return fmt.Errorf("MAC %#x is more than 48 bits", mac)
	}
	if 2*(int(t.c.count)+1) > len(t.slots) {
		return fmt.Errorf("MAC table full (%d entries)", t.c.count)
	}
	key := wireMAC(mac)
	h := (key * 0x9e3779b97f4a7c15) >> uint(t.c.shift)
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

// SetDefault sets the tx index of unmapped unicast; -1 for none.
func (t *MACTable) SetDefault(tx int) error {
	if tx < -1 || tx >= maxPorts {
		return fmt.Errorf("tx index %d out of range -1..%d", tx, maxPorts-1)
	}
	t.c.def = C.int32_t(tx)
	t.update()
	return nil
}

// Len is the number of MACs mapped.
func (t *MACTable) Len() int { return int(t.c.count) }

// update rebuilds the flood list (tx indexes with a mapping, default
// included, ascending) and the highest tx index used.
func (t *MACTable) update() {
	n, max := 0, 0
	for i := 0; i < maxPorts; i++ {
		if t.perTx[i] > 0 || int(t.c.def) == i {
			t.c.flood[n] = C.uint8_t(i)
			n++
			max = i + 1
		}
	}
	t.c.n_flood = C.uint16_t(n)
	t.c.max_tx = C.uint16_t(max)
}

// Free releases the table. No lcore may use it any more.
func (t *MACTable) Free() {
	if t.c != nil {
		C.rte_free(unsafe.Pointer(t.c.slots))
		C.free(unsafe.Pointer(t.c))
		t.c, t.slots = nil, nil
	}
}
