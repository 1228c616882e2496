package shell

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/rate"
)

// newTable makes an ASCII table (it survives logs, copies and any terminal)
// whose headers are written as given and whose columns marked in right are
// right-aligned (counters).
func newTable(w io.Writer, header []string, right ...int) *tablewriter.Table {
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignLeft
	}
	for _, i := range right {
		align[i] = tw.AlignRight
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
	t.Header(header)
	return t
}

func u64(n uint64) string { return strconv.FormatUint(n, 10) }

// renderSecondary prints sec N;status: a line on staged changes, then
// cores, ports and the classifier table. rt, when known, fills the pps
// columns (else "-") and gets a line saying over what time.
//
// The cores table has a row per component (protocol v2: several may share
// an lcore), with its name and state (running, or idle: too few ports to
// run), and a row "unuse" per lcore without any. A port with a VLAN
// operation says it after its name (vlanText).
func renderSecondary(w io.Writer, name string, si *proto.SecondaryInfo, rt *rate.Rates) {
	staged := "no changes staged"
	if si.Staged {
		staged = "changes staged, not flushed yet (flush applies them, cancel drops them)"
	}
	fmt.Fprintf(w, "%s: %s, client_id %d, main lcore %d: %s\n", name, si.ProcessType, si.ClientID, si.MainLcore, staged)
	rateLine(w, rt)

	t := newTable(w, []string{"CORE", "NAME", "TYPE", "STATE", "RX", "TX", "PACKETS", "DROPS", "PPS"}, 0, 6, 7, 8)
	for _, c := range si.Core {
		if c.Type == proto.CoreUnuse || c.Type == "" {
			t.Append([]string{strconv.Itoa(c.Core), "", proto.CoreUnuse, "", "", "", "", "", ""})
			continue
		}
		t.Append([]string{strconv.Itoa(c.Core), c.Name, c.Type, c.State, portsText(c.RxPort), portsText(c.TxPort),
			u64(c.Packets), u64(c.Drops), componentPPS(rt, c)})
	}
	t.Render()

	renderPorts(w, si.Ports, rt)

	if si.ProcessType != proto.TypeMirror {
		t = newTable(w, []string{"VLAN", "MAC", "PORT"}, 0)
		for _, e := range si.ClassifierTable {
			vlan := "" // a mac entry: untagged packets
			if e.Type == proto.EntryVLAN {
				vlan = strconv.Itoa(e.VLAN)
			}
			t.Append([]string{vlan, e.Value, e.Port})
		}
		t.Render()
	}
}

// portsText writes a component's ports: "ring0,ring1(+vlan 100/0)".
func portsText(ps []proto.PortRef) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Port + vlanText(p.VLAN)
	}
	return strings.Join(s, ",")
}

// vlanText is a port's VLAN operation as the tables write it after the
// port's name: "" (none), "(-vlan)" (strip the outer tag), "(+vlan ID/PCP)"
// (push a tag with that id and priority).
func vlanText(v proto.VLAN) string {
	switch v.Operation {
	case "", proto.VLANNone:
		return ""
	case proto.VLANDel:
		return "(-vlan)"
	case proto.VLANAdd:
		return "(+vlan " + strconv.Itoa(v.ID) + "/" + strconv.Itoa(v.PCP) + ")"
	}
	return "(vlan " + v.Operation + ")"
}

// renderPorts prints the ports table; rt fills RX_PPS and TX_PPS, and
// RX_MBPS and TX_MBPS (Mbit/s), which are there only when a port of the
// table has byte counters (an ethdev whose driver counts bytes): "-" for
// the others (rings).
func renderPorts(w io.Writer, ports []proto.PortStatus, rt *rate.Rates) {
	header, right := []string{"PORT", "RX", "TX", "RX_DROP", "TX_DROP", "LINK", "RX_PPS", "TX_PPS"}, []int{1, 2, 3, 4, 6, 7}
	mbit := anyBytes(ports)
	if mbit {
		header, right = append(header, "RX_MBPS", "TX_MBPS"), append(right, 8, 9)
	}
	t := newTable(w, header, right...)
	for _, p := range ports {
		pr, ok := rate.PortRate{}, false
		if rt != nil {
			pr, ok = rt.Port(p.Port)
		}
		row := []string{p.Port, u64(p.Rx), u64(p.Tx), u64(p.RxDrop), u64(p.TxDrop), p.Link, "-", "-"}
		if ok {
			row[6], row[7] = rate.Human(pr.RxPPS), rate.Human(pr.TxPPS)
		}
		if mbit {
			rx, tx := "-", "-"
			if ok && pr.RxMbps != nil && pr.TxMbps != nil {
				rx, tx = rate.Mbit(*pr.RxMbps), rate.Mbit(*pr.TxMbps)
			}
			row = append(row, rx, tx)
		}
		t.Append(row)
	}
	t.Render()
}

// anyBytes says whether a port has byte counters.
func anyBytes(ports []proto.PortStatus) bool {
	for _, p := range ports {
		if p.RxBytes != nil {
			return true
		}
	}
	return false
}

// componentPPS is a component's packets per second, "-" when unknown.
func componentPPS(rt *rate.Rates, c proto.CoreStatus) string {
	if rt != nil {
		if cr, ok := rt.Component(c); ok {
			return rate.Human(cr.PPS)
		}
	}
	return "-"
}

// rateLine says over what time the rate columns were measured.
func rateLine(w io.Writer, rt *rate.Rates) {
	if rt != nil {
		fmt.Fprintf(w, "pps over the last %s\n", time.Duration(rt.Seconds*float64(time.Second)).Round(100*time.Millisecond))
	}
}

// renderPrimary prints pri;status: ports, rings, and the mempool line.
func renderPrimary(w io.Writer, pi *proto.PrimaryInfo, rt *rate.Rates) {
	fmt.Fprintf(w, "pri: main lcore %d\n", pi.MainLcore)
	rateLine(w, rt)
	renderPorts(w, pi.Ports, rt)
	t := newTable(w, []string{"RING", "COUNT", "CAPACITY"}, 1, 2)
	for _, r := range pi.Rings {
		t.Append([]string{r.Ring, u64(r.Count), u64(r.Capacity)})
	}
	t.Render()
	m := pi.Mempool
	fmt.Fprintf(w, "mempool %s: size %d, available %d, in use %d\n", m.Name, m.Size, m.Available, m.InUse)
}

// renderProcs prints the shell's status: the connected processes.
func renderProcs(w io.Writer, procs []Proc, now time.Time) {
	if len(procs) == 0 {
		fmt.Fprintln(w, "no process connected")
		return
	}
	t := newTable(w, []string{"PROCESS", "TYPE", "CLIENT_ID", "PEER", "CONNECTED SINCE"})
	for _, p := range procs {
		id := "-"
		if !p.Target.Primary {
			id = strconv.Itoa(p.Target.ID)
		}
		since := p.Since.Format("2006-01-02 15:04:05") + " (" + now.Sub(p.Since).Round(time.Second).String() + " ago)"
		t.Append([]string{p.Label(), p.Type, id, p.Peer, since})
	}
	t.Render()
}
