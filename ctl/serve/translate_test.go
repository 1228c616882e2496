package serve

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// Every kind of port reads back from upstream's name as itself: the names
// the API writes are names the daemons and common/port accept.
func TestUpstreamPortNames(t *testing.T) {
	want := map[string]string{"nic0": "phy:0", "ring12": "ring:12", "vhost3": "vhost:3", "pcap1": "pcap:1", "null2": "nullpmd:2", "bogus": "bogus"}
	for canon, up := range want {
		if got := upstreamPort(canon); got != up {
			t.Errorf("upstreamPort(%s) = %s, want %s", canon, got, up)
		}
	}
	for _, k := range []port.Kind{port.NIC, port.Ring, port.Vhost, port.Pcap, port.Null} {
		p := port.Port{Kind: k, N: 7}
		back, err := port.Parse(upstreamPort(p.String()))
		if err != nil || back != p {
			t.Errorf("%s -> %s -> %v %v", p, upstreamPort(p.String()), back, err)
		}
	}
}

// A vf's status in upstream's shape, byte for byte: upstream's port names,
// every port with its VLAN operation (id and pcp included), an unused
// lcore as core and type only, the classifier table (empty included);
// a mirror has no classifier_table.
func TestSecondaryStatus(t *testing.T) {
	got, _ := json.Marshal(secondaryStatus(&ctltest.SampleSec))
	want := `{"client-id":1,"ports":["phy:0","ring:0","vhost:0"],"master-lcore":1,"components":[` +
		`{"core":2,"name":"classifier2","type":"classifier","rx_port":[{"port":"phy:0","vlan":{"operation":"none","id":0,"pcp":0}}],` +
		`"tx_port":[{"port":"ring:0","vlan":{"operation":"none","id":0,"pcp":0}},{"port":"ring:2","vlan":{"operation":"none","id":0,"pcp":0}}]},` +
		`{"core":3,"type":"unuse"},` +
		`{"core":4,"name":"fw1","type":"forward","rx_port":[{"port":"ring:0","vlan":{"operation":"none","id":0,"pcp":0}}],"tx_port":[{"port":"vhost:0","vlan":{"operation":"none","id":0,"pcp":0}}]}],` +
		`"classifier_table":[{"type":"mac","value":"default","port":"ring:2"},{"type":"mac","value":"52:54:00:12:34:56","port":"ring:0"}]}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	empty := proto.SecondaryInfo{ClientID: 2, ProcessType: proto.TypeVF, MainLcore: 1}
	got, _ = json.Marshal(secondaryStatus(&empty))
	if want := `{"client-id":2,"ports":[],"master-lcore":1,"components":[],"classifier_table":[]}`; string(got) != want {
		t.Errorf("empty vf: %s", got)
	}
	mirror := proto.SecondaryInfo{ClientID: 3, ProcessType: proto.TypeMirror, MainLcore: 1,
		Core: []proto.CoreStatus{{Core: 2, Name: "m", Type: "mirror", RxPort: ctltest.Ports("ring0"), TxPort: ctltest.Ports("ring1", "ring2")}}}
	got, _ = json.Marshal(secondaryStatus(&mirror))
	if want := `{"client-id":3,"ports":[],"master-lcore":1,"components":[{"core":2,"name":"m","type":"mirror",` +
		`"rx_port":[{"port":"ring:0","vlan":{"operation":"none","id":0,"pcp":0}}],` +
		`"tx_port":[{"port":"ring:1","vlan":{"operation":"none","id":0,"pcp":0}},{"port":"ring:2","vlan":{"operation":"none","id":0,"pcp":0}}]}]}`; string(got) != want {
		t.Errorf("mirror: %s", got)
	}
}

// Protocol version 2 in upstream's shape: several components on one lcore,
// each port's VLAN operation (id and pcp of a push), an idle component
// with an empty list, vlan entries as "VID/MAC".
func TestSecondaryStatusV2(t *testing.T) {
	got, _ := json.Marshal(secondaryStatus(&ctltest.SampleV2))
	none := `{"operation":"none","id":0,"pcp":0}`
	del := `{"operation":"del","id":0,"pcp":0}`
	want := `{"client-id":1,"ports":["phy:0","phy:1","ring:0","ring:1","ring:2","ring:3"],"master-lcore":1,"components":[` +
		`{"core":2,"name":"cls","type":"classifier","rx_port":[{"port":"phy:0","vlan":` + none + `}],` +
		`"tx_port":[{"port":"ring:0","vlan":` + del + `},{"port":"ring:1","vlan":` + del + `}]},` +
		`{"core":2,"name":"up","type":"forward","rx_port":[{"port":"ring:2","vlan":` + none + `}],"tx_port":[{"port":"phy:1","vlan":{"operation":"add","id":100,"pcp":3}}]},` +
		`{"core":3,"name":"forward3","type":"forward","rx_port":[{"port":"ring:3","vlan":` + none + `}],"tx_port":[]},` +
		`{"core":4,"type":"unuse"}],` +
		`"classifier_table":[{"type":"mac","value":"default","port":"ring:1"},{"type":"mac","value":"52:54:00:00:00:09","port":"ring:1"},` +
		`{"type":"vlan","value":"100/52:54:00:00:00:01","port":"ring:0"},{"type":"vlan","value":"200/52:54:00:00:00:02","port":"ring:1"}]}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// The primary's status in upstream's shape: NICs as phy_ports, rings as
// ring_ports with the counters the secondaries report for them, summed.
func TestPrimaryStatus(t *testing.T) {
	sec2 := proto.SecondaryInfo{Ports: []proto.PortStatus{{Port: "ring0", Rx: 1, Tx: 2, RxDrop: 3, TxDrop: 4}, {Port: "ring1", Rx: 100}}}
	got, _ := json.Marshal(primaryStatus(&ctltest.SamplePri, []*proto.SecondaryInfo{&ctltest.SampleSec, &sec2}))
	want := `{"lcores":[0],"phy_ports":[` +
		`{"id":0,"rx":5,"tx":6,"tx_drop":0,"eth":"02:70:63:61:70:00","nof_queues":{"rx":1,"tx":1}},` +
		`{"id":1,"rx":0,"tx":0,"tx_drop":0,"eth":"","nof_queues":{"rx":1,"tx":1}}],"ring_ports":[` +
		`{"id":0,"rx":61,"rx_drop":3,"tx":62,"tx_drop":4},{"id":1,"rx":100,"rx_drop":0,"tx":0,"tx_drop":0}]}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// cpu_layout reads sockets, cores and threads from a /sys tree.
func TestCPULayout(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "online"), []byte("0-2,4\n"), 0o644)
	for cpu, topo := range map[string][2]string{"0": {"0", "0"}, "1": {"0", "1"}, "2": {"0", "0"}, "4": {"1", "3"}} {
		d := filepath.Join(root, "cpu"+cpu, "topology")
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "physical_package_id"), []byte(topo[0]+"\n"), 0o644)
		os.WriteFile(filepath.Join(d, "core_id"), []byte(topo[1]+"\n"), 0o644)
	}
	got, err := cpuLayout(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []socketJSON{
		{SocketID: 0, Cores: []coreJSON{{CoreID: 0, Lcores: []int{0, 2}}, {CoreID: 1, Lcores: []int{1}}}},
		{SocketID: 1, Cores: []coreJSON{{CoreID: 3, Lcores: []int{4}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	b, _ := json.Marshal(got[:1])
	if string(b) != `[{"socket_id":0,"cores":[{"core_id":0,"lcores":[0,2]},{"core_id":1,"lcores":[1]}]}]` {
		t.Errorf("JSON %s", b)
	}
	// This machine's own, which the endpoint serves.
	if l, err := cpuLayout("/sys/devices/system/cpu"); err != nil || len(l) == 0 {
		t.Errorf("/sys: %v %v", l, err)
	}
	for _, bad := range []string{"", "a", "3-1", "1-"} {
		if _, err := parseCPUList(bad); err == nil {
			t.Errorf("CPU list %q accepted", bad)
		}
	}
}
