package proto

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/port"
)

// roundTrip sends c through the decoder: one batch of one command.
func roundTrip(t *testing.T, c Command) Command {
	t.Helper()
	req, err := ParseBatch(EncodeBatch(c))
	if err != nil || len(req.Commands) != 1 {
		t.Fatalf("%s: %v", c.Raw, err)
	}
	d := req.Commands[0]
	if d.Name != c.Name || string(d.Raw) != string(c.Raw) || d.Err() != nil || d.FromText {
		t.Fatalf("decoded %q %s %v, built %q %s", d.Name, d.Raw, d.Err(), c.Name, c.Raw)
	}
	return d
}

// Every command of section 3 built, encoded and decoded: the decoder sees
// the name, and the field readers the values, that were built.
func TestBuildersRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		c    Command
		name string
	}{
		{Process(), CmdProcess}, {Status(), CmdStatus}, {Exit(), CmdExit},
		{Clear(), CmdClear}, {Flush(), CmdFlush}, {Cancel(), CmdCancel},
	} {
		d := roundTrip(t, tc.c)
		if d.Name != tc.name || string(d.Raw) != `{"command":"`+tc.name+`"}` {
			t.Errorf("%s: %q %s", tc.name, d.Name, d.Raw)
		}
	}

	ring := func(n int) PortSpec {
		return PortSpec{Port: port.Port{Kind: port.Ring, N: n}, VLAN: VLAN{Operation: VLANNone}}
	}
	nic := func(n int) PortSpec {
		return PortSpec{Port: port.Port{Kind: port.NIC, N: n}, VLAN: VLAN{Operation: VLANNone}}
	}
	tagged := func(p PortSpec, v VLAN) PortSpec { p.VLAN = v; return p }
	for _, tc := range []struct {
		a    ComponentArgs
		raw  string
		want ComponentCmd
	}{
		{ComponentArgs{CoreID: "4", Type: "merge", Name: "m", Rx: []string{"ring0", "ring:1"}, Tx: []string{"phy:0"}},
			`{"command":"component","core_id":"4","type":"merge","name":"m","rx_ports":["ring0","ring:1"],"tx_ports":["phy:0"]}`,
			ComponentCmd{CoreID: 4, Type: "merge", Name: "m", Rx: []PortSpec{ring(0), ring(1)}, Tx: []PortSpec{nic(0)}}},
		{ComponentArgs{CoreID: "2", Type: "none"}, `{"command":"component","core_id":"2","type":"none"}`,
			ComponentCmd{CoreID: 2, Type: "none"}},
		{ComponentArgs{CoreID: "3", Type: "classifier", Rx: []string{}, Tx: []string{}},
			`{"command":"component","core_id":"3","type":"classifier","rx_ports":[],"tx_ports":[]}`,
			ComponentCmd{CoreID: 3, Type: "classifier", Rx: []PortSpec{}, Tx: []PortSpec{}}},
		// Type none with a name needs no core.
		{ComponentArgs{Type: "none", Name: "fw1"}, `{"command":"component","type":"none","name":"fw1"}`,
			ComponentCmd{CoreID: -1, Type: "none", Name: "fw1"}},
		// Ports with a VLAN operation are objects, the others strings.
		{ComponentArgs{CoreID: "5", Type: "classifier", Name: "cls", Rx: []string{"nic0"}, Tx: []string{"ring0", "ring1", "ring2"},
			RxVLAN: []VLANArgs{{Op: "add", ID: "100", PCP: "0"}}, TxVLAN: []VLANArgs{{Op: "del"}, {Op: "none"}}},
			`{"command":"component","core_id":"5","type":"classifier","name":"cls",` +
				`"rx_ports":[{"port":"nic0","vlan":{"operation":"add","id":100,"pcp":0}}],` +
				`"tx_ports":[{"port":"ring0","vlan":{"operation":"del"}},"ring1","ring2"]}`,
			ComponentCmd{CoreID: 5, Type: "classifier", Name: "cls", Rx: []PortSpec{tagged(nic(0), VLAN{Operation: VLANAdd, ID: 100})},
				Tx: []PortSpec{tagged(ring(0), VLAN{Operation: VLANDel}), ring(1), ring(2)}}},
	} {
		d := roundTrip(t, Component(tc.a))
		if string(d.Raw) != tc.raw {
			t.Errorf("%+v: built %s, want %s", tc.a, d.Raw, tc.raw)
		}
		got, err := d.Component()
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: read back %+v %v, want %+v", tc.a, got, err, tc.want)
		}
	}
	// Values are the daemon's to judge: a bad core is sent as typed.
	if _, err := roundTrip(t, Component(ComponentArgs{CoreID: "x", Type: "forward"})).Component(); err == nil ||
		err.Error() != `bad value(core_id): "x" is not a core number` {
		t.Errorf("core x: %v", err)
	}

	for _, tc := range []struct {
		a    ClassifierArgs
		raw  string
		want ClassifierCmd
	}{
		{ClassifierArgs{Value: "52:54:00:AB:cd:56", Port: "ring:0"},
			`{"command":"classifier_table","type":"mac","value":"52:54:00:AB:cd:56","port":"ring:0"}`,
			ClassifierCmd{Action: "add", Type: "mac", Value: "52:54:00:ab:cd:56", MAC: 0x525400abcd56, Port: ring(0).Port}},
		{ClassifierArgs{Action: "del", Type: "mac", Value: "default", Port: "ring2"},
			`{"command":"classifier_table","action":"del","type":"mac","value":"default","port":"ring2"}`,
			ClassifierCmd{Action: "del", Type: "mac", Value: "default", Default: true, Port: ring(2).Port}},
		{ClassifierArgs{Value: "52:54:00:00:00:01", Port: "unuse"},
			`{"command":"classifier_table","type":"mac","value":"52:54:00:00:00:01","port":"unuse"}`,
			ClassifierCmd{Action: "add", Type: "mac", Value: "52:54:00:00:00:01", MAC: 0x525400000001, Unuse: true}},
		// protocol.md 9.4's example, byte for byte.
		{ClassifierArgs{Type: "vlan", VLAN: "100", Value: "52:54:00:00:00:01", Port: "ring0"},
			`{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"}`,
			ClassifierCmd{Action: "add", Type: "vlan", VLAN: 100, Value: "52:54:00:00:00:01", MAC: 0x525400000001, Port: ring(0).Port}},
		// A VLAN id that is not plain digits is sent as a string, as typed.
		{ClassifierArgs{Action: "del", Type: "vlan", VLAN: "0100", Value: "52:54:00:00:00:01", Port: "unuse"},
			`{"command":"classifier_table","action":"del","type":"vlan","vlan":"0100","value":"52:54:00:00:00:01","port":"unuse"}`,
			ClassifierCmd{Action: "del", Type: "vlan", VLAN: 100, Value: "52:54:00:00:00:01", MAC: 0x525400000001, Unuse: true}},
	} {
		d := roundTrip(t, ClassifierTable(tc.a))
		if string(d.Raw) != tc.raw {
			t.Errorf("%+v: built %s, want %s", tc.a, d.Raw, tc.raw)
		}
		got, err := d.Classifier()
		if err != nil || got != tc.want {
			t.Errorf("%+v: read back %+v %v, want %+v", tc.a, got, err, tc.want)
		}
	}
	if _, err := roundTrip(t, ClassifierTable(ClassifierArgs{Type: "vlan", VLAN: "x1", Value: "52:54:00:00:00:01", Port: "ring0"})).Classifier(); err == nil ||
		err.Error() != `bad value(vlan): "x1" is not a VLAN id (1..4094)` {
		t.Errorf("vlan x1: %v", err)
	}

	for _, tc := range []struct {
		a    PortArgs
		raw  string
		want PortCmd
	}{
		{PortArgs{Action: "add", Port: "ring:0", Dir: "rx", Name: "fw1"},
			`{"command":"port","action":"add","port":"ring:0","dir":"rx","name":"fw1"}`,
			PortCmd{Action: "add", Port: ring(0).Port, Dir: "rx", Name: "fw1", VLAN: VLAN{Operation: VLANNone}}},
		// protocol.md 9.3's example.
		{PortArgs{Action: "add", Port: "ring0", Dir: "tx", Name: "forward4", VLAN: VLANArgs{Op: "add", ID: "100", PCP: "0"}},
			`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"forward4","vlan":{"operation":"add","id":100,"pcp":0}}`,
			PortCmd{Action: "add", Port: ring(0).Port, Dir: "tx", Name: "forward4", VLAN: VLAN{Operation: VLANAdd, ID: 100}}},
		{PortArgs{Action: "add", Port: "nic0", Dir: "rx", Name: "cls", VLAN: VLANArgs{Op: "del"}},
			`{"command":"port","action":"add","port":"nic0","dir":"rx","name":"cls","vlan":{"operation":"del"}}`,
			PortCmd{Action: "add", Port: nic(0).Port, Dir: "rx", Name: "cls", VLAN: VLAN{Operation: VLANDel}}},
		{PortArgs{Action: "del", Port: "nic0", Dir: "rx", Name: "cls", VLAN: VLANArgs{Op: "none"}},
			`{"command":"port","action":"del","port":"nic0","dir":"rx","name":"cls"}`,
			PortCmd{Action: "del", Port: nic(0).Port, Dir: "rx", Name: "cls", VLAN: VLAN{Operation: VLANNone}}},
	} {
		d := roundTrip(t, Port(tc.a))
		if string(d.Raw) != tc.raw || d.Name != CmdPort {
			t.Errorf("%+v: built %q %s, want %s", tc.a, d.Name, d.Raw, tc.raw)
		}
		got, err := d.PortOp()
		if err != nil || got != tc.want {
			t.Errorf("%+v: read back %+v %v, want %+v", tc.a, got, err, tc.want)
		}
	}
}

// Seed 000's VM start batch, built with the builders, is byte for byte the
// batch the shell's tests and the seed write (core ids as strings, fields
// in the seed's order, type none without port lists).
func TestSeed000Bytes(t *testing.T) {
	comp := func(core, typ, rx, tx string) Command {
		a := ComponentArgs{CoreID: core, Type: typ}
		if typ != "none" {
			a.Rx, a.Tx = []string{rx}, []string{tx}
		}
		return Component(a)
	}
	mac := func(port string) Command {
		return ClassifierTable(ClassifierArgs{Value: "00:11:22:33:44:55", Port: port})
	}
	got := string(EncodeBatch(
		comp("2", "none", "", ""),
		comp("2", "classifier", "nic0", "ring0"),
		comp("4", "forward", "ring0", "vhost0"),
		mac("unuse"),
		mac("ring0"),
		comp("5", "forward", "vhost0", "ring1"),
		comp("3", "none", "", ""),
		comp("3", "merge", "ring1", "nic0"),
		Flush()))
	want := `{"commands":[` +
		`{"command":"component","core_id":"2","type":"none"},` +
		`{"command":"component","core_id":"2","type":"classifier","rx_ports":["nic0"],"tx_ports":["ring0"]},` +
		`{"command":"component","core_id":"4","type":"forward","rx_ports":["ring0"],"tx_ports":["vhost0"]},` +
		`{"command":"classifier_table","type":"mac","value":"00:11:22:33:44:55","port":"unuse"},` +
		`{"command":"classifier_table","type":"mac","value":"00:11:22:33:44:55","port":"ring0"},` +
		`{"command":"component","core_id":"5","type":"forward","rx_ports":["vhost0"],"tx_ports":["ring1"]},` +
		`{"command":"component","core_id":"3","type":"none"},` +
		`{"command":"component","core_id":"3","type":"merge","rx_ports":["ring1"],"tx_ports":["nic0"]},` +
		`{"command":"flush"}]}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	req, err := ParseBatch([]byte(got))
	if err != nil || len(req.Commands) != 9 {
		t.Fatalf("%v", err)
	}
	if s := string(EncodeBatch()); s != `{"commands":[]}` {
		t.Errorf("empty batch %s", s)
	}
}

// What was typed is sent: no HTML escaping in a built command, while a text
// translation keeps json.Marshal's escaping, as it always had.
func TestEscaping(t *testing.T) {
	odd := "<a&b>\u2028\"\\é"
	c := Component(ComponentArgs{CoreID: "1", Type: odd})
	if want := `{"command":"component","core_id":"1","type":"<a&b>\u2028\"\\é"}`; string(c.Raw) != want {
		t.Errorf("built %s, want %s", c.Raw, want)
	}
	var back map[string]string
	if err := json.Unmarshal(c.Raw, &back); err != nil || back["type"] != odd {
		t.Errorf("read back %q %v", back["type"], err)
	}
	tc := ParseText("classifier_table add mac " + odd + " ring0").Commands[0]
	marshalled, _ := json.Marshal(odd)
	want := `{"command":"classifier_table","type":"mac","value":` + string(marshalled) + `,"port":"ring0"}`
	if string(tc.Raw) != want {
		t.Errorf("text %s, want %s", tc.Raw, want)
	}
}

func TestValidClientID(t *testing.T) {
	for id, want := range map[int]bool{-1: false, 0: true, 1: true, MaxClientID: true, 128: false, 1 << 20: false} {
		if ValidClientID(id) != want {
			t.Errorf("ValidClientID(%d) = %v", id, !want)
		}
	}
}

// The fast path of plain strings writes what encoding/json writes: a
// command's bytes, and an error's quoting, are the same with or without it.
func TestPlainStringsAsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "ring0", "a b~", "<b>&", `q"uote`, `back\slash`, "tab\t", "\x7f", "é", "\u2028", "\xff"} {
		var o object
		o.value(s)
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if got, want := o.b.String(), strings.TrimSuffix(b.String(), "\n"); got != want {
			t.Errorf("value(%q) = %s, want %s", s, got, want)
		}
		want, _ := json.Marshal(s)
		if got := quote(s); got != string(want) {
			t.Errorf("quote(%q) = %s, want %s", s, got, want)
		}
		c := Command{Raw: []byte(`{"command":` + o.b.String() + `}`)}
		var h bytes.Buffer
		json.HTMLEscape(&h, c.Raw)
		if got := fromText(c).Raw; !bytes.Equal(got, h.Bytes()) {
			t.Errorf("fromText(%s) = %s, want %s", c.Raw, got, h.Bytes())
		}
	}
}
