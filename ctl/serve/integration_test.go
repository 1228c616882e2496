package serve_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/ctl/api"
)

// Every row of rest.md's two tables through bin/spp serve with real
// daemons: the status code and body of each call, and the daemon's state
// after it; then bad input, a daemon that does not answer, and SIGTERM.

func writePcap(path string, frames [][]byte) error { return pcapfile.Write(path, frames) }

// frames are n frames to MAC 02:00:00:00:00:01.
func frames(n int) [][]byte {
	var out [][]byte
	for i := 0; i < n; i++ {
		out = append(out, pcapfile.Frame(0x020000000001, 0x020000000002, 64, uint32(i)))
	}
	return out
}

func TestServeRealDaemons(t *testing.T) {
	nd := startNode(t, frames(20))
	events := nd.events()

	// GET /v1/processes: the three, upstream's keys and spp-go's peer
	// and since.
	var procs []api.Process
	if err := json.Unmarshal([]byte(nd.must(200, "GET", "/v1/processes", "")), &procs); err != nil || len(procs) != 3 {
		t.Fatalf("processes: %v %+v", err, procs)
	}
	for i, want := range []struct {
		typ string
		id  int
	}{{"primary", -1}, {"vf", 1}, {"mirror", 2}} {
		p := procs[i]
		if p.Type != want.typ || (want.id < 0) != (p.ClientID == nil) || (p.ClientID != nil && *p.ClientID != want.id) || p.Peer == "" || p.Since == "" {
			t.Errorf("process %d: %+v, want %s %d", i, p, want.typ, want.id)
		}
	}

	// Native batches: the reply verbatim, errors included; the state
	// after it is the batch's.
	pri := nd.must(200, "POST", "/spp/v1/primary/batch", `{"commands":[{"command":"status"}]}`)
	if !strings.HasPrefix(pri, `{"results":[{"result":"success"}],"info":{"main_lcore":0,"ports":[{"port":"nic0"`) {
		t.Errorf("primary batch: %s", pri)
	}
	wire := `{"commands":[
		{"command":"component","core_id":"2","type":"forward","name":"in","rx_ports":["pcap0"],"tx_ports":["ring1"]},
		{"command":"component","core_id":"3","type":"forward","name":"out","rx_ports":["ring1"],"tx_ports":["nic0"]},
		{"command":"flush"}]}`
	if r := nd.must(200, "POST", "/spp/v1/secondaries/1/batch", wire); r != `{"results":[{"result":"success"},{"result":"success"},{"result":"success"}]}` {
		t.Errorf("vf batch: %s", r)
	}
	bad := `{"commands":[{"command":"component","core_id":"9","type":"forward","rx_ports":[],"tx_ports":[]},{"command":"flush"}]}`
	if r := nd.must(200, "POST", "/spp/v1/secondaries/1/batch", bad); !strings.Contains(r, `{"result":"error","error_details":{"message":"bad value(core_id)`) {
		t.Errorf("vf batch with an error: %s", r)
	}
	nd.must(404, "POST", "/spp/v1/secondaries/9/batch", `{"commands":[]}`)
	in := nd.status("1")
	if c := st.Core(in, 2); c.Name != "in" || len(in.Core) != 3 {
		t.Errorf("vf after the batches: %+v", in.Core)
	}
	// The 20 frames went pcap0 -> ring1 -> nic0.
	st.WaitFor(t, 10*time.Second, "the frames through ring1", func() bool { return st.Port(nd.status("1"), "ring1").Tx == 20 })

	// GET /v1/primary/status: upstream's shape; ring1's counters are
	// what spp_vf moved through it.
	var ps struct {
		Lcores   []int `json:"lcores"`
		PhyPorts []struct {
			ID, Rx, Tx, TxDrop int
			Eth                string
			NofQueues          map[string]int `json:"nof_queues"`
		} `json:"phy_ports"`
		RingPorts []map[string]int `json:"ring_ports"`
	}
	body := nd.must(200, "GET", "/v1/primary/status", "")
	if err := json.Unmarshal([]byte(body), &ps); err != nil || !reflect.DeepEqual(ps.Lcores, []int{0}) || len(ps.PhyPorts) != 1 ||
		ps.PhyPorts[0].Tx != 20 || ps.PhyPorts[0].NofQueues["rx"] != 1 || len(ps.RingPorts) != 4 ||
		!reflect.DeepEqual(ps.RingPorts[1], map[string]int{"id": 1, "rx": 20, "rx_drop": 0, "tx": 20, "tx_drop": 0}) {
		t.Errorf("primary status: %v %s", err, body)
	}
	// DELETE /v1/primary/status: clear.
	if r := nd.must(204, "DELETE", "/v1/primary/status", ""); r != "" {
		t.Errorf("clear: body %q", r)
	}
	json.Unmarshal([]byte(nd.must(200, "GET", "/v1/primary/status", "")), &ps)
	if ps.PhyPorts[0].Tx != 0 {
		t.Errorf("after clear: nic0 tx %d", ps.PhyPorts[0].Tx)
	}

	// GET /v1/cpu_layout and /v1/cpu_usage.
	var layout []struct {
		SocketID int `json:"socket_id"`
		Cores    []struct {
			CoreID int   `json:"core_id"`
			Lcores []int `json:"lcores"`
		} `json:"cores"`
	}
	if err := json.Unmarshal([]byte(nd.must(200, "GET", "/v1/cpu_layout", "")), &layout); err != nil || len(layout) == 0 || len(layout[0].Cores) == 0 {
		t.Errorf("cpu_layout: %v %+v", err, layout)
	}
	if got, want := nd.must(200, "GET", "/v1/cpu_usage", ""), `[{"proc-type":"primary","master-lcore":0,"lcores":[0]},`+
		`{"proc-type":"vf","client-id":1,"master-lcore":1,"lcores":[1,2,3,4]},{"proc-type":"mirror","client-id":2,"master-lcore":5,"lcores":[5,6,7]}]`; got != want {
		t.Errorf("cpu_usage:\n%s\nwant\n%s", got, want)
	}

	// vf: components, ports with VLAN operations, classifier entries.
	for _, c := range []struct {
		method, path, body string
	}{
		{"POST", "/v1/vfs/1/components", `{"name":"cls","core":4,"type":"classifier_mac"}`},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"ring:2","dir":"rx"}`},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"ring:3","dir":"tx","vlan":{"operation":"add","id":100,"pcp":3}}`},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"vhost:1","dir":"tx","vlan":{"operation":"del"}}`},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:01","port":"ring:3"}`},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"add","type":"vlan","vlan":200,"mac_address":"52:54:00:00:00:02","port":"vhost:1"}`},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"add","type":"mac","mac_address":"default","port":"vhost:1"}`},
		{"POST", "/v1/vfs/1/components", `{"name":"spare","core":4,"type":"merge"}`},
	} {
		if r := nd.must(204, c.method, c.path, c.body); r != "" {
			t.Errorf("%s %s: body %q", c.method, c.path, r)
		}
	}
	none := `{"operation":"none","id":0,"pcp":0}`
	wantVF := `{"client-id":1,"ports":["phy:0","ring:1","ring:2","ring:3","vhost:1","pcap:0"],"master-lcore":1,"components":[` +
		`{"core":2,"name":"in","type":"forward","rx_port":[{"port":"pcap:0","vlan":` + none + `}],"tx_port":[{"port":"ring:1","vlan":` + none + `}]},` +
		`{"core":3,"name":"out","type":"forward","rx_port":[{"port":"ring:1","vlan":` + none + `}],"tx_port":[{"port":"phy:0","vlan":` + none + `}]},` +
		`{"core":4,"name":"cls","type":"classifier","rx_port":[{"port":"ring:2","vlan":` + none + `}],` +
		`"tx_port":[{"port":"ring:3","vlan":{"operation":"add","id":100,"pcp":3}},{"port":"vhost:1","vlan":{"operation":"del","id":0,"pcp":0}}]},` +
		`{"core":4,"name":"spare","type":"merge","rx_port":[],"tx_port":[]}],` +
		`"classifier_table":[{"type":"mac","value":"default","port":"vhost:1"},{"type":"mac","value":"52:54:00:00:00:01","port":"ring:3"},` +
		`{"type":"vlan","value":"200/52:54:00:00:00:02","port":"vhost:1"}]}`
	got := nd.must(200, "GET", "/v1/vfs/1", "")
	if got != wantVF {
		t.Errorf("GET /v1/vfs/1:\n%s\nwant\n%s", got, wantVF)
	}
	in = nd.status("1")
	if c := st.Core(in, 4); c.Name != "cls" || c.State != proto.StateRunning {
		t.Errorf("cls: %+v", c)
	}
	for _, c := range in.Core {
		if c.Name == "spare" && c.State != proto.StateIdle {
			t.Errorf("spare: %+v", c)
		}
	}

	// del: the entry goes; del of one not there succeeds; detach; the
	// component goes and its lcore neighbour stays.
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"del","type":"mac","mac_address":"52:54:00:00:00:01","port":"ring:3"}`},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"del","type":"mac","mac_address":"52:54:00:00:00:01","port":"ring:3"}`},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"del","type":"vlan","vlan":200,"mac_address":"52:54:00:00:00:02","port":"vhost:1"}`},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"detach","port":"ring:3","dir":"tx"}`},
		{"DELETE", "/v1/vfs/1/components/spare", ""},
	} {
		nd.must(204, c.method, c.path, c.body)
	}
	in = nd.status("1")
	if want := []proto.ClassifierEntry{{Type: "mac", Value: "default", Port: "vhost1"}}; !reflect.DeepEqual(in.ClassifierTable, want) {
		t.Errorf("classifier table after del: %+v", in.ClassifierTable)
	}
	if c := st.Core(in, 4); c.Name != "cls" || len(c.TxPort) != 1 || c.TxPort[0].Port != "vhost1" || len(in.Core) != 3 {
		t.Errorf("after detach and DELETE component: %+v", in.Core)
	}
	if r := nd.must(400, "POST", "/v1/vfs/1/components", `{"name":"cls","core":3,"type":"forward"}`); !strings.HasPrefix(r, "command error: bad value(name): cls is already") {
		t.Errorf("a name in use: %q", r)
	}
	if r := nd.must(400, "PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"ring:2","dir":"rx"}`); !strings.HasPrefix(r, "command error: bad value(port)") {
		t.Errorf("a second rx port on a classifier: %q", r)
	}

	// Mirror: the same calls, no classifier table; a vf's id is 404
	// there, and the reverse.
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/v1/mirrors/2/components", `{"name":"tap","core":6,"type":"mirror"}`},
		{"PUT", "/v1/mirrors/2/components/tap/ports", `{"action":"attach","port":"ring:2","dir":"rx"}`},
		{"PUT", "/v1/mirrors/2/components/tap/ports", `{"action":"attach","port":"ring:0","dir":"tx"}`},
		{"PUT", "/v1/mirrors/2/components/tap/ports", `{"action":"attach","port":"vhost:2","dir":"tx"}`},
	} {
		nd.must(204, c.method, c.path, c.body)
	}
	wantMir := `{"client-id":2,"ports":["ring:0","ring:2","vhost:2"],"master-lcore":5,"components":[` +
		`{"core":6,"name":"tap","type":"mirror","rx_port":[{"port":"ring:2","vlan":` + none + `}],"tx_port":[{"port":"ring:0","vlan":` + none + `},{"port":"vhost:2","vlan":` + none + `}]},` +
		`{"core":7,"type":"unuse"}]}`
	if got := nd.must(200, "GET", "/v1/mirrors/2", ""); got != wantMir {
		t.Errorf("GET /v1/mirrors/2:\n%s\nwant\n%s", got, wantMir)
	}
	nd.must(404, "GET", "/v1/mirrors/1", "")
	nd.must(404, "GET", "/v1/vfs/2", "")
	nd.must(404, "PUT", "/v1/mirrors/2/classifier_table", `{}`)
	nd.must(204, "DELETE", "/v1/mirrors/2/components/tap", "")
	if c := st.Core(nd.status("2"), 6); c.Type != proto.CoreUnuse {
		t.Errorf("mirror after DELETE component: %+v", c)
	}
	for _, p := range []string{"/v1/nfvs/1", "/v1/pcaps/3", "/v1/primary/forward", "/v1/primary/launch", "/v1/primary/flow_rules/port_id/0"} {
		if code, body := nd.do("PUT", p, "{}"); code != 501 || !strings.HasPrefix(body, "not implemented: ") {
			t.Errorf("PUT %s: %d %q", p, code, body)
		}
	}

	badInput(t, nd)

	// Exit, secondaries first: each process exits 0 and its leaving is
	// an event of the stream.
	nd.must(204, "DELETE", "/v1/mirrors/2", "")
	nd.must(204, "DELETE", "/v1/vfs/1", "")
	for _, d := range []*st.Daemon{nd.mir, nd.vf} {
		if code, err := d.Proc.Wait(st.ConnectTimeout); err != nil || code != 0 {
			t.Errorf("%s: exit status %d, %v", d.Name, code, err)
		}
	}
	left := map[string]bool{}
	for len(left) < 2 {
		select {
		case e := <-events:
			if e.Event == "left" {
				left[fmt.Sprintf("%s %d", e.Type, *e.ClientID)] = true
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("left events: %v", left)
		}
	}
	if !left["vf 1"] || !left["mirror 2"] {
		t.Errorf("left events %v", left)
	}
	nd.must(204, "DELETE", "/v1/primary", "")
	if code, err := nd.n.Primary.Proc.Wait(st.ConnectTimeout); err != nil || code != 0 {
		t.Errorf("spp_primary: exit status %d, %v", code, err)
	}
	nd.must(404, "GET", "/v1/primary/status", "")

	// SIGTERM: spp serve exits 0.
	nd.serve.Signal(syscall.SIGTERM)
	if code, err := nd.serve.Wait(10 * time.Second); err != nil || code != 0 || !strings.Contains(nd.serve.Log(), "terminated: stopping") {
		t.Errorf("spp serve after SIGTERM: %d %v\n%s", code, err, nd.serve.Log())
	}
	for _, w := range []string{"sec 1 (vf) connected from", "sec 2 (mirror) disconnected", "primary disconnected",
		"POST /spp/v1/secondaries/9/batch from 127.0.0.1:"} {
		if !strings.Contains(nd.serve.Log(), w) {
			t.Errorf("spp serve's log lacks %q", w)
		}
	}
}

// badInput: each bad request its status, nothing applied (the vf's status
// is the same after them), a daemon that does not answer 504 and the
// server serving on after it.
func badInput(t *testing.T, nd *node) {
	before := nd.must(200, "GET", "/v1/vfs/1", "")
	const ct = "/v1/vfs/1/classifier_table"
	for _, c := range []struct {
		method, path, body string
		code               int
		text               string
	}{
		{"GET", "/v1/vfs/1/nothing", "", 404, ""},
		{"PUT", ct, `{"action":"add",`, 400, "Not in json format."},
		{"PUT", ct, `{"action":"add","type":"mac","port":"ring:3"}`, 400, "key(mac_address) required."},
		{"PUT", ct, `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:07","port":3}`, 400, "invalid key(port): 3."},
		{"POST", "/v1/vfs/1/components", `{"name":"x","core":"4","type":"forward"}`, 400, "invalid key(core): 4."},
		{"PUT", ct, `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:07","port":"ring:3","pad":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "over 1048576 bytes"},
		{"GET", "/v1/vfs/7", "", 404, "sec_id 7 not found."},
		{"POST", "/spp/v1/secondaries/1/batch", `{"commands":[{"command":"flush"}`, 400, "not a batch"},
	} {
		code, body := nd.do(c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.text) {
			t.Errorf("%s %s %.60s: %d %q, want %d %q", c.method, c.path, c.body, code, body, c.code, c.text)
		}
	}
	if after := nd.must(200, "GET", "/v1/vfs/1", ""); after != before {
		t.Errorf("the bad requests changed the vf:\n%s\n%s", before, after)
	}

	// spp_mirror stopped (SIGSTOP): 504 after 5 s, outcome unknown; the
	// vf is served meanwhile; once it runs again its late reply is
	// thrown away and it is served again.
	if err := nd.mir.Proc.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// kill returns before every thread has stopped.
	st.WaitFor(t, 5*time.Second, "spp_mirror to stop", func() bool {
		state, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", nd.mir.Proc.Pid()))
		return strings.Contains(string(state), "State:\tT")
	})
	done := make(chan struct{})
	var code int
	var body string
	start := time.Now()
	go func() {
		code, body = nd.do("GET", "/v1/mirrors/2", "")
		close(done)
	}()
	time.Sleep(500 * time.Millisecond)
	nd.must(200, "GET", "/v1/vfs/1", "")
	<-done
	took := time.Since(start)
	nd.mir.Proc.Signal(syscall.SIGCONT)
	if code != 504 || !strings.HasSuffix(strings.TrimSpace(body), api.OutcomeUnknown) || took < 5*time.Second || took > 7*time.Second {
		t.Errorf("a daemon that does not answer: %d %q after %v", code, body, took)
	}
	st.WaitFor(t, 10*time.Second, "the late reply notice", func() bool { return strings.Contains(nd.serve.Log(), "late reply from sec 2") })
	if !strings.Contains(nd.must(200, "GET", "/v1/mirrors/2", ""), `"client-id":2`) {
		t.Error("the mirror after SIGCONT")
	}
}
