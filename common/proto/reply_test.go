package proto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func encode(t *testing.T, r Reply) string {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The bytes of protocol.md's examples, exactly.
func TestReplyBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Reply
		want string
	}{
		{"success", SuccessReply(2), `{"results":[{"result":"success"},{"result":"success"}]}`},
		{"fail", FailReply(3, 1, ErrBadValue("core_id", "core 9 is not a worker lcore of this process")),
			`{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":"bad value(core_id): core 9 is not a worker lcore of this process"}},{"result":"invalid"}]}`},
		{"bad format", BadFormatReply(),
			`{"results":[{"result":"error","error_details":{"message":"bad message format"}}]}`},
		{"empty batch", SuccessReply(0), `{"results":[]}`},
		{"zero reply", Reply{}, `{"results":[]}`},
		{"fail first", FailReply(2, 0, ErrNotEnough("type")),
			`{"results":[{"result":"error","error_details":{"message":"not enough parameter(type)"}},{"result":"invalid"}]}`},
		{"fail last, wrapped", FailReply(2, 1, fmt.Errorf("staging: %w", ErrBadType("core_id"))),
			`{"results":[{"result":"cancelled"},{"result":"error","error_details":{"message":"bad value type(core_id)"}}]}`},
		{"other error", FailReply(1, 0, errors.New("lcore 3 did not answer in 1s")),
			`{"results":[{"result":"error","error_details":{"message":"error occur: lcore 3 did not answer in 1s"}}]}`},
		{"no html escaping", FailReply(1, 0, ErrBadValue("port", `unknown port "<a&b>"`)),
			`{"results":[{"result":"error","error_details":{"message":"bad value(port): unknown port \"<a&b>\""}}]}`},
	} {
		if got := encode(t, tc.r); got != tc.want+"\n" {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// Keys after results: client_id, process_type, info, in that order.
func TestReplyKeys(t *testing.T) {
	id := 1
	r := SuccessReply(1)
	r.ClientID, r.ProcessType = &id, TypeVF
	r.Info = &SecondaryInfo{ClientID: 1, ProcessType: TypeVF, MainLcore: 1,
		Ports: []PortStatus{{Port: "ring0"}},
		Core:  []CoreStatus{{Core: 2, Type: CoreUnuse}}}
	want := `{"results":[{"result":"success"}],"client_id":1,"process_type":"vf","info":{"client_id":1,"process_type":"vf","main_lcore":1,"staged":false,` +
		`"ports":[{"port":"ring0","rx":0,"tx":0,"rx_drop":0,"tx_drop":0}],"core":[{"core":2,"type":"unuse"}]}}` + "\n"
	if got := encode(t, r); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

type shortWriter struct{ writes int }

func (w *shortWriter) Write(p []byte) (int, error) { w.writes++; return len(p), nil }

// One reply is one Write, so replies of concurrent writers never interleave
// and a reply is never half sent by us.
func TestEncodeOneWrite(t *testing.T) {
	var w shortWriter
	Encode(&w, FailReply(200, 100, errors.New("x")))
	if w.writes != 1 {
		t.Errorf("%d writes", w.writes)
	}
}

func TestSecondaryInfoClassifierTable(t *testing.T) {
	vf, _ := json.Marshal(SecondaryInfo{ProcessType: TypeVF, ClassifierTable: []ClassifierEntry{}})
	if !strings.Contains(string(vf), `"classifier_table":[]`) {
		t.Errorf("spp_vf with an empty table: %s, want classifier_table:[]", vf)
	}
	mirror, _ := json.Marshal(SecondaryInfo{ProcessType: TypeMirror})
	if strings.Contains(string(mirror), "classifier_table") {
		t.Errorf("spp_mirror: %s, want no classifier_table", mirror)
	}
}

// Status version 2 (protocol.md 9.4, 9.5): the example of 9.5 byte for
// byte, an idle component, an lcore with none, VLAN operations and a vlan
// classifier entry; and the shapes read back as they were.
func TestStatusV2Bytes(t *testing.T) {
	in := SecondaryInfo{ProcessType: TypeVF, Ports: []PortStatus{},
		Core: []CoreStatus{
			{Core: 2, Name: "cls", Type: "classifier", State: StateRunning,
				RxPort: []PortRef{{Port: "nic0", VLAN: VLAN{Operation: VLANNone}}},
				TxPort: []PortRef{{Port: "ring0", VLAN: VLAN{Operation: VLANDel}}}, Packets: 120},
			{Core: 2, Name: "fw", Type: "forward", State: StateIdle,
				RxPort: []PortRef{{Port: "ring1", VLAN: VLAN{Operation: VLANAdd, ID: 100}}}},
			{Core: 3, Type: CoreUnuse},
		},
		ClassifierTable: []ClassifierEntry{{Type: EntryMAC, Value: "default", Port: "ring0"},
			{Type: EntryVLAN, VLAN: 100, Value: "52:54:00:00:00:01", Port: "ring0"}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `"core":[{"core":2,"name":"cls","type":"classifier","state":"running",` +
		`"rx_port":[{"port":"nic0","vlan":{"operation":"none"}}],` +
		`"tx_port":[{"port":"ring0","vlan":{"operation":"del"}}],` +
		`"packets":120,"drops":0},` +
		`{"core":2,"name":"fw","type":"forward","state":"idle","rx_port":[{"port":"ring1","vlan":{"operation":"add","id":100,"pcp":0}}],"tx_port":[],"packets":0,"drops":0},` +
		`{"core":3,"type":"unuse"}],` +
		`"classifier_table":[{"type":"mac","value":"default","port":"ring0"},{"type":"vlan","vlan":100,"value":"52:54:00:00:00:01","port":"ring0"}]}`
	if !strings.HasSuffix(string(b), want) {
		t.Errorf("got  %s\nwant ...%s", b, want)
	}
	var back SecondaryInfo
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Core[1].RxPort[0].VLAN != (VLAN{Operation: VLANAdd, ID: 100}) || back.Core[0].TxPort[0].VLAN.Operation != VLANDel ||
		back.ClassifierTable[1] != in.ClassifierTable[1] || back.Core[1].State != StateIdle {
		t.Errorf("read back %+v", back)
	}
	// A zero VLAN is none.
	if b, _ := json.Marshal(VLAN{}); string(b) != `{"operation":"none"}` {
		t.Errorf("zero VLAN: %s", b)
	}
}
