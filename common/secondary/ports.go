package secondary

// The ports of a secondary: nicN and ringN looked up from the primary,
// vhostN, pcapN and nullN hotplugged and removed here.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/engine"
	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// Descriptors of the ports a secondary sets up (vhost, pcap, null).
const nbDesc = 1024

// dataplane implements engine.Dataplane over common/dpdk: the ports here,
// the components in components.go.
type dataplane struct {
	pool        *dpdk.Mempool // the primary's spp_mbuf_pool: rx buffers
	clonePool   *dpdk.Mempool // spp_mirror, shallow: clones come from here
	copyPool    *dpdk.Mempool // spp_mirror: full copies come from here
	deep        bool
	nics        []uint16 // nicN -> ethdev id
	pcapDir     string
	vhostDir    string
	vhostClient bool
	logf        func(string, ...any)
	owner       Owner  // this process, as the ports it hotplugs name it
	ownerID     uint64 // its ethdev owner id (dpdk.EthOwnerNew), 0 before the first hotplug

	mu     sync.Mutex
	ports  map[port.Port]*openPort
	comps  map[*engine.Component]*running // what the lcores run, by the engine's pointer
	lcores map[int][]*engine.Component    // each lcore's list, as last switched
	stale  []*running                     // made for a failed switch, freed by close
}

// openPort is a port this process made usable.
type openPort struct {
	ep         *dpdk.Endpoint
	eth        int      // ethdev id, -1 for a ring
	hotplugged bool     // created by this process: removed on close
	sock       string   // vhost server socket to remove on close
	links      []string // symbolic links to remove on close (pcap)
}

func (d *dataplane) MainLcore() int { return dpdk.MainLcore() }
func (d *dataplane) Workers() []int { return dpdk.WorkerLcores() }

// OpenPort makes p usable. nicN and ringN belong to the primary and are
// only looked up; vhostN, pcapN and nullN are hotplugged here.
func (d *dataplane) OpenPort(p port.Port) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ports[p] != nil {
		return nil
	}
	var op *openPort
	var err error
	switch p.Kind {
	case port.NIC:
		if p.N >= len(d.nics) {
			return fmt.Errorf("the primary has %d NIC port(s)", len(d.nics))
		}
		op = &openPort{ep: dpdk.EthEndpoint(d.nics[p.N]), eth: int(d.nics[p.N])}
	case port.Ring:
		var r *dpdk.Ring
		if r, err = dpdk.LookupRing(dpdk.RingName(p.N)); err != nil {
			return err
		}
		op = &openPort{ep: dpdk.RingEndpoint(r), eth: -1}
	case port.Vhost:
		op, err = d.openVhost(p.N)
	case port.Pcap:
		op, err = d.openPcap(p.N)
	case port.Null:
		// copy=1: received frames are copies of a zeroed 64-byte frame
		// (destination 00:00:00:00:00:00, unicast) instead of whatever an
		// mbuf last held, so a classifier treats them all alike.
		op, err = d.hotplug(fmt.Sprintf("net_null_spp%d,copy=1", p.N))
	default:
		err = fmt.Errorf("unknown port kind %v", p.Kind)
	}
	if err != nil {
		return err
	}
	d.ports[p] = op
	if op.eth >= 0 {
		// The ethdev id shows that a restart after a kill -9 gets the same
		// ids back (orphan.go).
		d.logf("port %s ready (ethdev %d, %s)", p, op.eth, dpdk.EthName(uint16(op.eth)))
	} else {
		d.logf("port %s ready", p)
	}
	return nil
}

// maxDevargs is the longest devargs a secondary can hotplug: the request
// to the primary carries them in a 128-byte field (EAL_DEV_MP_DEV_ARGS_MAX_LEN)
// and longer ones arrive cut short.
const maxDevargs = 127

// hotplug creates a vdev, owned by this process, and sets it up with one
// rx and one tx queue. A device of that name left by a process that is
// gone is removed first (orphan.go); one of a live process is refused.
func (d *dataplane) hotplug(devargs string) (*openPort, error) {
	if len(devargs) > maxDevargs {
		return nil, fmt.Errorf("%q is longer than the %d bytes DPDK passes to the primary (use a shorter --vhost-dir or --pcap-dir)", devargs, maxDevargs)
	}
	name, _, _ := strings.Cut(devargs, ",")
	if err := d.removeOrphan(name); err != nil {
		return nil, err
	}
	id, err := dpdk.Hotplug(devargs)
	if err != nil {
		return nil, err
	}
	// Owned before it is set up: from here a later process can tell
	// whether its owner lives. Should another process have made the same
	// device in between, the owner it set refuses this one, and the device
	// is its own: not removed. The owner id comes from the ethdev data the
	// primary shares, which it makes with its first ethdev: until then,
	// asking for one in a secondary is a panic.
	if d.ownerID == 0 {
		if d.ownerID, err = dpdk.EthOwnerNew(); err != nil {
			return nil, err
		}
	}
	if err := dpdk.EthOwnerSet(id, d.ownerID, d.owner.String()); err != nil {
		return nil, err
	}
	if err := dpdk.EthSetup(id, d.pool, nbDesc, nbDesc); err != nil {
		if rerr := dpdk.HotplugRemove(id); rerr != nil {
			d.logf("removing %s after a failed setup: %v", devargs, rerr)
		}
		return nil, err
	}
	return &openPort{ep: dpdk.EthEndpoint(id), eth: int(id), hotplugged: true}, nil
}

// openVhost creates vhostN on DIR/sockN (DIR: --vhost-dir). In server mode
// a socket file that nobody listens on (left by a killed process) is
// removed first; one that answers belongs to another process, and vhostN is
// refused.
func (d *dataplane) openVhost(n int) (*openPort, error) {
	sock := filepath.Join(d.vhostDir, fmt.Sprintf("sock%d", n))
	devargs := fmt.Sprintf("net_vhost%d,iface=%s,queues=1", n, sock)
	if d.vhostClient {
		devargs += ",client=1"
	} else if _, err := os.Stat(sock); err == nil {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return nil, fmt.Errorf("%s is in use by another process", sock)
		}
		if err := os.Remove(sock); err != nil {
			return nil, fmt.Errorf("stale %s: %v", sock, err)
		}
	}
	op, err := d.hotplug(devargs)
	if err != nil {
		return nil, err
	}
	if !d.vhostClient {
		op.sock = sock
	}
	return op, nil
}

// pcapArgsMax is the longest argument string of a pcap port a secondary
// can use: net_pcap keeps a copy of its arguments in a 64-byte field that
// the secondaries parse again, so the paths in longer ones arrive cut.
const pcapArgsMax = 63

// openPcap creates pcapN: it reads DIR/spp-rxN.pcap once (created empty
// when missing) and writes DIR/spp-txN.pcap. When the paths are too long
// for net_pcap, the port is given short symbolic links to them in /tmp,
// removed with the port.
func (d *dataplane) openPcap(n int) (*openPort, error) {
	rx := filepath.Join(d.pcapDir, fmt.Sprintf("spp-rx%d.pcap", n))
	tx := filepath.Join(d.pcapDir, fmt.Sprintf("spp-tx%d.pcap", n))
	if strings.ContainsAny(rx+tx, ",=") {
		return nil, fmt.Errorf("--pcap-dir %q: ',' and '=' cannot be passed to the pcap driver", d.pcapDir)
	}
	if _, err := os.Stat(rx); errors.Is(err, os.ErrNotExist) {
		if err := pcapfile.Write(rx, nil); err != nil { // an empty capture
			return nil, err
		}
	}
	var links []string
	if len(pcapArgs(rx, tx)) > pcapArgsMax {
		rxl, txl := pcapLinks(os.Getpid(), n)
		for _, l := range [][2]string{{rx, rxl}, {tx, txl}} {
			os.Remove(l[1])
			if err := os.Symlink(l[0], l[1]); err != nil {
				removeAll(links)
				return nil, err
			}
			links = append(links, l[1])
		}
		rx, tx = rxl, txl
	}
	op, err := d.hotplug(fmt.Sprintf("net_pcap_spp%d,%s", n, pcapArgs(rx, tx)))
	if err != nil {
		removeAll(links)
		return nil, err
	}
	op.links = links
	return op, nil
}

func pcapArgs(rx, tx string) string { return "rx_pcap=" + rx + ",tx_pcap=" + tx }

// pcapLinks are the short links to the rx and tx captures of pcapN that
// process pid makes (and a later process removes when pid was killed).
func pcapLinks(pid, n int) (rx, tx string) {
	return fmt.Sprintf("/tmp/.spp%dr%d", pid, n), fmt.Sprintf("/tmp/.spp%dt%d", pid, n)
}

func removeAll(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}

// ClosePort releases a port: a hotplugged one is stopped and removed.
func (d *dataplane) ClosePort(p port.Port) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	op := d.ports[p]
	if op == nil {
		return nil
	}
	delete(d.ports, p)
	var err error
	if op.hotplugged {
		err = dpdk.HotplugRemove(uint16(op.eth))
	}
	if op.sock != "" {
		if rerr := os.Remove(op.sock); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
	}
	removeAll(op.links)
	op.ep.Free()
	return err
}

// PortStatus: packets this process's components received from and sent to
// the port; for an ethdev also what the port itself dropped on receive, the
// bytes its driver counted (if it counts them: not net_null), and its link.
// A ring has no byte counters. The bytes are the ethdev's, like its drops:
// every process of the prefix shares them, and a clear of the primary
// zeroes a NIC's.
func (d *dataplane) PortStatus(p port.Port) proto.PortStatus {
	d.mu.Lock()
	op := d.ports[p]
	d.mu.Unlock()
	st := proto.PortStatus{Port: p.String()}
	if op == nil {
		return st
	}
	st.Rx, st.Tx, st.RxDrop, st.TxDrop = op.ep.Counters()
	if op.eth >= 0 {
		if s, err := dpdk.EthStatsGet(uint16(op.eth)); err == nil {
			st.RxDrop += s.RxDrop
			if s.Bytes {
				st.RxBytes, st.TxBytes = &s.RxBytes, &s.TxBytes
			}
		}
		st.Link = "down"
		if dpdk.EthLink(uint16(op.eth)) {
			st.Link = "up"
		}
	}
	return st
}

// nicPorts finds the ethdevs behind nic0, nic1, ...: the list spp_primary
// publishes (dpdk.PublishNICs), or, when there is none, every ethdev that
// is not a vdev a secondary hotplugged, in port id order.
func nicPorts() ([]uint16, string) {
	if ids, ok := dpdk.LookupNICs(); ok {
		return ids, "memzone " + dpdk.NICZoneName
	}
	var ids []uint16
	for _, id := range dpdk.EthPorts() {
		name := dpdk.EthName(id)
		if strings.HasPrefix(name, "net_vhost") || strings.HasPrefix(name, "net_pcap_spp") || strings.HasPrefix(name, "net_null_spp") {
			continue
		}
		ids = append(ids, id)
	}
	return ids, "ethdevs of the primary"
}

// countRings counts the primary's rings ring0, ring1, ...
func countRings() int {
	n := 0
	for n <= port.MaxIndex {
		if _, err := dpdk.LookupRing(dpdk.RingName(n)); err != nil {
			break
		}
		n++
	}
	return n
}
