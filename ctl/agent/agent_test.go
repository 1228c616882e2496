package agent

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/agent/wiring"
)

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// Seed 000's scenario through etcd (dynamic): two VMs bound with spp port
// bind get vhosts 0 and 1, the spp_vf runs seed 000's wiring for them,
// each MAC on its own ring; the keys are networking-spp's, values
// included. Unbinding one leaves the other wired; unbinding the last
// leaves no classifier, merger or forwarder, and frees both slots;
// binding again works.
func TestSeed000ThroughEtcd(t *testing.T) {
	n := newNode(t, shared, "seed000", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	var took []time.Duration
	bind := func(port, mac string) int {
		t0 := time.Now()
		id := n.mustBind(port, mac, 0)
		took = append(took, time.Since(t0))
		return id
	}
	if id := bind("port-1", "52:54:00:00:00:01"); id != 0 {
		t.Errorf("port-1 on vhost %d", id)
	}
	if id := bind("port-2", "52:54:00:00:00:02"); id != 1 {
		t.Errorf("port-2 on vhost %d", id)
	}
	comps, table := n.running(0)
	sameList(t, "two VMs", comps, []string{
		"classifier@2 nic0>ring0,ring2", "merger@3 ring1,ring3>nic0",
		"forward_0_rx@4 vhost0>ring1", "forward_0_tx@4 ring0>vhost0",
		"forward_1_rx@5 vhost1>ring3", "forward_1_tx@5 ring2>vhost1"})
	sameList(t, "table", table, []string{"0/52:54:00:00:00:01=ring0", "0/52:54:00:00:00:02=ring2"})
	for key, want := range map[string]string{
		keys.Vhost("seed000", "phys1", 0):    "port-1",
		keys.Vhost("seed000", "phys1", 1):    "port-2",
		keys.BindPort("seed000", "port-1"):   `{"mac_address": "52:54:00:00:00:01", "vhost_id": 0}`,
		keys.Action("seed000", "port-1"):     "plug",
		keys.PortStatus("seed000", "port-2"): "up",
	} {
		if got := get(t, n.cli, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}

	n.mustUnbind("port-1")
	comps, table = n.running(0)
	sameList(t, "port-2 left", comps, []string{
		"classifier@2 nic0>ring2", "merger@3 ring3>nic0", "forward_1_rx@5 vhost1>ring3", "forward_1_tx@5 ring2>vhost1"})
	sameList(t, "table", table, []string{"0/52:54:00:00:00:02=ring2"})
	for _, k := range []string{keys.BindPort("seed000", "port-1"), keys.Action("seed000", "port-1"), keys.PortStatus("seed000", "port-1")} {
		if v := get(t, n.cli, k); v != "" {
			t.Errorf("%s = %q after unbind", k, v)
		}
	}
	if v := get(t, n.cli, keys.Vhost("seed000", "phys1", 0)); v != "None" {
		t.Errorf("slot 0 = %q after unbind", v)
	}

	n.mustUnbind("port-2")
	comps, table = n.running(0)
	if len(comps) != 0 || len(table) != 0 {
		t.Errorf("after the last VM: %q %q", comps, table)
	}
	if id := bind("port-3", "52:54:00:00:00:03"); id != 0 {
		t.Errorf("port-3 on vhost %d", id)
	}
	comps, _ = n.running(0)
	if len(comps) != 4 {
		t.Errorf("after binding again: %q", comps)
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	t.Logf("bind to up: %v", took)
}

// A VLAN port: the spp_vf strips on the VM's classifier-side ring, pushes
// the id on its merger-side ring, and holds a vlan entry.
func TestVLANThroughEtcd(t *testing.T) {
	n := newNode(t, shared, "vlan", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("port-v", "52:54:00:00:00:0a", 100)
	if v := get(t, n.cli, keys.BindPort("vlan", "port-v")); v != `{"mac_address": "52:54:00:00:00:0a", "vhost_id": 0, "vlan_id": 100}` {
		t.Errorf("bind_port %s", v)
	}
	comps, table := n.running(0)
	sameList(t, "VLAN", comps[:2], []string{"classifier@2 nic0>ring0-tag", "merger@3 ring1+100>nic0"})
	sameList(t, "table", table, []string{"100/52:54:00:00:00:0a=ring0"})
}

// port_status=up comes only after the flush that wired the port: while
// the batch is held by spp serve, there is no up.
func TestUpOnlyAfterFlush(t *testing.T) {
	n := newNode(t, shared, "upafter", hostConfig(2))
	held := n.ctl.Hold()
	n.startAgent(wiring.Dynamic)
	errc := make(chan error, 1)
	go func() { _, err := n.bind("port-1", "52:54:00:00:00:01", 0); errc <- err }()
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("no batch came")
	}
	time.Sleep(300 * time.Millisecond)
	if v := get(t, n.cli, keys.PortStatus("upafter", "port-1")); v != "" {
		t.Fatalf("port_status %q before the flush", v)
	}
	n.ctl.Release()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// When every lcore is full the plug fails: a clear error in the agent's
// log, no up, bind exits with the reason; the port stays bound, and is
// wired (up) as soon as another VM's leaving makes room.
func TestPlugFailsWhenFull(t *testing.T) {
	cfg := hostConfig(3)
	cfg.VF[0].CoreMask = "0xd" // main 0, workers 2 and 3
	n := newNode(t, shared, "full", cfg)
	v := agenttest.NewVF(1, 0, 2, 3) // replaces the one with 12 workers
	n.vfs[0] = v
	n.ctl.Join(v)
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.mustBind("p2", "52:54:00:00:00:02", 0)
	_, err := Bind(t.Context(), n.cli, BindArgs{Host: "full", Port: "p3", MAC: "52:54:00:00:00:03", Wait: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "no port_status=up within 2s") || !strings.Contains(err.Error(), "stays bound") {
		t.Fatalf("third bind: %v", err)
	}
	if !n.log.Has("port p3: no room for 2 more component(s) on spp_vf 1") {
		t.Errorf("the log does not say why")
	}
	if s := get(t, n.cli, keys.PortStatus("full", "p3")); s != "" {
		t.Errorf("p3 status %q", s)
	}
	n.mustUnbind("p1")
	waitFor(t, 5*time.Second, "p3 up once p1 left", func() bool { return get(t, n.cli, keys.PortStatus("full", "p3")) == "up" })
}

// A batch the spp_vf refuses: logged, retried with backoff, no up; once
// the spp_vf accepts, the port is wired with no restart of anything.
func TestRefusedBatchRetried(t *testing.T) {
	n := newNode(t, shared, "refused", hostConfig(2))
	n.vfs[0].Refuse(true)
	n.startAgent(wiring.Dynamic)
	_, err := Bind(t.Context(), n.cli, BindArgs{Host: "refused", Port: "p1", MAC: "52:54:00:00:00:01", Wait: time.Second})
	if err == nil {
		t.Fatal("bound while refused")
	}
	if !n.log.Has("spp_vf 1: refused the batch at command 0") {
		t.Error("the log does not say the batch was refused")
	}
	n.vfs[0].Refuse(false)
	waitFor(t, 10*time.Second, "p1 up", func() bool { return get(t, n.cli, keys.PortStatus("refused", "p1")) == "up" })
}
