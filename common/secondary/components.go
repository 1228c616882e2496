package secondary

// The components of a secondary: the engine's components turned into the
// C components the lcore loops run (with a classifier's MAC table), kept
// while they run so that their counters go on.

import (
	"fmt"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/engine"
	"github.com/spp-go/spp/common/port"
)

// running is an engine component as the C loops run it.
type running struct {
	comp  *dpdk.Component
	table *dpdk.MACTable // classifier only
}

func (r *running) free() {
	r.comp.Free()
	if r.table != nil {
		r.table.Free()
	}
}

// Apply builds a C component for each component it has not seen (a known
// pointer keeps its C component, and so its counters) and switches the
// lcores of changes to their lists. Components no lcore runs any more are
// freed.
func (d *dataplane) Apply(changes map[int][]*engine.Component) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	lists := make(map[int][]*dpdk.Component, len(changes))
	made := map[*engine.Component]*running{}
	for id, list := range changes {
		lists[id] = nil
		for _, c := range list {
			r := d.comps[c]
			if r == nil {
				r = made[c]
			}
			if r == nil {
				var err error
				if r, err = d.build(c); err != nil {
					for _, m := range made {
						m.free()
					}
					return fmt.Errorf("lcore %d: %s: %v", id, c.Name, err)
				}
				made[c] = r
			}
			lists[id] = append(lists[id], r.comp)
		}
	}
	if err := dpdk.Switch(lists); err != nil {
		// Some lcores may run their new components already: free none
		// of them before every lcore is idle (close).
		for _, r := range made {
			d.stale = append(d.stale, r)
		}
		return err
	}
	for c, r := range made {
		d.comps[c] = r
	}
	for id, list := range changes {
		d.lcores[id] = list
	}
	live := map[*engine.Component]bool{}
	for _, list := range d.lcores {
		for _, c := range list {
			live[c] = true
		}
	}
	for c, r := range d.comps {
		if !live[c] {
			r.free()
			delete(d.comps, c)
		}
	}
	return nil
}

// build makes the C component of c.
func (d *dataplane) build(c *engine.Component) (*running, error) {
	cfg := &dpdk.Config{Kernel: c.Kernel}
	for _, list := range []struct {
		refs []engine.PortRef
		eps  *[]*dpdk.Endpoint
		ops  *[]dpdk.VLAN
	}{{c.Rx, &cfg.Rx, &cfg.RxVLAN}, {c.Tx, &cfg.Tx, &cfg.TxVLAN}} {
		for _, r := range list.refs {
			op := d.ports[r.Port]
			if op == nil {
				return nil, fmt.Errorf("%s is not open", r.Port)
			}
			*list.eps = append(*list.eps, op.ep)
			*list.ops = append(*list.ops, vlan(r.VLAN))
		}
	}
	r := &running{}
	switch c.Kernel {
	case component.KernelClassifier:
		t, err := d.table(c)
		if err != nil {
			return nil, err
		}
		cfg.Table, r.table = t, t
	case component.KernelMirror:
		cfg.ClonePool, cfg.CopyPool, cfg.DeepCopy = d.clonePool, d.copyPool, d.deep
		if d.deep {
			cfg.ClonePool = d.copyPool
		}
	}
	comp, err := dpdk.NewComponent(cfg)
	if err != nil {
		if r.table != nil {
			r.table.Free()
		}
		return nil, err
	}
	r.comp = comp
	return r, nil
}

// vlan is the data plane's form of a VLAN operation.
func vlan(v engine.VLANOp) dpdk.VLAN {
	op := dpdk.VLANNone
	switch v.Op {
	case engine.VLANAdd:
		op = dpdk.VLANAdd
	case engine.VLANDel:
		op = dpdk.VLANDel
	}
	return dpdk.VLAN{Op: op, ID: v.ID, PCP: v.PCP}
}

// table builds a classifier's MAC table: tx indexes are indexes of c.Tx;
// a key's VLAN id (key >> 48) 0 is a MAC entry, 1..4094 a VLAN entry.
func (d *dataplane) table(c *engine.Component) (*dpdk.MACTable, error) {
	index := map[port.Port]int{}
	for i, r := range c.Tx {
		index[r.Port] = i
	}
	nmac, nvlan := 0, 0
	for key := range c.MACs {
		if key>>48 == 0 {
			nmac++
		} else {
			nvlan++
		}
	}
	t, err := dpdk.NewMACTable(nmac, nvlan)
	if err != nil {
		return nil, err
	}
	for key, p := range c.MACs {
		tx, ok := index[p]
		if !ok {
			err = fmt.Errorf("entry for %s, not a tx port", p)
		} else if vid, mac := uint16(key>>48), key&(1<<48-1); vid == 0 {
			err = t.Add(mac, tx)
		} else {
			err = t.AddVLAN(vid, mac, tx)
		}
		if err != nil {
			t.Free()
			return nil, err
		}
	}
	def := -1
	if c.Default != nil {
		var ok bool
		if def, ok = index[*c.Default]; !ok {
			t.Free()
			return nil, fmt.Errorf("default %s is not a tx port", *c.Default)
		}
	}
	if err := t.SetDefault(def); err != nil {
		t.Free()
		return nil, err
	}
	return t, nil
}

// ComponentCounters: packets and drops of a component Apply handed over,
// as long as it runs.
func (d *dataplane) ComponentCounters(c *engine.Component) (uint64, uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r := d.comps[c]; r != nil {
		return r.comp.Counters()
	}
	return 0, 0
}

// DrainRing empties ring port p, which no lcore of this process reads any
// more, counting what it held as p's rx_drop.
func (d *dataplane) DrainRing(p port.Port) (uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	op := d.ports[p]
	if op == nil || p.Kind != port.Ring {
		return 0, fmt.Errorf("%s is not an open ring port", p)
	}
	return op.ep.Drain(), nil
}

// close releases every component still held; the lcores must be idle.
func (d *dataplane) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c, r := range d.comps {
		r.free()
		delete(d.comps, c)
	}
	for _, r := range d.stale {
		r.free()
	}
	d.stale = nil
	d.lcores = map[int][]*engine.Component{}
}

var _ engine.Dataplane = (*dataplane)(nil)
