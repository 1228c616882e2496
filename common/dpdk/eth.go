package dpdk

/*
#include <stdlib.h>
#include <rte_ethdev.h>
#include <rte_dev.h>
#include "eth.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// EthPorts lists the valid ethdev port ids, ascending.
func EthPorts() []uint16 {
	var out []uint16
	for p := C.spp_eth_next(0); p < C.RTE_MAX_ETHPORTS; p = C.spp_eth_next(p + 1) {
		out = append(out, uint16(p))
	}
	return out
}

// EthPortByName finds a port by its device name (net_ring0).
func EthPortByName(name string) (uint16, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var id C.uint16_t
	if rc := C.rte_eth_dev_get_port_by_name(cs, &id); rc < 0 {
		return 0, rteErr("ethdev "+name, rc)
	}
	return uint16(id), nil
}

// EthName is the device name of a port, "" when there is no such port.
func EthName(id uint16) string {
	var buf [C.RTE_ETH_NAME_MAX_LEN]C.char
	if C.spp_eth_name(C.uint16_t(id), &buf[0], C.size_t(len(buf))) < 0 {
		return ""
	}
	return C.GoString(&buf[0])
}

// EthSetup configures one rx and one tx queue (rx buffers from pool), starts
// the port and turns promiscuous mode on where the PMD has one.
func EthSetup(id uint16, pool *Mempool, nrxd, ntxd uint16) error {
	rc := C.spp_eth_setup(C.uint16_t(id), pool.c(), C.uint16_t(nrxd), C.uint16_t(ntxd))
	return rteErr(fmt.Sprintf("setup port %d (%s)", id, EthName(id)), rc)
}

// EthClose stops and closes a port of this process's own (the primary's
// --vdev ports). A hotplugged port goes with HotplugRemove instead.
func EthClose(id uint16) {
	C.rte_eth_dev_stop(C.uint16_t(id))
	C.rte_eth_dev_close(C.uint16_t(id))
}

// EthStats are a port's counters, in packets, and the bytes its driver
// counted (ibytes, obytes: read with the rest, they cost nothing more).
type EthStats struct {
	Rx, Tx         uint64
	RxDrop, TxDrop uint64 // RxDrop = imissed + rx_nombuf + ierrors; TxDrop = oerrors
	// Bytes says whether the driver counts bytes; RxBytes and TxBytes are
	// 0 when it does not.
	Bytes            bool
	RxBytes, TxBytes uint64
}

// bytelessDrivers count packets but not bytes in DPDK 22.11: their ibytes
// and obytes stay 0 whatever they carry (seen in the primary's tests).
var bytelessDrivers = map[string]bool{"net_null": true, "net_ring": true}

// EthStats reads a port's counters (in shared memory: every process of the
// prefix sees the same).
func EthStatsGet(id uint16) (EthStats, error) {
	var s C.struct_rte_eth_stats
	if rc := C.rte_eth_stats_get(C.uint16_t(id), &s); rc < 0 {
		return EthStats{}, rteErr(fmt.Sprintf("stats of port %d", id), rc)
	}
	st := EthStats{
		Rx:     uint64(s.ipackets),
		Tx:     uint64(s.opackets),
		RxDrop: uint64(s.imissed + s.rx_nombuf + s.ierrors),
		TxDrop: uint64(s.oerrors),
	}
	if drv, ok := ethDriver(id); ok && !bytelessDrivers[drv] {
		st.Bytes, st.RxBytes, st.TxBytes = true, uint64(s.ibytes), uint64(s.obytes)
	}
	return st, nil
}

// ethDriver is the name of a port's driver ("net_pcap"); false when the
// port has none.
func ethDriver(id uint16) (string, bool) {
	var buf [64]C.char
	if C.spp_eth_driver(C.uint16_t(id), &buf[0], C.size_t(len(buf))) < 0 {
		return "", false
	}
	return C.GoString(&buf[0]), true
}

// EthStatsReset zeroes a port's counters.
func EthStatsReset(id uint16) error {
	return rteErr(fmt.Sprintf("reset stats of port %d", id), C.rte_eth_stats_reset(C.uint16_t(id)))
}

// EthLink tells whether the port's link is up (without waiting).
func EthLink(id uint16) bool { return C.spp_eth_link_up(C.uint16_t(id)) != 0 }

// EthMAC is the port's MAC address.
func EthMAC(id uint16) [6]byte {
	var b [6]C.uint8_t
	C.spp_eth_mac(C.uint16_t(id), &b[0])
	var out [6]byte
	for i := range b {
		out[i] = byte(b[i])
	}
	return out
}

// Hotplug probes a virtual device ("net_null_spp1", "net_vhost0,iface=...")
// and returns its port. In a secondary the primary is asked over the mp
// socket, so every process of the prefix sees the port. Probing a device
// that exists already gives its port.
func Hotplug(devargs string) (uint16, error) {
	cs := C.CString(devargs)
	defer C.free(unsafe.Pointer(cs))
	if rc := C.rte_dev_probe(cs); rc < 0 {
		return 0, rteErr("probe "+devargs, rc)
	}
	name, _, _ := strings.Cut(devargs, ",")
	return EthPortByName(name)
}

// HotplugRemove stops a hotplugged port and removes its device. It must not
// be closed first: rte_eth_dev_close before the removal segfaults in a
// secondary.
func HotplugRemove(id uint16) error {
	name := EthName(id)
	if name == "" {
		return fmt.Errorf("remove port %d: no such port", id)
	}
	C.rte_eth_dev_stop(C.uint16_t(id))
	bus := C.CString("vdev")
	defer C.free(unsafe.Pointer(bus))
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	return rteErr("remove "+name, C.rte_eal_hotplug_remove(bus, cn))
}
