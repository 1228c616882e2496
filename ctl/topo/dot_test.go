package topo

import (
	"testing"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// The graph of seed 000's wiring, byte for byte (ctltest.Seed000DOT; the
// shell's topo command is checked against the same file).
func TestDOTSeed000(t *testing.T) {
	si := ctltest.Seed000(t)
	if got := string(DOT(Process{Name: "sec 1", Info: &si})); got != ctltest.Seed000DOT {
		t.Fatalf("got:\n%s\nwant:\n%s", got, ctltest.Seed000DOT)
	}
}

// Two processes share a ring; a classifier with a default entry and two
// MACs on one port; a named component; an idle lcore; a quote in a name.
func TestDOTShared(t *testing.T) {
	vf := &proto.SecondaryInfo{ProcessType: "vf",
		Ports: []proto.PortStatus{{Port: "nic0"}, {Port: "ring0"}, {Port: "ring1"}},
		Core: []proto.CoreStatus{
			{Core: 2, Name: "cls", Type: "classifier", RxPort: ctltest.Ports("nic0"), TxPort: ctltest.Ports("ring0", "ring1")},
			{Core: 3, Type: proto.CoreUnuse},
		},
		ClassifierTable: []proto.ClassifierEntry{
			{Type: "mac", Value: "default", Port: "ring1"},
			{Type: "mac", Value: "00:00:00:00:00:01", Port: "ring0"},
			{Type: "mac", Value: "00:00:00:00:00:02", Port: "ring1"},
		},
	}
	mirror := &proto.SecondaryInfo{ProcessType: "mirror",
		Ports: []proto.PortStatus{{Port: "ring0"}, {Port: "ring4"}},
		Core: []proto.CoreStatus{
			{Core: 9, Name: `m"1`, Type: "mirror", RxPort: ctltest.Ports("ring0"), TxPort: ctltest.Ports("ring4", "pcap1")},
		},
	}
	got := string(DOT(Process{"sec 1", vf}, Process{"sec 2", mirror}))
	want := `digraph spp {
	graph [rankdir=LR, labelloc=t, label="sec 1 (vf), sec 2 (mirror)", fontname="Helvetica", fontsize=11];
	node [fontname="Helvetica", fontsize=11];
	edge [fontname="Helvetica", fontsize=9];
	"nic0" [shape=ellipse, label="nic0"];
	"ring0" [shape=ellipse, label="ring0"];
	"ring1" [shape=ellipse, label="ring1"];
	"ring4" [shape=ellipse, label="ring4"];
	"pcap1" [shape=ellipse, label="pcap1"];
	"sec 1: cls" [shape=box, label="sec 1\ncls\nclassifier, core 2"];
	"sec 2: m\"1" [shape=box, label="sec 2\nm\"1\nmirror, core 9"];
	"nic0" -> "sec 1: cls";
	"sec 1: cls" -> "ring0" [label="00:00:00:00:00:01"];
	"sec 1: cls" -> "ring1" [label="default\n00:00:00:00:00:02"];
	"ring0" -> "sec 2: m\"1";
	"sec 2: m\"1" -> "ring4";
	"sec 2: m\"1" -> "pcap1";
}
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

// Protocol v2: each port's VLAN operation on its edge (an rx port's as the
// packets come in, a tx port's as they leave), a classifier's vlan entries
// after its mac ones, two components on one lcore, an idle component
// dashed.
func TestDOTVLAN(t *testing.T) {
	none := proto.VLAN{Operation: proto.VLANNone}
	strip := proto.VLAN{Operation: proto.VLANDel}
	push := proto.VLAN{Operation: proto.VLANAdd, ID: 100, PCP: 3}
	vf := &proto.SecondaryInfo{ProcessType: "vf",
		Ports: []proto.PortStatus{{Port: "nic0"}, {Port: "ring0"}, {Port: "ring1"}, {Port: "nic1"}},
		Core: []proto.CoreStatus{
			{Core: 2, Name: "cls", Type: "classifier", State: proto.StateRunning,
				RxPort: []proto.PortRef{{Port: "nic0", VLAN: none}},
				TxPort: []proto.PortRef{{Port: "ring0", VLAN: strip}, {Port: "ring1", VLAN: none}}},
			{Core: 2, Name: "up", Type: "forward", State: proto.StateRunning,
				RxPort: []proto.PortRef{{Port: "ring1", VLAN: strip}}, TxPort: []proto.PortRef{{Port: "nic1", VLAN: push}}},
			{Core: 3, Name: "forward3", Type: "forward", State: proto.StateIdle,
				RxPort: []proto.PortRef{{Port: "ring0", VLAN: none}}, TxPort: []proto.PortRef{}},
		},
		ClassifierTable: []proto.ClassifierEntry{
			{Type: "mac", Value: "default", Port: "ring1"},
			{Type: "vlan", VLAN: 100, Value: "52:54:00:00:00:01", Port: "ring0"},
			{Type: "vlan", VLAN: 200, Value: "52:54:00:00:00:01", Port: "ring1"},
		},
	}
	got := string(DOT(Process{"sec 1", vf}))
	want := `digraph spp {
	graph [rankdir=LR, labelloc=t, label="sec 1 (vf)", fontname="Helvetica", fontsize=11];
	node [fontname="Helvetica", fontsize=11];
	edge [fontname="Helvetica", fontsize=9];
	"nic0" [shape=ellipse, label="nic0"];
	"ring0" [shape=ellipse, label="ring0"];
	"ring1" [shape=ellipse, label="ring1"];
	"nic1" [shape=ellipse, label="nic1"];
	"sec 1: cls" [shape=box, label="cls\nclassifier, core 2"];
	"sec 1: up" [shape=box, label="up\nforward, core 2"];
	"sec 1: forward3" [shape=box, style=dashed, label="forward\ncore 3\nidle"];
	"nic0" -> "sec 1: cls";
	"sec 1: cls" -> "ring0" [label="vlan 100 52:54:00:00:00:01\nstrip vlan"];
	"sec 1: cls" -> "ring1" [label="default\nvlan 200 52:54:00:00:00:01"];
	"ring1" -> "sec 1: up" [label="strip vlan"];
	"sec 1: up" -> "nic1" [label="push vlan 100 pcp 3"];
	"ring0" -> "sec 1: forward3";
}
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}
