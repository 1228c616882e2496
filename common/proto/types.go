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
	// FromText marks a command translated from a 2017 text command. Some
	// commands (component_start, component_stop, port) exist only as
	// translations; a JSON batch naming them gets bad value(command).
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

// PortStatus is one row of a status "ports" list. Counters are packets.
type PortStatus struct {
	Port   string `json:"port"`
	Rx     uint64 `json:"rx"`
	Tx     uint64 `json:"tx"`
	RxDrop uint64 `json:"rx_drop"`
	TxDrop uint64 `json:"tx_drop"`
	Link   string `json:"link,omitempty"` // "up"/"down", where the port has a link
}

// CoreUnuse is the type an idle worker lcore reports.
const CoreUnuse = "unuse"

// CoreStatus is one worker lcore of a secondary. An idle one marshals as
// {"core":N,"type":"unuse"} and nothing else.
type CoreStatus struct {
	Core    int      `json:"core"`
	Name    string   `json:"name,omitempty"`
	Type    string   `json:"type"`
	RxPort  []string `json:"rx_port"`
	TxPort  []string `json:"tx_port"`
	Packets uint64   `json:"packets"`
	Drops   uint64   `json:"drops"`
}

// MarshalJSON drops every field but core and type for an idle lcore.
func (c CoreStatus) MarshalJSON() ([]byte, error) {
	if c.Type == CoreUnuse || c.Type == "" {
		return []byte(`{"core":` + strconv.Itoa(c.Core) + `,"type":"unuse"}`), nil
	}
	type plain CoreStatus
	p := plain(c)
	if p.RxPort == nil {
		p.RxPort = []string{}
	}
	if p.TxPort == nil {
		p.TxPort = []string{}
	}
	return json.Marshal(p)
}

// ClassifierEntry is one row of a classifier table: default first, then MACs
// sorted, lower case.
type ClassifierEntry struct {
	Type  string `json:"type"`  // "mac"
	Value string `json:"value"` // "default" or aa:bb:cc:dd:ee:ff
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
