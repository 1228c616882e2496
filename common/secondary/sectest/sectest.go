// Package sectest runs a whole SPP node for the integration tests of
// spp_vf and spp_mirror: spp_primary, secondaries and testpmd "VMs" on one
// unique --file-prefix, a test controller, batches and status. Pure Go; it
// builds on common/testenv.
package sectest

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	"github.com/spp-go/spp/common/testenv"
)

// Node is one spp_primary and the processes around it.
type Node struct {
	T       *testing.T
	Prefix  string
	Primary *Daemon
	ctlPri  *testenv.Controller
	ctlSec  *testenv.Controller
}

// PrimaryOpts describe spp_primary.
type PrimaryOpts struct {
	Vdevs    []string // --vdev of the primary, e.g. "net_ring0"
	PortMask string   // -p, default 0x0 (no NIC)
	Rings    int      // -n, default 8
}

// Timeouts of a loaded 2-CPU machine.
const (
	ConnectTimeout = 30 * time.Second // a daemon's EAL init and first connection
	VMTimeout      = 60 * time.Second // a testpmd VM's link
)

// Start runs spp_primary on lcore 0@0 and waits for its connection.
func Start(t *testing.T, o PrimaryOpts) *Node {
	t.Helper()
	testenv.RequireRoot(t)
	n := &Node{T: t, Prefix: testenv.Prefix(t), ctlPri: testenv.NewController(t), ctlSec: testenv.NewController(t)}
	if o.PortMask == "" {
		o.PortMask = "0x0"
	}
	if o.Rings == 0 {
		o.Rings = 8
	}
	args := []string{"--lcores", "0@0", "--file-prefix", n.Prefix, "--no-pci", "--log-level", "lib.eal:error"}
	for _, v := range o.Vdevs {
		args = append(args, "--vdev", v)
	}
	args = append(args, "--", "-p", o.PortMask, "-n", strconv.Itoa(o.Rings), "-s", n.ctlPri.Addr())
	p := testenv.Start(t, testenv.Bin(t, "spp_primary"), args...)
	n.Primary = n.accept(n.ctlPri, p, "spp_primary")
	return n
}

// Daemon is a process with its control connection.
type Daemon struct {
	n    *Node
	Proc *testenv.Proc
	Peer *testenv.Peer
	Name string
}

func (n *Node) accept(c *testenv.Controller, p *testenv.Proc, name string) *Daemon {
	n.T.Helper()
	peer, err := c.Accept(ConnectTimeout)
	if err != nil {
		n.T.Fatalf("%s did not connect: %v\n%s", name, err, p.Log())
	}
	return &Daemon{n: n, Proc: p, Peer: peer, Name: name}
}

// SecondaryArgs is the command line of a secondary of this node: EAL
// arguments (lcores, prefix), then the daemon's own.
func (n *Node) SecondaryArgs(lcores string, clientID int, extra ...string) []string {
	a := []string{"--lcores", lcores, "--file-prefix", n.Prefix, "--no-pci",
		"--log-level", "lib.eal:error", "--log-level", "lib.vhost.config:error",
		"--", "--client-id", strconv.Itoa(clientID), "-s", n.ctlSec.Addr()}
	return append(a, extra...)
}

// StartSecondary runs bin ("spp_vf", "spp_mirror") with lcores (its main
// lcore first) and waits for its connection.
func (n *Node) StartSecondary(bin, lcores string, clientID int, extra ...string) *Daemon {
	n.T.Helper()
	p := testenv.Start(n.T, testenv.Bin(n.T, bin), n.SecondaryArgs(lcores, clientID, extra...)...)
	return n.accept(n.ctlSec, p, fmt.Sprintf("%s %d", bin, clientID))
}

// KillController closes the secondaries' controller and every connection
// to it, as a controller that dies does.
func (n *Node) KillController(ds ...*Daemon) {
	n.ctlSec.Close()
	for _, d := range ds {
		d.Peer.Close()
	}
}

// RestartController listens again on the secondaries' controller address
// and waits for each of ds to connect again.
func (n *Node) RestartController(ds ...*Daemon) {
	n.T.Helper()
	addr := n.ctlSec.Addr()
	for i := 0; ; i++ { // the old socket may linger a moment
		c, err := testenv.ListenController(n.T, addr)
		if err == nil {
			n.ctlSec = c
			break
		}
		if i == 50 {
			n.T.Fatalf("listen again on %s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, d := range ds {
		n.Reaccept(d)
	}
}

// Reaccept waits for d to connect again to the secondaries' controller.
func (n *Node) Reaccept(d *Daemon) {
	n.T.Helper()
	d.Peer = n.accept(n.ctlSec, d.Proc, d.Name).Peer
}

// RequestTimeout bounds one request and its reply. A flush that hotplugs
// ports and switches lcores on a loaded 2-CPU machine can take seconds.
const RequestTimeout = 60 * time.Second

// Reply is a parsed reply, and the reply as it came (Raw).
type Reply struct {
	client.Reply
	Raw string
}

// Send sends one request as it is and returns the reply.
func (d *Daemon) Send(request string) Reply {
	d.n.T.Helper()
	b, err := d.Peer.SendWithin(request, RequestTimeout)
	if err != nil {
		d.n.T.Fatalf("%s: %s: %v\n%s", d.Name, request, err, d.Proc.Log())
	}
	r, err := client.Parse(b)
	if err != nil {
		d.n.T.Fatalf("%s: %v", d.Name, err)
	}
	return Reply{Reply: *r, Raw: string(b)}
}

// Do sends commands (JSON objects) as one batch, which must succeed.
func (d *Daemon) Do(cmds ...string) Reply {
	d.n.T.Helper()
	r := d.Send(Batch(cmds...))
	if !r.OK() {
		d.n.T.Fatalf("%s: batch %s failed: %s", d.Name, Batch(cmds...), r.Raw)
	}
	return r
}

// Batch joins commands into {"commands":[...]}.
func Batch(cmds ...string) string {
	cs := make([]proto.Command, len(cmds))
	for i, c := range cmds {
		cs[i].Raw = json.RawMessage(c)
	}
	return string(proto.EncodeBatch(cs...))
}

// Component is a "component" command without a name (Named's, v2.go);
// ports are comma-separated names.
func Component(core int, typ, rx, tx string) string { return Named(core, typ, "", rx, tx) }

// MAC is a "classifier_table" command.
func MAC(value, port string) string {
	return string(proto.ClassifierTable(proto.ClassifierArgs{Value: value, Port: port}).Raw)
}

// Flush is the flush command.
var Flush = string(proto.Flush().Raw)

// Status is the info of a secondary.
func (d *Daemon) Status() *proto.SecondaryInfo {
	d.n.T.Helper()
	r := d.Do(string(proto.Status().Raw))
	in, err := r.SecondaryInfo()
	if err != nil {
		d.n.T.Fatalf("%s: status %s: %v", d.Name, r.Raw, err)
	}
	return in
}

// PrimaryStatus is the info of spp_primary.
func (n *Node) PrimaryStatus() *proto.PrimaryInfo {
	n.T.Helper()
	r := n.Primary.Do(string(proto.Status().Raw))
	in, err := r.PrimaryInfo()
	if err != nil {
		n.T.Fatalf("primary status %s: %v", r.Raw, err)
	}
	return in
}

// Port finds a port's row in a status, zero when it is not there.
func Port(in *proto.SecondaryInfo, name string) proto.PortStatus {
	for _, p := range in.Ports {
		if p.Port == name {
			return p
		}
	}
	return proto.PortStatus{Port: name}
}

// Core finds an lcore's row in a status.
func Core(in *proto.SecondaryInfo, id int) proto.CoreStatus {
	for _, c := range in.Core {
		if c.Core == id {
			return c
		}
	}
	return proto.CoreStatus{Core: id}
}

// Exit sends exit and waits for the process to end with status 0.
func (d *Daemon) Exit() {
	d.n.T.Helper()
	d.Do(string(proto.Exit().Raw))
	code, err := d.Proc.Wait(ConnectTimeout)
	if err != nil || code != 0 {
		d.n.T.Fatalf("%s: exit: status %d, %v\n%s", d.Name, code, err, d.Proc.Log())
	}
}

// WaitFor polls cond every 50 ms until it holds, failing the test after
// timeout.
func WaitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitStatus polls d's status until cond holds and returns that status;
// after timeout it fails the test, showing the last status.
func (d *Daemon) WaitStatus(timeout time.Duration, what string, cond func(*proto.SecondaryInfo) bool) *proto.SecondaryInfo {
	d.n.T.Helper()
	deadline := time.Now().Add(timeout)
	for {
		in := d.Status()
		if cond(in) {
			return in
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(in)
			d.n.T.Fatalf("timed out after %v waiting for %s; %s status: %s", timeout, what, d.Name, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// removeStale removes a vhost-user socket file nobody listens on (a killed
// process left it); one in use fails the test.
func removeStale(t *testing.T, sock string) {
	if _, err := os.Stat(sock); err != nil {
		return
	}
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		t.Fatalf("%s is in use by another process", sock)
	}
	os.Remove(sock)
}

// VM is a dpdk-testpmd "VM" on a virtio_user port whose other end is
// vhostN, forwarding in macswap mode.
type VM struct {
	Proc   *testenv.Proc
	Prefix string // its DPDK --file-prefix: testenv.RemovePrefix frees its hugepages once it is killed
}

// StartVM runs the VM for vhostN with its MAC. server: virtio_user is the
// socket server (the secondary runs with --vhost-client). It runs on its
// own file prefix, main lcore on CPU 1 and forwarding lcore on CPU 0, and
// prints its port stats once, when it starts forwarding.
//
// --no-flush-rx: by default testpmd drains its rx queues (and frees what it
// finds: counted as port RX-packets, never sent) after it prints "packet
// forwarding - ports=" and before its forwarding lcore runs. Frames sent in
// that window, which a loaded machine stretches to a second, were lost
// inside the VM (docs/troubleshooting.md, "A VM receives but never sends").
func StartVM(t *testing.T, vhost int, mac string, server bool) *VM {
	t.Helper()
	return StartVMWith(t, VMOpts{Sock: fmt.Sprintf("/tmp/sock%d", vhost), MAC: mac, Server: server})
}

// VMOpts describe a testpmd VM for StartVMWith.
type VMOpts struct {
	Sock   string // its vhost-user socket (the secondary's --vhost-dir/sockN)
	MAC    string
	Server bool
	// Mode is testpmd's forwarding mode, default macswap; "txonly" sends
	// frames from MAC to Peer for as long as it runs (a traffic source).
	Mode string
	Peer string // --eth-peer of port 0, for txonly and mac modes
}

// StartVMWith is StartVM on any socket, in any forwarding mode.
func StartVMWith(t *testing.T, o VMOpts) *VM {
	t.Helper()
	bin, err := exec.LookPath("dpdk-testpmd")
	if err != nil {
		t.Fatalf("dpdk-testpmd: %v", err)
	}
	if o.Mode == "" {
		o.Mode = "macswap"
	}
	dev := fmt.Sprintf("--vdev=virtio_user0,path=%s,queues=1,mac=%s", o.Sock, o.MAC)
	if o.Server {
		dev += ",server=1"
		removeStale(t, o.Sock)
		t.Cleanup(func() { removeStale(t, o.Sock) })
	}
	prefix := testenv.Prefix(t)
	args := []string{"--lcores", "0@1,1@0", "--no-pci", "--file-prefix", prefix,
		"--single-file-segments", "-m", "64", "--log-level", "lib.eal:error", dev,
		"--", "--forward-mode=" + o.Mode, "--total-num-mbufs=2048", "--no-flush-rx", "--stats-period", "3600"}
	if o.Peer != "" {
		args = append(args, "--eth-peer=0,"+o.Peer)
	}
	if _, err := os.Stat("/usr/bin/stdbuf"); err == nil {
		args = append([]string{"-oL", bin}, args...)
		bin = "/usr/bin/stdbuf"
	}
	return &VM{Proc: testenv.Start(t, bin, args...), Prefix: prefix}
}

// WaitForwarding waits until testpmd forwards: its port is started (its
// receive ring filled) and its forwarding lcore about to run; what arrives
// before that lcore polls waits in the ring (--no-flush-rx). A vhost port's
// link is up a little before that, when the VM has not yet given receive
// buffers.
func (vm *VM) WaitForwarding(t *testing.T) {
	t.Helper()
	WaitFor(t, VMTimeout, "the VM to start forwarding", func() bool {
		if !vm.Proc.Running() {
			t.Fatalf("the VM exited:\n%s", vm.Proc.Log())
		}
		return strings.Contains(vm.Proc.Log(), "packet forwarding - ports=1 ")
	})
}
