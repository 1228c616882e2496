package main

import (
	"encoding/json"
	"strings"
	"testing"

	st "github.com/spp-go/spp/common/secondary/sectest"
)

// Issue 3 item 4: bad input through the real process. Each batch starts
// with a valid command and ends with a flush; the middle command breaks one
// rule of protocol.md 3.3 (or is malformed). Proved: the reply is exactly
// cancelled / error with the rule's message / invalid; status (the active
// configuration, the classifier table and "staged") is byte for byte what
// it was; the process keeps running. A request that is not JSON gets
// "bad message format", the connection is closed, and spp_vf connects again
// with nothing changed.
func TestBadInput(t *testing.T) {
	n := st.Start(t, st.PrimaryOpts{Rings: 4})
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1", 1)
	vf.Do(st.Component(2, "classifier", "null0", "ring0,ring1"), st.Component(3, "forward", "ring0", "null1"),
		st.MAC("52:54:00:00:00:01", "ring0"), st.Flush)
	// Counters move; compare the rest of the status.
	status := func() string {
		in := vf.Status()
		for i := range in.Ports {
			in.Ports[i].Rx, in.Ports[i].Tx, in.Ports[i].RxDrop, in.Ports[i].TxDrop = 0, 0, 0, 0
		}
		for i := range in.Core {
			in.Core[i].Packets, in.Core[i].Drops = 0, 0
		}
		b, _ := json.Marshal(in)
		return string(b)
	}
	before := status()

	good := st.Component(3, "forward", "ring0", "null2")
	cases := []struct{ cmd, msg string }{
		{st.Component(9, "forward", "ring2", "null3"), "bad value(core_id): core 9 is not a worker lcore of this process"},
		{st.Component(1, "forward", "ring2", "null3"), "bad value(core_id): core 1 is the main lcore of this process"},
		{st.Component(3, "forward", "null0", "null3"), "bad value(rx_ports): null0 is already the rx port of classifier2 on core 2"},
		{st.Component(3, "forward", "ring1", "ring0"), "bad value(tx_ports): ring0 is already the tx port of classifier2 on core 2"},
		{st.MAC("52:54:00:00:00:01", "ring1"), "bad value(value): 52:54:00:00:00:01 is mapped to ring0; unuse it first"},
		{st.Component(3, "forward", "ring1,ring2", "null3"), "bad value(rx_ports): forward takes 1 rx port(s), got 2"},
		// An empty list makes an idle component (protocol.md 9.2); a missing one is refused.
		{`{"command":"component","core_id":"3","type":"merge","rx_ports":["ring1"]}`, "not enough parameter(tx_ports)"},
		{`{"command":"component","core_id":"3","type":"merge","tx_ports":["null3"]}`, "not enough parameter(rx_ports)"},
		{st.Component(3, "mirror", "ring1", "null3,null4"), `bad value(type): "mirror" is not a component type of spp_vf (forward, merge, classifier, none)`},
		{st.Component(3, "forward", "ring9", "null3"), "bad value(port): ring9: this process has ring0..ring3"},
		{st.Component(3, "forward", "ring:0x1", "null3"), `bad value(port): bad port number in "ring:0x1" (decimal 0..1023)`},
		{st.MAC("52:54:00:00:00:02", "null1"), "bad value(port): null1 is not a tx port of a classifier"},
		{`{"command":"component","type":"forward"}`, "not enough parameter(core_id)"},
		{`{"command":"component","core_id":true,"type":"forward"}`, "bad value type(core_id)"},
		{`{"command":"clear"}`, `bad value(command): unknown command "clear" for spp_vf`},
	}
	for _, c := range cases {
		r := vf.Send(st.Batch(good, c.cmd, st.Flush))
		want := `{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":` +
			jsonString(c.msg) + `}},{"result":"invalid"}]}`
		if r.Raw != want {
			t.Errorf("%s:\n got  %s\n want %s", c.cmd, r.Raw, want)
		}
		if after := status(); after != before {
			t.Fatalf("%s changed the status:\n%s\n%s", c.cmd, before, after)
		}
	}

	// Text commands, one per request.
	for _, c := range []struct{ line, msg string }{
		// component start puts a component next to others (protocol.md 9.1), not over one of the same name.
		{"component start forward3 2 forward", "bad value(name): forward3 is already the name of the component on core 3"},
		{"component stop nosuch", `bad value(name): no component is named "nosuch"`},
		{"port add ring2 rx forward3", "bad value(port): forward3 already has 1 rx port(s), the most a forward takes"},
		{"classifier_table add mac 52:54:00:00:00:02 ring:3", "bad value(port): ring3 is not a tx port of a classifier"},
		{"bogus", `bad value(command): unknown command "bogus"`},
	} {
		r := vf.Send(c.line)
		want := `{"results":[{"result":"error","error_details":{"message":` + jsonString(c.msg) + `}}]}`
		if r.Raw != want {
			t.Errorf("%s:\n got  %s\n want %s", c.line, r.Raw, want)
		}
		if after := status(); after != before {
			t.Fatalf("%s changed the status:\n%s\n%s", c.line, before, after)
		}
	}

	// Not JSON: bad message format, the connection is closed, spp_vf comes back.
	r := vf.Send(`{"commands":[` + good + `,{"command":"flush"}], nope}`)
	if !strings.HasPrefix(r.Raw, `{"results":[{"result":"error","error_details":{"message":"bad message format`) {
		t.Errorf("broken JSON: %s", r.Raw)
	}
	n.Reaccept(vf)
	if after := status(); after != before {
		t.Fatalf("the broken request changed the status:\n%s\n%s", before, after)
	}
	if !vf.Proc.Running() {
		t.Fatal("spp_vf exited")
	}
	vf.Exit()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
