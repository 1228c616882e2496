package main

// The vhost scenarios' "VM": dpdk-testpmd with a virtio_user port on the
// vhost socket of the side under test, in rxonly or txonly mode, on CPU 0.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// vhostDir holds the vhost sockets: spp_vf's --vhost-dir and testpmd's
// net_vhost0 (a short path: a socket path has at most 107 bytes).
var vhostDir = fmt.Sprintf("/tmp/spp-bench-%d", os.Getpid())

func vhostSock() string { return filepath.Join(vhostDir, "sock0") }

// tpVhost is testpmd's vhost port, a server socket like spp_vf's.
func tpVhost() string { return "net_vhost0,iface=" + vhostSock() + ",queues=1" }

// vmArgv: main and forwarding lcore both on CPU 0 (CPU 1 is the worker
// under test's); --no-flush-rx so that frames that arrive as it starts
// are counted, not flushed (dataplane.md).
func vmArgv(bin, prefix, mode string) []string {
	return []string{"stdbuf", "-oL", bin, "--lcores=0@0,1@0", "--file-prefix=" + prefix, "--proc-type=primary",
		"--no-pci", "--single-file-segments", "-m", "128", "--log-level=lib.eal:warning",
		"--vdev=virtio_user0,path=" + vhostSock() + ",queues=1",
		"--", "-i", "--forward-mode=" + mode, "--nb-cores=1", "--burst=32", "--rxq=1", "--txq=1",
		"--total-num-mbufs=8192", "--no-flush-rx"}
}

type vm struct {
	*tpProc
	prefix string
}

// startVM starts the VM on the vhost socket (which must exist: the
// server's port is open) and starts its forwarding once its port is up.
func startVM(sc *scenario) (*vm, error) {
	v := &vm{prefix: newPrefix("vm")}
	tp, err := startInteractive("vm", vmArgv(testpmdBin, v.prefix, sc.vm))
	if err != nil {
		removePrefix(v.prefix)
		return nil, err
	}
	v.tpProc = tp
	for deadline := time.Now().Add(10 * time.Second); ; {
		out, err := v.do("show port info 0")
		if err != nil {
			v.close()
			return nil, err
		}
		if strings.Contains(out, "Link status: up") {
			break
		}
		if time.Now().After(deadline) {
			v.close()
			return nil, fmt.Errorf("the VM's virtio_user port is not up after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := v.do("start"); err != nil {
		v.close()
		return nil, err
	}
	return v, nil
}

func (v *vm) close() {
	v.quit()
	removePrefix(v.prefix)
}

// makeVhostDir creates the sockets' directory for a vhost scenario.
func makeVhostDir(sc *scenario) error {
	if sc.vm == "" {
		return nil
	}
	os.RemoveAll(vhostDir)
	return os.MkdirAll(vhostDir, 0o755)
}
