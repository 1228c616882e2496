package main

import (
	"fmt"
	"net"

	"github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// Handle runs one request (daemon.Handler). Every command is checked before
// any runs, so a failing batch changes nothing.
func (p *primary) Handle(req *proto.Request) (proto.Reply, bool) {
	n := len(req.Commands)
	var process, status, clear, exit bool
	for i, cmd := range req.Commands {
		if err := cmd.Err(); err != nil {
			return proto.FailReply(n, i, err), false
		}
		switch cmd.Name {
		case "process":
			process = true
		case "status":
			status = true
		case "clear":
			clear = true
		case "exit":
			exit = true
		default:
			err := proto.ErrBadValue("command", fmt.Sprintf("unknown command %q for spp_primary", cmd.Name))
			return proto.FailReply(n, i, err), false
		}
	}
	if clear {
		for i, id := range p.nics {
			if err := dpdk.EthStatsReset(id); err != nil {
				return proto.FailReply(n, indexOf(req, "clear"), fmt.Errorf("nic%d: %v", i, err)), false
			}
		}
	}
	rep := proto.SuccessReply(n)
	if process {
		id := 0
		rep.ClientID, rep.ProcessType = &id, proto.TypePrimary
	}
	if status {
		rep.Info = p.info()
	}
	return rep, exit
}

func indexOf(req *proto.Request, name string) int {
	for i, c := range req.Commands {
		if c.Name == name {
			return i
		}
	}
	return 0
}

// info is the primary's status (protocol.md section 4).
func (p *primary) info() *proto.PrimaryInfo {
	in := &proto.PrimaryInfo{
		MainLcore: dpdk.MainLcore(),
		Ports:     []proto.PortStatus{},
		Rings:     []proto.RingStatus{},
	}
	for i, id := range p.nics {
		s, _ := dpdk.EthStatsGet(id)
		link := "down"
		if dpdk.EthLink(id) {
			link = "up"
		}
		mac := dpdk.EthMAC(id)
		ps := proto.PortStatus{
			Port: port.Port{Kind: port.NIC, N: i}.String(),
			Rx:   s.Rx, Tx: s.Tx, RxDrop: s.RxDrop, TxDrop: s.TxDrop, Link: link,
			MAC: net.HardwareAddr(mac[:]).String(),
		}
		if s.Bytes { // not net_null, net_ring: they count no bytes
			ps.RxBytes, ps.TxBytes = &s.RxBytes, &s.TxBytes
		}
		in.Ports = append(in.Ports, ps)
	}
	for i, r := range p.rings {
		in.Rings = append(in.Rings, proto.RingStatus{
			Ring:  port.Port{Kind: port.Ring, N: i}.String(),
			Count: r.Count(), Capacity: r.Capacity(),
		})
	}
	size, avail := p.pool.Size(), p.pool.Available()
	in.Mempool = proto.MempoolStatus{Name: dpdk.MbufPoolName, Size: size, Available: avail, InUse: size - avail}
	return in
}
