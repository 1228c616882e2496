package topo

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/spp-go/spp/common/proto"
)

// seed000 is spp_vf 1's status after seed 000's VM start for two VMs
// (docs/operator-guide.md section 5): classifier nic0 -> ring0 (vm1,
// 00:11:22:33:44:55), ring2 (vm2, 52:54:00:00:00:02); forwards ring0 ->
// vhost0 -> ring1 and ring2 -> vhost1 -> ring3; merge ring1,ring3 -> nic0.
// vm2's vhost1 has its link down.
func seed000(t *testing.T) *proto.SecondaryInfo {
	t.Helper()
	b, err := os.ReadFile("testdata/seed000_status.json")
	if err != nil {
		t.Fatal(err)
	}
	var si proto.SecondaryInfo
	if err := json.Unmarshal(b, &si); err != nil {
		t.Fatal(err)
	}
	return &si
}

// The graph of seed 000's wiring, byte for byte (testdata/seed000.dot; the
// shell's topo command is checked against the same file).
func TestDOTSeed000(t *testing.T) {
	want, err := os.ReadFile("testdata/seed000.dot")
	if err != nil {
		t.Fatal(err)
	}
	got := string(DOT(Process{Name: "sec 1", Info: seed000(t)}))
	if got != string(want) {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

// Two processes share a ring; a classifier with a default entry and two
// MACs on one port; a named component; an idle lcore; a quote in a name.
func TestDOTShared(t *testing.T) {
	vf := &proto.SecondaryInfo{ProcessType: "vf",
		Ports: []proto.PortStatus{{Port: "nic0"}, {Port: "ring0"}, {Port: "ring1"}},
		Core: []proto.CoreStatus{
			{Core: 2, Name: "cls", Type: "classifier", RxPort: []string{"nic0"}, TxPort: []string{"ring0", "ring1"}},
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
			{Core: 9, Name: `m"1`, Type: "mirror", RxPort: []string{"ring0"}, TxPort: []string{"ring4", "pcap1"}},
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
