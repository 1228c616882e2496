// spp_vf: a DPDK secondary that classifies packets by destination MAC, merges
// and forwards them between NICs, rings and VMs (protocol.md 3.3).
//
//	spp_vf [EAL options] -- --client-id N -s HOST:PORT [--vhost-client] [--pcap-dir DIR] [--config FILE]
package main

import (
	"os"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/secondary"
)

func main() { os.Exit(secondary.Main(proto.TypeVF, os.Args)) }
