package proto

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/port"
)

// Typed readers of a command's fields. Each checks the fields it reads, in
// a fixed order, and returns a *Error naming the first field at fault:
// "not enough parameter(FIELD)" (missing), "bad value type(FIELD)" (wrong
// JSON type; null is a wrong type), "bad value(FIELD)" (value rejected).
// A rejected port is always "bad value(port): <detail>", whichever list it
// came from. Checks that need the daemon's state (lcores, component types,
// port counts) are the engine's.

// ComponentCmd is a "component" command.
type ComponentCmd struct {
	CoreID int // -1 when absent, which only type none with a name may be
	Type   string
	Name   string // "" when absent (the engine defaults it to TYPE followed by the core id)
	// Rx and Tx are rx_ports and tx_ports; nil when absent, which only
	// type none may be.
	Rx, Tx []PortSpec
}

// PortSpec is a port of a component command and its VLAN operation: an
// entry "ring0" (no operation) or {"port":"ring0","vlan":{..}}.
type PortSpec struct {
	Port port.Port
	VLAN VLAN // Operation is VLANNone, VLANAdd (ID and PCP set) or VLANDel
}

// String is the port as a text command writes it: "ring0", "ring0
// add_vlantag 100 0" or "ring0 del_vlantag".
func (p PortSpec) String() string {
	switch p.VLAN.Operation {
	case VLANAdd:
		return fmt.Sprintf("%s add_vlantag %d %d", p.Port, p.VLAN.ID, p.VLAN.PCP)
	case VLANDel:
		return p.Port.String() + " del_vlantag"
	}
	return p.Port.String()
}

// Component reads a "component" command: core_id (a non-negative integer,
// as a string "4" or a number 4; absent only for type none with a name),
// type (a string), optional name (a string), rx_ports and tx_ports (arrays
// of ports, each a port name or {"port":..,"vlan":{..}}; absent only for
// type none).
func (c Command) Component() (ComponentCmd, error) {
	out := ComponentCmd{CoreID: -1}
	f, err := c.fields()
	if err == nil {
		if _, has := f["core_id"]; has || !f.noneByName() {
			out.CoreID, err = f.coreID()
		}
	}
	if err == nil {
		out.Type, _, err = f.str("type", true)
	}
	if err == nil {
		out.Name, _, err = f.str("name", false)
	}
	if err == nil {
		out.Rx, err = f.ports("rx_ports", out.Type != "none")
	}
	if err == nil {
		out.Tx, err = f.ports("tx_ports", out.Type != "none")
	}
	if err != nil {
		return ComponentCmd{}, err
	}
	return out, nil
}

// noneByName says whether the command is type none with a name: it removes
// that component wherever it is, so it needs no core_id.
func (f fields) noneByName() bool {
	typ, _, err1 := f.str("type", false)
	name, _, err2 := f.str("name", false)
	return err1 == nil && err2 == nil && typ == "none" && name != ""
}

// ClassifierCmd is a "classifier_table" command.
type ClassifierCmd struct {
	Action  string    // "add" (the default) or "del"
	Type    string    // EntryMAC or EntryVLAN
	VLAN    int       // the VLAN id (1..4094) of a vlan entry; 0 for mac
	Value   string    // "default", or the MAC in lower case: aa:bb:cc:dd:ee:ff
	MAC     uint64    // the MAC as a 48-bit number, first octet most significant; 0 for default
	Default bool      // value was "default" (mac entries only)
	Unuse   bool      // port was "unuse"
	Port    port.Port // the port, when !Unuse
}

// Classifier reads a "classifier_table" command: optional action ("add",
// the default, or "del"), type ("mac" or "vlan"), vlan (type vlan only: a
// VLAN id 1..4094, as a number or a string of digits), value (a MAC: six
// pairs of hex digits separated by ':', any case; or "default", for type
// mac only), port (a port or "unuse").
func (c Command) Classifier() (ClassifierCmd, error) {
	out := ClassifierCmd{Action: "add"}
	f, err := c.fields()
	var action, value, p string
	var has bool
	if err == nil {
		action, has, err = f.str("action", false)
	}
	if err == nil && has {
		if action != "add" && action != "del" {
			err = ErrBadValue("action", "add or del, not "+quote(action))
		}
		out.Action = action
	}
	if err == nil {
		out.Type, err = f.oneOf("type", EntryMAC, EntryVLAN)
	}
	if err == nil && out.Type == EntryVLAN {
		out.VLAN, err = f.vlanID("vlan", true)
	}
	if err == nil {
		value, _, err = f.str("value", true)
	}
	if err == nil {
		if value == "default" && out.Type == EntryMAC {
			out.Value, out.Default = value, true
		} else if mac, ok := ParseMAC(value); ok {
			out.Value, out.MAC = FormatMAC(mac), mac
		} else if out.Type == EntryVLAN {
			err = ErrBadValue("value", quote(value)+" is not a MAC address (aa:bb:cc:dd:ee:ff)")
		} else {
			err = ErrBadValue("value", quote(value)+" is not a MAC address (aa:bb:cc:dd:ee:ff) or default")
		}
	}
	if err == nil {
		p, _, err = f.str("port", true)
	}
	if err == nil {
		if p == "unuse" {
			out.Unuse = true
		} else {
			out.Port, err = parsePort(p)
		}
	}
	if err != nil {
		return ClassifierCmd{}, err
	}
	return out, nil
}

// PortCmd is a "port" command (protocol.md 9.3).
type PortCmd struct {
	Action string // "add" or "del"
	Port   port.Port
	Dir    string // "rx" or "tx"
	Name   string // the component's name
	VLAN   VLAN   // the port's VLAN operation (add only; none when absent)
}

// PortOp reads a "port" command: action, port, dir, name, all required,
// and an optional vlan object (see VLAN).
func (c Command) PortOp() (PortCmd, error) {
	var out PortCmd
	var p string
	f, err := c.fields()
	if err == nil {
		out.Action, err = f.oneOf("action", "add", "del")
	}
	if err == nil {
		p, _, err = f.str("port", true)
	}
	if err == nil {
		out.Port, err = parsePort(p)
	}
	if err == nil {
		out.Dir, err = f.oneOf("dir", "rx", "tx")
	}
	if err == nil {
		out.Name, _, err = f.str("name", true)
	}
	if err == nil {
		out.VLAN, err = f.vlan("vlan")
	}
	if err != nil {
		return PortCmd{}, err
	}
	return out, nil
}

func parsePort(s string) (port.Port, *Error) {
	p, err := port.Parse(s)
	if err != nil {
		return port.Port{}, ErrBadValue("port", err.Error())
	}
	return p, nil
}

// fields is a command object, field by field.
type fields map[string]json.RawMessage

func (c Command) fields() (fields, *Error) {
	var f fields
	if firstByte(c.Raw) != '{' || json.Unmarshal(c.Raw, &f) != nil {
		return nil, ErrBadFormat("a command is not an object")
	}
	return f, nil
}

// str reads a string field; has says whether it was present.
func (f fields) str(name string, required bool) (s string, has bool, err *Error) {
	raw, ok := f[name]
	if !ok {
		if required {
			return "", false, ErrNotEnough(name)
		}
		return "", false, nil
	}
	if firstByte(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		return "", true, ErrBadType(name)
	}
	return s, true, nil
}

// oneOf reads a required string field that must be one of the choices.
func (f fields) oneOf(name string, choices ...string) (string, *Error) {
	s, _, err := f.str(name, true)
	if err != nil {
		return "", err
	}
	for _, c := range choices {
		if s == c {
			return s, nil
		}
	}
	return "", ErrBadValue(name, strings.Join(choices, " or ")+", not "+quote(s))
}

// maxCoreID bounds core_id before the engine checks it against the lcores;
// it only keeps the number well inside an int.
const maxCoreID = 1<<20 - 1

// coreID reads core_id: a string of decimal digits or a JSON number that is
// a non-negative integer.
func (f fields) coreID() (int, *Error) {
	n, s, has, err := f.uint("core_id")
	switch {
	case err != nil:
		return 0, err
	case !has:
		return 0, ErrNotEnough("core_id")
	case n < 0 || n > maxCoreID:
		return 0, ErrBadValue("core_id", quote(s)+" is not a core number")
	}
	return n, nil
}

// vlanID reads a VLAN id, 1..4094, written as core_id is.
func (f fields) vlanID(name string, required bool) (int, *Error) {
	n, s, has, err := f.uint(name)
	switch {
	case err != nil:
		return 0, err
	case !has && required:
		return 0, ErrNotEnough(name)
	case has && (n < 1 || n > 4094):
		return 0, ErrBadValue(name, quote(s)+" is not a VLAN id (1..4094)")
	}
	return n, nil
}

// uint reads a field holding a non-negative decimal integer, written as a
// JSON number or as a string of digits. n is -1 when the text s is not
// one; callers word that bad value.
func (f fields) uint(name string) (n int, s string, has bool, err *Error) {
	raw, ok := f[name]
	if !ok {
		return 0, "", false, nil
	}
	switch b := firstByte(raw); {
	case b == '"':
		if json.Unmarshal(raw, &s) != nil {
			return 0, "", true, ErrBadType(name)
		}
	case b == '-' || (b >= '0' && b <= '9'):
		s = strings.TrimSpace(string(raw))
	default:
		return 0, "", true, ErrBadType(name)
	}
	n, aerr := strconv.Atoi(s)
	if aerr != nil || n < 0 || strings.TrimLeft(s, "0123456789") != "" {
		n = -1
	}
	return n, s, true, nil
}

// object reads a field holding an object; has says whether it was present.
func (f fields) object(name string) (fields, bool, *Error) {
	raw, ok := f[name]
	if !ok {
		return nil, false, nil
	}
	var g fields
	if firstByte(raw) != '{' || json.Unmarshal(raw, &g) != nil {
		return nil, true, ErrBadType(name)
	}
	return g, true, nil
}

// vlan reads an optional VLAN operation object: {"operation":"none"},
// {"operation":"del"} or {"operation":"add","id":1..4094,"pcp":0..7}. Its
// fields' errors name them: operation, id, pcp. Absent: none.
func (f fields) vlan(name string) (VLAN, *Error) {
	g, has, err := f.object(name)
	if err != nil || !has {
		return VLAN{Operation: VLANNone}, err
	}
	op, err := g.oneOf("operation", VLANNone, VLANAdd, VLANDel)
	if err != nil {
		return VLAN{}, err
	}
	if op != VLANAdd {
		return VLAN{Operation: op}, nil
	}
	id, err := g.vlanID("id", true)
	if err != nil {
		return VLAN{}, err
	}
	pcp, s, has, err := g.uint("pcp")
	switch {
	case err != nil:
		return VLAN{}, err
	case !has:
		return VLAN{}, ErrNotEnough("pcp")
	case pcp < 0 || pcp > 7:
		return VLAN{}, ErrBadValue("pcp", quote(s)+" is not a priority (0..7)")
	}
	return VLAN{Operation: VLANAdd, ID: id, PCP: pcp}, nil
}

// ports reads an array of ports, each a port name or an object
// {"port":NAME,"vlan":{..}} (vlan optional). A missing array is nil, and
// an error when required.
func (f fields) ports(name string, required bool) ([]PortSpec, *Error) {
	raw, ok := f[name]
	if !ok {
		if required {
			return nil, ErrNotEnough(name)
		}
		return nil, nil
	}
	var elems []json.RawMessage
	if firstByte(raw) != '[' || json.Unmarshal(raw, &elems) != nil {
		return nil, ErrBadType(name)
	}
	ps := make([]PortSpec, 0, len(elems))
	for _, e := range elems {
		var s string
		spec := PortSpec{VLAN: VLAN{Operation: VLANNone}}
		switch firstByte(e) {
		case '"':
			if json.Unmarshal(e, &s) != nil {
				return nil, ErrBadType(name)
			}
		case '{':
			g := fields{}
			if json.Unmarshal(e, &g) != nil {
				return nil, ErrBadType(name)
			}
			var err *Error
			if s, _, err = g.str("port", true); err != nil {
				return nil, err
			}
			if spec.VLAN, err = g.vlan("vlan"); err != nil {
				return nil, err
			}
		default:
			return nil, ErrBadType(name)
		}
		p, err := parsePort(s)
		if err != nil {
			return nil, err
		}
		spec.Port = p
		ps = append(ps, spec)
	}
	return ps, nil
}
