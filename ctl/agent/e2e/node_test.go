package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/agent"
	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// A node of the agent's tests: spp_primary (nic0 a net_ring0 loopback:
// what the merger sends comes back into the classifier), spp_vf 1 (the
// agent's, its vhost sockets in dir), optionally spp_vf 9 (the test's
// injector: a pcap port forwarded into nic0, which the agent does not
// own: its configuration has one NIC), all handed over to `spp serve`,
// an embedded etcd, and `bin/spp agent --host h1` as a process.

const injectorID = 9

type node struct {
	dir      string // vhost sockets sock0.., the injector's captures
	n        *st.Node
	vfLcores string
	vf       *testenv.Proc
	serve    *testenv.Proc
	agent    *testenv.Proc
	pri, sec string // the daemons' controller addresses (spp serve's)
	api      string // spp serve's REST address
	etcdURL  string
	ctl      *agent.Controller
	cli      *clientv3.Client
	policy   string
	host     string // its name in etcd
	pcaps    int    // captures injected so far
}

type nodeOpts struct {
	vhosts   int
	vfLcores string // spp_vf 1's --lcores: main first, then its workers
	coreMask string // the same lcores as the configuration's core_mask
	injector bool
	policy   string // "": dynamic
	host     string // "": h1
	etcdURL  string // "": an embedded etcd of the node's own
}

func startNode(t *testing.T, o nodeOpts) *node {
	t.Helper()
	testenv.RequireRoot(t)
	dir, err := os.MkdirTemp("/tmp", "spa") // short: pcap and vhost arguments are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	nd := &node{dir: dir, vfLcores: o.vfLcores, policy: o.policy, host: o.host, etcdURL: o.etcdURL}
	if nd.policy == "" {
		nd.policy = "dynamic"
	}
	if nd.host == "" {
		nd.host = "h1"
	}
	nd.n = st.Start(t, st.PrimaryOpts{Rings: 2 * o.vhosts, Vdevs: []string{"net_ring0"}, PortMask: "0x1"})
	vf := nd.n.StartSecondary("spp_vf", o.vfLcores, 1, nd.vfArgs()...)
	ds := []*st.Daemon{vf}
	if o.injector {
		ds = append(ds, nd.n.StartSecondary("spp_vf", "5@0,6@1", injectorID, "--pcap-dir", dir))
	}
	nd.vf = vf.Proc
	nd.pri, nd.sec = nd.n.HandOver(ds...)
	nd.api = "127.0.0.1:" + ctltest.FreePort(t)
	if nd.ctl, err = agent.NewController(nd.api); err != nil {
		t.Fatal(err)
	}
	nd.startServe(t)
	st.WaitFor(t, st.ConnectTimeout, "the daemons to join spp serve", func() bool {
		_, e1 := nd.ctl.Status(context.Background(), 1)
		if !o.injector {
			return e1 == nil
		}
		_, e9 := nd.ctl.Status(context.Background(), injectorID)
		return e1 == nil && e9 == nil
	})

	if nd.etcdURL == "" {
		nd.etcdURL = startEtcd(t, dir)
	}
	if nd.cli, err = agent.Dial(nd.etcdURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nd.cli.Close() })
	cfg := &keys.Config{VF: []keys.VF{{PCIAddress: "00:04.0", PhysicalNetwork: "phys1", NumVhost: o.vhosts, CoreMask: o.coreMask}}}
	if _, err := agent.Init(context.Background(), nd.cli, nd.host, cfg, false); err != nil {
		t.Fatal(err)
	}
	nd.startAgent(t)
	return nd
}

// startEtcd runs an embedded etcd on free loopback ports until the test
// ends and returns its client URL.
func startEtcd(t *testing.T, dir string) string {
	url := "http://127.0.0.1:" + ctltest.FreePort(t)
	emb, err := agent.StartEmbedded(filepath.Join(dir, "etcd"), url, "http://127.0.0.1:"+ctltest.FreePort(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	return url
}

func (nd *node) vfArgs() []string { return []string{"--vhost-client", "--vhost-dir", nd.dir} }

func (nd *node) startServe(t *testing.T) {
	nd.serve = testenv.Start(t, testenv.Bin(t, "spp"), "serve", "-p", ctltest.PortOf(t, nd.pri), "-s", ctltest.PortOf(t, nd.sec), "--api", nd.api)
}

func (nd *node) startAgent(t *testing.T) {
	nd.agent = testenv.Start(t, testenv.Bin(t, "spp"), "agent", "--host", nd.host, "--etcd", nd.etcdURL,
		"--api", "http://"+nd.api, "--policy", nd.policy)
}

// killVF kills spp_vf 1 with SIGKILL and starts it again, to connect to
// spp serve as the first did.
func (nd *node) killVF(t *testing.T) {
	t.Helper()
	nd.vf.Signal(syscall.SIGKILL)
	if _, err := nd.vf.Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	nd.vf = testenv.Start(t, testenv.Bin(t, "spp_vf"), nd.n.SecondaryArgs(nd.vfLcores, 1, nd.vfArgs()...)...)
}

// sock is the vhost-user socket of vhost N (spp_vf's --vhost-dir).
func (nd *node) sock(n int) string { return filepath.Join(nd.dir, "sock"+strconv.Itoa(n)) }

// vm starts a testpmd VM on vhost N, the socket server (spp_vf is the
// vhost client, as networking-spp binds it).
func (nd *node) vm(t *testing.T, n int, mac string) *st.VM {
	return st.StartVMWith(t, st.VMOpts{Sock: nd.sock(n), MAC: mac, Server: true})
}

// bind is `spp port bind` (the same function): it returns when the agent
// wrote port_status=up, and how long that took from the write of
// action=plug.
func (nd *node) bind(t *testing.T, portID, mac string, vlan int) (int, time.Duration) {
	t.Helper()
	t0 := time.Now()
	id, err := agent.Bind(context.Background(), nd.cli, agent.BindArgs{Host: nd.host, Port: portID, MAC: mac, VLAN: vlan, Wait: 30 * time.Second})
	if err != nil {
		t.Fatalf("bind %s: %v\n--- agent:\n%s", portID, err, nd.agent.Log())
	}
	return id, time.Since(t0)
}

func (nd *node) unbind(t *testing.T, portID string) {
	t.Helper()
	if err := agent.Unbind(context.Background(), nd.cli, nd.host, portID, 30*time.Second); err != nil {
		t.Fatalf("unbind %s: %v\n--- agent:\n%s", portID, err, nd.agent.Log())
	}
}

// status is spp_vf id's status through spp serve.
func (nd *node) status(t *testing.T, id int) *proto.SecondaryInfo {
	t.Helper()
	var in *proto.SecondaryInfo
	var err error
	for end := time.Now().Add(st.ConnectTimeout); ; time.Sleep(100 * time.Millisecond) {
		if in, err = nd.ctl.Status(context.Background(), id); err == nil {
			return in
		}
		if time.Now().After(end) {
			t.Fatalf("status of %d: %v", id, err)
		}
	}
}

// waitStatus polls spp_vf 1's status until cond holds.
func (nd *node) waitStatus(t *testing.T, d time.Duration, what string, cond func(*proto.SecondaryInfo) bool) *proto.SecondaryInfo {
	t.Helper()
	end := time.Now().Add(d)
	for {
		in := nd.status(t, 1)
		if cond(in) {
			return in
		}
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s; status %+v\n--- agent:\n%s", d, what, in, nd.agent.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// components are the names of what spp_vf 1 runs.
func components(in *proto.SecondaryInfo) []string {
	var out []string
	for _, c := range in.Core {
		if c.Type != proto.CoreUnuse {
			out = append(out, c.Name)
		}
	}
	return out
}

// linksUp says whether every vhost port of ids has its link up.
func linksUp(ids ...int) func(*proto.SecondaryInfo) bool {
	return func(in *proto.SecondaryInfo) bool {
		for _, id := range ids {
			if st.Port(in, fmt.Sprintf("vhost%d", id)).Link != "up" {
				return false
			}
		}
		return true
	}
}

// inject sends frames into nic0 once: the injector forwards a capture
// (a new pcapN each time: a capture is read once) to nic0, and stops when
// it was read. At most 32 frames, so that they are sent in one burst:
// nic0's ring has one producer, and the merger writes it too, which the
// tests keep apart by injecting only when no reply is on its way.
func (nd *node) inject(t *testing.T, frames [][]byte) {
	t.Helper()
	if len(frames) > 32 {
		t.Fatalf("inject %d frames: at most 32", len(frames))
	}
	k := nd.pcaps
	nd.pcaps++
	if err := pcapfile.Write(filepath.Join(nd.dir, fmt.Sprintf("spp-rx%d.pcap", k)), frames); err != nil {
		t.Fatal(err)
	}
	pcap := fmt.Sprintf("pcap%d", k)
	nd.batch(t, injectorID, st.Named(6, "forward", "inject", pcap, "nic0"), st.Flush)
	for end := time.Now().Add(30 * time.Second); st.Port(nd.status(t, injectorID), pcap).Rx < uint64(len(frames)); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the injector did not read %s", pcap)
		}
	}
	nd.batch(t, injectorID, st.Remove("inject"), st.Flush)
}

// batch sends raw commands to a secondary through spp serve.
func (nd *node) batch(t *testing.T, id int, cmds ...string) {
	t.Helper()
	cs := make([]proto.Command, len(cmds))
	for i, c := range cmds {
		cs[i].Raw = []byte(c)
	}
	if err := nd.ctl.Batch(context.Background(), id, cs); err != nil {
		t.Fatalf("batch to %d: %v", id, err)
	}
}

// mempoolInUse is the primary's mbuf pool in_use, through spp serve.
func (nd *node) mempoolInUse(t *testing.T) uint64 {
	t.Helper()
	resp, err := http.Post("http://"+nd.api+api.PrimaryBatchPath, "application/json", bytes.NewReader(proto.EncodeBatch(proto.Status())))
	if err != nil {
		t.Fatalf("primary status: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	rep, err := client.Parse(body)
	if err != nil {
		t.Fatalf("primary status %s: %v", body, err)
	}
	in, err := rep.PrimaryInfo()
	if err != nil {
		t.Fatalf("primary status %s: %v", body, err)
	}
	return in.Mempool.InUse
}
