package wiring

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// seedBatch reads one of seed 000's batches (common/engine/testdata, the
// seed's text made valid JSON) as compact command lines.
func seedBatch(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile("../../../common/engine/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var batch struct{ Commands []json.RawMessage }
	if err := json.Unmarshal(b, &batch); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range batch.Commands {
		var l bytes.Buffer
		if err := json.Compact(&l, c); err != nil {
			t.Fatal(err)
		}
		out = append(out, l.String())
	}
	return out
}

var nameField = regexp.MustCompile(`,"name":"[^"]*"`)

// Seed 000's VM start, from bound ports: the VM of vhost0 with MAC
// 00:11:22:33:44:55 on a fresh spp_vf. The batch is the seed's, byte for
// byte, but for what named components change: each component carries its
// name; the seed's "none" clears are gone (a named component replaces only
// itself); and the VM's two forwarders share lcore 4 (the seed gave the
// second one lcore 5). Classifier on 2, merge on 3, the entry's "unuse"
// then "ring0", and the flush are the seed's lines exactly.
func TestSeed000VMStart(t *testing.T) {
	vf := seedVF()
	got, want, perrs := step(t, seedConfig(), 0, vf, Dynamic, vm("port-a", 0, "00:11:22:33:44:55"))
	if len(perrs) > 0 {
		t.Fatalf("port errors: %v", perrs)
	}
	sameLines(t, "VM start", got, []string{
		`{"command":"component","core_id":"2","type":"classifier","name":"classifier","rx_ports":["nic0"],"tx_ports":["ring0"]}`,
		`{"command":"component","core_id":"3","type":"merge","name":"merger","rx_ports":["ring1"],"tx_ports":["nic0"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_0_tx","rx_ports":["ring0"],"tx_ports":["vhost0"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_0_rx","rx_ports":["vhost0"],"tx_ports":["ring1"]}`,
		unuse("00:11:22:33:44:55"),
		mapMAC("00:11:22:33:44:55", "ring0"),
		flush,
	})

	seed := map[string]bool{}
	for _, l := range seedBatch(t, "seed000_vm_start.json") {
		seed[l] = true
	}
	for _, l := range got {
		l = nameField.ReplaceAllString(l, "")
		if l == `{"command":"component","core_id":"4","type":"forward","rx_ports":["vhost0"],"tx_ports":["ring1"]}` {
			l = `{"command":"component","core_id":"5","type":"forward","rx_ports":["vhost0"],"tx_ports":["ring1"]}`
		}
		if !seed[l] {
			t.Errorf("not one of seed 000's lines (name removed): %s", l)
		}
		delete(seed, l)
	}
	for l := range seed {
		if l != `{"command":"component","core_id":"2","type":"none"}` && l != `{"command":"component","core_id":"3","type":"none"}` {
			t.Errorf("seed 000's line missing: %s", l)
		}
	}
	apply(t, vf, want, got)
}

// Seed 000's VM stop, for the last VM: its entry goes, and with its two
// forwarders the classifier and the merger, in the same batch (the
// seed's open question: nothing is left polling the NIC). The "unuse" line
// and the flush are the seed's. The rings that lost their reader (ring0,
// read by forward_0_tx; ring1, read by the merger) are drained by that
// flush, so the slot's next tenant gets nothing of this VM's traffic.
func TestSeed000LastVMStop(t *testing.T) {
	vf := seedVF()
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic, vm("port-a", 0, "00:11:22:33:44:55"))
	apply(t, vf, want, got)

	got, want, _ = step(t, seedConfig(), 0, vf, Dynamic)
	sameLines(t, "VM stop", got, []string{
		unuse("00:11:22:33:44:55"),
		none("classifier"),
		none("forward_0_rx"),
		none("forward_0_tx"),
		none("merger"),
		flush,
	})
	seed := seedBatch(t, "seed000_vm_stop.json")
	if got[0] != seed[1] || got[len(got)-1] != seed[len(seed)-1] {
		t.Errorf("the unuse and flush lines are not seed 000's: %s, %s", seed[1], seed[len(seed)-1])
	}
	apply(t, vf, want, got)
	st := vf.Status()
	for _, c := range st.Core {
		if c.Type != "unuse" {
			t.Errorf("left running: %+v", c)
		}
	}
	if len(st.ClassifierTable) != 0 {
		t.Errorf("entries left: %+v", st.ClassifierTable)
	}
	if d := vf.Drained(); len(d) != 2 || d[0] != "ring0" || d[1] != "ring1" {
		t.Errorf("drained %v, want [ring0 ring1]", d)
	}
	// The first VM to come back creates them again.
	got, want, _ = step(t, seedConfig(), 0, vf, Dynamic, vm("port-b", 1, "52:54:00:00:00:02"))
	if len(got) != 7 {
		t.Errorf("plug after the last VM left: %q", got)
	}
	apply(t, vf, want, got)
}

// Seed 000's two VMs (vf/seed000_test.go's batch), computed from the two
// bound ports at once: classifier nic0 -> ring0, ring2; merge ring1, ring3
// -> nic0; each VM's pair on an lcore of its own (the least loaded).
func TestSeed000TwoVMs(t *testing.T) {
	vf := seedVF()
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic,
		vm("p2", 1, "52:54:00:00:00:02"), vm("p1", 0, "52:54:00:00:00:01"))
	sameLines(t, "two VMs", got, []string{
		`{"command":"component","core_id":"2","type":"classifier","name":"classifier","rx_ports":["nic0"],"tx_ports":["ring0","ring2"]}`,
		`{"command":"component","core_id":"3","type":"merge","name":"merger","rx_ports":["ring1","ring3"],"tx_ports":["nic0"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_0_tx","rx_ports":["ring0"],"tx_ports":["vhost0"]}`,
		`{"command":"component","core_id":"4","type":"forward","name":"forward_0_rx","rx_ports":["vhost0"],"tx_ports":["ring1"]}`,
		`{"command":"component","core_id":"5","type":"forward","name":"forward_1_tx","rx_ports":["ring2"],"tx_ports":["vhost1"]}`,
		`{"command":"component","core_id":"5","type":"forward","name":"forward_1_rx","rx_ports":["vhost1"],"tx_ports":["ring3"]}`,
		unuse("52:54:00:00:00:01"), mapMAC("52:54:00:00:00:01", "ring0"),
		unuse("52:54:00:00:00:02"), mapMAC("52:54:00:00:00:02", "ring2"),
		flush,
	})
	if len(want.Wired) != 2 || want.Wired[0] != "p1" || want.Wired[1] != "p2" {
		t.Errorf("wired %v, want [p1 p2]", want.Wired)
	}
	apply(t, vf, want, got)
}

// The same two VMs one after the other: the second plug adds its rings to
// the running classifier and merger with "port add" and leaves the first
// VM's components alone; unplugging the first then removes only its
// pieces, and the flush drains the two rings it no longer reads.
func TestPlugUnplugIncremental(t *testing.T) {
	vf := seedVF()
	a, b := vm("p1", 0, "52:54:00:00:00:01"), vm("p2", 1, "52:54:00:00:00:02")
	got, want, _ := step(t, seedConfig(), 0, vf, Dynamic, a)
	apply(t, vf, want, got)

	got, want, _ = step(t, seedConfig(), 0, vf, Dynamic, a, b)
	sameLines(t, "second plug", got, []string{
		`{"command":"port","action":"add","port":"ring2","dir":"tx","name":"classifier"}`,
		`{"command":"port","action":"add","port":"ring3","dir":"rx","name":"merger"}`,
		`{"command":"component","core_id":"5","type":"forward","name":"forward_1_tx","rx_ports":["ring2"],"tx_ports":["vhost1"]}`,
		`{"command":"component","core_id":"5","type":"forward","name":"forward_1_rx","rx_ports":["vhost1"],"tx_ports":["ring3"]}`,
		unuse("52:54:00:00:00:02"), mapMAC("52:54:00:00:00:02", "ring2"),
		flush,
	})
	apply(t, vf, want, got)

	got, want, _ = step(t, seedConfig(), 0, vf, Dynamic, b)
	sameLines(t, "unplug of the first", got, []string{
		unuse("52:54:00:00:00:01"),
		`{"command":"port","action":"del","port":"ring0","dir":"tx","name":"classifier"}`,
		none("forward_0_rx"),
		none("forward_0_tx"),
		`{"command":"port","action":"del","port":"ring1","dir":"rx","name":"merger"}`,
		flush,
	})
	apply(t, vf, want, got)
	if d := vf.Drained(); len(d) != 2 || d[0] != "ring0" || d[1] != "ring1" {
		t.Errorf("drained %v, want [ring0 ring1]", d)
	}
	// The second VM's entry survived, and its forwarders did not move.
	st := vf.Status()
	if len(st.ClassifierTable) != 1 || st.ClassifierTable[0].Value != "52:54:00:00:00:02" || st.ClassifierTable[0].Port != "ring2" {
		t.Errorf("table %+v", st.ClassifierTable)
	}
	if p := Placed(st); p["forward_1_tx"] != 5 || p["forward_1_rx"] != 5 || p["classifier"] != 2 || p["merger"] != 3 {
		t.Errorf("placement %v", p)
	}
}
