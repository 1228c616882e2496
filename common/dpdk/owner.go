package dpdk

// Ethdev ownership (rte_eth_dev_owner_*). The owner of a port is kept in
// the ethdev data every process of the --file-prefix shares, and owner ids
// come from a counter there too: a secondary marks the ports it hotplugs as
// its own, and a later process reads who made a port it finds already
// present (common/secondary: a port whose owner died is an orphan).

/*
#include <stdlib.h>
#include <rte_ethdev.h>
#include "eth.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// EthOwnerNew is a new owner id, unique among the processes of the prefix.
func EthOwnerNew() (uint64, error) {
	var id C.uint64_t
	if rc := C.rte_eth_dev_owner_new(&id); rc < 0 {
		return 0, rteErr("new ethdev owner", rc)
	}
	return uint64(id), nil
}

// EthOwnerSet makes (id, name) the owner of a port that has none; it fails
// when the port has an owner already (EPERM). DPDK keeps the name to 63
// bytes.
func EthOwnerSet(port uint16, id uint64, name string) error {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	rc := C.spp_eth_owner_set(C.uint16_t(port), C.uint64_t(id), cs)
	return rteErr(fmt.Sprintf("set the owner of port %d (%s)", port, EthName(port)), rc)
}

// EthOwner is the owner of a port: id 0 and "" when it has none.
func EthOwner(port uint16) (id uint64, name string, err error) {
	var cid C.uint64_t
	var buf [C.RTE_ETH_MAX_OWNER_NAME_LEN]C.char
	if rc := C.spp_eth_owner_get(C.uint16_t(port), &cid, &buf[0], C.size_t(len(buf))); rc < 0 {
		return 0, "", rteErr(fmt.Sprintf("owner of port %d", port), rc)
	}
	return uint64(cid), C.GoString(&buf[0]), nil
}

// EthPollOnce makes one empty rx and one empty tx burst on each queue of a
// port, which clears the busy mark a net_vhost queue keeps when the process
// polling it was killed inside a burst: without that, stopping the port (in
// this process or in the primary, when the device is removed) waits for
// ever. It moves no packet, and does nothing to other drivers.
func EthPollOnce(port uint16) error {
	return rteErr(fmt.Sprintf("poll port %d", port), C.spp_eth_poll_once(C.uint16_t(port)))
}
