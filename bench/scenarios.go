package main

// The scenarios of issue 6: what runs on our side, and the testpmd io
// forwarding that carries the same traffic.

import (
	"fmt"
	"strings"

	"github.com/spp-go/spp/common/proto"
)

type scenario struct {
	key    string
	name   string
	ports  string
	target float64 // minimum ratio ours / testpmd

	// dst is the generator's MAC mix when the source is a generator
	// filling a ring; "" when the source is net_null.
	dst string

	// nics are the virtual devices both sides use: spp_primary's --vdev
	// (nic0, nic1, ... in this order, all selected by -p) and testpmd's.
	nics []string

	// Ours: the daemon, its batches (the last one flushes), and the ports
	// whose transmitted packets are the output.
	daemon  string
	batches func() [][]proto.Command
	out     []string

	// testpmd: its port topology, and how many of nics it takes (after
	// net_ring0, the generator's ring, when there is a generator). io
	// forwarding sends to one port, so a classifier's second and third
	// outputs have no counterpart.
	topology string
	tpNics   int

	// diag: a diagnostic variant, run only when named in -only.
	diag bool
}

// testpmdVdevs are testpmd's ports, in port id order.
func (s *scenario) testpmdVdevs() []string {
	var v []string
	if s.dst != "" {
		v = append(v, "net_ring0") // the generator fills ETH_RXTX0_net_ring0
	}
	return append(v, s.nics[:s.tpNics]...)
}

func (s *scenario) source() string {
	if s.dst == "" {
		return "net_null"
	}
	return "generator (" + s.dst + ")"
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
	out  = func(i int) string { return fmt.Sprintf("net_null%d,no-rx=1", i) }
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
			classifierEntry(macString(macA), "nic0"),
			classifierEntry(macString(macB), "nic1"),
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
			classifierEntry(macString(macA), "nic0"),
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
		cur = append(cur, classifierEntry(macString(tableMAC(i)), outs[i%len(outs)]))
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
