package main

// Our daemons under test: spp_primary, a generator when the scenario needs
// one, and spp_vf or spp_mirror with the component on a worker lcore on
// CPU 1.

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/proto"
)

// Lcores: spp_primary's main on CPU 0; the secondary's main on CPU 0 and
// its one worker, the component under test, on CPU 1.
const (
	primLcore     = 0
	secMainLcore  = 1
	secWorkerCore = 2
)

type ours struct {
	prefix     string
	srvP, srvS *server
	prim, sec  *proc.Child
	pc, sc     *conn
	gen        *genProc
	idleInUse  uint64 // the pool's in_use before any traffic
	poolSize   uint64
	ringSize   uint64        // slots
	setup      time.Duration // sending the scenario's batches, flush included
}

func startOurs(sc *scenario) (o *ours, err error) {
	o = &ours{prefix: newPrefix("ours")}
	defer func() {
		if err != nil {
			o.close()
		}
	}()
	if o.srvP, err = listen(); err != nil {
		return o, err
	}
	if o.srvS, err = listen(); err != nil {
		return o, err
	}
	argv := []string{filepath.Join(binDir, "spp_primary"), fmt.Sprintf("--lcores=%d@0", primLcore),
		"--file-prefix=" + o.prefix, "--proc-type=primary", "--no-pci", "--log-level=lib.eal:warning"}
	for _, v := range sc.nics {
		argv = append(argv, "--vdev="+v)
	}
	argv = append(argv, "--", "-p", fmt.Sprintf("%#x", 1<<len(sc.nics)-1), "-n", "1", "-s", o.srvP.addr())
	if o.prim, err = startChild("spp_primary", argv, false); err != nil {
		return o, err
	}
	if o.pc, err = o.srvP.accept(20*time.Second, o.prim); err != nil {
		return o, err
	}
	if _, err = o.pc.do(proto.Process()); err != nil {
		return o, fmt.Errorf("spp_primary: %v", err)
	}
	st, err := o.pc.primaryStatus()
	if err != nil {
		return o, fmt.Errorf("spp_primary status: %v", err)
	}
	if st.Mempool.Size == 0 {
		return o, fmt.Errorf("spp_primary status has no mempool")
	}
	o.idleInUse, o.poolSize = st.Mempool.InUse, st.Mempool.Size
	if r, ok := ringOf(st, "ring0"); ok {
		// A ring of n slots (a power of two) holds n - 1 packets.
		for o.ringSize = 1; o.ringSize < r.Capacity+1; o.ringSize <<= 1 {
		}
	}

	if sc.dst != "" {
		if o.gen, err = startGen(genSetup{prefix: o.prefix, pool: dpdk.MbufPoolName, ring: dpdk.RingName(0), dst: sc.dst, vlan: sc.vlan}); err != nil {
			return o, err
		}
	}

	argv = []string{filepath.Join(binDir, sc.daemon), fmt.Sprintf("--lcores=%d@0,%d@1", secMainLcore, secWorkerCore),
		"--file-prefix=" + o.prefix, "--proc-type=secondary", "--no-pci", "--log-level=lib.eal:warning",
		"--", "--client-id", "1", "-s", o.srvS.addr()}
	if sc.daemon == "spp_mirror" {
		argv = append(argv, "--copy", "shallow")
	}
	if sc.vm != "" {
		argv = append(argv, "--vhost-dir", vhostDir)
	}
	if o.sec, err = startChild(sc.daemon, argv, false); err != nil {
		return o, err
	}
	if o.sc, err = o.srvS.accept(20*time.Second, o.sec); err != nil {
		return o, err
	}
	if _, err = o.sc.do(proto.Process()); err != nil {
		return o, fmt.Errorf("%s: %v", sc.daemon, err)
	}
	t0 := time.Now()
	for _, b := range sc.batches() {
		if _, err = o.sc.do(b...); err != nil {
			return o, fmt.Errorf("%s: %v", sc.daemon, err)
		}
	}
	o.setup = time.Since(t0)
	return o, nil
}

// thread finds the worker thread under test and boosts it.
func (o *ours) thread() (int, error) {
	tid, err := threadByName(o.sec.Pid(), fmt.Sprintf("rte-worker-%d", secWorkerCore))
	if err != nil {
		return 0, err
	}
	return tid, boost(tid)
}

// sample reads the output ports' own counters (ethdev statistics, which
// spp_primary reports for its nicN), the drops, the worker's CPU time and
// the generator's counters.
//
// spp_vf's status, for the drops, is read before the counters at the start
// of the interval and after them at its end: with a large classifier table
// it takes seconds, and the interval stays close to what was asked.
func (o *ours) sample(sc *scenario, tid int, start bool) (sample, error) {
	var s sample
	var sst *proto.SecondaryInfo
	var err error
	if start {
		if sst, err = o.sc.secondaryStatus(); err != nil {
			return s, err
		}
	}
	var pst *proto.PrimaryInfo
	var vst *proto.SecondaryInfo // for an output port of spp_vf's own (vhost0)
	s.at, s.cpu, err = timed(o.sec.Pid(), tid, func() (err error) {
		if pst, err = o.pc.primaryStatus(); err != nil || sc.vm != "rxonly" {
			return err
		}
		vst, err = o.sc.secondaryStatus()
		return err
	})
	if err != nil {
		return s, err
	}
	s.outs = map[string]uint64{}
	for _, p := range sc.out {
		tx := portOf(pst.Ports, p).Tx
		if vst != nil {
			tx = portOf(vst.Ports, p).Tx
		}
		s.out += tx
		s.outs[p] = tx
	}
	if o.gen != nil {
		g, err := o.gen.stats()
		if err != nil {
			return s, err
		}
		s.gen = &g
	}
	if !start {
		t0 := time.Now()
		if sst, err = o.sc.secondaryStatus(); err != nil {
			return s, err
		}
		s.statusTime = time.Since(t0)
	}
	// spp_vf's port rows: what a tx refused (freed, counted as
	// tx_drop) and what the ethdev lost on receive; and its components'
	// drops (a classifier's unmapped frames, a mirror's failed copies).
	s.drops = drops(sst.Ports, sst.Core)
	return s, nil
}

// idle stops the traffic: the generator first, then, once the component
// has emptied the ring, the component. It returns the pool's in_use then.
func (o *ours) idle() (uint64, error) {
	if o.gen != nil {
		if err := o.gen.stop(); err != nil {
			return 0, err
		}
		o.gen = nil
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
			st, err := o.pc.primaryStatus()
			if err != nil {
				return 0, err
			}
			if r, ok := ringOf(st, "ring0"); !ok || r.Count == 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := o.sc.do(component(secWorkerCore, "none", nil, nil), proto.Flush()); err != nil {
		return 0, err
	}
	st, err := o.pc.primaryStatus()
	if err != nil {
		return 0, err
	}
	return st.Mempool.InUse, nil
}

// close stops everything (exit commands first, then kills) and cleans the
// prefix up.
func (o *ours) close() {
	stopDaemon(o.sc, o.sec)
	if o.gen != nil {
		o.gen.stop()
	}
	stopDaemon(o.pc, o.prim)
	for _, s := range []*server{o.srvP, o.srvS} {
		if s != nil {
			s.close()
		}
	}
	removePrefix(o.prefix)
}

// stopDaemon asks a daemon to exit on its connection c, then waits for
// its process ch and kills it if it does not go. Either may be nil: a
// start that failed half-way.
func stopDaemon(c *conn, ch *proc.Child) {
	if c != nil {
		c.do(proto.Exit())
		c.close()
	}
	if ch != nil {
		waitOrKill(ch, 10*time.Second)
	}
}
