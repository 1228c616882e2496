package wiring

import (
	"fmt"

	"github.com/spp-go/spp/ctl/agent/keys"
)

// Desired computes what the spp_vf of NIC nic should run, from the
// configuration document and the host's bound ports (all of them: those of
// other NICs are left out here). placed is where the spp_vf runs each of
// its components now (Placed of its status): dynamic keeps a component on
// its lcore, so that a plug never moves another VM's forwarders. A bound
// port that cannot be wired gets a PortError and is left out; the error is
// for a NIC that cannot be wired at all (a bad static layout).
func Desired(cfg *keys.Config, nic int, bound []Bound, policy Policy, placed map[string]int) (Wiring, []PortError, error) {
	vf := cfg.VF[nic]
	_, workers, err := vf.Lcores()
	if err != nil {
		return Wiring{}, nil, err
	}
	ok, errs := accept(bound, cfg.FirstVhost(nic), vf.NumVhost)
	w := Wiring{ClientID: keys.ClientID(nic)}
	switch policy {
	case Static:
		layout, err := staticLayout(cfg, nic, workers)
		if err != nil {
			return Wiring{}, nil, err
		}
		more := w.static(layout, ok)
		return w, append(errs, more...), nil
	case Dynamic:
		more := w.dynamic(nic, workers, ok, placed)
		return w, append(errs, more...), nil
	}
	return Wiring{}, nil, fmt.Errorf("policy %q", policy)
}

// dynamic builds seed 000's pattern 2´: a classifier and a merger with
// exactly the plugged VMs' rings, two forwarders per VM on one lcore.
// With no VM (or none that fits) it is empty: the last VM leaving takes the
// classifier and the merger with it.
func (w *Wiring) dynamic(nic int, workers []int, vms []Bound, placed map[string]int) []PortError {
	l := newLcores(workers)
	core := map[string]int{}
	keep := func(name string) bool {
		c, ok := placed[name]
		if ok && l.has(c) {
			core[name] = c
			l.load[c]++
		}
		return ok && l.has(c)
	}
	keep(ClassifierName)
	keep(MergerName)
	for _, vm := range vms {
		keep(ForwardTx(vm.Vhost))
		keep(ForwardRx(vm.Vhost))
	}
	var errs []PortError
	fail := func(vm Bound, why string) {
		for _, n := range []string{ForwardTx(vm.Vhost), ForwardRx(vm.Vhost)} {
			if c, ok := core[n]; ok {
				l.load[c]--
				delete(core, n)
			}
		}
		errs = append(errs, PortError{vm.ID, why})
	}
	for _, n := range []string{ClassifierName, MergerName} {
		if _, ok := core[n]; ok || len(vms) == 0 {
			continue
		}
		c, ok := l.pick(1)
		if !ok {
			for _, vm := range vms {
				fail(vm, l.full(w.ClientID, 1)+" (the "+n+")")
			}
			return errs
		}
		core[n] = c
	}
	var fits []Bound
	for _, vm := range vms {
		tx, rx := ForwardTx(vm.Vhost), ForwardRx(vm.Vhost)
		ct, okt := core[tx]
		cr, okr := core[rx]
		switch {
		case okt && okr:
		case okt || okr: // half a pair: its partner joins it if it can
			have, miss := ct, rx
			if okr {
				have, miss = cr, tx
			}
			if l.load[have] < MaxPerLcore {
				l.load[have]++
				core[miss] = have
			} else if c, ok := l.pick(1); ok {
				core[miss] = c
			} else {
				fail(vm, l.full(w.ClientID, 1))
				continue
			}
		default:
			c, ok := l.pick(2)
			if !ok {
				fail(vm, l.full(w.ClientID, 2))
				continue
			}
			core[tx], core[rx] = c, c
		}
		fits = append(fits, vm)
	}
	if len(fits) == 0 {
		return errs
	}
	cls := Component{Name: ClassifierName, Type: "classifier", Core: core[ClassifierName], Rx: []Port{plain(nicPort(nic))}}
	mrg := Component{Name: MergerName, Type: "merge", Core: core[MergerName], Tx: []Port{plain(nicPort(nic))}}
	var fwd []Component
	for _, vm := range fits {
		n := vm.Vhost
		if vm.VLAN != 0 {
			cls.Tx = append(cls.Tx, strip(ToVM(n)))
			mrg.Rx = append(mrg.Rx, push(FromVM(n), vm.VLAN))
		} else {
			cls.Tx = append(cls.Tx, plain(ToVM(n)))
			mrg.Rx = append(mrg.Rx, plain(FromVM(n)))
		}
		fwd = append(fwd,
			Component{Name: ForwardTx(n), Type: "forward", Core: core[ForwardTx(n)], Rx: []Port{plain(ToVM(n))}, Tx: []Port{plain(vhostPort(n))}},
			Component{Name: ForwardRx(n), Type: "forward", Core: core[ForwardRx(n)], Rx: []Port{plain(vhostPort(n))}, Tx: []Port{plain(FromVM(n))}})
		w.Entries = append(w.Entries, Entry{VLAN: vm.VLAN, MAC: vm.MAC, Port: ToVM(n)})
		w.Wired = append(w.Wired, vm.ID)
	}
	w.Components = append([]Component{cls, mrg}, fwd...)
	return errs
}
