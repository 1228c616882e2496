package proto

import (
	"reflect"
	"strings"
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

// decodeCase is a command as sent and what its decoder gives: the
// fields, or the error's text.
type decodeCase[T any] struct {
	raw  string
	want T
	err  string
}

// checkFields runs decode on each case's raw command; every error must be
// a *Error (it carries the protocol's error code).
func checkFields[T any](t *testing.T, decode func(raw string) (T, error), cases []decodeCase[T]) {
	t.Helper()
	for _, tc := range cases {
		got, err := decode(tc.raw)
		if errString(err) != tc.err || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v %q\nwant %+v %q", tc.raw, got, errString(err), tc.want, tc.err)
		}
		if _, ok := err.(*Error); err != nil && !ok {
			t.Errorf("%s: error %T is not a *Error", tc.raw, err)
		}
	}
}

func spec(p port.Port) PortSpec { return PortSpec{Port: p, VLAN: VLAN{Operation: VLANNone}} }

func TestComponent(t *testing.T) {
	ring := func(n int) PortSpec { return spec(port.Port{Kind: port.Ring, N: n}) }
	nic := func(n int) PortSpec { return spec(port.Port{Kind: port.NIC, N: n}) }
	checkFields(t, func(raw string) (ComponentCmd, error) { return cmd(t, raw).Component() }, []decodeCase[ComponentCmd]{
		{`{"command":"component","core_id":"4","type":"forward","rx_ports":["nic0"],"tx_ports":["ring:1"]}`,
			ComponentCmd{CoreID: 4, Type: "forward", Rx: []PortSpec{nic(0)}, Tx: []PortSpec{ring(1)}}, ""},
		{`{"command":"component","core_id":4,"type":"merge","name":"m","rx_ports":["ring0","ring1"],"tx_ports":["phy:0"]}`,
			ComponentCmd{CoreID: 4, Type: "merge", Name: "m", Rx: []PortSpec{ring(0), ring(1)}, Tx: []PortSpec{nic(0)}}, ""},
		{`{"command":"component","core_id":0,"type":"none"}`, ComponentCmd{CoreID: 0, Type: "none"}, ""},
		{`{"command":"component","core_id":3,"type":"none","rx_ports":[],"tx_ports":[]}`,
			ComponentCmd{CoreID: 3, Type: "none", Rx: []PortSpec{}, Tx: []PortSpec{}}, ""},
		// protocol.md 9.2: empty lists are fine (an idle component).
		{`{"command":"component","core_id":3,"type":"forward","rx_ports":[],"tx_ports":[]}`,
			ComponentCmd{CoreID: 3, Type: "forward", Rx: []PortSpec{}, Tx: []PortSpec{}}, ""},
		// protocol.md 9.1: type none with a name needs no core_id.
		{`{"command":"component","type":"none","name":"fw1"}`, ComponentCmd{CoreID: -1, Type: "none", Name: "fw1"}, ""},
		{`{"command":"component","core_id":"2","type":"none","name":"fw1"}`, ComponentCmd{CoreID: 2, Type: "none", Name: "fw1"}, ""},
		// protocol.md 9.4: ports as objects.
		{`{"command":"component","core_id":2,"type":"forward","rx_ports":[{"port":"ring:0","vlan":{"operation":"add","id":"4094","pcp":7}}],` +
			`"tx_ports":[{"port":"nic0","vlan":{"operation":"del"}}]}`,
			ComponentCmd{CoreID: 2, Type: "forward",
				Rx: []PortSpec{{Port: ring(0).Port, VLAN: VLAN{Operation: VLANAdd, ID: 4094, PCP: 7}}},
				Tx: []PortSpec{{Port: nic(0).Port, VLAN: VLAN{Operation: VLANDel}}}}, ""},
		{`{"command":"component","core_id":2,"type":"merge","rx_ports":[{"port":"ring0"},{"port":"ring1","vlan":{"operation":"none"}},"ring2"],"tx_ports":["nic0"]}`,
			ComponentCmd{CoreID: 2, Type: "merge", Rx: []PortSpec{ring(0), ring(1), ring(2)}, Tx: []PortSpec{nic(0)}}, ""},

		{`{"command":"component","type":"forward"}`, ComponentCmd{}, "not enough parameter(core_id)"},
		{`{"command":"component","type":"none"}`, ComponentCmd{}, "not enough parameter(core_id)"},
		{`{"command":"component","type":"none","name":""}`, ComponentCmd{}, "not enough parameter(core_id)"},
		{`{"command":"component","type":"forward","name":"fw1"}`, ComponentCmd{}, "not enough parameter(core_id)"},
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
		// protocol.md 9.2: a missing list is not enough parameter.
		{`{"command":"component","core_id":4,"type":"forward"}`, ComponentCmd{}, "not enough parameter(rx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["nic0"]}`, ComponentCmd{}, "not enough parameter(tx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","tx_ports":["nic0"]}`, ComponentCmd{}, "not enough parameter(rx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":"nic0"}`, ComponentCmd{}, "bad value type(rx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":null}`, ComponentCmd{}, "bad value type(rx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["nic0"],"tx_ports":[0]}`, ComponentCmd{}, "bad value type(tx_ports)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["eth0"],"tx_ports":[]}`, ComponentCmd{},
			`bad value(port): unknown port "eth0" (nicN, ringN, vhostN, pcapN, nullN)`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":["nic0"],"tx_ports":["ring:0x1"]}`, ComponentCmd{},
			`bad value(port): bad port number in "ring:0x1" (decimal 0..1023)`},
		// Port objects: each field's error names it.
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[{"vlan":{"operation":"del"}}],"tx_ports":[]}`, ComponentCmd{},
			"not enough parameter(port)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[{"port":0}],"tx_ports":[]}`, ComponentCmd{}, "bad value type(port)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[{"port":"eth0"}],"tx_ports":[]}`, ComponentCmd{},
			`bad value(port): unknown port "eth0" (nicN, ringN, vhostN, pcapN, nullN)`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[{"port":"nic0","vlan":"del"}],"tx_ports":[]}`, ComponentCmd{},
			"bad value type(vlan)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[{"port":"nic0","vlan":{}}],"tx_ports":[]}`, ComponentCmd{},
			"not enough parameter(operation)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[{"port":"nic0","vlan":{"operation":"push"}}],"tx_ports":[]}`, ComponentCmd{},
			`bad value(operation): none or add or del, not "push"`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","pcp":0}}]}`, ComponentCmd{},
			"not enough parameter(id)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","id":4095,"pcp":0}}]}`, ComponentCmd{},
			`bad value(id): "4095" is not a VLAN id (1..4094)`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","id":0,"pcp":0}}]}`, ComponentCmd{},
			`bad value(id): "0" is not a VLAN id (1..4094)`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","id":true,"pcp":0}}]}`, ComponentCmd{},
			"bad value type(id)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","id":10}}]}`, ComponentCmd{},
			"not enough parameter(pcp)"},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","id":10,"pcp":8}}]}`, ComponentCmd{},
			`bad value(pcp): "8" is not a priority (0..7)`},
		{`{"command":"component","core_id":4,"type":"forward","rx_ports":[],"tx_ports":[{"port":"nic0","vlan":{"operation":"add","id":10,"pcp":"x"}}]}`, ComponentCmd{},
			`bad value(pcp): "x" is not a priority (0..7)`},
	})
}

func TestClassifier(t *testing.T) {
	ring0 := port.Port{Kind: port.Ring, N: 0}
	checkFields(t, func(raw string) (ClassifierCmd, error) { return cmd(t, raw).Classifier() }, []decodeCase[ClassifierCmd]{
		{`{"command":"classifier_table","type":"mac","value":"52:54:00:AB:Cd:eF","port":"ring0"}`,
			ClassifierCmd{Action: "add", Type: "mac", Value: "52:54:00:ab:cd:ef", MAC: 0x525400abcdef, Port: ring0}, ""},
		{`{"command":"classifier_table","action":"del","type":"mac","value":"default","port":"ring:0"}`,
			ClassifierCmd{Action: "del", Type: "mac", Value: "default", Default: true, Port: ring0}, ""},
		{`{"command":"classifier_table","type":"mac","value":"ff:ff:ff:ff:ff:ff","port":"unuse"}`,
			ClassifierCmd{Action: "add", Type: "mac", Value: "ff:ff:ff:ff:ff:ff", MAC: 0xffffffffffff, Unuse: true}, ""},
		// A vlan field on a mac entry is ignored.
		{`{"command":"classifier_table","type":"mac","vlan":"x","value":"default","port":"ring0"}`,
			ClassifierCmd{Action: "add", Type: "mac", Value: "default", Default: true, Port: ring0}, ""},
		// protocol.md 9.4: vlan entries.
		{`{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"}`,
			ClassifierCmd{Action: "add", Type: "vlan", VLAN: 100, Value: "52:54:00:00:00:01", MAC: 0x525400000001, Port: ring0}, ""},
		{`{"command":"classifier_table","action":"del","type":"vlan","vlan":"4094","value":"52:54:00:00:00:01","port":"unuse"}`,
			ClassifierCmd{Action: "del", Type: "vlan", VLAN: 4094, Value: "52:54:00:00:00:01", MAC: 0x525400000001, Unuse: true}, ""},

		{`{"command":"classifier_table","action":1,"type":"mac","value":"default","port":"ring0"}`, ClassifierCmd{}, "bad value type(action)"},
		{`{"command":"classifier_table","action":"set","type":"mac","value":"default","port":"ring0"}`, ClassifierCmd{}, `bad value(action): add or del, not "set"`},
		{`{"command":"classifier_table","value":"default","port":"ring0"}`, ClassifierCmd{}, "not enough parameter(type)"},
		{`{"command":"classifier_table","type":"ip","value":"default","port":"ring0"}`, ClassifierCmd{}, `bad value(type): mac or vlan, not "ip"`},
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
		{`{"command":"classifier_table","type":"vlan","value":"52:54:00:00:00:01","port":"ring0"}`, ClassifierCmd{}, "not enough parameter(vlan)"},
		{`{"command":"classifier_table","type":"vlan","vlan":null,"value":"52:54:00:00:00:01","port":"ring0"}`, ClassifierCmd{}, "bad value type(vlan)"},
		{`{"command":"classifier_table","type":"vlan","vlan":0,"value":"52:54:00:00:00:01","port":"ring0"}`, ClassifierCmd{},
			`bad value(vlan): "0" is not a VLAN id (1..4094)`},
		{`{"command":"classifier_table","type":"vlan","vlan":4095,"value":"52:54:00:00:00:01","port":"ring0"}`, ClassifierCmd{},
			`bad value(vlan): "4095" is not a VLAN id (1..4094)`},
		{`{"command":"classifier_table","type":"vlan","vlan":"1.5","value":"52:54:00:00:00:01","port":"ring0"}`, ClassifierCmd{},
			`bad value(vlan): "1.5" is not a VLAN id (1..4094)`},
		{`{"command":"classifier_table","type":"vlan","vlan":100,"value":"default","port":"ring0"}`, ClassifierCmd{},
			`bad value(value): "default" is not a MAC address (aa:bb:cc:dd:ee:ff)`},
		{`{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:00:00:01"}`, ClassifierCmd{}, "not enough parameter(port)"},
	})
}

// The port command (protocol.md 9.3): required fields in order, the vlan
// object optional.
func TestPortOp(t *testing.T) {
	ring0 := port.Port{Kind: port.Ring, N: 0}
	// Built by hand, not through ParseBatch: [1] reaches the decoder.
	checkFields(t, func(raw string) (PortCmd, error) { return Command{Name: CmdPort, Raw: []byte(raw)}.PortOp() }, []decodeCase[PortCmd]{
		{`{"command":"port","action":"add","port":"ring:0","dir":"rx","name":"a"}`,
			PortCmd{Action: "add", Port: ring0, Dir: "rx", Name: "a", VLAN: VLAN{Operation: VLANNone}}, ""},
		{`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"a","vlan":{"operation":"add","id":"7","pcp":"3"}}`,
			PortCmd{Action: "add", Port: ring0, Dir: "tx", Name: "a", VLAN: VLAN{Operation: VLANAdd, ID: 7, PCP: 3}}, ""},
		{`{"command":"port","action":"del","port":"ring0","dir":"tx","name":"a","vlan":{"operation":"del"}}`,
			PortCmd{Action: "del", Port: ring0, Dir: "tx", Name: "a", VLAN: VLAN{Operation: VLANDel}}, ""},

		{`{"command":"port","port":"ring0","dir":"rx","name":"a"}`, PortCmd{}, "not enough parameter(action)"},
		{`{"command":"port","action":"add","dir":"rx","name":"a"}`, PortCmd{}, "not enough parameter(port)"},
		{`{"command":"port","action":"add","port":"ring0","name":"a"}`, PortCmd{}, "not enough parameter(dir)"},
		{`{"command":"port","action":"add","port":"ring0","dir":"tx"}`, PortCmd{}, "not enough parameter(name)"},
		{`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"a","vlan":[]}`, PortCmd{}, "bad value type(vlan)"},
		{`{"command":"port","action":"add","port":"ring0","dir":"tx","name":"a","vlan":{"operation":"add","id":5000,"pcp":0}}`, PortCmd{},
			`bad value(id): "5000" is not a VLAN id (1..4094)`},
		{`[1]`, PortCmd{}, "bad message format: a command is not an object"},
	})
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

func TestPortSpecString(t *testing.T) {
	ring0 := port.Port{Kind: port.Ring, N: 0}
	for want, p := range map[string]PortSpec{
		"ring0":                   {Port: ring0},
		"ring0 ":                  {Port: ring0, VLAN: VLAN{Operation: VLANNone}},
		"ring0 add_vlantag 100 3": {Port: ring0, VLAN: VLAN{Operation: VLANAdd, ID: 100, PCP: 3}},
		"ring0 del_vlantag":       {Port: ring0, VLAN: VLAN{Operation: VLANDel}},
	} {
		if got := p.String(); got != strings.TrimSpace(want) {
			t.Errorf("%+v: %q, want %q", p, got, want)
		}
	}
}
