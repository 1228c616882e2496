package engine

import (
	"fmt"
	"sort"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// config is one whole configuration of the process, staged or active: a
// component per busy worker lcore and the classifier table.
type config struct {
	// cores holds the component of each busy worker lcore. Components here
	// carry no MACs/Default: those are derived from the table by
	// components().
	cores map[int]*Component
	macs  map[uint64]port.Port // classifier table: MAC -> tx port
	def   *port.Port           // the "default" entry
}

func newConfig() *config {
	return &config{cores: map[int]*Component{}, macs: map[uint64]port.Port{}}
}

func (c *config) clone() *config {
	n := newConfig()
	for k, v := range c.cores {
		n.cores[k] = v.clone()
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
	if len(c.cores) != len(o.cores) || len(c.macs) != len(o.macs) {
		return false
	}
	for k, v := range c.cores {
		if !equal(v, o.cores[k]) {
			return false
		}
	}
	for k, v := range c.macs {
		if w, ok := o.macs[k]; !ok || w != v {
			return false
		}
	}
	if (c.def == nil) != (o.def == nil) {
		return false
	}
	return c.def == nil || *c.def == *o.def
}

// sortedCores returns the busy lcores in order.
func (c *config) sortedCores() []int {
	ids := make([]int, 0, len(c.cores))
	for id := range c.cores {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// user finds the component (other than on core skip) that has p as an rx
// port (tx false) or a tx port (tx true).
func (c *config) user(p port.Port, tx bool, skip int) (int, *Component) {
	for _, id := range c.sortedCores() {
		if id == skip {
			continue
		}
		comp := c.cores[id]
		list := comp.Rx
		if tx {
			list = comp.Tx
		}
		for _, q := range list {
			if q == p {
				return id, comp
			}
		}
	}
	return -1, nil
}

// byName finds the component named name.
func (c *config) byName(name string) (int, *Component) {
	for id, comp := range c.cores {
		if comp.Name == name {
			return id, comp
		}
	}
	return -1, nil
}

// classifierTx reports whether p is a tx port of a classifier.
func (c *config) classifierTx(p port.Port) bool {
	core, comp := c.user(p, true, -1)
	return core >= 0 && comp.Kernel == component.KernelClassifier
}

// prune removes the classifier entries whose port is no longer a tx port of
// a classifier, and describes each removal (for the daemon log).
func (c *config) prune() []string {
	// Sort only what goes (for a stable log): the table may hold 65,536
	// MACs and this runs at every flush.
	orphans := map[uint64]port.Port{}
	for mac, p := range c.macs {
		if !c.classifierTx(p) {
			orphans[mac] = p
		}
	}
	var gone []string
	for _, mac := range sortedMACs(orphans) {
		delete(c.macs, mac)
		gone = append(gone, fmt.Sprintf("%s -> %s", proto.FormatMAC(mac), orphans[mac]))
	}
	if c.def != nil && !c.classifierTx(*c.def) {
		gone = append(gone, fmt.Sprintf("default -> %s", *c.def))
		c.def = nil
	}
	return gone
}

// components returns what each busy lcore runs, each classifier carrying
// the table entries of its own tx ports.
func (c *config) components() map[int]*Component {
	out := make(map[int]*Component, len(c.cores))
	for id, comp := range c.cores {
		n := comp.clone()
		if n.Kernel == component.KernelClassifier {
			mine := map[port.Port]bool{}
			for _, p := range n.Tx {
				mine[p] = true
			}
			for mac, p := range c.macs {
				if mine[p] {
					if n.MACs == nil {
						n.MACs = map[uint64]port.Port{}
					}
					n.MACs[mac] = p
				}
			}
			if c.def != nil && mine[*c.def] {
				d := *c.def
				n.Default = &d
			}
		}
		out[id] = n
	}
	return out
}

// ports returns every port the configuration uses, in kind then number order.
func (c *config) ports() []port.Port {
	seen := map[port.Port]bool{}
	var out []port.Port
	for _, comp := range c.cores {
		for _, list := range [][]port.Port{comp.Rx, comp.Tx} {
			for _, p := range list {
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
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

func sortedMACs(m map[uint64]port.Port) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
