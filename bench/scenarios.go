package main

// The scenarios of issues 6 and 11: what runs on our side, and the testpmd io
// forwarding that carries the same traffic.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proto"
)

type scenario struct {
	key    string
	name   string
	ports  string
	target float64 // minimum ratio ours / testpmd

	// dst is the generator's MAC mix when the source is a generator
	// filling a ring; "" when the source is net_null. vlan, when not 0,
	// tags the generator's frames with that VLAN id.
	dst  string
	vlan uint16

	// nics are the virtual devices both sides use: spp_primary's --vdev
	// (nic0, nic1, ... in this order, all selected by -p) and testpmd's.
	nics []string

	// Ours: the daemon, its batches (the last one flushes), and the ports
	// whose transmitted packets are the output.
	daemon  string
	batches func() [][]proto.Command
	out     []string

	// testpmd: its port topology, how many of nics it takes (after
	// net_ring0, the generator's ring, when there is a generator), and
	// which of its ports it forwards ("": all). io forwarding sends to one
	// port, so a classifier's second and third outputs have no
	// counterpart.
	topology   string
	tpNics     int
	tpPortmask string

	// vm, when not "", is the testpmd forwarding mode of a virtio_user
	// "VM" on CPU 0 attached to a vhost port: "rxonly" (the VM is the
	// sink: the output is what the vhost port gave it) or "txonly" (the
	// VM is the source). Ours: spp_vf's vhost0 (a server socket in
	// vhostDir); testpmd: a net_vhost0 port after its nics (tpVhost).
	vm string

	// diag: a diagnostic variant, run only when named in -only.
	diag bool
}

// testpmdVdevs are testpmd's ports, in port id order.
func (s *scenario) testpmdVdevs() []string {
	var v []string
	if s.dst != "" {
		v = append(v, "net_ring0") // the generator fills ETH_RXTX0_net_ring0
	}
	v = append(v, s.nics[:s.tpNics]...)
	if s.vm != "" {
		v = append(v, tpVhost())
	}
	return v
}

func (s *scenario) source() string {
	if s.dst == "" {
		return "net_null"
	}
	return "generator (" + s.mix() + ")"
}

// mix names the generator's traffic: its MAC mix, and its VLAN tag if any
// ("two", "two+vlan100"); "" for net_null.
func (s *scenario) mix() string {
	if s.dst == "" || s.vlan == 0 {
		return s.dst
	}
	return fmt.Sprintf("%s+vlan%d", s.dst, s.vlan)
}

func one(cmds ...proto.Command) func() [][]proto.Command {
	return func() [][]proto.Command { return [][]proto.Command{cmds} }
}

// The devices are net_null ports of the primary (nicN): sources produce
// 64-byte frames at full speed; outputs have no-rx=1, so that testpmd's
// reverse streams (io forwarding polls every port) are empty polls and
// nothing is sent back into a source. spp_vf's own nullN ports are not used:
// they are net_null with copy=1, and copy=1 cannot be combined with no-rx.
var (
	src0 = "net_null0"
	src1 = "net_null1"
	src2 = "net_null2"
	out  = func(i int) string { return fmt.Sprintf("net_null%d,no-rx=1", i) }
)

// The VLAN scenarios: the id of the classifier's vlan entries and of the
// generator's tagged frames, and the tag a push adds.
const (
	benchVLAN = 100
	pushPCP   = 3
)

var scenarios = []*scenario{
	{
		key: "forward", name: "forward", ports: "nic0 -> nic1", target: 0.90,
		nics:    []string{src0, out(1)},
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "forward", []string{"nic0"}, []string{"nic1"}), proto.Flush()),
		out:     []string{"nic1"},
		// 0 -> 1, and 1 -> 0 (empty)
		topology: "paired", tpNics: 2,
	},
	{
		key: "ring", name: "forward from a ring", ports: "ring0 -> nic0", target: 0.90,
		dst:     dstOne,
		nics:    []string{out(0)},
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "forward", []string{"ring0"}, []string{"nic0"}), proto.Flush()),
		out:     []string{"nic0"},
		// net_ring0 -> net_null0, and back (empty)
		topology: "paired", tpNics: 1,
	},
	{
		key: "cls2", name: "classifier, 2 MACs + default", ports: "ring0 -> nic0,nic1,nic2", target: 0.75,
		dst:    dstTwo,
		nics:   []string{out(0), out(1), out(2)},
		daemon: "spp_vf",
		batches: one(
			component(secWorkerCore, "classifier", []string{"ring0"}, []string{"nic0", "nic1", "nic2"}),
			classifierEntry(proto.FormatMAC(macA), "nic0"),
			classifierEntry(proto.FormatMAC(macB), "nic1"),
			classifierEntry("default", "nic2"),
			proto.Flush()),
		out:      []string{"nic0", "nic1", "nic2"},
		topology: "paired", tpNics: 1,
	},
	{
		key: "cls64k", name: "classifier, 65,536 MACs", ports: "ring0 -> nic0,nic1,nic2", target: 0.50,
		dst:      dstTable,
		nics:     []string{out(0), out(1), out(2)},
		daemon:   "spp_vf",
		batches:  tableBatches,
		out:      []string{"nic0", "nic1", "nic2"},
		topology: "paired", tpNics: 1,
	},
	{
		key: "merge", name: "merge 2 -> 1", ports: "nic0,nic1 -> nic2", target: 0.90,
		nics:    []string{src0, src1, out(2)},
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "merge", []string{"nic0", "nic1"}, []string{"nic2"}), proto.Flush()),
		out:     []string{"nic2"},
		// 0 -> 1, 1 -> 2, 2 -> 0 (empty): testpmd cannot send two
		// ports' traffic to one, but the work per packet is the same.
		topology: "chained", tpNics: 3,
	},
	{
		key: "mirror", name: "mirror, shallow", ports: "nic0 -> nic1,nic2", target: 0.45,
		nics:    []string{src0, out(1), out(2)},
		daemon:  "spp_mirror",
		batches: one(component(secWorkerCore, "mirror", []string{"nic0"}, []string{"nic1", "nic2"}), proto.Flush()),
		out:     []string{"nic1", "nic2"},
		// as forward: testpmd's output is one copy of each packet
		topology: "paired", tpNics: 2,
	},
	{
		key: "fwd2x1", name: "two forwards on one lcore", ports: "nic0 -> nic1, nic2 -> nic3", target: 0.90,
		nics:    []string{src0, out(1), src2, out(3)},
		daemon:  "spp_vf",
		batches: fwd2x1Batches,
		out:     []string{"nic1", "nic3"},
		// Exactly two streams on testpmd's one lcore, 0 -> 0 and
		// 2 -> 2: per round, two receives from a source and two
		// transmits to a net_null, as our lcore does. (paired would
		// add two empty polls, 1 -> 0 and 3 -> 2: the fwd2x1p
		// diagnostic.)
		topology: "loop", tpNics: 4, tpPortmask: "0x5",
	},
	{
		key: "vlan-strip", name: "classifier by VLAN, tx strip", ports: "ring0 -> nic0,nic1,nic2 (del)", target: 0.60,
		dst: dstTwo, vlan: benchVLAN,
		nics:    []string{out(0), out(1), out(2)},
		daemon:  "spp_vf",
		batches: vlanStripBatches,
		out:     []string{"nic0", "nic1", "nic2"},
		// as cls2: everything to net_null0, the same tagged traffic
		topology: "paired", tpNics: 1,
	},
	{
		key: "vlan-push", name: "forward, tx VLAN push", ports: "nic0 -> nic1 (add)", target: 0.60,
		nics:    []string{src0, out(1)},
		daemon:  "spp_vf",
		batches: vlanPushBatches,
		out:     []string{"nic1"},
		// as forward
		topology: "paired", tpNics: 2,
	},
	{
		// The source is net_null, not the generator: with two CPUs,
		// the generator and the VM would share CPU 0, and the VM would
		// empty its receive ring once per scheduler time slice (0.1
		// Mpps on both sides, measured: the scheduler, not the path).
		key: "vhost", name: "forward to a VM", ports: "nic0 -> vhost0 (VM rxonly)", target: 0.90,
		nics:     []string{src0},
		daemon:   "spp_vf",
		batches:  one(component(secWorkerCore, "forward", []string{"nic0"}, []string{"vhost0"}), proto.Flush()),
		out:      []string{"vhost0"},
		vm:       "rxonly",
		topology: "paired", tpNics: 1, // net_null0 -> net_vhost0, and back (empty)
	},
	{
		key: "vhost-rx", name: "forward from a VM", ports: "vhost0 (VM txonly) -> nic0", target: 0.90,
		nics:    []string{out(0)},
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "forward", []string{"vhost0"}, []string{"nic0"}), proto.Flush()),
		out:     []string{"nic0"},
		vm:      "txonly",
		// net_null0 (empty) -> net_vhost0, and net_vhost0 -> net_null0
		topology: "paired", tpNics: 1,
	},
	// fwd2x1 against testpmd's paired streams: 0 -> 1, 1 -> 0 (empty),
	// 2 -> 3, 3 -> 2 (empty), what the empty polls cost testpmd.
	{
		key: "fwd2x1p", name: "two forwards, testpmd paired", ports: "nic0 -> nic1, nic2 -> nic3", target: 0.90,
		nics:     []string{src0, out(1), src2, out(3)},
		daemon:   "spp_vf",
		batches:  fwd2x1Batches,
		out:      []string{"nic1", "nic3"},
		topology: "paired", tpNics: 4, diag: true,
	},
	// vlan-strip's classifier and traffic without the strip: the frames
	// leave tagged, and the generator never writes them whole again.
	{
		key: "vlan-cls", name: "classifier by VLAN, no strip", ports: "ring0 -> nic0,nic1,nic2", target: 0.60,
		dst: dstTwo, vlan: benchVLAN,
		nics:     []string{out(0), out(1), out(2)},
		daemon:   "spp_vf",
		batches:  func() [][]proto.Command { return vlanClassifierBatches(false) },
		out:      []string{"nic0", "nic1", "nic2"},
		topology: "paired", tpNics: 1, diag: true,
	},
	// Diagnostics for the classifier (docs/performance.md, "What still
	// costs"): the cls2 traffic forwarded as it is, and classified with
	// every frame going to one port.
	{
		key: "ring2", name: "forward from a ring, cls2 traffic", ports: "ring0 -> nic0", target: 0.90,
		dst:      dstTwo,
		nics:     []string{out(0)},
		daemon:   "spp_vf",
		batches:  one(component(secWorkerCore, "forward", []string{"ring0"}, []string{"nic0"}), proto.Flush()),
		out:      []string{"nic0"},
		topology: "paired", tpNics: 1, diag: true,
	},
	{
		key: "cls2one", name: "classifier, cls2 traffic, 1 output", ports: "ring0 -> nic0", target: 0.75,
		dst:    dstTwo,
		nics:   []string{out(0)},
		daemon: "spp_vf",
		batches: one(
			component(secWorkerCore, "classifier", []string{"ring0"}, []string{"nic0"}),
			classifierEntry(proto.FormatMAC(macA), "nic0"),
			classifierEntry("default", "nic0"),
			proto.Flush()),
		out:      []string{"nic0"},
		topology: "paired", tpNics: 1, diag: true,
	},
}

// tableBatches: the classifier, then 65,536 MACs spread over its three tx
// ports, 256 commands per batch (the protocol's limit), then flush.
func tableBatches() [][]proto.Command {
	outs := []string{"nic0", "nic1", "nic2"}
	b := [][]proto.Command{{component(secWorkerCore, "classifier", []string{"ring0"}, outs)}}
	var cur []proto.Command
	for i := 0; i < tableSize; i++ {
		cur = append(cur, classifierEntry(proto.FormatMAC(tableMAC(i)), outs[i%len(outs)]))
		if len(cur) == 256 {
			b = append(b, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		b = append(b, cur)
	}
	return append(b, []proto.Command{proto.Flush()})
}

// fwd2x1Batches: two named forwards on the one worker lcore.
func fwd2x1Batches() [][]proto.Command {
	fwd := func(name, rx, tx string) proto.Command {
		return proto.Component(proto.ComponentArgs{CoreID: strconv.Itoa(secWorkerCore), Type: "forward", Name: name,
			Rx: []string{rx}, Tx: []string{tx}})
	}
	return [][]proto.Command{{fwd("fwd_a", "nic0", "nic1"), fwd("fwd_b", "nic2", "nic3"), proto.Flush()}}
}

// vlanStripBatches: cls2 with vlan entries, its tx ports stripping. The
// generator's frames are tagged benchVLAN: MAC A and MAC B have entries in
// that VLAN, the unknown MAC goes to the default; every frame leaves
// untagged.
func vlanStripBatches() [][]proto.Command { return vlanClassifierBatches(true) }

// vlanClassifierBatches: vlan-strip's classifier, its tx ports stripping
// or not.
func vlanClassifierBatches(strip bool) [][]proto.Command {
	outs := []string{"nic0", "nic1", "nic2"}
	var ops []proto.VLANArgs
	if strip {
		del := proto.VLANArgs{Op: proto.VLANDel}
		ops = []proto.VLANArgs{del, del, del}
	}
	vid := strconv.Itoa(benchVLAN)
	return [][]proto.Command{{
		proto.Component(proto.ComponentArgs{CoreID: strconv.Itoa(secWorkerCore), Type: "classifier",
			Rx: []string{"ring0"}, Tx: outs, TxVLAN: ops}),
		proto.ClassifierTable(proto.ClassifierArgs{Type: proto.EntryVLAN, VLAN: vid, Value: proto.FormatMAC(macA), Port: "nic0"}),
		proto.ClassifierTable(proto.ClassifierArgs{Type: proto.EntryVLAN, VLAN: vid, Value: proto.FormatMAC(macB), Port: "nic1"}),
		classifierEntry("default", "nic2"),
		proto.Flush(),
	}}
}

// vlanPushBatches: forward, its tx port pushing a tag.
func vlanPushBatches() [][]proto.Command {
	push := proto.VLANArgs{Op: proto.VLANAdd, ID: strconv.Itoa(benchVLAN), PCP: strconv.Itoa(pushPCP)}
	return [][]proto.Command{{
		proto.Component(proto.ComponentArgs{CoreID: strconv.Itoa(secWorkerCore), Type: "forward",
			Rx: []string{"nic0"}, Tx: []string{"nic1"}, TxVLAN: []proto.VLANArgs{push}}),
		proto.Flush(),
	}}
}

func scenarioKeys() []string {
	var k []string
	for _, s := range scenarios {
		k = append(k, s.key)
	}
	return append(k, "control")
}

func selectScenarios(only string) ([]*scenario, error) {
	if only == "" {
		var out []*scenario
		for _, s := range scenarios {
			if !s.diag {
				out = append(out, s)
			}
		}
		return out, nil
	}
	var out []*scenario
	for _, k := range strings.Split(only, ",") {
		if k == "control" {
			continue
		}
		found := false
		for _, s := range scenarios {
			if s.key == k {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown scenario %q (known: %s)", k, strings.Join(scenarioKeys(), ","))
		}
	}
	return out, nil
}
