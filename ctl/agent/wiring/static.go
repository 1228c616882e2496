package wiring

import (
	"fmt"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/agent/keys"
)

// staticLayout is NIC nic's whole graph: the configuration's components
// (types and ports in canonical form, cores checked against the core mask),
// or, when it has none, networking-spp's default layout.
func staticLayout(cfg *keys.Config, nic int, workers []int) ([]Component, error) {
	vf := cfg.VF[nic]
	if len(vf.Components) == 0 {
		return DefaultLayout(nic, cfg.FirstVhost(nic), vf.NumVhost, workers)
	}
	l := newLcores(workers)
	seen := map[string]bool{}
	var out []Component
	for _, c := range vf.Components {
		where := fmt.Sprintf("configuration: vf[%d]: component %q", nic, c.Name)
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("%s: a name, once", where)
		}
		seen[c.Name] = true
		t, ok := component.Lookup(proto.TypeVF, c.Type)
		if !ok {
			return nil, fmt.Errorf("%s: type %q (forward, merge, classifier_mac)", where, c.Type)
		}
		if !l.has(c.Core) {
			return nil, fmt.Errorf("%s: core %d is not a worker of core_mask %s (workers %v)", where, c.Core, vf.CoreMask, workers)
		}
		rx, err := canonical(c.RxPort)
		if err != nil {
			return nil, fmt.Errorf("%s: rx_port: %v", where, err)
		}
		tx, err := canonical(c.TxPort)
		if err != nil {
			return nil, fmt.Errorf("%s: tx_port: %v", where, err)
		}
		out = append(out, Component{Name: c.Name, Type: t.Name, Core: c.Core, Rx: rx, Tx: tx})
	}
	return out, nil
}

func canonical(names []string) ([]Port, error) {
	var out []Port
	for _, n := range names {
		p, err := port.Parse(n)
		if err != nil {
			return nil, err
		}
		out = append(out, plain(p.String()))
	}
	return out, nil
}

// DefaultLayout is networking-spp's graph for NIC nic with vhosts first ..
// first+n-1: forward_N_tx (ring 2N -> vhost N) and forward_N_rx (vhost N ->
// ring 2N+1) per vhost, the classifier (nic -> every ring 2N) and the
// merger (every ring 2N+1 -> nic). With 2n+2 workers each has an lcore of
// its own, in networking-spp's order (the forwarders by vhost, then the
// classifier, then the merger: 0xfe gives 2..7); with fewer they share, as
// dynamic places them, at most MaxPerLcore per lcore.
func DefaultLayout(nic, first, n int, workers []int) ([]Component, error) {
	if n == 0 {
		return nil, nil
	}
	cls := Component{Name: ClassifierName, Type: "classifier", Rx: []Port{plain(nicPort(nic))}}
	mrg := Component{Name: MergerName, Type: "merge", Tx: []Port{plain(nicPort(nic))}}
	var fwd []Component
	for v := first; v < first+n; v++ {
		cls.Tx = append(cls.Tx, plain(ToVM(v)))
		mrg.Rx = append(mrg.Rx, plain(FromVM(v)))
		fwd = append(fwd,
			Component{Name: ForwardTx(v), Type: "forward", Rx: []Port{plain(ToVM(v))}, Tx: []Port{plain(vhostPort(v))}},
			Component{Name: ForwardRx(v), Type: "forward", Rx: []Port{plain(vhostPort(v))}, Tx: []Port{plain(FromVM(v))}})
	}
	if len(workers) >= 2*n+2 {
		for i := range fwd {
			fwd[i].Core = workers[i]
		}
		cls.Core, mrg.Core = workers[2*n], workers[2*n+1]
		return append([]Component{cls, mrg}, fwd...), nil
	}
	l := newLcores(workers)
	for _, c := range []*Component{&cls, &mrg} {
		core, ok := l.pick(1)
		if !ok {
			return nil, fmt.Errorf("default layout of nic%d: %s", nic, l.full(keys.ClientID(nic), 1))
		}
		c.Core = core
	}
	for i := 0; i < len(fwd); i += 2 {
		core, ok := l.pick(2)
		if !ok {
			return nil, fmt.Errorf("default layout of nic%d (%d vhosts): %s", nic, n, l.full(keys.ClientID(nic), 2))
		}
		fwd[i].Core, fwd[i+1].Core = core, core
	}
	return append([]Component{cls, mrg}, fwd...), nil
}

// static is the layout with the plugged VMs' entries and VLAN operations:
// strip on the VM's classifier-side port, push on its merger-side port.
func (w *Wiring) static(layout []Component, vms []Bound) []PortError {
	nic := w.ClientID - 1
	cls, mrg := -1, -1
	for i, c := range layout {
		w.Components = append(w.Components, Component{Name: c.Name, Type: c.Type, Core: c.Core,
			Rx: append([]Port(nil), c.Rx...), Tx: append([]Port(nil), c.Tx...)})
		switch {
		case c.Type == "classifier" && hasPort(c.Rx, nicPort(nic)):
			cls = i
		case c.Type == "merge" && hasPort(c.Tx, nicPort(nic)):
			mrg = i
		}
	}
	var errs []PortError
	for _, vm := range vms {
		if cls < 0 || mrg < 0 {
			errs = append(errs, PortError{vm.ID, fmt.Sprintf("the static layout of nic%d has no classifier reading it or no merger sending to it", nic)})
			continue
		}
		ci := w.side(cls, vm.Vhost, true)
		mi := w.side(mrg, vm.Vhost, false)
		if ci < 0 || mi < 0 {
			errs = append(errs, PortError{vm.ID, fmt.Sprintf("vhost %d is not wired to the classifier and the merger of the static layout", vm.Vhost)})
			continue
		}
		tx, rx := &w.Components[cls].Tx[ci], &w.Components[mrg].Rx[mi]
		if vm.VLAN != 0 {
			*tx, *rx = strip(tx.Name), push(rx.Name, vm.VLAN)
		}
		w.Entries = append(w.Entries, Entry{VLAN: vm.VLAN, MAC: vm.MAC, Port: tx.Name})
		w.Wired = append(w.Wired, vm.ID)
	}
	return errs
}

// side finds vhost n's port on component k (networking-spp's anchors,
// reference 4.2): on the classifier (toVM) the tx port that is vhost n or
// that a forwarder to vhost n reads; on the merger the rx port that is
// vhost n or that a forwarder from vhost n writes. -1: none.
func (w *Wiring) side(k, n int, toVM bool) int {
	vh := vhostPort(n)
	ports := w.Components[k].Rx
	if toVM {
		ports = w.Components[k].Tx
	}
	for i, p := range ports {
		if p.Name == vh {
			return i
		}
		for j, c := range w.Components {
			if j == k {
				continue
			}
			if toVM && hasPort(c.Rx, p.Name) && hasPort(c.Tx, vh) {
				return i
			}
			if !toVM && hasPort(c.Rx, vh) && hasPort(c.Tx, p.Name) {
				return i
			}
		}
	}
	return -1
}

func hasPort(ps []Port, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}
