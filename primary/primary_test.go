package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/dpdk/dpdktest"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/testenv"
)

// The test binary doubles as a DPDK secondary that makes traffic on the
// primary's NIC ports, so that status and clear have counters to show.
const trafficEnv = "SPP_PRIMARY_TEST_TRAFFIC_PREFIX"

func TestMain(m *testing.M) {
	if p := os.Getenv(trafficEnv); p != "" {
		os.Exit(traffic(p))
	}
	os.Exit(m.Run())
}

// traffic: 100 frames out of nic0 (net_ring0, which loops them back) and
// received again, 50 frames out of nic1 (net_null0).
func traffic(prefix string) int {
	if _, err := dpdk.Init([]string{"traffic", "--proc-type=secondary", "--file-prefix", prefix,
		"--lcores", "5@0", "--no-pci", "--log-level", "lib.eal:error", "--no-telemetry"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer dpdk.Shutdown()
	pool, err := dpdk.LookupMbufPool("spp_mbuf_pool")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ring0, _ := dpdk.EthPortByName("net_ring0")
	null0, _ := dpdk.EthPortByName("net_null0")
	e0, e1 := dpdk.EthEndpoint(ring0), dpdk.EthEndpoint(null0)
	frame := make([]byte, 64)
	copy(frame, []byte{0x52, 0x54, 0, 0, 0, 1})
	sent0 := dpdktest.SendFrames(e0, pool, frame, 100)
	got0 := len(dpdktest.RecvFrames(e0, 200))
	sent1 := dpdktest.SendFrames(e1, pool, frame, 50)
	if sent0 != 100 || got0 != 100 || sent1 != 50 {
		fmt.Fprintf(os.Stderr, "sent %d received %d, sent %d\n", sent0, got0, sent1)
		return 1
	}
	return 0
}

// Bad arguments: one line naming the argument, exit status 2, before EAL
// (so no root needed).
func TestBadArguments(t *testing.T) {
	bin := testenv.Bin(t, "spp_primary")
	for _, c := range []struct {
		args []string
		name string
	}{
		{[]string{"--", "-p", "zz", "-s", "127.0.0.1:5555"}, "-p"},
		{[]string{"--", "-p", "0x1", "-n", "-1", "-s", "127.0.0.1:5555"}, "-n"},
		{[]string{"--", "-p", "0x1", "-n", "2"}, "-s"},
		{[]string{"--", "-s", "nocolon"}, "-s"},
		{[]string{"--", "-s", "127.0.0.1:5555", "-x", "1"}, "-x"},
		{[]string{"--", "-s", "127.0.0.1:5555", "-n"}, "-n"},
	} {
		out, err := exec.Command(bin, c.args...).CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("%v: %v, want exit status 2", c.args, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "spp_primary: "+c.name+":") {
			t.Errorf("%v: output %q, want one line naming %s", c.args, out, c.name)
		}
	}
}

// reply is a reply as the tests read it.
type reply struct {
	Results []struct {
		Result       string `json:"result"`
		ErrorDetails *struct {
			Message string `json:"message"`
		} `json:"error_details"`
	} `json:"results"`
	Info *proto.PrimaryInfo `json:"info"`
}

func send(t *testing.T, p *testenv.Peer, req string) (string, reply) {
	t.Helper()
	raw, err := p.Send(req)
	if err != nil {
		t.Fatalf("%.80s: %v", req, err)
	}
	var r reply
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("reply %s: %v", raw, err)
	}
	return string(raw), r
}

func status(t *testing.T, p *testenv.Peer) *proto.PrimaryInfo {
	t.Helper()
	raw, r := send(t, p, `{"commands":[{"command":"status"}]}`)
	if r.Info == nil || len(r.Results) != 1 || r.Results[0].Result != "success" {
		t.Fatalf("status reply %s", raw)
	}
	return r.Info
}

const badFormat = `{"results":[{"result":"error","error_details":{"message":"bad message format"}}]}`

func TestPrimary(t *testing.T) {
	testenv.RequireRoot(t)
	bin := testenv.Bin(t, "spp_primary")
	prefix := testenv.Prefix(t)
	ctl := testenv.NewController(t)
	proc := testenv.Start(t, bin, "--lcores", "0@0", "--file-prefix", prefix, "--proc-type=primary",
		"--no-pci", "--vdev", "net_ring0", "--vdev", "net_null0",
		"--", "-p", "0x3", "-n", "3", "-s", ctl.Addr())
	peer, err := ctl.Accept(15 * time.Second)
	if err != nil {
		t.Fatalf("spp_primary did not connect: %v", err)
	}
	// accept reconnects after the connection was dropped or closed.
	accept := func(why string) {
		t.Helper()
		peer.Close()
		t0 := time.Now()
		if peer, err = ctl.Accept(2500 * time.Millisecond); err != nil {
			t.Fatalf("no reconnection after %s: %v", why, err)
		}
		if d := time.Since(t0); d > 2*time.Second {
			t.Errorf("reconnection after %s took %v", why, d)
		}
		if !proc.Running() {
			t.Fatalf("spp_primary exited after %s", why)
		}
	}

	if raw, _ := send(t, peer, `{"commands":[{"command":"process"}]}`); raw != `{"results":[{"result":"success"}],"client_id":0,"process_type":"primary"}` {
		t.Fatalf("process reply %s", raw)
	}

	in := status(t, peer)
	wantSize := uint64(poolBase + poolPerQueue*(3+2))
	if in.MainLcore != 0 || len(in.Ports) != 2 || len(in.Rings) != 3 ||
		in.Mempool.Name != "spp_mbuf_pool" || in.Mempool.Size != wantSize ||
		in.Mempool.Available != wantSize || in.Mempool.InUse != 0 {
		t.Fatalf("status %+v", in)
	}
	for i, p := range in.Ports {
		if p.Port != fmt.Sprintf("nic%d", i) || p.Link != "up" || p.Rx+p.Tx+p.RxDrop+p.TxDrop != 0 {
			t.Errorf("port %d: %+v", i, p)
		}
		// Its ethdev's MAC, as spp serve's eth shows it: net_ring has
		// none (all zeros), net_null a random one.
		if mac, ok := proto.ParseMAC(p.MAC); !ok || p.MAC != proto.FormatMAC(mac) || (i == 1) != (mac != 0) {
			t.Errorf("port %d: mac %q", i, p.MAC)
		}
	}
	for i, r := range in.Rings {
		if r.Ring != fmt.Sprintf("ring%d", i) || r.Count != 0 || r.Capacity != ringSize-1 {
			t.Errorf("ring %d: %+v", i, r)
		}
	}

	// Traffic from a secondary: the counters show it, and every mbuf is
	// back in the pool afterwards.
	tr := exec.Command(os.Args[0])
	tr.Env = append(os.Environ(), trafficEnv+"="+prefix)
	if out, err := tr.CombinedOutput(); err != nil {
		t.Fatalf("traffic secondary: %v\n%s", err, out)
	}
	in = status(t, peer)
	if p := in.Ports[0]; p.Rx != 100 || p.Tx != 100 {
		t.Errorf("nic0 after traffic: %+v, want rx 100 tx 100", p)
	}
	if p := in.Ports[1]; p.Tx != 50 {
		t.Errorf("nic1 after traffic: %+v, want tx 50", p)
	}
	// net_ring and net_null count packets, not bytes (their ibytes and
	// obytes stay 0): the status carries no byte counters for them rather
	// than a false 0.
	for _, p := range in.Ports {
		if p.RxBytes != nil || p.TxBytes != nil {
			t.Errorf("%s carries byte counters, its driver counts none: %+v", p.Port, p)
		}
	}
	if in.Mempool.InUse != 0 {
		t.Errorf("%d mbufs in use after the traffic", in.Mempool.InUse)
	}

	// A failing batch changes nothing: its clear does not run.
	raw, _ := send(t, peer, `{"commands":[{"command":"clear"},{"command":"flush"},{"command":"status"}]}`)
	if raw != `{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":"bad value(command): unknown command \"flush\" for spp_primary"}},{"result":"invalid"}]}` {
		t.Fatalf("failing batch reply %s", raw)
	}
	if in = status(t, peer); in.Ports[0].Tx != 100 {
		t.Fatalf("a failed batch cleared the counters: %+v", in.Ports[0])
	}
	if raw, _ := send(t, peer, `{"commands":[{"command":"clear"}]}`); raw != `{"results":[{"result":"success"}]}` {
		t.Fatalf("clear reply %s", raw)
	}
	for _, p := range status(t, peer).Ports {
		if p.Rx+p.Tx+p.RxDrop+p.TxDrop != 0 {
			t.Errorf("after clear: %+v", p)
		}
	}

	// The controller drops the connection: back within 2 s.
	accept("a dropped connection")

	// Malformed requests: the exact error, and the primary keeps running.
	big := `{"commands":[{"command":"status","pad":"` + strings.Repeat("x", 2<<20) + `"}]}`
	var many strings.Builder
	many.WriteString(`{"commands":[`)
	for i := 0; i < 300; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(`{"command":"status"}`)
	}
	many.WriteString(`]}`)
	for _, c := range []struct{ name, req, want string }{
		{"unknown command", `{"commands":[{"command":"component","core_id":2}]}`,
			`{"results":[{"result":"error","error_details":{"message":"bad value(command): unknown command \"component\" for spp_primary"}}]}`},
		{"no command field", `{"commands":[{"command":"status"},{"name":"x"}]}`,
			`{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":"not enough parameter(command)"}}]}`},
		{"text command", "stats", `{"results":[{"result":"error","error_details":{"message":"bad value(command): unknown command \"stats\""}}]}`},
		{"bad JSON", `{"commands":[{"command" "status"}]}`, badFormat},
		{"2 MiB", big, badFormat},
		{"300 commands", many.String(), badFormat},
		{"command not a string", `{"commands":[{"command":5}]}`, badFormat},
		{"commands not an array", `{"commands":{"command":"status"}}`, badFormat},
		{"command not an object", `{"commands":["status"]}`, badFormat},
	} {
		raw, err := peer.Send(c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if string(raw) != c.want {
			t.Errorf("%s: reply %s, want %s", c.name, raw, c.want)
		}
		if c.want == badFormat {
			if !peer.Closed(2 * time.Second) {
				t.Errorf("%s: connection not closed after bad message format", c.name)
			}
			accept(c.name)
		}
		if raw, _ := send(t, peer, `{"commands":[{"command":"process"}]}`); !strings.Contains(raw, `"process_type":"primary"`) {
			t.Fatalf("after %s: process reply %s", c.name, raw)
		}
	}

	// exit: a reply, then exit status 0 and no runtime files left.
	if raw, _ := send(t, peer, `{"commands":[{"command":"exit"}]}`); raw != `{"results":[{"result":"success"}]}` {
		t.Fatalf("exit reply %s", raw)
	}
	code, err := proc.Wait(10 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("after exit: status %d, %v", code, err)
	}
	if _, err := os.Stat("/var/run/dpdk/" + prefix); !os.IsNotExist(err) {
		entries, _ := os.ReadDir("/var/run/dpdk/" + prefix)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("/var/run/dpdk/%s left after exit: %v", prefix, names)
	}
}

// SIGTERM (what spp down sends) is a clean exit too: status 0, no runtime
// files, even with no controller to talk to.
func TestPrimarySIGTERM(t *testing.T) {
	testenv.RequireRoot(t)
	bin := testenv.Bin(t, "spp_primary")
	prefix := testenv.Prefix(t)
	ctl := testenv.NewController(t)
	addr := ctl.Addr()
	ctl.Close() // nobody listens: the primary keeps retrying meanwhile
	proc := testenv.Start(t, bin, "--lcores", "0@0", "--file-prefix", prefix, "--proc-type=primary",
		"--no-pci", "--vdev", "net_null0", "--", "-p", "0x1", "-n", "1", "-s", addr)
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(proc.Log(), "cannot connect to controller") {
		if time.Now().After(deadline) || !proc.Running() {
			t.Fatal("spp_primary did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	proc.Signal(syscall.SIGTERM)
	code, err := proc.Wait(10 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("after SIGTERM: status %d, %v", code, err)
	}
	if _, err := os.Stat("/var/run/dpdk/" + prefix); !os.IsNotExist(err) {
		t.Fatalf("/var/run/dpdk/%s left after SIGTERM", prefix)
	}
}
