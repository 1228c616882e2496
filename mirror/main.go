// spp_mirror: a DPDK secondary that copies a port's packets to a second port
// for monitoring (tap as a service).
//
//	spp_mirror [EAL options] -- --client-id N -s HOST:PORT [--vhost-client] [--pcap-dir DIR] [--config FILE] [--copy shallow|deep]
package main

import (
	"os"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/secondary"
)

func main() { os.Exit(secondary.Main(proto.TypeMirror, os.Args)) }
