package proto

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The commands of protocol.md section 3: their names, the limits of a
// request, and one builder per command. Every batch a client sends (the
// shell, node and daemon config files, the bench, the test kits) is built
// here, so that a command's wire form is written in one place. The typed
// readers of fields.go are the other direction.

// Command names, as the "command" field says them.
const (
	CmdProcess         = "process"          // every daemon: client_id and process_type
	CmdStatus          = "status"           // every daemon: info
	CmdExit            = "exit"             // every daemon
	CmdClear           = "clear"            // spp_primary: zero the counters
	CmdComponent       = "component"        // spp_vf, spp_mirror
	CmdClassifierTable = "classifier_table" // spp_vf
	CmdFlush           = "flush"            // spp_vf, spp_mirror: commit what is staged
	CmdCancel          = "cancel"           // spp_vf, spp_mirror: drop what is staged
	CmdPort            = "port"             // spp_vf, spp_mirror: one port of a named component
)

// Limits of the protocol (sections 1 and 2).
const (
	MaxRequestBytes = 1 << 20 // a larger request is bad message format
	MaxCommands     = 256     // commands in one batch
	MaxClientID     = 127     // client ids are 0..MaxClientID
	// MaxPorts bounds the rx and tx lists of one component (merge rx,
	// classifier tx). The data plane sizes its per-component arrays with it.
	MaxPorts = 64
)

// ValidClientID says whether id is a client id (0..MaxClientID). Callers
// word their own error: a flag, a config key, a reply each name it their way.
func ValidClientID(id int) bool { return id >= 0 && id <= MaxClientID }

// Process asks a daemon who it is: the reply adds client_id and process_type.
func Process() Command { return bare(CmdProcess) }

// Status asks for a daemon's status: the reply adds info.
func Status() Command { return bare(CmdStatus) }

// Exit stops a daemon cleanly, after its reply.
func Exit() Command { return bare(CmdExit) }

// Clear zeroes spp_primary's port and ring counters.
func Clear() Command { return bare(CmdClear) }

// Flush commits what a secondary has staged.
func Flush() Command { return bare(CmdFlush) }

// Cancel throws away what a secondary staged since its last flush.
func Cancel() Command { return bare(CmdCancel) }

func bare(name string) Command {
	var o object
	o.str("command", name)
	return o.command(name)
}

// ComponentArgs are the fields of a "component" command, as strings: values
// are the daemon's to judge (one authority, one error message), so a shell
// sends what was typed.
type ComponentArgs struct {
	CoreID string   // "2": sent as a JSON string, as seed 000 writes it; left out when "" (type none with a Name)
	Type   string   // forward, merge, classifier, mirror, none
	Name   string   // left out when ""
	Rx, Tx []string // rx_ports, tx_ports; left out when nil (type none needs neither), [] when empty
	// RxVLAN[i] and TxVLAN[i], when present and not none, are the VLAN
	// operations of Rx[i] and Tx[i]: such a port is written as an object
	// {"port":..,"vlan":{..}}, any other as a string.
	RxVLAN, TxVLAN []VLANArgs
}

// VLANArgs is a VLAN operation as typed: Op "add" with ID and PCP, or
// "del"; "" or "none" is no operation. ID and PCP are written as JSON
// numbers when they are decimal digits, as strings otherwise (the daemon
// judges them).
type VLANArgs struct{ Op, ID, PCP string }

func (v VLANArgs) none() bool { return v.Op == "" || v.Op == VLANNone }

// Component builds {"command":"component",["core_id":..,]"type":..,["name":..,]
// "rx_ports":[..],"tx_ports":[..]}. Command.Component reads it back.
func Component(a ComponentArgs) Command {
	var o object
	o.str("command", CmdComponent)
	o.strOpt("core_id", a.CoreID)
	o.str("type", a.Type)
	o.strOpt("name", a.Name)
	if a.Rx != nil {
		o.ports("rx_ports", a.Rx, a.RxVLAN)
	}
	if a.Tx != nil {
		o.ports("tx_ports", a.Tx, a.TxVLAN)
	}
	return o.command(CmdComponent)
}

// PortArgs are the fields of a "port" command (protocol.md 9.3).
type PortArgs struct {
	Action string   // add or del
	Port   string   // the port
	Dir    string   // rx or tx
	Name   string   // the component's name
	VLAN   VLANArgs // left out when none
}

// Port builds {"command":"port","action":..,"port":..,"dir":..,"name":..
// [,"vlan":{"operation":..[,"id":..,"pcp":..]}]}. Command.PortOp reads it
// back.
func Port(a PortArgs) Command {
	var o object
	o.str("command", CmdPort)
	o.str("action", a.Action)
	o.str("port", a.Port)
	o.str("dir", a.Dir)
	o.str("name", a.Name)
	if !a.VLAN.none() {
		o.key("vlan")
		o.vlan(a.VLAN)
	}
	return o.command(CmdPort)
}

// ClassifierArgs are the fields of a "classifier_table" command.
type ClassifierArgs struct {
	Action string // "del", or "" for add (the field is then left out)
	Type   string // "" for "mac"; "vlan" for a vlan entry
	VLAN   string // the VLAN id of a vlan entry; left out when ""; a number when decimal digits
	Value  string // a MAC or "default"
	Port   string // a port or "unuse"
}

// ClassifierTable builds {"command":"classifier_table",["action":..,]
// "type":"mac"|"vlan",["vlan":..,]"value":..,"port":..}.
// Command.Classifier reads it back.
func ClassifierTable(a ClassifierArgs) Command {
	if a.Type == "" {
		a.Type = EntryMAC
	}
	var o object
	o.str("command", CmdClassifierTable)
	o.strOpt("action", a.Action)
	o.str("type", a.Type)
	if a.VLAN != "" {
		o.num("vlan", a.VLAN)
	}
	o.str("value", a.Value)
	o.str("port", a.Port)
	return o.command(CmdClassifierTable)
}

// EncodeBatch joins commands into one request, {"commands":[c1,c2]}, with
// each command's bytes as they are and no "\n" (the sender adds it).
func EncodeBatch(cmds ...Command) []byte {
	var b bytes.Buffer
	b.WriteString(`{"commands":[`)
	for i, c := range cmds {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(c.Raw)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// object writes a command object: keys in the order written, strings as
// JSON without HTML escaping (what was typed is sent).
type object struct{ b bytes.Buffer }

func (o *object) key(k string) {
	if o.b.Len() == 0 {
		o.b.WriteByte('{')
	} else {
		o.b.WriteByte(',')
	}
	o.value(k)
	o.b.WriteByte(':')
}

func (o *object) str(k, v string) {
	o.key(k)
	o.value(v)
}

// strOpt writes k: v unless v is "" (the field is then left out).
func (o *object) strOpt(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

// ports writes a port list: a port with a VLAN operation as an object,
// any other as a string.
func (o *object) ports(k string, ps []string, vlans []VLANArgs) {
	o.key(k)
	o.b.WriteByte('[')
	for i, p := range ps {
		if i > 0 {
			o.b.WriteByte(',')
		}
		if i >= len(vlans) || vlans[i].none() {
			o.value(p)
			continue
		}
		o.b.WriteString(`{"port":`)
		o.value(p)
		o.b.WriteString(`,"vlan":`)
		o.vlan(vlans[i])
		o.b.WriteByte('}')
	}
	o.b.WriteByte(']')
}

// vlan writes a VLAN operation object; id and pcp only for add.
func (o *object) vlan(v VLANArgs) {
	var in object
	in.str("operation", v.Op)
	if v.Op == VLANAdd {
		in.num("id", v.ID)
		in.num("pcp", v.PCP)
	}
	in.b.WriteByte('}')
	o.b.Write(in.b.Bytes())
}

// num writes v as a JSON number when it is a plain decimal number (no
// sign, no leading zero, at most 9 digits), as a string otherwise.
func (o *object) num(k, v string) {
	o.key(k)
	plain := v != "" && len(v) <= 9 && (v[0] != '0' || v == "0")
	for i := 0; plain && i < len(v); i++ {
		plain = v[i] >= '0' && v[i] <= '9'
	}
	if plain {
		o.b.WriteString(v)
	} else {
		o.value(v)
	}
}

// value writes one JSON string.
func (o *object) value(s string) {
	if plain(s, "") { // what the encoder would write, without its cost
		o.b.WriteByte('"')
		o.b.WriteString(s)
		o.b.WriteByte('"')
		return
	}
	enc := json.NewEncoder(&o.b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	o.b.Truncate(o.b.Len() - 1) // Encode's "\n"
}

func (o *object) command(name string) Command {
	o.b.WriteByte('}')
	return Command{Name: name, Raw: o.b.Bytes()}
}

// plain says whether s is printable ASCII with no '"', '\\' or byte of
// also: encoding/json writes such a string as it is, between quotes.
func plain(s, also string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b > 0x7e || b == '"' || b == '\\' || strings.IndexByte(also, b) >= 0 {
			return false
		}
	}
	return true
}
