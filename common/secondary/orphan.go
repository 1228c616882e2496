package secondary

// Orphans: the ports a secondary killed with kill -9 hotplugged. Their
// ethdevs live on in the primary's shared data, started, so the same
// secondary started again found them in its way: null and pcap could not
// be set up again ("Device or resource busy"), and vhostN had to be made
// as a new device net_vhostN_K, a new port id at each restart until
// RTE_MAX_ETHPORTS ran out. Now each hotplugged port names its owner
// (owner.go), and a process that needs the device of an owner that is gone
// removes it and makes it again: the primary gives a new device the lowest
// free port id, the one just freed unless a lower one was free already.

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/dpdk"
)

// removeOrphan removes the device name when it exists and its owner is
// gone (or it has none: its maker died before naming itself). A device of
// another live process is refused, naming that process. Nothing to do when
// there is no such device.
func (d *dataplane) removeOrphan(name string) error {
	id, err := dpdk.EthPortByName(name)
	if err != nil {
		return nil // no such device: the usual case
	}
	oid, oname, err := dpdk.EthOwner(id)
	if err != nil {
		return err
	}
	var dead Owner
	who := "no owner"
	if oid != 0 {
		o, ok := parseOwner(oname)
		if !ok {
			return fmt.Errorf("%s (port %d) is owned by %q", name, id, oname)
		}
		// This process's own device without a port (a removal that
		// failed) goes the same way as an orphan.
		if o != d.owner && o.Alive() {
			return fmt.Errorf("%s (port %d) belongs to %s pid %d, which is running", name, id, o.Prog, o.Pid)
		}
		dead, who = o, fmt.Sprintf("%s pid %d, gone", o.Prog, o.Pid)
	}
	d.logf("removing %s (port %d) left by %s", name, id, who)
	// A vhost queue its owner was killed polling is still marked busy, and
	// the stop below (and the primary's, in the removal) would wait for it
	// for ever.
	if err := dpdk.EthPollOnce(id); err != nil {
		return err
	}
	if err := dpdk.HotplugRemove(id); err != nil {
		return fmt.Errorf("orphan %s: %v", name, err)
	}
	// The killed process's links to the captures; not when its pid is
	// this process's now: the links are this process's then (openPcap
	// made them already).
	if n, ok := strings.CutPrefix(name, "net_pcap_spp"); ok && dead.Pid != 0 && dead.Pid != os.Getpid() {
		if n, err := strconv.Atoi(n); err == nil {
			rx, tx := pcapLinks(dead.Pid, n)
			removeAll([]string{rx, tx})
		}
	}
	return nil
}
