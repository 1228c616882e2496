package secondary

// Who owns a hotplugged port. A secondary names itself as the ethdev owner
// of each port it hotplugs (common/dpdk: EthOwnerSet); the name survives
// the process in the primary's shared ethdev data. A later process that
// finds the port already there reads the name to tell an orphan (its owner
// is gone: removed and made again) from a port of a live process (refused).

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proc"
)

// Owner is one process: a pid alone could be a later process that reused
// it, so its start time goes with it.
type Owner struct {
	Prog  string // spp_vf, spp_mirror
	Pid   int
	Start uint64 // /proc/PID/stat field 22 (proc.StartTime)
}

// selfOwner is this process.
func selfOwner(prog string) (Owner, error) { return ownerOf(prog, os.Getpid()) }

// ownerOf is the running process pid, which runs prog.
func ownerOf(prog string, pid int) (Owner, error) {
	st, ok := proc.StartTime(pid)
	if !ok {
		return Owner{}, fmt.Errorf("no start time in /proc/%d/stat", pid)
	}
	return Owner{Prog: prog, Pid: pid, Start: st}, nil
}

// String is the owner name stored with a port: "spp_vf pid 1234 start
// 56789", within DPDK's 63 bytes (a program name is short).
func (o Owner) String() string {
	return fmt.Sprintf("%s pid %d start %d", o.Prog, o.Pid, o.Start)
}

// parseOwner reads what String wrote; false for any other name.
func parseOwner(name string) (Owner, bool) {
	f := strings.Fields(name)
	if len(f) != 5 || f[1] != "pid" || f[3] != "start" {
		return Owner{}, false
	}
	pid, err1 := strconv.Atoi(f[2])
	st, err2 := strconv.ParseUint(f[4], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return Owner{}, false
	}
	return Owner{Prog: f[0], Pid: pid, Start: st}, true
}

// Alive says whether the owner still runs (not a later process of its pid).
func (o Owner) Alive() bool { return proc.Running(o.Pid, o.Start) }
