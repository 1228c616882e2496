// Package testpmd reads dpdk-testpmd's answers on its interactive command
// line. The bench's baseline and `spp up`'s test VMs are both testpmd
// processes whose port counters are read with ShowPortStats: this is the
// one parser of that answer.
package testpmd

import (
	"regexp"
	"strconv"
	"strings"
)

// ShowPortStats is the command whose answer PortStats reads.
const ShowPortStats = "show port stats all"

// Port is one port's counters in a ShowPortStats answer.
type Port struct {
	RxPackets, TxPackets                   uint64
	RxMissed, RxErrors, RxNombuf, TxErrors uint64
}

// Drops is everything the port lost: missed on receive, receive errors,
// receives without an mbuf, transmit errors.
func (p Port) Drops() uint64 { return p.RxMissed + p.RxErrors + p.RxNombuf + p.TxErrors }

var (
	headerRe = regexp.MustCompile(`NIC statistics for port (\d+)`)
	fieldRe  = regexp.MustCompile(`(RX-packets|RX-missed|RX-errors|RX-nombuf|TX-packets|TX-errors):\s*(\d+)`)
)

// PortStats reads the port blocks of ShowPortStats answers in text, by
// port id. A block counts once it is whole: its closing line of #s read
// after its RX-packets and TX-packets, so that an answer still being
// written (a log read while testpmd prints) is not taken for zeros. Where
// text holds several answers, a port's first whole block is the one kept.
func PortStats(text string) map[int]Port {
	ports := map[int]Port{}
	cur := -1 // the port whose block is being read
	var p Port
	var seen int // RX-packets and TX-packets fields read in the block
	for _, line := range strings.Split(text, "\n") {
		if m := headerRe.FindStringSubmatch(line); m != nil {
			cur, _ = strconv.Atoi(m[1])
			p, seen = Port{}, 0
			continue
		}
		if cur < 0 {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "####") {
			if _, dup := ports[cur]; !dup && seen == 2 {
				ports[cur] = p
			}
			cur = -1
			continue
		}
		for _, m := range fieldRe.FindAllStringSubmatch(line, -1) {
			v, _ := strconv.ParseUint(m[2], 10, 64)
			switch m[1] {
			case "RX-packets":
				p.RxPackets = v
				seen++
			case "TX-packets":
				p.TxPackets = v
				seen++
			case "RX-missed":
				p.RxMissed = v
			case "RX-errors":
				p.RxErrors = v
			case "RX-nombuf":
				p.RxNombuf = v
			case "TX-errors":
				p.TxErrors = v
			}
		}
	}
	return ports
}
