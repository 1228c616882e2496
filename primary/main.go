// spp_primary is the DPDK primary process of spp-go (protocol.md sections
// 1 to 4): it owns the mbuf pool spp_mbuf_pool, the shared rings
// spp_ring0.. (-n) and the NIC ports nic0.. (-p, in port id order; virtual
// devices come with --vdev, net_tap and net_af_packet included, which only a
// primary can drive), and serves the controller as its TCP client (-s).
//
// It publishes the ethdev ids of nic0, nic1, ... in the memzone
// spp_nic_ports (dpdk.PublishNICs), so secondaries number the NICs as it
// does.
//
// Its reply to process is {"results":[...],"client_id":0,"process_type":"primary"}:
// the primary has no --client-id, and 0 keeps the reply's shape the same as
// a secondary's.
//
// It refuses to start (exit status 2, one line naming them) while processes
// of its file prefix live: a primary, or the secondaries of a dead one
// (live.go).
//
// Commands: process, status, clear (zero the NIC counters: rings have
// none), exit. A batch is atomic: clear runs only if every command of the
// batch is valid.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/spp-go/spp/common/daemon"
	"github.com/spp-go/spp/common/dpdk"
)

// Sizes: a ring of 1024 slots holds 1023 packets; the pool has a base for
// caches and in-flight bursts plus enough to fill every ring and NIC queue.
const (
	ringSize     = 1024
	nbDesc       = 1024
	poolBase     = 8191
	poolPerQueue = 1536
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() { os.Exit(run(os.Args)) }

func run(argv []string) int {
	prog := filepath.Base(argv[0])
	ealArgs, own := splitArgs(argv[1:])
	for _, s := range own {
		if s == "-h" || s == "--help" {
			fmt.Println(usageText)
			return exitOK
		}
	}
	a, err := parseArgs(own)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return exitUsage
	}
	if err := livePrefixError(ealArgs); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return exitUsage
	}
	logger := log.New(os.Stderr, prog+": ", log.LstdFlags|log.Lmicroseconds)
	logf := logger.Printf

	if _, err := dpdk.Init(append([]string{argv[0]}, ealArgs...)); err != nil {
		logf("%v", err)
		return exitFailure
	}
	runtimeDir := dpdk.RuntimeDir()
	p, code := setup(a, logf)
	hangUp := func() {}
	if p != nil {
		code, hangUp = p.serve(a.server, logf)
		p.release()
	}
	dpdk.Shutdown()
	removeRuntimeDir(runtimeDir, logf)
	logf("exit")
	hangUp() // last: the controller sees the primary gone when it is
	return code
}

// primary is the state the commands work on.
type primary struct {
	nics  []uint16 // nicN -> ethdev id
	rings []*dpdk.Ring
	pool  *dpdk.Mempool
	zone  *dpdk.NICZone
}

// setup creates the pool, the rings and the NIC ports; on failure it
// releases what it made and returns the exit status.
func setup(a args, logf func(string, ...any)) (*primary, int) {
	if !dpdk.IsPrimary() {
		logf("--proc-type: spp_primary must be the DPDK primary process")
		return nil, exitUsage
	}
	var ids []uint16
	for _, id := range dpdk.EthPorts() {
		if id < 64 && a.portmask&(1<<id) != 0 {
			ids = append(ids, id)
		}
	}
	if extra := a.portmask &^ idMask(ids); extra != 0 {
		var names []string
		for _, id := range dpdk.EthPorts() {
			names = append(names, fmt.Sprintf("%d=%s", id, dpdk.EthName(id)))
		}
		logf("-p: port mask %#x selects ethdevs that do not exist (ethdevs: %s)", a.portmask, strings.Join(names, " "))
		return nil, exitUsage
	}
	p := &primary{}
	var err error
	n := uint32(poolBase + poolPerQueue*(a.rings+len(ids)))
	if p.pool, err = dpdk.CreateMbufPool(dpdk.MbufPoolName, n); err != nil {
		logf("%v", err)
		return nil, exitFailure
	}
	for i := 0; i < a.rings; i++ {
		r, err := dpdk.CreateRing(dpdk.RingName(i), ringSize)
		if err != nil {
			logf("%v", err)
			p.release()
			return nil, exitFailure
		}
		p.rings = append(p.rings, r)
	}
	for i, id := range ids {
		if err := dpdk.EthSetup(id, p.pool, nbDesc, nbDesc); err != nil {
			logf("nic%d: %v", i, err)
			p.release()
			return nil, exitFailure
		}
		p.nics = append(p.nics, id)
		logf("nic%d is ethdev %d (%s)", i, id, dpdk.EthName(id))
	}
	if p.zone, err = dpdk.PublishNICs(p.nics); err != nil {
		logf("%v", err)
		p.release()
		return nil, exitFailure
	}
	logf("main lcore %d, mbuf pool %s of %d, %d ring(s), %d NIC port(s)",
		dpdk.MainLcore(), dpdk.MbufPoolName, n, len(p.rings), len(p.nics))
	return p, exitOK
}

func idMask(ids []uint16) uint64 {
	var m uint64
	for _, id := range ids {
		m |= 1 << id
	}
	return m
}

// serve answers the controller until exit or a signal. hangUp closes the
// control connection, left open after exit.
func (p *primary) serve(server string, logf func(string, ...any)) (int, func()) {
	stop, release := daemon.OnSignal(logf)
	defer release()
	hangUp, err := daemon.Run(server, p, logf, stop)
	if err != nil {
		logf("%v", err)
		return exitUsage, hangUp
	}
	return exitOK, hangUp
}

// release stops and closes the NIC ports and frees the rings, the pool and
// the memzone.
func (p *primary) release() {
	for _, id := range p.nics {
		dpdk.EthClose(id)
	}
	for _, r := range p.rings {
		r.Free()
	}
	if p.zone != nil {
		p.zone.Free()
	}
	if p.pool != nil {
		p.pool.Free()
	}
}

// removeRuntimeDir removes what EAL leaves in its runtime directory after
// cleanup (config, fbarray and hugepage info files), unless a secondary of
// the prefix still runs: its mp socket is there then, and it needs the
// files.
func removeRuntimeDir(dir string, logf func(string, ...any)) {
	if dir == "" || dir == "/" {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "mp_socket_") {
			logf("secondaries still run (%s): leaving %s", e.Name(), dir)
			return
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		logf("cannot remove %s: %v", dir, err)
	}
}
