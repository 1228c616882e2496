package proto

import (
	"encoding/json"
	"strconv"
)

// Process types, as "process_type" says them.
const (
	TypePrimary = "primary"
	TypeVF      = "vf"
	TypeMirror  = "mirror"
)

// Batch is a request: {"commands":[...]}.
type Batch struct {
	Commands []Command `json:"commands"`
}

// Command is one command of a batch, kept raw: its fields are checked by the
// command that reads them (see fields.go), so that each error names its field.
type Command struct {
	Name string          // the "command" field; "" when it is missing
	Raw  json.RawMessage // the whole object
	// FromText marks a command translated from a 2017 text command (see
	// text.go: a translated component start does not replace a component).
	FromText bool

	err *Error // a preset error (see the package doc); nil for most commands
}

// Err returns the error this command was decoded with, or nil. A command
// with an error must not run: its reply entry is that error.
func (c Command) Err() error {
	if c.err == nil {
		return nil // not a typed nil *Error
	}
	return c.err
}

// MarshalJSON writes the command as it was received.
func (c Command) MarshalJSON() ([]byte, error) { return c.Raw, nil }

// Result values of a reply.
const (
	Success   = "success"
	Failure   = "error"
	Cancelled = "cancelled"
	Invalid   = "invalid"
)

// Result is the outcome of one command.
type Result struct {
	Result       string        `json:"result"`
	ErrorDetails *ErrorDetails `json:"error_details,omitempty"`
}

// ErrorDetails carries the message of a failed command.
type ErrorDetails struct {
	Message string `json:"message"`
}

// Reply answers one request. Field order is the wire order: results first.
type Reply struct {
	Results     []Result `json:"results"`
	ClientID    *int     `json:"client_id,omitempty"`
	ProcessType string   `json:"process_type,omitempty"`
	Info        any      `json:"info,omitempty"` // *SecondaryInfo or *PrimaryInfo
}

// PortStatus is one row of a status "ports" list. Counters are packets,
// except RxBytes and TxBytes: the bytes an ethdev port's driver counted
// (rte_eth_stats ibytes, obytes), nil for a port without them (a ring:
// nothing counts bytes there, and counting them would cost per packet).
type PortStatus struct {
	Port    string  `json:"port"`
	Rx      uint64  `json:"rx"`
	Tx      uint64  `json:"tx"`
	RxDrop  uint64  `json:"rx_drop"`
	TxDrop  uint64  `json:"tx_drop"`
	Link    string  `json:"link,omitempty"` // "up"/"down", where the port has a link
	MAC     string  `json:"mac,omitempty"`  // a primary's NIC: its MAC address (aa:bb:cc:dd:ee:ff)
	RxBytes *uint64 `json:"rx_bytes,omitempty"`
	TxBytes *uint64 `json:"tx_bytes,omitempty"`
}

// CoreUnuse is the type an lcore with no component reports.
const CoreUnuse = "unuse"

// States of a component in status (protocol.md 9.2): a running one has the
// ports its type needs, an idle one is staged and flushed but skipped by
// its lcore until it has them.
const (
	StateRunning = "running"
	StateIdle    = "idle"
)

// VLAN operations of a component's port (protocol.md 9.4), as "operation"
// says them.
const (
	VLANNone = "none"
	VLANAdd  = "add" // push a tag with ID and PCP
	VLANDel  = "del" // strip the outer tag
)

// VLAN is a port's VLAN operation. It marshals as {"operation":"none"},
// {"operation":"del"} or {"operation":"add","id":100,"pcp":0}: id and pcp
// only for add, pcp even when 0. An empty Operation is none.
type VLAN struct {
	Operation string `json:"operation"`
	ID        int    `json:"id"`  // 1..4094, add only
	PCP       int    `json:"pcp"` // 0..7, add only
}

// MarshalJSON writes only the fields the operation has.
func (v VLAN) MarshalJSON() ([]byte, error) {
	switch v.Operation {
	case VLANAdd:
		return []byte(`{"operation":"add","id":` + strconv.Itoa(v.ID) + `,"pcp":` + strconv.Itoa(v.PCP) + `}`), nil
	case "", VLANNone:
		return []byte(`{"operation":"none"}`), nil
	}
	return json.Marshal(struct {
		Operation string `json:"operation"`
	}{v.Operation})
}

// PortRef is one port of a component in status: {"port":"ring0","vlan":{...}}.
type PortRef struct {
	Port string `json:"port"`
	VLAN VLAN   `json:"vlan"`
}

// CoreStatus is one component of a secondary, or a worker lcore with none,
// which marshals as {"core":N,"type":"unuse"} and nothing else (protocol.md
// 9.5).
type CoreStatus struct {
	Core    int       `json:"core"`
	Name    string    `json:"name,omitempty"`
	Type    string    `json:"type"`
	State   string    `json:"state"` // StateRunning or StateIdle
	RxPort  []PortRef `json:"rx_port"`
	TxPort  []PortRef `json:"tx_port"`
	Packets uint64    `json:"packets"`
	Drops   uint64    `json:"drops"`
}

// MarshalJSON drops every field but core and type for an lcore with no
// component, and writes empty port lists as [].
func (c CoreStatus) MarshalJSON() ([]byte, error) {
	if c.Type == CoreUnuse || c.Type == "" {
		return []byte(`{"core":` + strconv.Itoa(c.Core) + `,"type":"unuse"}`), nil
	}
	type plain CoreStatus
	p := plain(c)
	if p.RxPort == nil {
		p.RxPort = []PortRef{}
	}
	if p.TxPort == nil {
		p.TxPort = []PortRef{}
	}
	return json.Marshal(p)
}

// Classifier entry types, as "type" says them.
const (
	EntryMAC  = "mac"  // untagged packets, by destination MAC (or the default)
	EntryVLAN = "vlan" // tagged packets, by VLAN id and destination MAC
)

// ClassifierEntry is one row of a classifier table: default first, then
// mac entries sorted, then vlan entries sorted by (vlan, MAC); MACs lower
// case. {"type":"vlan","vlan":100,"value":"52:54:..","port":"ring0"}.
type ClassifierEntry struct {
	Type  string `json:"type"`           // EntryMAC or EntryVLAN
	VLAN  int    `json:"vlan,omitempty"` // the VLAN id of a vlan entry
	Value string `json:"value"`          // "default" or aa:bb:cc:dd:ee:ff
	Port  string `json:"port"`
}

// SecondaryInfo is "info" of spp_vf and spp_mirror (protocol.md section 4).
type SecondaryInfo struct {
	ClientID        int               `json:"client_id"`
	ProcessType     string            `json:"process_type"`
	MainLcore       int               `json:"main_lcore"`
	Staged          bool              `json:"staged"`
	Ports           []PortStatus      `json:"ports"`
	Core            []CoreStatus      `json:"core"`
	ClassifierTable []ClassifierEntry `json:"classifier_table,omitempty"` // see MarshalJSON
}

// MarshalJSON sends classifier_table whenever ClassifierTable is not nil,
// empty included: spp_vf always has a table (maybe empty), spp_mirror has
// none and leaves it nil.
func (s SecondaryInfo) MarshalJSON() ([]byte, error) {
	type plain SecondaryInfo
	if s.ClassifierTable == nil {
		return json.Marshal(plain(s))
	}
	return json.Marshal(struct {
		plain
		ClassifierTable []ClassifierEntry `json:"classifier_table"`
	}{plain(s), s.ClassifierTable})
}

// RingStatus is one shared ring of the primary.
type RingStatus struct {
	Ring     string `json:"ring"`
	Count    uint64 `json:"count"`
	Capacity uint64 `json:"capacity"`
}

// MempoolStatus is the primary's mbuf pool. InUse = Size - Available.
type MempoolStatus struct {
	Name      string `json:"name"`
	Size      uint64 `json:"size"`
	Available uint64 `json:"available"`
	InUse     uint64 `json:"in_use"`
}

// PrimaryInfo is "info" of spp_primary.
type PrimaryInfo struct {
	MainLcore int           `json:"main_lcore"`
	Ports     []PortStatus  `json:"ports"`
	Rings     []RingStatus  `json:"rings"`
	Mempool   MempoolStatus `json:"mempool"`
}
