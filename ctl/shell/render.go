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
	"github.com/spp-go/spp/ctl/registry"
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
// cores, ports and the classifier table.
func renderSecondary(w io.Writer, name string, si *proto.SecondaryInfo) {
	staged := "no changes staged"
	if si.Staged {
		staged = "changes staged, not flushed yet (flush applies them, cancel drops them)"
	}
	fmt.Fprintf(w, "%s: %s, client_id %d, main lcore %d: %s\n", name, si.ProcessType, si.ClientID, si.MainLcore, staged)

	t := newTable(w, []string{"CORE", "TYPE", "RX", "TX", "PACKETS", "DROPS"}, 0, 4, 5)
	for _, c := range si.Core {
		if c.Type == proto.CoreUnuse || c.Type == "" {
			t.Append([]string{strconv.Itoa(c.Core), proto.CoreUnuse, "", "", "", ""})
			continue
		}
		typ := c.Type
		if c.Name != "" && c.Name != c.Type+strconv.Itoa(c.Core) {
			typ += " (" + c.Name + ")" // a name other than the default
		}
		t.Append([]string{strconv.Itoa(c.Core), typ, strings.Join(c.RxPort, ","), strings.Join(c.TxPort, ","), u64(c.Packets), u64(c.Drops)})
	}
	t.Render()

	renderPorts(w, si.Ports)

	if si.ProcessType != proto.TypeMirror {
		t = newTable(w, []string{"MAC", "PORT"})
		for _, e := range si.ClassifierTable {
			t.Append([]string{e.Value, e.Port})
		}
		t.Render()
	}
}

func renderPorts(w io.Writer, ports []proto.PortStatus) {
	t := newTable(w, []string{"PORT", "RX", "TX", "RX_DROP", "TX_DROP", "LINK"}, 1, 2, 3, 4)
	for _, p := range ports {
		t.Append([]string{p.Port, u64(p.Rx), u64(p.Tx), u64(p.RxDrop), u64(p.TxDrop), p.Link})
	}
	t.Render()
}

// renderPrimary prints pri;status: ports, rings, and the mempool line.
func renderPrimary(w io.Writer, pi *proto.PrimaryInfo) {
	fmt.Fprintf(w, "pri: main lcore %d\n", pi.MainLcore)
	renderPorts(w, pi.Ports)
	t := newTable(w, []string{"RING", "COUNT", "CAPACITY"}, 1, 2)
	for _, r := range pi.Rings {
		t.Append([]string{r.Ring, u64(r.Count), u64(r.Capacity)})
	}
	t.Render()
	m := pi.Mempool
	fmt.Fprintf(w, "mempool %s: size %d, available %d, in use %d\n", m.Name, m.Size, m.Available, m.InUse)
}

// renderProcs prints the shell's status: the connected processes.
func renderProcs(w io.Writer, procs []*registry.Process, now time.Time) {
	if len(procs) == 0 {
		fmt.Fprintln(w, "no process connected")
		return
	}
	t := newTable(w, []string{"PROCESS", "TYPE", "CLIENT_ID", "PEER", "CONNECTED SINCE"})
	for _, p := range procs {
		id := "-"
		if !p.Primary {
			id = strconv.Itoa(p.ID)
		}
		since := p.Since.Format("2006-01-02 15:04:05") + " (" + now.Sub(p.Since).Round(time.Second).String() + " ago)"
		t.Append([]string{p.Label(), p.Type, id, p.Peer, since})
	}
	t.Render()
}
