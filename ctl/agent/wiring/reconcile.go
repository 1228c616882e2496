package wiring

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
)

// Placed is where a spp_vf runs each of its components now, by name.
func Placed(have *proto.SecondaryInfo) map[string]int {
	out := map[string]int{}
	for _, c := range have.Core {
		if c.Type != proto.CoreUnuse && c.Type != "" && c.Name != "" {
			out[c.Name] = c.Core
		}
	}
	return out
}

// Plan is the one batch that takes a spp_vf from have (its status, version
// 2) to want, ending in flush; nil when have is want already: nothing is
// sent then. Removals come first, so that a port or a MAC freed by one
// command can be taken by a later one of the same batch:
//
//  1. cancel, when the spp_vf has staged changes nobody flushed;
//  2. classifier entries nobody wants: "unuse";
//  3. components nobody wants, and those whose type or lcore changes:
//     "component" type none with the name;
//  4. ports of kept components that go, or whose VLAN operation changes:
//     "port del";
//  5. new components (and the changed ones): "component" with name,
//     core_id and every port; ports of kept components: "port add";
//  6. entries to add: "unuse" then the entry, as seed 000 does, so that
//     a MAC mapped elsewhere moves;
//  7. flush.
//
// The spp_vf owns every component it runs: one the agent does not want is
// removed, whoever made it. A component of want on an lcore the spp_vf
// does not have is an error, with nothing to send (the configuration's
// core_mask and the spp_vf's lcores disagree).
func Plan(want Wiring, have *proto.SecondaryInfo) ([]proto.Command, error) {
	lcores := map[int]bool{}
	cur := map[string]Component{}
	for _, c := range have.Core {
		lcores[c.Core] = true
		if c.Type == proto.CoreUnuse || c.Type == "" {
			continue
		}
		cur[c.Name] = Component{Name: c.Name, Type: canonicalType(c.Type), Core: c.Core, Rx: ports(c.RxPort), Tx: ports(c.TxPort)}
	}
	for _, c := range want.Components {
		if !lcores[c.Core] {
			return nil, fmt.Errorf("spp_vf %d has no worker lcore %d (its lcores: %v): the configuration's core_mask does not match the process",
				want.ClientID, c.Core, slices.Sorted(maps.Keys(lcores)))
		}
	}
	wantComp := map[string]Component{}
	for _, c := range want.Components {
		wantComp[c.Name] = c
	}
	wantEntry := map[entryKey]string{}
	for _, e := range want.Entries {
		wantEntry[e.key()] = e.Port
	}

	var cmds []proto.Command
	for _, e := range have.ClassifierTable {
		k := entryKey{e.VLAN, e.Value}
		if e.Type == proto.EntryMAC {
			k.vlan = 0
		}
		if _, ok := wantEntry[k]; !ok {
			cmds = append(cmds, entry(k, "unuse"))
		}
	}
	kept := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(cur)) {
		c, w := cur[name], wantComp[name]
		if _, ok := wantComp[name]; !ok || c.Type != w.Type || c.Core != w.Core {
			cmds = append(cmds, proto.Component(proto.ComponentArgs{Type: component.None, Name: name}))
			continue
		}
		kept[name] = true
		cmds = append(cmds, portOps("del", name, "rx", c.Rx, w.Rx)...)
		cmds = append(cmds, portOps("del", name, "tx", c.Tx, w.Tx)...)
	}
	for _, w := range want.Components {
		if !kept[w.Name] {
			cmds = append(cmds, create(w))
			continue
		}
		c := cur[w.Name]
		cmds = append(cmds, portOps("add", w.Name, "rx", w.Rx, c.Rx)...)
		cmds = append(cmds, portOps("add", w.Name, "tx", w.Tx, c.Tx)...)
	}
	for _, e := range have.ClassifierTable {
		if e.Type == proto.EntryMAC {
			e.VLAN = 0
		}
		if p, ok := wantEntry[entryKey{e.VLAN, e.Value}]; ok && p == e.Port {
			delete(wantEntry, entryKey{e.VLAN, e.Value}) // there already
		}
	}
	for _, e := range want.Entries {
		if _, ok := wantEntry[e.key()]; ok {
			cmds = append(cmds, entry(e.key(), "unuse"), entry(e.key(), e.Port))
		}
	}
	if len(cmds) == 0 {
		return nil, nil
	}
	if have.Staged {
		cmds = append([]proto.Command{proto.Cancel()}, cmds...)
	}
	return append(cmds, proto.Flush()), nil
}

// portOps is a "port" command with action for each port of from that to
// does not have (same name and VLAN operation).
func portOps(action, name, dir string, from, to []Port) []proto.Command {
	var out []proto.Command
	for _, p := range from {
		found := false
		for _, q := range to {
			found = found || p.same(q)
		}
		if found {
			continue
		}
		a := proto.PortArgs{Action: action, Port: p.Name, Dir: dir, Name: name}
		if action == "add" {
			a.VLAN = vlanArgs(p.VLAN)
		}
		out = append(out, proto.Port(a))
	}
	return out
}

// create is the "component" command that makes c whole: core_id, type,
// name and every port, a port with a VLAN operation as an object.
func create(c Component) proto.Command {
	a := proto.ComponentArgs{CoreID: strconv.Itoa(c.Core), Type: c.Type, Name: c.Name, Rx: []string{}, Tx: []string{}}
	for _, p := range c.Rx {
		a.Rx, a.RxVLAN = append(a.Rx, p.Name), append(a.RxVLAN, vlanArgs(p.VLAN))
	}
	for _, p := range c.Tx {
		a.Tx, a.TxVLAN = append(a.Tx, p.Name), append(a.TxVLAN, vlanArgs(p.VLAN))
	}
	return proto.Component(a)
}

func vlanArgs(v proto.VLAN) proto.VLANArgs {
	switch v.Operation {
	case proto.VLANAdd:
		return proto.VLANArgs{Op: v.Operation, ID: strconv.Itoa(v.ID), PCP: strconv.Itoa(v.PCP)}
	case proto.VLANDel:
		return proto.VLANArgs{Op: v.Operation}
	}
	return proto.VLANArgs{}
}

// entry is a classifier_table command: a mac entry (vlan 0) or a vlan one.
func entry(k entryKey, port string) proto.Command {
	a := proto.ClassifierArgs{Value: k.mac, Port: port}
	if k.vlan != 0 {
		a.Type, a.VLAN = proto.EntryVLAN, strconv.Itoa(k.vlan)
	}
	return proto.ClassifierTable(a)
}

func ports(rs []proto.PortRef) []Port {
	out := make([]Port, 0, len(rs))
	for _, r := range rs {
		out = append(out, Port{Name: r.Port, VLAN: r.VLAN})
	}
	return out
}

// canonicalType is a status type as the catalogue names it.
func canonicalType(t string) string {
	if ct, ok := component.Lookup(proto.TypeVF, t); ok {
		return ct.Name
	}
	return t
}

// Split cuts a plan longer than one batch may be (proto.MaxCommands: a
// static graph of 64 vhosts built at once with their entries) into
// batches that each end in flush. A plan's removals come before its
// additions, so each flush leaves the spp_vf in a state it accepts; an
// entry whose port is deleted before a cut and added back after it is
// pruned by the flush between them, so the caller reconciles again after
// a split plan. A plan that fits is one batch, as it is.
func Split(plan []proto.Command) [][]proto.Command {
	if len(plan) <= proto.MaxCommands {
		return [][]proto.Command{plan}
	}
	body := plan[:len(plan)-1] // the flush
	var out [][]proto.Command
	for len(body) > 0 {
		n := min(len(body), proto.MaxCommands-1)
		out = append(out, append(append([]proto.Command(nil), body[:n]...), proto.Flush()))
		body = body[n:]
	}
	return out
}
