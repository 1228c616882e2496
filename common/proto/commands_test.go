package proto

import (
	"encoding/json"
	"reflect"
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

	ring := func(n int) port.Port { return port.Port{Kind: port.Ring, N: n} }
	nic := func(n int) port.Port { return port.Port{Kind: port.NIC, N: n} }
	for _, tc := range []struct {
		a    ComponentArgs
		want ComponentCmd
	}{
		{ComponentArgs{CoreID: "4", Type: "merge", Name: "m", Rx: []string{"ring0", "ring:1"}, Tx: []string{"phy:0"}},
			ComponentCmd{CoreID: 4, Type: "merge", Name: "m", Rx: []port.Port{ring(0), ring(1)}, Tx: []port.Port{nic(0)}, HasRx: true, HasTx: true}},
		{ComponentArgs{CoreID: "2", Type: "none"}, ComponentCmd{CoreID: 2, Type: "none"}},
		{ComponentArgs{CoreID: "3", Type: "classifier", Rx: []string{}, Tx: []string{}},
			ComponentCmd{CoreID: 3, Type: "classifier", Rx: []port.Port{}, Tx: []port.Port{}, HasRx: true, HasTx: true}},
	} {
		d := roundTrip(t, Component(tc.a))
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
		want ClassifierCmd
	}{
		{ClassifierArgs{Value: "52:54:00:AB:cd:56", Port: "ring:0"},
			ClassifierCmd{Action: "add", Value: "52:54:00:ab:cd:56", MAC: 0x525400abcd56, Port: ring(0)}},
		{ClassifierArgs{Action: "del", Type: "mac", Value: "default", Port: "ring2"},
			ClassifierCmd{Action: "del", Value: "default", Default: true, Port: ring(2)}},
		{ClassifierArgs{Value: "52:54:00:00:00:01", Port: "unuse"},
			ClassifierCmd{Action: "add", Value: "52:54:00:00:00:01", MAC: 0x525400000001, Unuse: true}},
	} {
		d := roundTrip(t, ClassifierTable(tc.a))
		got, err := d.Classifier()
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
