package engine

import (
	"fmt"
	"maps"
	"sort"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// config is one whole configuration of the process, staged or active: the
// components by name and the classifier table.
type config struct {
	// comps holds every component, running or idle, by name. Components
	// here carry no MACs/Default: those are derived from the table by
	// components().
	comps map[string]*Component
	macs  map[uint64]port.Port // classifier table: entryKey(vlan, MAC) -> tx port
	def   *port.Port           // the "default" entry
}

func newConfig() *config {
	return &config{comps: map[string]*Component{}, macs: map[uint64]port.Port{}}
}

func (c *config) clone() *config {
	n := newConfig()
	for k, v := range c.comps {
		n.comps[k] = v.clone()
	}
	for k, v := range c.macs {
		n.macs[k] = v
	}
	if c.def != nil {
		d := *c.def
		n.def = &d
	}
	return n
}

// equal reports whether c and o are the same configuration.
func (c *config) equal(o *config) bool {
	return maps.EqualFunc(c.comps, o.comps, equal) && sameTable(c.macs, o.macs, c.def, o.def)
}

// onCore returns the names of the components on core, in name order.
func (c *config) onCore(core int) []string {
	var names []string
	for name, comp := range c.comps {
		if comp.Core == core {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// user finds the component, other than those in skip, that has p as an rx
// port (tx false) or a tx port (tx true). There is at most one.
func (c *config) user(p port.Port, tx bool, skip map[string]bool) *Component {
	for name, comp := range c.comps {
		if skip[name] {
			continue
		}
		list := comp.Rx
		if tx {
			list = comp.Tx
		}
		for _, r := range list {
			if r.Port == p {
				return comp
			}
		}
	}
	return nil
}

// classifierTx returns the tx ports of the classifiers.
func (c *config) classifierTx() map[port.Port]bool {
	out := map[port.Port]bool{}
	for _, comp := range c.comps {
		if comp.Kernel == component.KernelClassifier {
			for _, r := range comp.Tx {
				out[r.Port] = true
			}
		}
	}
	return out
}

// prune removes the classifier entries whose port is no longer a tx port of
// a classifier, and describes each removal (for the daemon log).
func (c *config) prune() []string {
	// Sort only what goes (for a stable log): the table may hold 65,536
	// MACs and this runs at every flush.
	tx := c.classifierTx()
	orphans := map[uint64]port.Port{}
	for k, p := range c.macs {
		if !tx[p] {
			orphans[k] = p
		}
	}
	var gone []string
	for _, k := range sortedKeys(orphans) {
		delete(c.macs, k)
		gone = append(gone, fmt.Sprintf("%s -> %s", describeKey(k), orphans[k]))
	}
	if c.def != nil && !tx[*c.def] {
		gone = append(gone, fmt.Sprintf("default -> %s", *c.def))
		c.def = nil
	}
	return gone
}

// describeKey is a table key as the log and error messages write it:
// "52:54:00:00:00:01", or "52:54:00:00:00:01 on vlan 100".
func describeKey(k uint64) string {
	vlan, mac := splitKey(k)
	if vlan == 0 {
		return proto.FormatMAC(mac)
	}
	return fmt.Sprintf("%s on vlan %d", proto.FormatMAC(mac), vlan)
}

// components returns a copy of every component, each classifier carrying
// the table entries of its own tx ports.
func (c *config) components() map[string]*Component {
	out := make(map[string]*Component, len(c.comps))
	owner := map[port.Port]*Component{} // classifier tx port -> its copy
	for name, comp := range c.comps {
		n := comp.clone()
		if n.Kernel == component.KernelClassifier {
			for _, r := range n.Tx {
				owner[r.Port] = n
			}
		}
		out[name] = n
	}
	for k, p := range c.macs {
		if n := owner[p]; n != nil {
			if n.MACs == nil {
				n.MACs = map[uint64]port.Port{}
			}
			n.MACs[k] = p
		}
	}
	if c.def != nil {
		if n := owner[*c.def]; n != nil {
			d := *c.def
			n.Default = &d
		}
	}
	return out
}

// ports returns every port the configuration's components use, idle ones
// included, in kind then number order.
func (c *config) ports() []port.Port {
	seen := map[port.Port]bool{}
	var out []port.Port
	for _, comp := range c.comps {
		for _, list := range [][]PortRef{comp.Rx, comp.Tx} {
			for _, r := range list {
				if !seen[r.Port] {
					seen[r.Port] = true
					out = append(out, r.Port)
				}
			}
		}
	}
	sortPorts(out)
	return out
}

func sortPorts(ps []port.Port) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Kind != ps[j].Kind {
			return ps[i].Kind < ps[j].Kind
		}
		return ps[i].N < ps[j].N
	})
}

// sortedKeys returns the keys of a table in order: mac entries (VLAN id 0)
// by MAC, then vlan entries by (VLAN id, MAC).
func sortedKeys(m map[uint64]port.Port) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
