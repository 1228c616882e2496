package main

// The scenarios of issue 6: what runs on our side, and the testpmd io
// forwarding that carries the same traffic.

import (
	"fmt"
	"strings"
)

type scenario struct {
	key    string
	name   string
	ports  string
	target float64 // minimum ratio ours / testpmd

	// dst is the generator's MAC mix when the source is a generator
	// filling a ring; "" when the source is net_null.
	dst string

	// Ours: the daemon, its batches (the last one flushes), and the ports
	// whose transmitted packets are the output.
	daemon  string
	batches func() [][]cmd
	out     []string

	// testpmd: its vdevs (port ids in this order) and port topology. With
	// a generator, port 0 must be net_ring0: the generator fills its ring.
	vdevs    []string
	topology string
}

func (s *scenario) source() string {
	if s.dst == "" {
		return "net_null"
	}
	return "generator (" + s.dst + ")"
}

func one(cmds ...cmd) func() [][]cmd {
	return func() [][]cmd { return [][]cmd{cmds} }
}

// testpmd's net_null ports take the devargs spp_vf and spp_mirror give
// their nullN ports (common/secondary: net_null_sppN,copy=1: a received
// frame is a copy of a zeroed 64-byte frame, a sent one is copied out), so
// that both sides pay for the same devices. Output ports need no rx of
// their own: no-rx=1 makes their rx burst return nothing, so testpmd's
// reverse stream is an empty poll.
const nullArgs = "copy=1"

var (
	tpNullToNull = []string{"net_null0," + nullArgs, "net_null1,no-rx=1," + nullArgs}
	tpRingToNull = []string{"net_ring0", "net_null0,no-rx=1," + nullArgs}
)

var scenarios = []*scenario{
	{
		key: "forward", name: "forward", ports: "null0 -> null1", target: 0.90,
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "forward", []string{"null0"}, []string{"null1"}), flush()),
		out:     []string{"null1"},
		vdevs:   tpNullToNull, topology: "paired",
	},
	{
		key: "ring", name: "forward from a ring", ports: "ring0 -> null0", target: 0.90,
		dst:     dstOne,
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "forward", []string{"ring0"}, []string{"null0"}), flush()),
		out:     []string{"null0"},
		vdevs:   tpRingToNull, topology: "paired",
	},
	{
		key: "cls2", name: "classifier, 2 MACs + default", ports: "ring0 -> null0,null1,null2", target: 0.75,
		dst:    dstTwo,
		daemon: "spp_vf",
		batches: one(
			component(secWorkerCore, "classifier", []string{"ring0"}, []string{"null0", "null1", "null2"}),
			classifierEntry(macString(macA), "null0"),
			classifierEntry(macString(macB), "null1"),
			classifierEntry("default", "null2"),
			flush()),
		out:   []string{"null0", "null1", "null2"},
		vdevs: tpRingToNull, topology: "paired",
	},
	{
		key: "cls64k", name: "classifier, 65,536 MACs", ports: "ring0 -> null0,null1,null2", target: 0.50,
		dst:     dstTable,
		daemon:  "spp_vf",
		batches: tableBatches,
		out:     []string{"null0", "null1", "null2"},
		vdevs:   tpRingToNull, topology: "paired",
	},
	{
		key: "merge", name: "merge 2 -> 1", ports: "null0,null1 -> null2", target: 0.90,
		daemon:  "spp_vf",
		batches: one(component(secWorkerCore, "merge", []string{"null0", "null1"}, []string{"null2"}), flush()),
		out:     []string{"null2"},
		// Two streams, 0 -> 1 and 1 -> 2 (2 -> 0 is empty): testpmd
		// cannot send two ports' traffic to one, but the work per
		// packet is the same.
		vdevs: []string{"net_null0," + nullArgs, "net_null1," + nullArgs, "net_null2,no-rx=1," + nullArgs}, topology: "chained",
	},
	{
		key: "mirror", name: "mirror, shallow", ports: "null0 -> null1,null2", target: 0.45,
		daemon:  "spp_mirror",
		batches: one(component(secWorkerCore, "mirror", []string{"null0"}, []string{"null1", "null2"}), flush()),
		out:     []string{"null1", "null2"},
		vdevs:   tpNullToNull, topology: "paired",
	},
}

// tableBatches: the classifier, then 65,536 MACs spread over its three tx
// ports, 256 commands per batch (the protocol's limit), then flush.
func tableBatches() [][]cmd {
	outs := []string{"null0", "null1", "null2"}
	b := [][]cmd{{component(secWorkerCore, "classifier", []string{"ring0"}, outs)}}
	var cur []cmd
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
	return append(b, []cmd{flush()})
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
		return scenarios, nil
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
