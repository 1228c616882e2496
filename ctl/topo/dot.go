// Package topo draws the wiring of secondaries as a Graphviz graph: ports
// are ellipses, components boxes; an edge goes from each rx port to its
// component and from the component to each tx port, so that dot lays the
// packets' path out left to right. A classifier's tx edges carry the MACs
// (and default) its table sends there. The processes are named in the
// graph's title and, when there are several, in each component's box (a
// box per process, a dot cluster, would pull the components out of the
// path into one column). Protocol v2 adds to the edges the VLAN operation
// of each port ("push vlan 100 pcp 0", "strip vlan") and a classifier's
// vlan entries ("vlan 100 52:54:00:00:00:01"); an idle component's box is
// dashed and says idle.
//
// The output depends only on the statuses: ports, components and table
// entries come out in the order the status lists them (the daemons sort
// them), so the same wiring always gives the same bytes.
package topo

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proto"
)

// Process is one secondary to draw: its status and how the shell names it.
type Process struct {
	Name string // "sec 1"
	Info *proto.SecondaryInfo
}

// DOT returns the graph of the processes' wiring. Ports that several
// processes use (a ring between spp_vf and spp_mirror, a NIC) are one node.
func DOT(procs ...Process) []byte {
	var b bytes.Buffer
	b.WriteString("digraph spp {\n")
	var title []string
	for _, pr := range procs {
		title = append(title, pr.Name+" ("+pr.Info.ProcessType+")")
	}
	fmt.Fprintf(&b, "\tgraph [rankdir=LR, labelloc=t, label=%s, fontname=\"Helvetica\", fontsize=11];\n",
		quote(strings.Join(title, ", ")))
	b.WriteString("\tnode [fontname=\"Helvetica\", fontsize=11];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=9];\n")

	for _, p := range ports(procs) {
		attrs := "shape=ellipse"
		label := p.Port
		if p.Link == "down" {
			attrs += ", style=dashed"
			label += "\nlink down"
		}
		fmt.Fprintf(&b, "\t%s [%s, label=%s];\n", quote(p.Port), attrs, quote(label))
	}
	for _, pr := range procs {
		for _, c := range components(pr.Info) {
			attrs, label := "shape=box", compLabel(c)
			if len(procs) > 1 {
				label = pr.Name + "\n" + label
			}
			if c.State == proto.StateIdle { // staged with too few ports: its lcore skips it
				attrs += ", style=dashed"
				label += "\nidle"
			}
			fmt.Fprintf(&b, "\t%s [%s, label=%s];\n", quote(compID(pr, c)), attrs, quote(label))
		}
	}
	for _, pr := range procs {
		for _, c := range components(pr.Info) {
			id := compID(pr, c)
			for _, p := range c.RxPort {
				edge(&b, p.Port, id, portNotes(p))
			}
			for _, p := range c.TxPort {
				notes := portNotes(p)
				if c.Type == "classifier" {
					notes = append(entries(pr.Info, p.Port), notes...)
				}
				edge(&b, id, p.Port, notes)
			}
		}
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func edge(b *bytes.Buffer, from, to string, notes []string) {
	if len(notes) == 0 {
		fmt.Fprintf(b, "\t%s -> %s;\n", quote(from), quote(to))
		return
	}
	fmt.Fprintf(b, "\t%s -> %s [label=%s];\n", quote(from), quote(to), quote(strings.Join(notes, "\n")))
}

// ports lists every port once: those the statuses list, in their order,
// then any a component names that its status does not list.
func ports(procs []Process) []proto.PortStatus {
	seen := map[string]bool{}
	var out []proto.PortStatus
	add := func(p proto.PortStatus) {
		if !seen[p.Port] {
			seen[p.Port] = true
			out = append(out, p)
		}
	}
	for _, pr := range procs {
		for _, p := range pr.Info.Ports {
			add(p)
		}
	}
	for _, pr := range procs {
		for _, c := range components(pr.Info) {
			for _, list := range [][]proto.PortRef{c.RxPort, c.TxPort} {
				for _, p := range list {
					add(proto.PortStatus{Port: p.Port})
				}
			}
		}
	}
	return out
}

// components are the status's components; idle lcores have none.
func components(si *proto.SecondaryInfo) []proto.CoreStatus {
	var out []proto.CoreStatus
	for _, c := range si.Core {
		if c.Type != proto.CoreUnuse && c.Type != "" {
			out = append(out, c)
		}
	}
	return out
}

// compID names a component's node: unique across processes, never a port.
func compID(pr Process, c proto.CoreStatus) string {
	name := c.Name
	if name == "" {
		name = c.Type + strconv.Itoa(c.Core)
	}
	return pr.Name + ": " + name
}

// compLabel: type and lcore, and the name when it is not the default one.
func compLabel(c proto.CoreStatus) string {
	core := "core " + strconv.Itoa(c.Core)
	if c.Name == "" || c.Name == c.Type+strconv.Itoa(c.Core) {
		return c.Type + "\n" + core
	}
	return c.Name + "\n" + c.Type + ", " + core
}

// entries are the classifier table's entries that send to port, in table
// order ("default" first, then the MACs, then the vlan entries).
func entries(si *proto.SecondaryInfo, port string) []string {
	var out []string
	for _, e := range si.ClassifierTable {
		if e.Port == port {
			out = append(out, entryLabel(e))
		}
	}
	return out
}

// entryLabel writes one classifier entry on an edge: a MAC (or default)
// for untagged packets, "vlan ID MAC" for a vlan entry (protocol.md 9.4).
func entryLabel(e proto.ClassifierEntry) string {
	switch e.Type {
	case proto.EntryMAC, "":
		return e.Value
	case proto.EntryVLAN:
		return "vlan " + strconv.Itoa(e.VLAN) + " " + e.Value
	}
	return e.Type + " " + e.Value
}

// portNotes is what a component does to the packets of one of its ports,
// written on that port's edge: its VLAN operation (protocol.md 9.4), on
// an rx edge as the packets come in, on a tx edge as they leave.
func portNotes(p proto.PortRef) []string {
	switch v := p.VLAN; v.Operation {
	case proto.VLANAdd:
		return []string{"push vlan " + strconv.Itoa(v.ID) + " pcp " + strconv.Itoa(v.PCP)}
	case proto.VLANDel:
		return []string{"strip vlan"}
	case "", proto.VLANNone:
		return nil
	}
	return []string{"vlan " + p.VLAN.Operation}
}

// quote writes s as a DOT string: quotes and backslashes escaped, line
// breaks as \n (a centred line break in a label).
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
