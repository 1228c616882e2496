// Package secondary is the common main of spp_vf and spp_mirror: their
// arguments, EAL init as a DPDK secondary, the engine.Dataplane built on
// common/dpdk, the engine, and the connection to the controller. The two
// daemons differ only in their process type (which component types they
// run, --copy for spp_mirror).
package secondary

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/spp-go/spp/common/daemon"
	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/engine"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/proto"
)

// The engine is what the daemon loop runs.
var _ daemon.Handler = (*engine.Engine)(nil)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // could not start (EAL, primary's resources, initial config)
	exitUsage   = 2 // bad arguments or config file
)

// clonePoolSize is the mbufs of each of spp_mirror's own pools (2^n - 1
// suits the mempool best).
const clonePoolSize = 8191

// Main runs spp_vf (ptype proto.TypeVF) or spp_mirror (proto.TypeMirror)
// with the command line args (argv[0] first) and returns the exit status.
func Main(ptype string, args []string) int {
	prog := filepath.Base(args[0])
	ealArgs, own := splitArgs(args[1:])
	for _, a := range own {
		if a == "-h" || a == "--help" {
			fmt.Println("usage: " + usage(prog, ptype))
			return exitOK
		}
	}
	a, err := parseArgs(ptype, own)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return exitUsage
	}
	// The pcap driver opens the files in the primary too: the paths must
	// not depend on the working directory.
	if a.PcapDir, err = filepath.Abs(a.PcapDir); err != nil {
		fmt.Fprintf(os.Stderr, "%s: --pcap-dir: %v\n", prog, err)
		return exitUsage
	}
	// The vhost driver binds or connects in this process, but a relative
	// socket path would show in status and logs without its directory.
	if a.VhostDir, err = filepath.Abs(a.VhostDir); err != nil {
		fmt.Fprintf(os.Stderr, "%s: --vhost-dir: %v\n", prog, err)
		return exitUsage
	}
	var fc *FileConfig
	if a.Config != "" {
		if fc, err = loadConfig(a.Config); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
			return exitUsage
		}
	}
	logger := log.New(os.Stderr, fmt.Sprintf("%s[%d]: ", prog, a.ClientID), log.LstdFlags|log.Lmicroseconds)
	logf := logger.Printf

	if err := primaryGone(ealArgs); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return exitFailure
	}
	if _, err := dpdk.Init(append([]string{args[0]}, secondaryEAL(ealArgs)...)); err != nil {
		logf("%v", err)
		return exitFailure
	}
	code, hangUp := run(ptype, a, fc, logf)
	dpdk.Shutdown()
	logf("exit")
	// Last: the controller takes the closed connection as "gone", and only
	// then stops the primary, which the release of the ports above needed.
	hangUp()
	return code
}

// primaryGone says, before EAL init, that the primary of the file prefix
// is missing: no config file (EAL would fail without setting rte_errno,
// and go-dpdk then launches its lcore listeners anyway and panics), or no
// live process holding it (EAL would attach to the dead primary's memory
// and run without anyone to create ports). nil when it runs, or when EAL
// is not to start as a secondary.
func primaryGone(eal []string) error {
	for i, a := range eal {
		if a == "--proc-type" && i+1 < len(eal) && eal[i+1] != "secondary" || strings.HasPrefix(a, "--proc-type=") && a != "--proc-type=secondary" {
			return nil
		}
	}
	prefix, shared := proc.FilePrefix(eal)
	if !shared {
		return nil
	}
	dir := proc.PrefixRuntimeDir(prefix)
	if _, err := os.Stat(filepath.Join(dir, "config")); os.IsNotExist(err) {
		return fmt.Errorf("no spp_primary runs with --file-prefix %s (%s/config is missing): start spp_primary first", prefix, dir)
	}
	users, err := proc.PrefixUsers(dir)
	if err != nil {
		return nil // nothing readable: EAL decides
	}
	for _, u := range users {
		if u.Primary {
			return nil
		}
	}
	return fmt.Errorf("the spp_primary of --file-prefix %s is gone (no live process holds %s/config): stop this node's secondaries and start it again (spp down, then spp up)", prefix, dir)
}

// secondaryEAL adds --proc-type=secondary unless the EAL arguments say it.
func secondaryEAL(eal []string) []string {
	for _, a := range eal {
		if a == "--proc-type" || len(a) > 12 && a[:12] == "--proc-type=" {
			return eal
		}
	}
	return append(append([]string{}, eal...), "--proc-type=secondary")
}

// run is everything between EAL init and EAL shutdown. hangUp closes the
// control connection (after exit it is still open; never nil).
func run(ptype string, a Args, fc *FileConfig, logf func(string, ...any)) (code int, hangUp func()) {
	hangUp = func() {}
	if dpdk.IsPrimary() {
		logf("no spp_primary runs with this --file-prefix (EAL started as a primary)")
		return exitFailure, hangUp
	}
	pool, err := dpdk.LookupMbufPool(dpdk.MbufPoolName)
	if err != nil {
		logf("%v: is spp_primary running?", err)
		return exitFailure, hangUp
	}
	nics, how := nicPorts()
	nrings := countRings()
	logf("main lcore %d, workers %v, %d NIC port(s) (%s), %d ring(s)",
		dpdk.MainLcore(), dpdk.WorkerLcores(), len(nics), how, nrings)

	dp := &dataplane{
		pool: pool, deep: a.DeepCopy, nics: nics, pcapDir: a.PcapDir, vhostDir: a.VhostDir, vhostClient: a.VhostClient,
		logf: logf, ports: map[port.Port]*openPort{}, comps: map[*engine.Component]*running{},
		lcores: map[int][]*engine.Component{},
	}
	if dp.owner, err = selfOwner("spp_" + ptype); err != nil {
		logf("ethdev owner: %v", err)
		return exitFailure, hangUp
	}
	if ptype == proto.TypeMirror {
		report, err := dp.mirrorPools(a.ClientID)
		if err != nil {
			logf("%v", err)
			return exitFailure, hangUp
		}
		defer report()
	}
	if err := dpdk.StartLoops(); err != nil {
		logf("%v", err)
		return exitFailure, hangUp
	}

	limits := map[port.Kind]int{port.NIC: len(nics), port.Ring: nrings}
	if fc != nil && fc.NumRing != nil && *fc.NumRing < nrings {
		limits[port.Ring] = *fc.NumRing
	}
	if fc != nil && fc.NumVhost != nil {
		limits[port.Vhost] = *fc.NumVhost
	}
	eng := engine.New(dp, engine.Options{ProcessType: ptype, ClientID: a.ClientID, Limits: limits, Logf: logf})
	defer dp.close()
	defer eng.Shutdown()

	if fc != nil {
		if b, from := fc.batch(); b != nil {
			if err := initial(eng, b, from); err != nil {
				logf("config %s: %v", a.Config, err)
				return exitUsage, hangUp
			}
			logf("config %s applied", a.Config)
		}
	}

	stop, release := daemon.OnSignal(logf)
	hangUp, err = daemon.Run(a.Server, eng, logf, stop)
	if err != nil {
		logf("%v", err) // -s was checked already; this is not expected
	}
	release()
	return exitOK, hangUp
}

// initial runs the config file's batch and names the entry that failed.
func initial(eng *engine.Engine, batch []byte, from []string) error {
	req, err := proto.ParseBatch(batch)
	if err != nil {
		return err
	}
	rep, _ := eng.Handle(req)
	for i, r := range rep.Results {
		if r.Result == proto.Failure {
			return fmt.Errorf("%s: %s", from[i], r.ErrorDetails.Message)
		}
	}
	return nil
}

// mirrorPools makes spp_mirror's own pools, or finds them where a killed
// spp_mirror of the same client id left them: spp_mirror_pool_<id>, full
// mbufs for deep copies (and for the copies a tx VLAN operation needs), and
// in shallow mode spp_mirror_clone_<id>, mbufs without a data room for the
// clones. The pools are never freed: copies of this process may still sit
// in rings other processes read, and freeing their pool under them would
// crash those. report logs what each has in use (at exit).
func (d *dataplane) mirrorPools(clientID int) (report func(), err error) {
	get := func(name string, create func(string, uint32) (*dpdk.Mempool, error)) (*dpdk.Mempool, error) {
		p, err := create(name, clonePoolSize)
		if err == nil {
			return p, nil
		}
		if p, err = dpdk.LookupMbufPool(name); err != nil {
			return nil, err
		}
		d.logf("reusing the mbuf pool %s", name)
		return p, nil
	}
	if d.copyPool, err = get(dpdk.MirrorPoolName(clientID), dpdk.CreateMbufPool); err != nil {
		return nil, err
	}
	pools := []*dpdk.Mempool{d.copyPool}
	if !d.deep {
		if d.clonePool, err = get(dpdk.MirrorClonePoolName(clientID), dpdk.CreateClonePool); err != nil {
			return nil, err
		}
		pools = append(pools, d.clonePool)
	}
	return func() {
		for _, p := range pools {
			size, avail := p.Size(), p.Available()
			d.logf("mbuf pool %s: %d of %d in use", p.Name(), size-avail, size)
		}
	}, nil
}
