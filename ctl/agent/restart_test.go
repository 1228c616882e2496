package agent

import (
	"context"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/agent/wiring"
)

// A restarted spp_vf (a new one joins with the same client id, empty) gets
// its wiring back within a second, with no agent restart (networking-spp
// needed one); the same after it left and joined again.
func TestVFRestartRewired(t *testing.T) {
	n := newNode(t, shared, "vfrestart", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.mustBind("p2", "52:54:00:00:00:02", 100)
	before, table := n.running(0)

	for _, how := range []string{"replaced", "left and joined"} {
		fresh := seedVF(1)
		t0 := time.Now()
		if how == "replaced" {
			n.ctl.Join(fresh)
		} else {
			n.ctl.Leave(1)
			time.Sleep(100 * time.Millisecond)
			n.ctl.Join(fresh)
		}
		n.vfs[0] = fresh
		waitFor(t, time.Second, "the wiring back ("+how+")", func() bool {
			c, _ := n.running(0)
			return len(c) == len(before)
		})
		t.Logf("%s: rewired in %v", how, time.Since(t0))
		after, table2 := n.running(0)
		sameList(t, how, after, before)
		sameList(t, how+": table", table2, table)
	}
}

// The agent restarted with nothing changed: it sends no batch (only
// status), and the ports stay up.
func TestAgentRestartSendsNothing(t *testing.T) {
	n := newNode(t, shared, "idle", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.stopAgent()
	sent := len(n.vfs[0].Batches())
	n.startAgent(wiring.Dynamic)
	waitFor(t, 5*time.Second, "the agent's first pass", func() bool { return n.log.Has("following the event stream") })
	time.Sleep(300 * time.Millisecond)
	if got := n.vfs[0].Batches(); len(got) != sent {
		t.Errorf("batches sent by a restart with nothing to change: %q", got[sent:])
	}
	if v := get(t, n.cli, keys.PortStatus("idle", "p1")); v != "up" {
		t.Errorf("port_status %q", v)
	}
}

// kill -9 the agent, unplug while it is down (as the driver does: action
// unplug, no wait), start it: the unplug is carried out, slot freed,
// keys gone, nothing left running.
func TestUnplugWhileAgentDown(t *testing.T) {
	n := newNode(t, shared, "down", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.stopAgent()
	put(t, n.cli, keys.Action("down", "p1"), keys.Unplug)
	n.startAgent(wiring.Dynamic)
	waitFor(t, 5*time.Second, "the unplug", func() bool { return get(t, n.cli, keys.Action("down", "p1")) == "" })
	if v := get(t, n.cli, keys.Vhost("down", "phys1", 0)); v != keys.None {
		t.Errorf("slot %q", v)
	}
	if v := get(t, n.cli, keys.BindPort("down", "p1")); v != "" {
		t.Errorf("bind_port %q", v)
	}
	if c, _ := n.running(0); len(c) != 0 {
		t.Errorf("running %q", c)
	}
}

// spp serve restarted: the agent reconnects (batches and event stream) and
// carries out what came meanwhile; bind waits long enough to see it.
func TestControllerRestart(t *testing.T) {
	n := newNode(t, shared, "ctlrestart", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.ctl.Stop()
	errc := make(chan error, 1)
	go func() {
		_, err := Bind(context.Background(), n.cli, BindArgs{Host: "ctlrestart", Port: "p2", MAC: "52:54:00:00:00:02", Wait: 15 * time.Second})
		errc <- err
	}()
	time.Sleep(500 * time.Millisecond)
	if v := get(t, n.cli, keys.PortStatus("ctlrestart", "p2")); v != "" {
		t.Fatalf("up with spp serve down: %q", v)
	}
	n.ctl.Restart()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the event stream back", func() bool { return n.ctl.Subscribers() == 1 })
	if c, _ := n.running(0); len(c) != 6 {
		t.Errorf("running %q", c)
	}
}

// SIGTERM while a batch is in flight: the agent waits for it, writes the
// up it earned, then returns (exit 0).
func TestSIGTERMFinishesBatch(t *testing.T) {
	n := newNode(t, shared, "sigterm", hostConfig(2))
	held := n.ctl.Hold()
	n.startAgent(wiring.Dynamic)
	go n.bind("p1", "52:54:00:00:00:01", 0)
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("no batch came")
	}
	n.stop()
	select {
	case <-n.done:
		t.Fatal("the agent returned with its batch in flight")
	case <-time.After(300 * time.Millisecond):
	}
	n.ctl.Release()
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the agent did not stop")
	}
	n.stop = nil
	if c, _ := n.running(0); len(c) != 4 {
		t.Errorf("running %q", c)
	}
	if v := get(t, n.cli, keys.PortStatus("sigterm", "p1")); v != "up" {
		t.Errorf("port_status %q", v)
	}
}

// etcd killed and started again: the agent's watch comes back (it scans
// again from a new revision) and a bind after that is wired.
func TestEtcdRestart(t *testing.T) {
	e := startEtcd(t)
	n := newNode(t, e, "etcdrestart", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	e.kill()
	time.Sleep(500 * time.Millisecond)
	e.restart(t)
	n.mustBind("p2", "52:54:00:00:00:02", 0)
	if c, _ := n.running(0); len(c) != 6 {
		t.Errorf("running %q", c)
	}
}

// Two hosts, one etcd: each agent wires only its host's ports (each host
// has its own slots, numbered from 0).
func TestTwoHosts(t *testing.T) {
	a := newNode(t, shared, "host-a", hostConfig(2))
	b := newNode(t, shared, "host-b", hostConfig(2))
	a.startAgent(wiring.Dynamic)
	b.startAgent(wiring.Dynamic)
	if id := a.mustBind("pa", "52:54:00:00:00:0a", 0); id != 0 {
		t.Errorf("pa on %d", id)
	}
	if id := b.mustBind("pb", "52:54:00:00:00:0b", 0); id != 0 {
		t.Errorf("pb on %d", id)
	}
	_, ta := a.running(0)
	_, tb := b.running(0)
	sameList(t, "host-a", ta, []string{"0/52:54:00:00:00:0a=ring0"})
	sameList(t, "host-b", tb, []string{"0/52:54:00:00:00:0b=ring0"})
	b.mustUnbind("pb")
	if c, _ := a.running(0); len(c) != 4 {
		t.Errorf("host-a after host-b's unbind: %q", c)
	}
}

// Static: the whole graph is built before any VM; plug and unplug change
// only the entries.
func TestStaticThroughEtcd(t *testing.T) {
	cfg := hostConfig(2)
	n := newNode(t, shared, "static", cfg)
	n.startAgent(wiring.Static)
	waitFor(t, 5*time.Second, "the static graph", func() bool { c, _ := n.running(0); return len(c) == 6 })
	sent := len(n.vfs[0].Batches())
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	got := n.vfs[0].Batches()[sent:]
	if len(got) != 1 || got[0] != `{"commands":[`+
		`{"command":"classifier_table","type":"mac","value":"52:54:00:00:00:01","port":"unuse"},`+
		`{"command":"classifier_table","type":"mac","value":"52:54:00:00:00:01","port":"ring0"},{"command":"flush"}]}` {
		t.Errorf("static plug sent %q", got)
	}
	n.mustUnbind("p1")
	if c, tb := n.running(0); len(c) != 6 || len(tb) != 0 {
		t.Errorf("after unplug: %q %q", c, tb)
	}
}

// An action unplug for a port that never had a bind_port is cleared.
func TestUnplugWithoutBindPort(t *testing.T) {
	n := newNode(t, shared, "nobind", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	put(t, n.cli, keys.Action("nobind", "ghost"), keys.Unplug)
	waitFor(t, 5*time.Second, "the action cleared", func() bool { return get(t, n.cli, keys.Action("nobind", "ghost")) == "" })
}

// The agent waits for its configuration: started before `spp agent init`,
// it wires once the document is written (the watch on it).
func TestConfigLater(t *testing.T) {
	cli := shared.dial(t)
	ctl := agenttest.StartController(t)
	ctl.Join(seedVF(1))
	n := &node{t: t, host: "later", cli: cli, url: ctl.URL()}
	n.startAgent(wiring.Dynamic)
	defer n.stopAgent()
	ctx := context.Background()
	waitFor(t, 5*time.Second, "the agent waiting", func() bool { return n.log.Has("no /spp/openstack/configuration/later") })
	if _, err := Init(ctx, cli, "later", hostConfig(1), false); err != nil {
		t.Fatal(err)
	}
	if _, err := Bind(ctx, cli, BindArgs{Host: "later", Port: "p", MAC: "52:54:00:00:00:01", Wait: 5 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, &n.log)
	}
}

// A spp_vf gone for a while (the agent failing and backing off meanwhile,
// up to its 5 s cap; a port bound with no up): when it joins again it is
// wired within a second, not at the end of the agent's backoff.
func TestVFDownThenBack(t *testing.T) {
	n := newNode(t, shared, "vfdown", hostConfig(2))
	n.startAgent(wiring.Dynamic)
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.ctl.Leave(1)
	if _, err := Bind(context.Background(), n.cli, BindArgs{Host: "vfdown", Port: "p2", MAC: "52:54:00:00:00:02", Wait: 3 * time.Second}); err == nil {
		t.Fatal("bound with no spp_vf")
	}
	time.Sleep(4 * time.Second) // the backoff at its 5 s cap by now
	fresh := seedVF(1)
	n.vfs[0] = fresh
	t0 := time.Now()
	n.ctl.Join(fresh)
	waitFor(t, time.Second, "both VMs wired", func() bool { c, _ := n.running(0); return len(c) == 6 })
	waitFor(t, time.Second, "p2 up", func() bool { return get(t, n.cli, keys.PortStatus("vfdown", "p2")) == "up" })
	t.Logf("wired %v after the join", time.Since(t0))
}
