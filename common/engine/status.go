package engine

import (
	"github.com/spp-go/spp/common/proto"
)

// info builds the status document (protocol.md sections 4 and 9.5): the
// active state, one "core" entry per component in lcore then name order
// and an "unuse" one for an lcore with none; the classifier table with
// default first, then mac entries, then vlan entries by (vlan, MAC).
func (e *Engine) info() *proto.SecondaryInfo {
	s := e.staged.clone()
	s.prune()
	in := &proto.SecondaryInfo{
		ClientID: e.opt.ClientID, ProcessType: e.opt.ProcessType, MainLcore: e.main,
		Staged: !s.equal(e.active),
		Ports:  []proto.PortStatus{}, Core: []proto.CoreStatus{},
	}
	for _, p := range e.active.ports() {
		st := e.dp.PortStatus(p)
		st.Port = p.String()
		in.Ports = append(in.Ports, st)
	}
	for _, id := range e.workers {
		names := e.active.onCore(id)
		if len(names) == 0 {
			in.Core = append(in.Core, proto.CoreStatus{Core: id, Type: proto.CoreUnuse})
			continue
		}
		for _, name := range names {
			in.Core = append(in.Core, e.coreStatus(e.comps[name]))
		}
	}
	if e.opt.ProcessType == proto.TypeVF {
		in.ClassifierTable = []proto.ClassifierEntry{}
		if d := e.active.def; d != nil {
			in.ClassifierTable = append(in.ClassifierTable, proto.ClassifierEntry{Type: proto.EntryMAC, Value: "default", Port: d.String()})
		}
		for _, k := range sortedKeys(e.active.macs) {
			vlan, mac := splitKey(k)
			ent := proto.ClassifierEntry{Type: proto.EntryMAC, Value: proto.FormatMAC(mac), Port: e.active.macs[k].String()}
			if vlan != 0 {
				ent.Type, ent.VLAN = proto.EntryVLAN, vlan
			}
			in.ClassifierTable = append(in.ClassifierTable, ent)
		}
	}
	return in
}

// coreStatus is one component's "core" entry; an idle one has no counters.
func (e *Engine) coreStatus(c *Component) proto.CoreStatus {
	st := proto.CoreStatus{Core: c.Core, Name: c.Name, Type: c.Type, State: proto.StateRunning,
		RxPort: refStatus(c.Rx), TxPort: refStatus(c.Tx)}
	if c.Idle() {
		st.State = proto.StateIdle
	} else {
		st.Packets, st.Drops = e.dp.ComponentCounters(c)
	}
	return st
}

func refStatus(rs []PortRef) []proto.PortRef {
	out := make([]proto.PortRef, len(rs))
	for i, r := range rs {
		out[i] = proto.PortRef{Port: r.Port.String(), VLAN: r.VLAN.status()}
	}
	return out
}
