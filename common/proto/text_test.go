package proto

import (
	"bytes"
	"reflect"
	"testing"
)

// Every text command and its translation; a bad one fails with its preset
// error, and a good one has no error and FromText set.
func TestParseText(t *testing.T) {
	const (
		clsUsage  = "bad message format: usage: classifier_table add|del mac MAC|default PORT | classifier_table add|del vlan VID MAC PORT"
		compUsage = "bad message format: usage: component start NAME CORE TYPE | component stop NAME"
		portUsage = "bad message format: usage: port add|del PORT rx|tx NAME [add_vlantag ID PCP | del_vlantag]"
	)
	for _, tc := range []struct {
		line, name, raw, err string
	}{
		{"_get_client_id", "process", `{"command":"process"}`, ""},
		{"status", "status", `{"command":"status"}`, ""},
		{"flush", "flush", `{"command":"flush"}`, ""},
		{"exit", "exit", `{"command":"exit"}`, ""},
		{"cancel", "cancel", `{"command":"cancel"}`, ""},
		{"process", "process", `{"command":"process"}`, ""},
		{"clear", "clear", `{"command":"clear"}`, ""},
		{"  status \r", "status", `{"command":"status"}`, ""},
		{"classifier_table add mac 52:54:00:12:34:56 ring:0", "classifier_table",
			`{"command":"classifier_table","type":"mac","value":"52:54:00:12:34:56","port":"ring:0"}`, ""},
		{"classifier_table del mac 52:54:00:12:34:56 ring0", "classifier_table",
			`{"command":"classifier_table","action":"del","type":"mac","value":"52:54:00:12:34:56","port":"ring0"}`, ""},
		{"classifier_table add mac default ring0", "classifier_table",
			`{"command":"classifier_table","type":"mac","value":"default","port":"ring0"}`, ""},
		{"classifier_table add default ring0", "classifier_table",
			`{"command":"classifier_table","type":"mac","value":"default","port":"ring0"}`, ""},
		{"classifier_table del default vhost:1", "classifier_table",
			`{"command":"classifier_table","action":"del","type":"mac","value":"default","port":"vhost:1"}`, ""},
		{"classifier_table mac 52:54:00:12:34:56 ring0", "classifier_table",
			`{"command":"classifier_table","type":"mac","value":"52:54:00:12:34:56","port":"ring0"}`, ""},
		// Values are passed as written; the field reader rejects them.
		{"classifier_table put mac 52:54:00:12:34:56 ring0", "classifier_table",
			`{"command":"classifier_table","action":"put","type":"mac","value":"52:54:00:12:34:56","port":"ring0"}`, ""},
		{"classifier_table add vlan 100 52:54:00:12:34:56 ring:0", "classifier_table",
			`{"command":"classifier_table","type":"vlan","vlan":100,"value":"52:54:00:12:34:56","port":"ring:0"}`, ""},
		{"classifier_table del vlan 4094 52:54:00:12:34:56 unuse", "classifier_table",
			`{"command":"classifier_table","action":"del","type":"vlan","vlan":4094,"value":"52:54:00:12:34:56","port":"unuse"}`, ""},
		{"classifier_table add vlan x 52:54:00:12:34:56 ring0", "classifier_table",
			`{"command":"classifier_table","type":"vlan","vlan":"x","value":"52:54:00:12:34:56","port":"ring0"}`, ""},
		{"component start fw1 2 forward", "component",
			`{"command":"component","core_id":"2","type":"forward","name":"fw1","rx_ports":[],"tx_ports":[]}`, ""},
		{"component stop fw1", "component", `{"command":"component","type":"none","name":"fw1"}`, ""},
		{"port add phy:0 rx fw1", "port", `{"command":"port","action":"add","port":"phy:0","dir":"rx","name":"fw1"}`, ""},
		{"port del vhost:1 tx fw1", "port", `{"command":"port","action":"del","port":"vhost:1","dir":"tx","name":"fw1"}`, ""},
		{"port\tadd  ring:3 tx   fw1", "port", `{"command":"port","action":"add","port":"ring:3","dir":"tx","name":"fw1"}`, ""},
		{"port add ring:3 tx fw1 add_vlantag 100 0", "port",
			`{"command":"port","action":"add","port":"ring:3","dir":"tx","name":"fw1","vlan":{"operation":"add","id":100,"pcp":0}}`, ""},
		{"port add ring:3 rx fw1 del_vlantag", "port",
			`{"command":"port","action":"add","port":"ring:3","dir":"rx","name":"fw1","vlan":{"operation":"del"}}`, ""},
		{"port add ring:3 tx fw1 add_vlantag 1x -1", "port",
			`{"command":"port","action":"add","port":"ring:3","dir":"tx","name":"fw1","vlan":{"operation":"add","id":"1x","pcp":"-1"}}`, ""},

		{"nope", "", `{"command":"nope"}`, `bad value(command): unknown command "nope"`},
		{"Status", "", `{"command":"Status"}`, `bad value(command): unknown command "Status"`},
		{"status now", "", `{"command":"status"}`, "bad message format: usage: status"},
		{"_get_client_id 1", "", `{"command":"_get_client_id"}`, "bad message format: usage: _get_client_id"},
		{"classifier_table add mac 52:54:00:12:34:56", "", `{"command":"classifier_table"}`, clsUsage},
		{"classifier_table add mac 52:54:00:12:34:56 ring0 x", "", `{"command":"classifier_table"}`, clsUsage},
		{"classifier_table add vlan 52:54:00:12:34:56 ring0", "", `{"command":"classifier_table"}`, clsUsage},
		{"component start fw1 2 none", "", `{"command":"component"}`,
			"bad value(type): component start needs a type that runs; use component stop to clear a core"},
		{"component start fw1", "", `{"command":"component"}`, compUsage},
		{"component stop", "", `{"command":"component"}`, compUsage},
		{"component", "", `{"command":"component"}`, compUsage},
		{"component go fw1 2 forward", "", `{"command":"component"}`, "bad value(action): component start|stop"},
		{"port add ring0 rx", "", `{"command":"port"}`, portUsage},
		{"port add ring0 rx fw1 add_vlantag 100", "", `{"command":"port"}`, portUsage},
		{"port add ring0 rx fw1 del_vlantag 100 0", "", `{"command":"port"}`, portUsage},
		{"port add ring0 rx fw1 vlan", "", `{"command":"port"}`, portUsage},
		{"", "", `{"command":""}`, "bad message format: empty command"},
	} {
		req := ParseText(tc.line)
		if len(req.Commands) != 1 {
			t.Fatalf("%q: %d commands", tc.line, len(req.Commands))
		}
		c := req.Commands[0]
		errText := ""
		if c.Err() != nil {
			errText = c.Err().Error()
		}
		if c.Name != tc.name || string(c.Raw) != tc.raw || errText != tc.err || !c.FromText {
			t.Errorf("%q:\n got %q %s err %q fromText %v\nwant %q %s err %q", tc.line, c.Name, c.Raw, errText, c.FromText, tc.name, tc.raw, tc.err)
		}
	}
}

// The text translations are read by the same field readers as JSON.
func TestTextThroughFieldReaders(t *testing.T) {
	cs, err := ParseText("component start fw1 2 forward").Commands[0].Component()
	if err != nil || !reflect.DeepEqual(cs, ComponentCmd{Name: "fw1", CoreID: 2, Type: "forward", Rx: []PortSpec{}, Tx: []PortSpec{}}) {
		t.Errorf("component start: %+v %v", cs, err)
	}
	cs, err = ParseText("component stop fw1").Commands[0].Component()
	if err != nil || !reflect.DeepEqual(cs, ComponentCmd{Name: "fw1", CoreID: -1, Type: "none"}) {
		t.Errorf("component stop: %+v %v", cs, err)
	}
	p, err := ParseText("port add phy:0 rx fw1").Commands[0].PortOp()
	if err != nil || p.Action != "add" || p.Port.String() != "nic0" || p.Dir != "rx" || p.Name != "fw1" || p.VLAN.Operation != VLANNone {
		t.Errorf("port: %+v %v", p, err)
	}
	p, err = ParseText("port add phy:0 tx fw1 add_vlantag 0100 7").Commands[0].PortOp()
	if err != nil || p.VLAN != (VLAN{Operation: VLANAdd, ID: 100, PCP: 7}) {
		t.Errorf("port add_vlantag: %+v %v", p, err)
	}
	cl, err := ParseText("classifier_table add vlan 20 52:54:00:AB:cd:56 ring:1").Commands[0].Classifier()
	if err != nil || cl.Type != EntryVLAN || cl.VLAN != 20 || cl.MAC != 0x525400abcd56 || cl.Port.String() != "ring1" {
		t.Errorf("classifier vlan: %+v %v", cl, err)
	}
	cl, err = ParseText("classifier_table del mac 52:54:00:AB:cd:56 vhost:1").Commands[0].Classifier()
	if err != nil || cl.Action != "del" || cl.Value != "52:54:00:ab:cd:56" || cl.Port.String() != "vhost1" {
		t.Errorf("classifier: %+v %v", cl, err)
	}
	for line, want := range map[string]string{
		"classifier_table put mac 52:54:00:12:34:56 ring0":       `bad value(action): add or del, not "put"`,
		"classifier_table add ip 52:54:00:12:34:56 ring0":        `bad value(type): mac or vlan, not "ip"`,
		"classifier_table add vlan 5000 52:54:00:12:34:56 ring0": `bad value(vlan): "5000" is not a VLAN id (1..4094)`,
		"classifier_table add vlan 1 default ring0":              `bad value(value): "default" is not a MAC address (aa:bb:cc:dd:ee:ff)`,
		"classifier_table add mac 52:54:00:12:34 ring0":          `bad value(value): "52:54:00:12:34" is not a MAC address (aa:bb:cc:dd:ee:ff) or default`,
		"classifier_table add mac default ring:0x1":              `bad value(port): bad port number in "ring:0x1" (decimal 0..1023)`,
	} {
		_, err := ParseText(line).Commands[0].Classifier()
		if err == nil || err.Error() != want {
			t.Errorf("%q: err %v, want %s", line, err, want)
		}
	}
	for line, want := range map[string]string{
		"port put ring0 rx fw1":                  `bad value(action): add or del, not "put"`,
		"port add ring0 up fw1":                  `bad value(dir): rx or tx, not "up"`,
		"port add ring-1 rx fw1":                 `bad value(port): bad port number in "ring-1" (decimal 0..1023)`,
		"port add ring1 rx fw1 add_vlantag 0 0":  `bad value(id): "0" is not a VLAN id (1..4094)`,
		"port add ring1 rx fw1 add_vlantag 1 8":  `bad value(pcp): "8" is not a priority (0..7)`,
		"port add ring1 rx fw1 add_vlantag 1 -1": `bad value(pcp): "-1" is not a priority (0..7)`,
	} {
		_, err := ParseText(line).Commands[0].PortOp()
		if err == nil || err.Error() != want {
			t.Errorf("%q: err %v, want %s", line, err, want)
		}
	}
	_, err = ParseText("component start fw1 x forward").Commands[0].Component()
	if err == nil || err.Error() != `bad value(core_id): "x" is not a core number` {
		t.Errorf("component start bad core: %v", err)
	}
}

// _get_client_id is answered with results and client_id only.
func TestShapeGetClientID(t *testing.T) {
	id := 3
	rep := SuccessReply(1)
	rep.ClientID, rep.ProcessType = &id, TypeVF
	var b bytes.Buffer
	if err := Encode(&b, ParseText("_get_client_id").Shape(rep)); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), `{"results":[{"result":"success"}],"client_id":3}`+"\n"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	// Other requests keep process_type.
	b.Reset()
	req, _ := ParseBatch([]byte(`{"commands":[{"command":"process"}]}`))
	Encode(&b, req.Shape(rep))
	if got, want := b.String(), `{"results":[{"result":"success"}],"client_id":3,"process_type":"vf"}`+"\n"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	b.Reset()
	Encode(&b, ParseText("process").Shape(rep))
	if got, want := b.String(), `{"results":[{"result":"success"}],"client_id":3,"process_type":"vf"}`+"\n"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}
