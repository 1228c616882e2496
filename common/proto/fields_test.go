package proto

import (
	"reflect"
	"testing"

	"github.com/spp-go/spp/common/port"
)

func cmd(t *testing.T, raw string) Command {
	t.Helper()
	req, err := ParseBatch([]byte(`{"commands":[` + raw + `]}`))
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return req.Commands[0]
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestComponent(t *testing.T) {
	ring := func(n int) port.Port { return port.Port{Kind: port.Ring, N: n} }
	nic := func(n int) port.Port { return port.Port{Kind: port.NIC, N: n} }
	for _, tc := range []struct {
		raw  string
		want ComponentCmd
		err  string
	}{
		{`{"command":"component","core_id":"4","type":"forward","rx_ports":["nic0"],"tx_ports":["ring:1"]}`,
			ComponentCmd{CoreID: 4, Type: "forward", Rx: []port.Port{nic(0)}, Tx: []port.Port{ring(1)}, HasRx: true, HasTx: true}, ""},
		{`{"command":"component","core_id":4,"type":"merge","name":"m","rx_ports":["ring0","ring1"],"tx_ports":["phy:0"]}`,
			ComponentCmd{CoreID: 4, Type: "merge", Name: "m", Rx: []port.Port{ring(0), ring(1)}, Tx: []port.Port{nic(0)}, HasRx: true, HasTx: true}, ""},
		{`{"command":"component","core_id":0,"type":"none"}`, ComponentCmd{CoreID: 0, Type: "none"}, ""},
		{`{"command":"component","core_id":3,"type":"none","rx_ports":[],"tx_ports":[]}`,
			ComponentCmd{CoreID: 3, Type: "none", Rx: []port.Port{}, Tx: []port.Port{}, HasRx: true, HasTx: true}, ""},

		{`{"command":"component","type":"forward"}`, ComponentCmd{}, "not enough parameter(core_id)"},
		{`{"command":"component","core_id":true,"type":"forward"}`, ComponentCmd{}, "bad value type(core_id)"},
		{`{"command":"component","core_id":null,"type":"forward"}`, ComponentCmd{}, "bad value type(core_id)"},
		{`{"command":"component","core_id":[4],"type":"forward"}`, ComponentCmd{}, "bad value type(core_id)"},
		{`{"command":"component","core_id":-1,"type":"forward"}`, ComponentCmd{}, `bad value(core_id): "-1" is not a core number`},
		{`{"command":"component","core_id":4.5,"type":"forward"}`, ComponentCmd{}, `bad value(core_id): "4.5" is not a core number`},
		{`{"command":"component","core_id":1e2,"type":"forward"}`, ComponentCmd{}, `bad value(core_id): "1e2" is not a core number`},
		{`{"command":"component","core_id":"+4","type":"forward"}`, ComponentCmd{}, `bad value(core_id): "+4" is not a core number`},
		{`{"command":"component","core_id":"four","type":"forward"}`, ComponentCmd{}, `bad value(core_id): "four" is not a core number`},
		{`{"command":"component","core_id":"99999999999999999999","type":"forward"}`, ComponentCmd{}, `bad value(core_id): "99999999999999999999" is not a core number`},
		{`{"command":"component","core_id":4}`, ComponentCmd{}, "not enough parameter(type)"},
		{`{"command":"component","core_id":4,"type":1}`, ComponentCmd{}, "bad value type(type)"},
		{`{"command":"component","core_id":4,"type":"forward","name":7}`, ComponentCmd{}, "bad value type(name)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":"nic0"}`, ComponentCmd{}, "bad value type(rx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":null}`, ComponentCmd{}, "bad value type(rx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["nic0"],"tx_ports":[0]}`, ComponentCmd{}, "bad value type(tx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["eth0"]}`, ComponentCmd{},
			`bad value(port): unknown port "eth0" (nicN, ringN, vhostN, pcapN, nullN)`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["nic0"],"tx_ports":["ring:0x1"]}`, ComponentCmd{},
			`bad value(port): bad port number in "ring:0x1" (decimal 0..1023)`},
	} {
		got, err := cmd(t, tc.raw).Component()
		if errString(err) != tc.err || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v %q\nwant %+v %q", tc.raw, got, errString(err), tc.want, tc.err)
		}
		if _, ok := err.(*Error); err != nil && !ok {
			t.Errorf("%s: error %T is not a *Error", tc.raw, err)
		}
	}
}

func TestClassifier(t *testing.T) {
	ring0 := port.Port{Kind: port.Ring, N: 0}
	for _, tc := range []struct {
		raw  string
		want ClassifierCmd
		err  string
	}{
		{`{"command":"classifier_table","type":"mac","value":"52:54:00:AB:Cd:eF","port":"ring0"}`,
			ClassifierCmd{Action: "add", Value: "52:54:00:ab:cd:ef", MAC: 0x525400abcdef, Port: ring0}, ""},
		{`{"command":"classifier_table","action":"del","type":"mac","value":"default","port":"ring:0"}`,
			ClassifierCmd{Action: "del", Value: "default", Default: true, Port: ring0}, ""},
		{`{"command":"classifier_table","type":"mac","value":"ff:ff:ff:ff:ff:ff","port":"unuse"}`,
			ClassifierCmd{Action: "add", Value: "ff:ff:ff:ff:ff:ff", MAC: 0xffffffffffff, Unuse: true}, ""},

		{`{"command":"classifier_table","action":1,"type":"mac","value":"default","port":"ring0"}`, ClassifierCmd{}, "bad value type(action)"},
		{`{"command":"classifier_table","action":"set","type":"mac","value":"default","port":"ring0"}`, ClassifierCmd{}, `bad value(action): add or del, not "set"`},
		{`{"command":"classifier_table","value":"default","port":"ring0"}`, ClassifierCmd{}, "not enough parameter(type)"},
		{`{"command":"classifier_table","type":"vlan","value":"default","port":"ring0"}`, ClassifierCmd{}, `bad value(type): only mac, not "vlan"`},
		{`{"command":"classifier_table","type":"mac","port":"ring0"}`, ClassifierCmd{}, "not enough parameter(value)"},
		{`{"command":"classifier_table","type":"mac","value":52,"port":"ring0"}`, ClassifierCmd{}, "bad value type(value)"},
		{`{"command":"classifier_table","type":"mac","value":"52:54:00:12:34","port":"ring0"}`, ClassifierCmd{},
			`bad value(value): "52:54:00:12:34" is not a MAC address (aa:bb:cc:dd:ee:ff) or default`},
		{`{"command":"classifier_table","type":"mac","value":"52-54-00-12-34-56","port":"ring0"}`, ClassifierCmd{},
			`bad value(value): "52-54-00-12-34-56" is not a MAC address (aa:bb:cc:dd:ee:ff) or default`},
		{`{"command":"classifier_table","type":"mac","value":"52:54:00:12:34:5g","port":"ring0"}`, ClassifierCmd{},
			`bad value(value): "52:54:00:12:34:5g" is not a MAC address (aa:bb:cc:dd:ee:ff) or default`},
		{`{"command":"classifier_table","type":"mac","value":"Default","port":"ring0"}`, ClassifierCmd{},
			`bad value(value): "Default" is not a MAC address (aa:bb:cc:dd:ee:ff) or default`},
		{`{"command":"classifier_table","type":"mac","value":"default"}`, ClassifierCmd{}, "not enough parameter(port)"},
		{`{"command":"classifier_table","type":"mac","value":"default","port":["ring0"]}`, ClassifierCmd{}, "bad value type(port)"},
		{`{"command":"classifier_table","type":"mac","value":"default","port":"ring01"}`, ClassifierCmd{},
			`bad value(port): bad port number in "ring01" (decimal 0..1023)`},
	} {
		got, err := cmd(t, tc.raw).Classifier()
		if errString(err) != tc.err || got != tc.want {
			t.Errorf("%s:\n got %+v %q\nwant %+v %q", tc.raw, got, errString(err), tc.want, tc.err)
		}
	}
}

// The text-only readers, on commands as the translator builds them (the
// decoder would refuse them in JSON).
func TestTextOnlyReaders(t *testing.T) {
	mk := func(raw string) Command { return Command{Name: "x", Raw: []byte(raw), FromText: true} }
	if _, err := mk(`{"command":"port","port":"ring0","dir":"rx","name":"a"}`).PortOp(); errString(err) != "not enough parameter(action)" {
		t.Errorf("port: %v", err)
	}
	if _, err := mk(`{"command":"port","action":"add","dir":"rx","name":"a"}`).PortOp(); errString(err) != "not enough parameter(port)" {
		t.Errorf("port: %v", err)
	}
	if _, err := mk(`{"command":"port","action":"add","port":"ring0","name":"a"}`).PortOp(); errString(err) != "not enough parameter(dir)" {
		t.Errorf("port: %v", err)
	}
	if _, err := mk(`{"command":"port","action":"add","port":"ring0","dir":"tx"}`).PortOp(); errString(err) != "not enough parameter(name)" {
		t.Errorf("port: %v", err)
	}
	if _, err := mk(`{"command":"component_start","core_id":"1","type":"forward"}`).ComponentStart(); errString(err) != "not enough parameter(name)" {
		t.Errorf("component_start: %v", err)
	}
	if _, err := mk(`{"command":"component_start","name":"a","type":"forward"}`).ComponentStart(); errString(err) != "not enough parameter(core_id)" {
		t.Errorf("component_start: %v", err)
	}
	if _, err := mk(`{"command":"component_start","name":"a","core_id":"1"}`).ComponentStart(); errString(err) != "not enough parameter(type)" {
		t.Errorf("component_start: %v", err)
	}
	if _, err := mk(`{"command":"component_stop"}`).ComponentStop(); errString(err) != "not enough parameter(name)" {
		t.Errorf("component_stop: %v", err)
	}
	if _, err := mk(`[1]`).ComponentStop(); errString(err) != "bad message format: a command is not an object" {
		t.Errorf("not an object: %v", err)
	}
}

func TestMAC(t *testing.T) {
	for _, s := range []string{"00:00:00:00:00:00", "52:54:00:12:34:56", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01"} {
		m, ok := ParseMAC(s)
		if !ok || FormatMAC(m) != s {
			t.Errorf("%s: %x %v -> %s", s, m, ok, FormatMAC(m))
		}
	}
	if m, _ := ParseMAC("01:02:03:04:05:06"); m != 0x010203040506 {
		t.Errorf("first octet must be most significant: %x", m)
	}
	for _, s := range []string{"", "52:54:00:12:34:56:", "52:54:00:12:34:5", "52:54:00:12:34:566", "5:54:00:12:34:56a", " 52:54:00:12:34:5"} {
		if _, ok := ParseMAC(s); ok {
			t.Errorf("%q accepted", s)
		}
	}
}
