package proto

import (
	"encoding/json"
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
	CoreID int
	Type   string
	Name   string // "" when absent (the engine defaults it to TYPE followed by the core id)
	Rx, Tx []port.Port
	// HasRx and HasTx say whether rx_ports and tx_ports were present:
	// type none needs neither, the engine checks the counts.
	HasRx, HasTx bool
}

// Component reads a "component" command: core_id (a non-negative integer,
// as a string "4" or a number 4), type (a string), optional name (a string),
// optional rx_ports and tx_ports (arrays of port names).
func (c Command) Component() (ComponentCmd, error) {
	var out ComponentCmd
	f, err := c.fields()
	if err == nil {
		out.CoreID, err = f.coreID()
	}
	if err == nil {
		out.Type, _, err = f.str("type", true)
	}
	if err == nil {
		out.Name, _, err = f.str("name", false)
	}
	if err == nil {
		out.Rx, out.HasRx, err = f.ports("rx_ports")
	}
	if err == nil {
		out.Tx, out.HasTx, err = f.ports("tx_ports")
	}
	if err != nil {
		return ComponentCmd{}, err
	}
	return out, nil
}

// ClassifierCmd is a "classifier_table" command.
type ClassifierCmd struct {
	Action  string    // "add" (the default) or "del"
	Value   string    // "default", or the MAC in lower case: aa:bb:cc:dd:ee:ff
	MAC     uint64    // the MAC as a 48-bit number, first octet most significant; 0 for default
	Default bool      // value was "default"
	Unuse   bool      // port was "unuse"
	Port    port.Port // the port, when !Unuse
}

// Classifier reads a "classifier_table" command: optional action ("add",
// the default, or "del"), type ("mac"), value (a MAC: six pairs of hex
// digits separated by ':', any case; or "default"), port (a port or
// "unuse").
func (c Command) Classifier() (ClassifierCmd, error) {
	out := ClassifierCmd{Action: "add"}
	f, err := c.fields()
	var action, typ, value, p string
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
		typ, _, err = f.str("type", true)
	}
	if err == nil && typ != "mac" {
		err = ErrBadValue("type", "only mac, not "+quote(typ))
	}
	if err == nil {
		value, _, err = f.str("value", true)
	}
	if err == nil {
		if value == "default" {
			out.Value, out.Default = value, true
		} else if mac, ok := ParseMAC(value); ok {
			out.Value, out.MAC = FormatMAC(mac), mac
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

// PortCmd is the text-only "port" command (port add|del PORT rx|tx NAME).
type PortCmd struct {
	Action string // "add" or "del"
	Port   port.Port
	Dir    string // "rx" or "tx"
	Name   string // the component's name
}

// PortOp reads a "port" command: action, port, dir, name, all required.
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
	if err != nil {
		return PortCmd{}, err
	}
	return out, nil
}

// ComponentStartCmd is the text-only "component_start" command
// (component start NAME CORE TYPE).
type ComponentStartCmd struct {
	Name   string
	CoreID int
	Type   string
}

// ComponentStart reads a "component_start" command: name, core_id (as for
// Component), type, all required.
func (c Command) ComponentStart() (ComponentStartCmd, error) {
	var out ComponentStartCmd
	f, err := c.fields()
	if err == nil {
		out.Name, _, err = f.str("name", true)
	}
	if err == nil {
		out.CoreID, err = f.coreID()
	}
	if err == nil {
		out.Type, _, err = f.str("type", true)
	}
	if err != nil {
		return ComponentStartCmd{}, err
	}
	return out, nil
}

// ComponentStop reads a "component_stop" command (component stop NAME) and
// returns the name.
func (c Command) ComponentStop() (string, error) {
	f, err := c.fields()
	var name string
	if err == nil {
		name, _, err = f.str("name", true)
	}
	if err != nil {
		return "", err
	}
	return name, nil
}

// ParseMAC reads a MAC address written as six pairs of hex digits separated
// by ':' (any case) and returns it as a 48-bit number, first octet most
// significant.
func ParseMAC(s string) (uint64, bool) {
	if len(s) != 17 {
		return 0, false
	}
	var mac uint64
	for i := 0; i < 6; i++ {
		if i > 0 && s[3*i-1] != ':' {
			return 0, false
		}
		hi, ok1 := hexDigit(s[3*i])
		lo, ok2 := hexDigit(s[3*i+1])
		if !ok1 || !ok2 {
			return 0, false
		}
		mac = mac<<8 | uint64(hi<<4|lo)
	}
	return mac, true
}

// FormatMAC writes a 48-bit MAC as aa:bb:cc:dd:ee:ff.
func FormatMAC(mac uint64) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i := 5; i >= 0; i-- {
		o := byte(mac >> (8 * i))
		b = append(b, hex[o>>4], hex[o&15])
		if i > 0 {
			b = append(b, ':')
		}
	}
	return string(b)
}

func hexDigit(b byte) (byte, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
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
	raw, ok := f["core_id"]
	if !ok {
		return 0, ErrNotEnough("core_id")
	}
	var s string
	switch b := firstByte(raw); {
	case b == '"':
		if json.Unmarshal(raw, &s) != nil {
			return 0, ErrBadType("core_id")
		}
	case b == '-' || (b >= '0' && b <= '9'):
		s = strings.TrimSpace(string(raw))
	default:
		return 0, ErrBadType("core_id")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxCoreID || strings.TrimLeft(s, "0123456789") != "" {
		return 0, ErrBadValue("core_id", quote(s)+" is not a core number")
	}
	return n, nil
}

// ports reads an optional array of port names.
func (f fields) ports(name string) ([]port.Port, bool, *Error) {
	raw, ok := f[name]
	if !ok {
		return nil, false, nil
	}
	var elems []json.RawMessage
	if firstByte(raw) != '[' || json.Unmarshal(raw, &elems) != nil {
		return nil, true, ErrBadType(name)
	}
	ps := make([]port.Port, 0, len(elems))
	for _, e := range elems {
		var s string
		if firstByte(e) != '"' || json.Unmarshal(e, &s) != nil {
			return nil, true, ErrBadType(name)
		}
		p, err := parsePort(s)
		if err != nil {
			return nil, true, err
		}
		ps = append(ps, p)
	}
	return ps, true, nil
}
