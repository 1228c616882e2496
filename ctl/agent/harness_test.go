package agent

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/agent/wiring"
)

// shared is one Debian etcd for the tests that do not stop theirs (each
// test has hosts of its own in it), started by TestMain.
var shared *testEtcd

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spp-agent-etcd")
	if err == nil {
		shared, err = newEtcd(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ctl/agent tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	shared.stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hostConfig is seed 000's host: one NIC (phys1), two vhosts, the spp_vf
// with main lcore 0 and workers 2..13 (-c 0x3ffd).
func hostConfig(vhosts int) *keys.Config {
	return &keys.Config{VF: []keys.VF{{PCIAddress: "00:04.0", PhysicalNetwork: "phys1", NumVhost: vhosts, CoreMask: "0x3ffd"}}}
}

func seedVF(id int) *agenttest.VF {
	return agenttest.NewVF(id, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
}

// node is one host of a test: its etcd client, its fake spp serve with
// spp_vfs (ctl, at url; url alone for another spp serve), its agent and the
// agent's log.
type node struct {
	t    *testing.T
	host string
	cli  *clientv3.Client
	ctl  *agenttest.Controller
	url  string
	vfs  []*agenttest.VF
	log  testenv.Log

	stop func()
	done chan struct{}
}

// newNode writes cfg for host (spp agent init) and starts a spp serve
// with a fresh spp_vf per NIC (workers as in hostConfig).
func newNode(t *testing.T, e *testEtcd, host string, cfg *keys.Config) *node {
	n := &node{t: t, host: host, cli: e.dial(t), ctl: agenttest.StartController(t)}
	n.url = n.ctl.URL()
	if _, err := Init(context.Background(), n.cli, host, cfg, false); err != nil {
		t.Fatal(err)
	}
	for i := range cfg.VF {
		v := seedVF(keys.ClientID(i))
		n.vfs = append(n.vfs, v)
		n.ctl.Join(v)
	}
	t.Cleanup(func() {
		n.stopAgent()
		if t.Failed() {
			t.Logf("agent %s's log:\n%s\nkeys:%s", host, &n.log, dump(t, n.cli))
		}
	})
	return n
}

// startAgent runs the agent of the node until stopAgent.
func (n *node) startAgent(policy wiring.Policy) {
	ctl, err := NewController(n.url)
	if err != nil {
		n.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := New(Options{Host: n.host, Policy: policy, Resync: time.Hour, Logf: n.log.Logf}, n.cli, ctl)
	n.stop, n.done = cancel, make(chan struct{})
	go func(done chan struct{}) { a.Run(ctx); close(done) }(n.done)
}

// stopAgent stops it (SIGTERM) and waits for Run to return.
func (n *node) stopAgent() {
	if n.stop == nil {
		return
	}
	n.stop()
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		n.t.Fatal("the agent did not stop")
	}
	n.stop = nil
}

// bind is spp port bind with a short wait; it returns the vhost id.
func (n *node) bind(port, mac string, vlan int) (int, error) {
	return Bind(context.Background(), n.cli, BindArgs{Host: n.host, Port: port, MAC: mac, VLAN: vlan, Wait: 10 * time.Second})
}

func (n *node) mustBind(port, mac string, vlan int) int {
	n.t.Helper()
	id, err := n.bind(port, mac, vlan)
	if err != nil {
		n.t.Fatalf("bind %s: %v", port, err)
	}
	return id
}

func (n *node) mustUnbind(port string) {
	n.t.Helper()
	if err := Unbind(context.Background(), n.cli, n.host, port, 10*time.Second); err != nil {
		n.t.Fatalf("unbind %s: %v", port, err)
	}
}

// running is what spp_vf i runs: "name@core rx>tx" per component, sorted
// as status lists them, and its table.
func (n *node) running(i int) (comps []string, table []string) {
	st := n.vfs[i].Status()
	for _, c := range st.Core {
		if c.Type == proto.CoreUnuse {
			continue
		}
		comps = append(comps, fmt.Sprintf("%s@%d %s>%s", c.Name, c.Core, refs(c.RxPort), refs(c.TxPort)))
	}
	for _, e := range st.ClassifierTable {
		table = append(table, fmt.Sprintf("%d/%s=%s", e.VLAN, e.Value, e.Port))
	}
	return comps, table
}

func refs(rs []proto.PortRef) string {
	var out []string
	for _, r := range rs {
		s := r.Port
		if r.VLAN.Operation == proto.VLANAdd {
			s += fmt.Sprintf("+%d", r.VLAN.ID)
		} else if r.VLAN.Operation == proto.VLANDel {
			s += "-tag"
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("timed out (%v) waiting for %s", d, what)
		}
	}
}
