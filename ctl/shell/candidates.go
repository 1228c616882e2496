package shell

// The candidate lists of completion: what each argument of the table of
// commands (commands.go) may be, from the live state (the connected
// processes and the status each reported last).

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/c-bata/go-prompt"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
)

func secIDs(c *compCtx) []prompt.Suggest {
	var s []prompt.Suggest
	ps, _ := c.sh.be.Processes()
	for _, p := range ps {
		if !p.Target.Primary {
			s = append(s, prompt.Suggest{Text: strconv.Itoa(p.Target.ID), Description: p.Type + " " + p.Peer})
		}
	}
	return s
}

// procThenOne is pri, or sec then its id, then one word with no
// candidates (monitor's INTERVAL, wait's TIMEOUT); priHelp describes pri.
func procThenOne(priHelp string) arg {
	return arg{values: words("pri", priHelp, "sec", "a secondary"), next: func(w string) []arg {
		if w == "sec" {
			return []arg{{values: secIDs}, {}}
		}
		return []arg{{}}
	}}
}

// coreIDs: the worker lcores of the process's last status, each described
// by what runs there.
var coreIDs = fromStatus(func(si *proto.SecondaryInfo) []prompt.Suggest {
	var s []prompt.Suggest
	for _, core := range si.Core {
		d := "no component"
		if core.Type != proto.CoreUnuse && core.Type != "" {
			d = compText(core)
		}
		if n := len(s); n > 0 && s[n-1].Text == strconv.Itoa(core.Core) {
			s[n-1].Description += "; " + d // several components on one lcore
			continue
		}
		s = append(s, prompt.Suggest{Text: strconv.Itoa(core.Core), Description: d})
	}
	return s
})

// compText describes a component: "fw1: forward ring0 -> vhost0", "fw2:
// forward ring1 -> - (idle)".
func compText(c proto.CoreStatus) string {
	side := func(ps []proto.PortRef) string {
		if len(ps) == 0 {
			return "-"
		}
		return portsText(ps)
	}
	d := c.Name + ": " + c.Type + " " + side(c.RxPort) + " -> " + side(c.TxPort)
	if c.State == proto.StateIdle {
		d += " (idle)"
	}
	return d
}

// fromStatus is a candidate list made of the last status of the process
// the command goes to: none when there is none (see secInfo).
func fromStatus(list func(si *proto.SecondaryInfo) []prompt.Suggest) func(*compCtx) []prompt.Suggest {
	return func(c *compCtx) []prompt.Suggest {
		if si := c.secInfo(); si != nil {
			return list(si)
		}
		return nil
	}
}

// secInfo is the last status of the process the command goes to, nil when
// there is none (not connected, not asked yet, the primary).
func (c *compCtx) secInfo() *proto.SecondaryInfo {
	if c.p == nil {
		return nil
	}
	si, _ := c.sh.infos.get(c.p.Target)
	return si
}

// componentNames: the components of the process's last status (port add
// NAME; component ... name NAME replaces or moves one).
var componentNames = fromStatus(func(si *proto.SecondaryInfo) []prompt.Suggest {
	var s []prompt.Suggest
	for _, core := range si.Core {
		if core.Name != "" && core.Type != proto.CoreUnuse {
			s = append(s, prompt.Suggest{Text: core.Name, Description: "core " + strconv.Itoa(core.Core) + ", " + compText(core)})
		}
	}
	return s
})

// vlanIDs: the VLAN ids the process's last status names, in its
// classifier table and in its ports' VLAN operations, in number order.
var vlanIDs = fromStatus(func(si *proto.SecondaryInfo) []prompt.Suggest {
	where := map[int][]string{}
	note := func(id int, what string) {
		for _, w := range where[id] {
			if w == what {
				return
			}
		}
		where[id] = append(where[id], what)
	}
	for _, e := range si.ClassifierTable {
		if e.Type == proto.EntryVLAN {
			note(e.VLAN, "classifier table")
		}
	}
	for _, core := range si.Core {
		for _, p := range append(append([]proto.PortRef(nil), core.RxPort...), core.TxPort...) {
			if p.VLAN.Operation == proto.VLANAdd {
				note(p.VLAN.ID, "pushed by "+core.Name)
			}
		}
	}
	ids := make([]int, 0, len(where))
	for id := range where {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	s := make([]prompt.Suggest, len(ids))
	for i, id := range ids {
		s[i] = prompt.Suggest{Text: strconv.Itoa(id), Description: strings.Join(where[id], ", ")}
	}
	return s
})

// vlanMACs: the MACs of the classifier table's vlan entries of VLAN vid
// (classifier_table vlan VID MAC).
func vlanMACs(vid string) func(c *compCtx) []prompt.Suggest {
	return fromStatus(func(si *proto.SecondaryInfo) []prompt.Suggest {
		var s []prompt.Suggest
		for _, e := range si.ClassifierTable {
			if e.Type == proto.EntryVLAN && strconv.Itoa(e.VLAN) == vid {
				s = append(s, prompt.Suggest{Text: e.Value, Description: "-> " + e.Port})
			}
		}
		return s
	})
}

// componentTypes: the catalogue's types, those of the process's daemon
// when it is connected, and none.
func componentTypes(c *compCtx) []prompt.Suggest {
	var s []prompt.Suggest
	for _, t := range component.Types {
		if c.p == nil || t.Daemon == c.p.Type {
			s = append(s, prompt.Suggest{Text: t.Name, Description: t.Help})
		}
	}
	return append(s, prompt.Suggest{Text: component.None, Description: component.NoneHelp})
}

// ports: every port name the processes reported in their last status (the
// primary's rings and NICs serve every secondary).
func ports(c *compCtx) []prompt.Suggest {
	seen := map[string]bool{}
	procs, _ := c.sh.be.Processes()
	for _, p := range procs {
		if (c.p == nil || p.Target != c.p.Target) && !p.Target.Primary {
			continue
		}
		si, pi := c.sh.infos.get(p.Target)
		if si != nil {
			for _, ps := range si.Ports {
				seen[ps.Port] = true
			}
			for _, core := range si.Core {
				for _, p := range append(append([]proto.PortRef(nil), core.RxPort...), core.TxPort...) {
					seen[p.Port] = true
				}
			}
		}
		if pi != nil {
			for _, ps := range pi.Ports {
				seen[ps.Port] = true
			}
			for _, r := range pi.Rings {
				seen[r.Ring] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return portLess(names[i], names[j]) })
	s := make([]prompt.Suggest, len(names))
	for i, n := range names {
		s[i] = prompt.Suggest{Text: n}
	}
	return s
}

// portLess orders ring2 before ring10.
func portLess(a, b string) bool {
	split := func(s string) (string, int) {
		i := len(strings.TrimRight(s, "0123456789"))
		n, _ := strconv.Atoi(s[i:])
		return s[:i], n
	}
	ak, an := split(a)
	bk, bn := split(b)
	if ak != bk {
		return ak < bk
	}
	return an < bn
}

// nameWord is the keyword name, then the name of a component.
var nameWord = arg{values: words("name", "name the component (default: TYPE followed by CORE)"),
	next: func(string) []arg { return []arg{{values: componentNames}} }}

// portsThenName is n positions of port lists (rx, then tx), then the name
// keyword; the keyword may come at any of them.
func portsThenName(n int) arg {
	if n == 0 {
		return nameWord
	}
	return arg{
		values: func(c *compCtx) []prompt.Suggest { return append(ports(c), nameWord.values(c)...) },
		next: func(w string) []arg {
			if w == "name" {
				return nameWord.next(w)
			}
			return []arg{portsThenName(n - 1)}
		},
	}
}

// pcps: the 802.1Q priorities.
func pcps(*compCtx) []prompt.Suggest {
	s := []prompt.Suggest{{Text: "0", Description: "priority 0..7 (0: best effort)"}}
	for i := 1; i <= 7; i++ {
		s = append(s, prompt.Suggest{Text: strconv.Itoa(i)})
	}
	return s
}

func portsOrUnuse(c *compCtx) []prompt.Suggest {
	return append(ports(c), prompt.Suggest{Text: "unuse", Description: "remove the entry"})
}

// macs: default and the MACs of the classifier table's mac entries.
func macs(c *compCtx) []prompt.Suggest {
	s := []prompt.Suggest{{Text: "default", Description: "where unknown unicast goes"}}
	si := c.secInfo()
	if si == nil {
		return s
	}
	for _, e := range si.ClassifierTable {
		if e.Type != proto.EntryVLAN && e.Value != "default" {
			s = append(s, prompt.Suggest{Text: e.Value, Description: "-> " + e.Port})
		}
	}
	return s
}

// files completes a path.
func files(c *compCtx) []prompt.Suggest {
	dir, _ := filepath.Split(c.word)
	list := dir
	if list == "" {
		list = "."
	}
	ents, err := os.ReadDir(list)
	if err != nil {
		return nil
	}
	var s []prompt.Suggest
	for _, e := range ents {
		name := dir + e.Name()
		if e.IsDir() {
			name += "/"
		}
		s = append(s, prompt.Suggest{Text: name})
	}
	return s
}
