package serve

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// The compatible calls that build and wire components (protocol version
// 2), against a secondary's real engine (common/engine, its data plane
// doing nothing): each request becomes the batch it should (checked byte
// for byte), the engine accepts it, and GET shows the result in
// upstream's shape.
func TestCompatAgainstEngine(t *testing.T) {
	ts := newTestServer(t, Options{})
	vf := ts.reg.Sec(t, 1, ctltest.WithEngine(proto.TypeVF, 1))
	mir := ts.reg.Sec(t, 2, ctltest.Mirror, ctltest.WithEngine(proto.TypeMirror, 2))
	const flush = `{"command":"flush"}`
	steps := []struct {
		method, path, body string
		code               int
		sent               []string // the batches the call sends, in order
	}{
		{"POST", "/v1/vfs/1/components", `{"name":"cls","core":2,"type":"classifier_mac"}`, 204, []string{
			`{"commands":[{"command":"status"}]}`,
			`{"commands":[{"command":"component","core_id":"2","type":"classifier","name":"cls","rx_ports":[],"tx_ports":[]},` + flush + `]}`}},
		{"POST", "/v1/vfs/1/components", `{"name":"fwd","core":2,"type":"forward"}`, 204, nil},
		{"POST", "/v1/vfs/1/components", `{"name":"fwd","core":3,"type":"merge"}`, 400, []string{`{"commands":[{"command":"status"}]}`}},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"phy:0","dir":"rx"}`, 204, []string{
			`{"commands":[{"command":"port","action":"add","port":"nic0","dir":"rx","name":"cls"},` + flush + `]}`}},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"ring:0","dir":"tx","vlan":{"operation":"del"}}`, 204, []string{
			`{"commands":[{"command":"port","action":"add","port":"ring0","dir":"tx","name":"cls","vlan":{"operation":"del"}},` + flush + `]}`}},
		{"PUT", "/v1/vfs/1/components/fwd/ports", `{"action":"attach","port":"ring:1","dir":"rx"}`, 204, nil},
		{"PUT", "/v1/vfs/1/components/fwd/ports", `{"action":"attach","port":"vhost:0","dir":"tx","vlan":{"operation":"add","id":100,"pcp":3}}`, 204, []string{
			`{"commands":[{"command":"port","action":"add","port":"vhost0","dir":"tx","name":"fwd","vlan":{"operation":"add","id":100,"pcp":3}},` + flush + `]}`}},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:01","port":"ring:0"}`, 204, []string{
			`{"commands":[{"command":"classifier_table","type":"mac","value":"52:54:00:00:00:01","port":"ring0"},` + flush + `]}`}},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"add","type":"vlan","vlan":100,"mac_address":"52:54:00:00:00:02","port":"ring:0"}`, 204, []string{
			`{"commands":[{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:02","port":"ring0"},` + flush + `]}`}},
		// A MAC mapped to a port that is no classifier's tx port: the
		// daemon's error, nothing applied.
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"add","type":"mac","mac_address":"52:54:00:00:00:03","port":"ring:5"}`, 400, nil},
		// del of an entry that is not there succeeds.
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"del","type":"mac","mac_address":"52:54:00:00:00:09","port":"ring:0"}`, 204, []string{
			`{"commands":[{"command":"classifier_table","type":"mac","value":"52:54:00:00:00:09","port":"unuse"},` + flush + `]}`}},
		{"PUT", "/v1/vfs/1/classifier_table", `{"action":"del","type":"vlan","vlan":200,"mac_address":"52:54:00:00:00:02","port":"ring:0"}`, 204, []string{
			`{"commands":[{"command":"classifier_table","type":"vlan","vlan":200,"value":"52:54:00:00:00:02","port":"unuse"},` + flush + `]}`}},
		{"PUT", "/v1/vfs/1/components/nope/ports", `{"action":"attach","port":"ring:2","dir":"rx"}`, 400, nil},
		{"PUT", "/v1/vfs/1/components/fwd/ports", `{"action":"attach","port":"ring:2","dir":"tx","vlan":{"operation":"add","id":5000,"pcp":0}}`, 400, []string{}},
		{"POST", "/v1/mirrors/2/components", `{"name":"mon","core":3,"type":"mirror"}`, 204, nil},
		{"PUT", "/v1/mirrors/2/components/mon/ports", `{"action":"attach","port":"ring:1","dir":"rx"}`, 204, nil},
		{"POST", "/v1/mirrors/2/components", `{"name":"x","core":4,"type":"forward"}`, 400, []string{}},
	}
	for _, st := range steps {
		before := len(vf.Sent()) + len(mir.Sent())
		r := ts.do(t, st.method, st.path, st.body)
		if r.code != st.code {
			t.Fatalf("%s %s %s: %d %s, want %d", st.method, st.path, st.body, r.code, r.body, st.code)
		}
		if st.sent != nil {
			got := vf.Sent()[min(before, len(vf.Sent())):]
			if strings.Contains(st.path, "mirrors") {
				got = mir.Sent()[before-len(vf.Sent()):]
			}
			if strings.Join(got, "\n") != strings.Join(st.sent, "\n") {
				t.Errorf("%s %s %s sent\n%s\nwant\n%s", st.method, st.path, st.body, strings.Join(got, "\n"), strings.Join(st.sent, "\n"))
			}
		}
	}

	r := ts.do(t, "GET", "/v1/vfs/1", "")
	none := `{"operation":"none","id":0,"pcp":0}`
	want := `{"client-id":1,"ports":["phy:0","ring:0","ring:1","vhost:0"],"master-lcore":1,"components":[` +
		`{"core":2,"name":"cls","type":"classifier","rx_port":[{"port":"phy:0","vlan":` + none + `}],"tx_port":[{"port":"ring:0","vlan":{"operation":"del","id":0,"pcp":0}}]},` +
		`{"core":2,"name":"fwd","type":"forward","rx_port":[{"port":"ring:1","vlan":` + none + `}],"tx_port":[{"port":"vhost:0","vlan":{"operation":"add","id":100,"pcp":3}}]},` +
		`{"core":3,"type":"unuse"},{"core":4,"type":"unuse"},{"core":5,"type":"unuse"},{"core":6,"type":"unuse"},{"core":7,"type":"unuse"}],` +
		`"classifier_table":[{"type":"mac","value":"52:54:00:00:00:01","port":"ring:0"},{"type":"vlan","value":"100/52:54:00:00:00:02","port":"ring:0"}]}`
	if r.code != 200 || r.body != want {
		t.Errorf("GET /v1/vfs/1: %d\n%s\nwant\n%s", r.code, r.body, want)
	}
	r = ts.do(t, "GET", "/v1/mirrors/2", "")
	var m map[string]any
	if r.code != 200 || json.Unmarshal([]byte(r.body), &m) != nil || m["classifier_table"] != nil ||
		!strings.Contains(r.body, `{"core":3,"name":"mon","type":"mirror","rx_port":[{"port":"ring:1","vlan":`+none+`}],"tx_port":[]}`) {
		t.Errorf("GET /v1/mirrors/2: %d %s", r.code, r.body)
	}

	// detach, then the component goes; the other on its lcore stays.
	for _, st := range []struct{ method, path, body string }{
		{"PUT", "/v1/vfs/1/components/fwd/ports", `{"action":"detach","port":"vhost:0","dir":"tx"}`},
		{"DELETE", "/v1/vfs/1/components/fwd", ""},
	} {
		if r := ts.do(t, st.method, st.path, st.body); r.code != 204 || r.body != "" {
			t.Fatalf("%s %s: %d %q", st.method, st.path, r.code, r.body)
		}
	}
	sent := vf.Sent()
	if got, want := sent[len(sent)-1], `{"commands":[{"command":"component","type":"none","name":"fwd"},`+flush+`]}`; got != want {
		t.Errorf("DELETE component sent %s, want %s", got, want)
	}
	if got, want := sent[len(sent)-2], `{"commands":[{"command":"port","action":"del","port":"vhost0","dir":"tx","name":"fwd"},`+flush+`]}`; got != want {
		t.Errorf("detach sent %s, want %s", got, want)
	}
	r = ts.do(t, "GET", "/v1/vfs/1", "")
	if strings.Contains(r.body, `"fwd"`) || !strings.Contains(r.body, `"name":"cls"`) {
		t.Errorf("after DELETE: %s", r.body)
	}
	if r := ts.do(t, "DELETE", "/v1/vfs/1/components/fwd", ""); r.code != 400 || !strings.HasPrefix(r.body, "command error: bad value(name)") {
		t.Errorf("DELETE of a component not there: %d %q", r.code, r.body)
	}
}
