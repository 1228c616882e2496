// Package wiring is the agent's pure core (agent.md, "What the agent
// does"): the desired wiring of each spp_vf, computed from the host's
// configuration document and its bound ports (desired.go, static.go), and
// the one batch ending in flush that takes a spp_vf from its status to that
// wiring (reconcile.go). No I/O: the agent (ctl/agent) feeds it what it read
// from etcd and from the controller, and sends what it returns.
package wiring

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/spp-go/spp/common/proto"
)

// Policy says which components exist.
type Policy string

const (
	// Dynamic: only plugged VMs have forwarders; the classifier and the
	// merger exist while at least one VM is plugged (the default).
	Dynamic Policy = "dynamic"
	// Static: the configuration's whole graph, always; plug and unplug
	// change classifier entries and VLAN operations only.
	Static Policy = "static"
)

// ParsePolicy reads a --policy value.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case Dynamic, Static:
		return p, nil
	}
	return "", fmt.Errorf("policy %q: dynamic or static", s)
}

// MaxPerLcore bounds the components the agent puts on one worker lcore.
const MaxPerLcore = 4

// Component names, networking-spp's: one classifier and one merger per
// spp_vf, two forwarders per vhost.
const (
	ClassifierName = "classifier"
	MergerName     = "merger"
)

// ForwardTx is the forwarder towards vhost n's VM: ring(2n) -> vhost n.
func ForwardTx(n int) string { return "forward_" + strconv.Itoa(n) + "_tx" }

// ForwardRx is the forwarder from vhost n's VM: vhost n -> ring(2n+1).
func ForwardRx(n int) string { return "forward_" + strconv.Itoa(n) + "_rx" }

// Port names, canonical (protocol.md section 7).
func nicPort(nic int) string { return "nic" + strconv.Itoa(nic) }
func vhostPort(n int) string { return "vhost" + strconv.Itoa(n) }

// ToVM is vhost n's ring from the classifier, ring(2n).
func ToVM(n int) string { return "ring" + strconv.Itoa(2*n) }

// FromVM is vhost n's ring to the merger, ring(2n+1).
func FromVM(n int) string { return "ring" + strconv.Itoa(2*n+1) }

// Port is one port of a component and the VLAN operation it carries.
type Port struct {
	Name string
	VLAN proto.VLAN // Operation "" or none: no operation
}

func plain(name string) Port { return Port{Name: name, VLAN: proto.VLAN{Operation: proto.VLANNone}} }

// strip is the classifier-side port of a VM on a VLAN network.
func strip(name string) Port { return Port{Name: name, VLAN: proto.VLAN{Operation: proto.VLANDel}} }

// push is the merger-side port of a VM on VLAN id.
func push(name string, id int) Port {
	return Port{Name: name, VLAN: proto.VLAN{Operation: proto.VLANAdd, ID: id}}
}

// same says whether two ports are the same port with the same operation.
func (p Port) same(o Port) bool { return p.Name == o.Name && sameVLAN(p.VLAN, o.VLAN) }

func sameVLAN(a, b proto.VLAN) bool {
	norm := func(v proto.VLAN) proto.VLAN {
		if v.Operation == "" || v.Operation == proto.VLANNone {
			return proto.VLAN{Operation: proto.VLANNone}
		}
		if v.Operation != proto.VLANAdd {
			return proto.VLAN{Operation: v.Operation}
		}
		return v
	}
	return norm(a) == norm(b)
}

// Component is one desired component of a spp_vf.
type Component struct {
	Name   string
	Type   string // canonical: forward, merge, classifier
	Core   int
	Rx, Tx []Port
}

// Entry is one classifier entry: VLAN 0 a mac entry, else a vlan entry.
type Entry struct {
	VLAN int
	MAC  string
	Port string
}

func (e Entry) key() entryKey { return entryKey{e.VLAN, e.MAC} }

type entryKey struct {
	vlan int
	mac  string
}

// Wiring is what one spp_vf should run.
type Wiring struct {
	ClientID   int
	Components []Component // classifier, merger, then the forwarders by vhost
	Entries    []Entry     // by vhost
	// Wired are the ids of the bound ports this wiring serves, by vhost:
	// once a batch made the spp_vf match it, their port_status is up.
	Wired []string
}

// Bound is a plugged port of the host: action plug and a bind_port.
type Bound struct {
	ID    string // Neutron's port id
	MAC   string // Neutron's form
	Vhost int
	VLAN  int // 0: flat
}

// PortError is why a bound port cannot be wired: it gets no up.
type PortError struct {
	Port   string
	Reason string
}

func (e PortError) Error() string { return "port " + e.Port + ": " + e.Reason }

// accept keeps the bound ports of vhost ids [first, first+n), one per
// vhost and one per (VLAN, MAC), by vhost then port id; the others get
// a PortError naming the port they collide with.
func accept(bound []Bound, first, n int) ([]Bound, []PortError) {
	var mine []Bound
	for _, b := range bound {
		if b.Vhost >= first && b.Vhost < first+n {
			mine = append(mine, b)
		}
	}
	sort.Slice(mine, func(i, j int) bool {
		if mine[i].Vhost != mine[j].Vhost {
			return mine[i].Vhost < mine[j].Vhost
		}
		return mine[i].ID < mine[j].ID
	})
	var ok []Bound
	var errs []PortError
	byVhost := map[int]string{}
	byMAC := map[entryKey]string{}
	for _, b := range mine {
		k := entryKey{b.VLAN, b.MAC}
		switch {
		case byVhost[b.Vhost] != "":
			errs = append(errs, PortError{b.ID, fmt.Sprintf("vhost %d is port %s's", b.Vhost, byVhost[b.Vhost])})
		case byMAC[k] != "":
			errs = append(errs, PortError{b.ID, fmt.Sprintf("MAC %s%s is port %s's on this NIC", b.MAC, onVLAN(b.VLAN), byMAC[k])})
		default:
			byVhost[b.Vhost], byMAC[k] = b.ID, b.ID
			ok = append(ok, b)
		}
	}
	return ok, errs
}

func onVLAN(v int) string {
	if v == 0 {
		return ""
	}
	return " on VLAN " + strconv.Itoa(v)
}

// lcores hands out worker lcores: least loaded first, then the lowest
// id, at most MaxPerLcore components each.
type lcores struct {
	order []int
	load  map[int]int
}

func newLcores(workers []int) *lcores {
	return &lcores{order: workers, load: map[int]int{}}
}

func (l *lcores) has(core int) bool {
	for _, c := range l.order {
		if c == core {
			return true
		}
	}
	return false
}

// pick finds an lcore with room for n more components and takes it.
func (l *lcores) pick(n int) (int, bool) {
	best := -1
	for _, c := range l.order {
		if l.load[c]+n <= MaxPerLcore && (best < 0 || l.load[c] < l.load[best]) {
			best = c
		}
	}
	if best < 0 {
		return 0, false
	}
	l.load[best] += n
	return best, true
}

// full says why pick failed.
func (l *lcores) full(clientID, n int) string {
	return fmt.Sprintf("no room for %d more component(s) on spp_vf %d: its worker lcores %v each run %d at most, loads %v",
		n, clientID, l.order, MaxPerLcore, l.loads())
}

func (l *lcores) loads() []int {
	out := make([]int, len(l.order))
	for i, c := range l.order {
		out[i] = l.load[c]
	}
	return out
}
