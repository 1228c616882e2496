package secondary

// The components of a secondary: the engine's components turned into the
// configs the C loops run, and the classifiers' MAC tables.

import (
	"fmt"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/engine"
	"github.com/spp-go/spp/common/port"
)

// Apply builds a dpdk.Config per changed lcore and switches them.
func (d *dataplane) Apply(changes map[int]*engine.Component) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	cfgs := make(map[int]*dpdk.Config, len(changes))
	newTables := map[int]*dpdk.MACTable{}
	freeNew := func() {
		for _, t := range newTables {
			t.Free()
		}
	}
	for id, c := range changes {
		cfg, table, err := d.config(c)
		if err != nil {
			freeNew()
			return fmt.Errorf("lcore %d: %v", id, err)
		}
		cfgs[id] = cfg
		if table != nil {
			newTables[id] = table
		}
	}
	if err := dpdk.Switch(cfgs); err != nil {
		// Some lcores may use their new table already: free none of
		// them before every lcore is idle (close).
		for _, t := range newTables {
			d.stale = append(d.stale, t)
		}
		return err
	}
	// The old tables of the switched lcores are out of use now.
	for id := range changes {
		if t := d.tables[id]; t != nil {
			t.Free()
			delete(d.tables, id)
		}
		if t := newTables[id]; t != nil {
			d.tables[id] = t
		}
	}
	return nil
}

// config turns a component into what the C loop runs (nil: idle).
func (d *dataplane) config(c *engine.Component) (*dpdk.Config, *dpdk.MACTable, error) {
	if c == nil {
		return nil, nil, nil
	}
	cfg := &dpdk.Config{Kernel: c.Kernel}
	for _, list := range []struct {
		ps  []port.Port
		eps *[]*dpdk.Endpoint
	}{{c.Rx, &cfg.Rx}, {c.Tx, &cfg.Tx}} {
		for _, p := range list.ps {
			op := d.ports[p]
			if op == nil {
				return nil, nil, fmt.Errorf("%s is not open", p)
			}
			*list.eps = append(*list.eps, op.ep)
		}
	}
	switch c.Kernel {
	case component.KernelClassifier:
		t, err := d.table(c)
		if err != nil {
			return nil, nil, err
		}
		cfg.Table = t
		return cfg, t, nil
	case component.KernelMirror:
		cfg.ClonePool, cfg.DeepCopy = d.clonePool, d.deep
	}
	return cfg, nil, nil
}

// table builds a classifier's MAC table: tx indexes are indexes of c.Tx.
func (d *dataplane) table(c *engine.Component) (*dpdk.MACTable, error) {
	index := map[port.Port]int{}
	for i, p := range c.Tx {
		index[p] = i
	}
	t, err := dpdk.NewMACTable(len(c.MACs))
	if err != nil {
		return nil, err
	}
	for mac, p := range c.MACs {
		if err := t.Add(mac, index[p]); err != nil {
			t.Free()
			return nil, err
		}
	}
	def := -1
	if c.Default != nil {
		def = index[*c.Default]
	}
	if err := t.SetDefault(def); err != nil {
		t.Free()
		return nil, err
	}
	return t, nil
}

func (d *dataplane) CoreCounters(lcore int) (uint64, uint64) { return dpdk.LcoreCounters(lcore) }

// close releases every table still in use; the lcores must be idle.
func (d *dataplane) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, t := range d.tables {
		t.Free()
		delete(d.tables, id)
	}
	for _, t := range d.stale {
		t.Free()
	}
	d.stale = nil
}
