package serve

import (
	"encoding/json"
	"strconv"

	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// The daemons' status (protocol.md sections 4 and 9.5) in upstream
// spp-ctl's JSON, with upstream's port names.

// upstreamPort is a daemon's port name as upstream writes it, with
// protocol.md section 7's aliases: nic0 is phy:0, ring0 ring:0. A name it
// cannot read is left as it is.
func upstreamPort(name string) string {
	p, err := port.Parse(name)
	if err != nil {
		return name
	}
	return p.Kind.Alias() + strconv.Itoa(p.N)
}

// vlanJSON is a port's VLAN operation, always with id and pcp, as
// upstream reports it.
type vlanJSON struct {
	Operation string `json:"operation"`
	ID        int    `json:"id"`
	PCP       int    `json:"pcp"`
}

// portJSON is one port of a component.
type portJSON struct {
	Port string   `json:"port"`
	VLAN vlanJSON `json:"vlan"`
}

// componentJSON is one component, or an lcore with none ({"core":N,
// "type":"unuse"}).
type componentJSON struct {
	Core int        `json:"core"`
	Name string     `json:"name,omitempty"`
	Type string     `json:"type"`
	Rx   []portJSON `json:"rx_port,omitempty"`
	Tx   []portJSON `json:"tx_port,omitempty"`
}

// MarshalJSON writes rx_port and tx_port for every component (empty
// lists included), and neither for an unused lcore.
func (c componentJSON) MarshalJSON() ([]byte, error) {
	if c.Type == proto.CoreUnuse {
		return json.Marshal(struct {
			Core int    `json:"core"`
			Type string `json:"type"`
		}{c.Core, c.Type})
	}
	type plain componentJSON
	return json.Marshal(struct {
		plain
		Rx []portJSON `json:"rx_port"`
		Tx []portJSON `json:"tx_port"`
	}{plain(c), orEmpty(c.Rx), orEmpty(c.Tx)})
}

func orEmpty(ps []portJSON) []portJSON {
	if ps == nil {
		return []portJSON{}
	}
	return ps
}

// entryJSON is one classifier table entry: a vlan entry's value is
// "VID/MAC".
type entryJSON struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Port  string `json:"port"`
}

// secondaryJSON is GET /v1/vfs/{id} and /v1/mirrors/{id}.
type secondaryJSON struct {
	ClientID        int             `json:"client-id"`
	Ports           []string        `json:"ports"`
	MasterLcore     int             `json:"master-lcore"`
	Components      []componentJSON `json:"components"`
	ClassifierTable *[]entryJSON    `json:"classifier_table,omitempty"` // vf only, empty list included
}

// secondaryStatus translates a vf's or a mirror's status.
func secondaryStatus(in *proto.SecondaryInfo) secondaryJSON {
	out := secondaryJSON{ClientID: in.ClientID, Ports: []string{}, MasterLcore: in.MainLcore, Components: []componentJSON{}}
	for _, p := range in.Ports {
		out.Ports = append(out.Ports, upstreamPort(p.Port))
	}
	for _, c := range in.Core {
		out.Components = append(out.Components, componentOf(c))
	}
	if in.ProcessType == proto.TypeVF {
		t := []entryJSON{}
		for _, e := range in.ClassifierTable {
			t = append(t, entry(e))
		}
		out.ClassifierTable = &t
	}
	return out
}

func componentOf(c proto.CoreStatus) componentJSON {
	if c.Type == proto.CoreUnuse || c.Type == "" {
		return componentJSON{Core: c.Core, Type: proto.CoreUnuse}
	}
	out := componentJSON{Core: c.Core, Name: c.Name, Type: c.Type}
	for _, p := range c.RxPort {
		out.Rx = append(out.Rx, portRef(p))
	}
	for _, p := range c.TxPort {
		out.Tx = append(out.Tx, portRef(p))
	}
	return out
}

// portRef is one port of a component with its VLAN operation, id and pcp
// always there (0 unless the operation is add).
func portRef(p proto.PortRef) portJSON {
	op := p.VLAN.Operation
	if op == "" {
		op = proto.VLANNone
	}
	return portJSON{Port: upstreamPort(p.Port), VLAN: vlanJSON{Operation: op, ID: p.VLAN.ID, PCP: p.VLAN.PCP}}
}

// entry is a classifier table entry; a vlan entry's value is "VID/MAC",
// as upstream writes it.
func entry(e proto.ClassifierEntry) entryJSON {
	v := e.Value
	if e.Type == proto.EntryVLAN {
		v = strconv.Itoa(e.VLAN) + "/" + e.Value
	}
	return entryJSON{Type: e.Type, Value: v, Port: upstreamPort(e.Port)}
}

// primaryJSON is GET /v1/primary/status.
type primaryJSON struct {
	Lcores    []int          `json:"lcores"`
	PhyPorts  []phyPortJSON  `json:"phy_ports"`
	RingPorts []ringPortJSON `json:"ring_ports"`
}

type phyPortJSON struct {
	ID        int        `json:"id"`
	Rx        uint64     `json:"rx"`
	Tx        uint64     `json:"tx"`
	TxDrop    uint64     `json:"tx_drop"`
	Eth       string     `json:"eth"` // the NIC's MAC
	NofQueues queuesJSON `json:"nof_queues"`
}

type queuesJSON struct {
	Rx int `json:"rx"`
	Tx int `json:"tx"`
}

type ringPortJSON struct {
	ID     int    `json:"id"`
	Rx     uint64 `json:"rx"`
	RxDrop uint64 `json:"rx_drop"`
	Tx     uint64 `json:"tx"`
	TxDrop uint64 `json:"tx_drop"`
}

// primaryStatus translates the primary's status. Its rings have no
// counters of their own: a ring's rx and tx are what the secondaries
// (secs) dequeued from it and enqueued to it, as upstream's ring PMD
// counted them in shared memory.
func primaryStatus(in *proto.PrimaryInfo, secs []*proto.SecondaryInfo) primaryJSON {
	out := primaryJSON{Lcores: []int{in.MainLcore}, PhyPorts: []phyPortJSON{}, RingPorts: []ringPortJSON{}}
	for _, p := range in.Ports {
		pp, err := port.Parse(p.Port)
		if err != nil || pp.Kind != port.NIC {
			continue
		}
		// spp_primary opens one rx and one tx queue per NIC.
		out.PhyPorts = append(out.PhyPorts, phyPortJSON{ID: pp.N, Rx: p.Rx, Tx: p.Tx, TxDrop: p.TxDrop, Eth: p.MAC, NofQueues: queuesJSON{1, 1}})
	}
	for _, r := range in.Rings {
		rp, err := port.Parse(r.Ring)
		if err != nil {
			continue
		}
		rj := ringPortJSON{ID: rp.N}
		for _, si := range secs {
			for _, p := range si.Ports {
				if p.Port == r.Ring {
					rj.Rx += p.Rx
					rj.RxDrop += p.RxDrop
					rj.Tx += p.Tx
					rj.TxDrop += p.TxDrop
				}
			}
		}
		out.RingPorts = append(out.RingPorts, rj)
	}
	return out
}
