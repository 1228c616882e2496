// Package port names the ports of SPP: nicN, ringN, vhostN, pcapN and nullN
// (protocol.md section 7). It only parses and prints names; what a port is
// backed by is the data plane's business.
package port

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the type of a port.
type Kind int

const (
	NIC   Kind = iota // an ethdev the primary initialised (-p mask order)
	Ring              // a shared rte_ring created by the primary
	Vhost             // a vhost-user port, socket /tmp/sockN
	Pcap              // a capture-file port
	Null              // a null port: sink and source
)

// MaxIndex bounds N in every port name. Process limits (rings created by
// the primary, num_vhost, ...) are checked by whoever owns the resource.
const MaxIndex = 1023

type kindEntry struct {
	kind  Kind
	name  string // canonical prefix: nic0
	alias string // original SPP's prefix: phy:0
}

var kinds = []kindEntry{
	{NIC, "nic", "phy:"},
	{Ring, "ring", "ring:"},
	{Vhost, "vhost", "vhost:"},
	{Pcap, "pcap", "pcap:"},
	{Null, "null", "nullpmd:"},
}

// Port is one port, by kind and number.
type Port struct {
	Kind Kind
	N    int
}

// String returns the canonical name, as replies use it ("nic0").
func (p Port) String() string {
	return p.Kind.String() + strconv.Itoa(p.N)
}

// String returns the canonical prefix of the kind ("nic").
func (k Kind) String() string {
	if e, ok := k.entry(); ok {
		return e.name
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Alias returns the original SPP's prefix of the kind ("phy:"), as
// upstream spp-ctl's REST replies name ports; "" for an unknown kind.
func (k Kind) Alias() string {
	e, _ := k.entry()
	return e.alias
}

func (k Kind) entry() (kindEntry, bool) {
	for _, e := range kinds {
		if e.kind == k {
			return e, true
		}
	}
	return kindEntry{}, false
}

// Parse reads a canonical name (nic0, ring1, vhost2, pcap3, null4) or an
// alias of the original SPP (phy:0, ring:1, vhost:2, pcap:3, nullpmd:4).
// The number is plain decimal: no sign, no 0x, no leading zeros, at most
// MaxIndex.
func Parse(s string) (Port, error) {
	for _, e := range kinds {
		var rest string
		switch {
		case strings.HasPrefix(s, e.alias):
			rest = s[len(e.alias):]
		case strings.HasPrefix(s, e.name):
			rest = s[len(e.name):]
		default:
			continue
		}
		n, ok := parseIndex(rest)
		if !ok {
			return Port{}, fmt.Errorf("bad port number in %q (decimal 0..%d)", s, MaxIndex)
		}
		return Port{e.kind, n}, nil
	}
	return Port{}, fmt.Errorf("unknown port %q (nicN, ringN, vhostN, pcapN, nullN)", s)
}

func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > 4 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= MaxIndex
}
