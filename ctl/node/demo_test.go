package node

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
)

// snap builds the counters of the default node: vm rx counts, the
// classifier's packets and drops, and the ports of sec 1.
func snap(rx1, rx2, packets, drops uint64, ring0, ring2 uint64) *snapshot {
	return &snapshot{
		secs: map[int]*proto.SecondaryInfo{1: {
			ClientID: 1,
			Ports: []proto.PortStatus{
				{Port: "ring0", Tx: ring0}, {Port: "ring2", Tx: ring2},
				{Port: "vhost0", Tx: rx1, Link: "up"}, {Port: "vhost1", Tx: rx2, Link: "up"},
			},
			Core: []proto.CoreStatus{{Core: 2, Type: "classifier", Packets: packets, Drops: drops}},
			ClassifierTable: []proto.ClassifierEntry{
				{Type: "mac", Value: "52:54:00:00:00:01", Port: "ring0"},
				{Type: "mac", Value: "52:54:00:00:00:02", Port: "ring2"},
			},
		}},
		vms: []VMStats{{Rx: rx1, Tx: rx1}, {Rx: rx2, Tx: rx2}},
	}
}

// The verdict passes on the counters of a correct run and fails on each kind
// of wrong delivery it claims to catch.
func TestVerdict(t *testing.T) {
	u := &upSession{c: loadDefault(t)}
	s1 := snap(100, 100, 203, 3, 100, 100)
	s2 := snap(5000, 4998, 10001, 3, 5000, 4998)
	final := snap(5002, 5000, 10009, 7, 5002, 5000)
	lines, ok := u.verdict(s1, s2, final)
	if !ok || !strings.HasPrefix(lines[len(lines)-1], "PASS") {
		t.Fatalf("a correct run fails:\n%s", strings.Join(lines, "\n"))
	}
	for name, c := range map[string]struct{ s1, s2, final *snapshot }{
		// Unknown frames delivered to a VM loop too: no drops while running.
		"unknown frames delivered": {s1, snap(5000, 4998, 10001, 0, 5000, 4998), final},
		// Frames for vm2 sent to vm1: their counts drift apart.
		"misrouted": {s1, s2, snap(9000, 1002, 10009, 7, 9000, 1002)},
		// A VM that got more than its ring carried.
		"vm got other frames": {s1, s2, func() *snapshot { s := snap(5002, 5000, 10009, 7, 5002, 5000); s.vms[0].Rx = 5003; return s }()},
		"not climbing":        {s2, s2, final},
		"vm2 got nothing":     {s1, s2, snap(5002, 0, 10009, 7, 5002, 0)},
	} {
		lines, ok := u.verdict(c.s1, c.s2, c.final)
		if ok {
			t.Errorf("%s: verdict passes:\n%s", name, strings.Join(lines, "\n"))
		}
	}
}
