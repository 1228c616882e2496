package node

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// preflight refuses to start over a node that is up, cleans what a crashed
// one left, and checks what the processes would otherwise fail on late:
// the controller ports, the binaries and the hugepages.
func (u *upSession) preflight() error {
	old, err := ReadState(u.statePath)
	if err != nil {
		return err
	}
	if old != nil {
		if live := old.Live(); len(live) > 0 {
			return old.liveError(live)
		}
	}
	prefixes := []string{u.c.EAL.FilePrefix}
	for _, v := range u.c.VM {
		prefixes = append(prefixes, v.FilePrefix)
	}
	if err := prefixesInUse(prefixes); err != nil {
		return err
	}
	if old != nil {
		u.say("cleaning up after a node that did not stop cleanly")
		old.RemoveFiles(u.logf)
		_ = os.Remove(u.statePath)
	}
	c := u.c.Controller
	for _, addr := range []string{net.JoinHostPort(c.Bind, strconv.Itoa(c.PrimaryPort)), net.JoinHostPort(c.Bind, strconv.Itoa(c.SecondaryPort)), c.API} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("controller address %s: %v (another spp running? see docs/troubleshooting.md)", addr, err)
		}
		l.Close()
	}
	bins := []string{u.c.PrimaryArgv(u.binDir)[0], u.c.ShellArgv(u.binDir)[0]}
	for _, s := range u.c.Secondary {
		bins = append(bins, u.c.SecondaryArgv(s, u.binDir)[0])
	}
	for _, b := range bins {
		if _, err := os.Stat(b); err != nil {
			return fmt.Errorf("%v (run make build)", err)
		}
	}
	if len(u.c.VM) > 0 {
		if _, err := exec.LookPath(u.c.Node.Testpmd); err != nil {
			return fmt.Errorf("the VMs need %s: %v (run make deps)", u.c.Node.Testpmd, err)
		}
	}
	for _, v := range u.c.VM {
		if err := freeSocket(VhostSocket(*v.Vhost)); err != nil {
			return err
		}
	}
	need := u.c.EAL.MemoryMB
	for _, v := range u.c.VM {
		need += v.MemoryMB
	}
	if free, ok := hugeFreeMB(); ok && free < need {
		return fmt.Errorf("%d MB of hugepages free, the node needs %d (see docs/troubleshooting.md, hugepages)", free, need)
	}
	return nil
}

// freeSocket removes a stale vhost-user socket file and refuses one that
// some process still listens on.
func freeSocket(path string) error {
	if _, err := os.Lstat(path); err != nil {
		return nil
	}
	conn, err := net.DialTimeout("unix", path, 200*time.Millisecond)
	if err == nil {
		conn.Close()
		return fmt.Errorf("%s is in use by another process (another node or VM?)", path)
	}
	return os.Remove(path)
}

// hugeFreeMB reads the free hugepage memory from /proc/meminfo.
func hugeFreeMB() (int, bool) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	var free, sizeKB int
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "HugePages_Free:":
			free, _ = strconv.Atoi(f[1])
		case "Hugepagesize:":
			sizeKB, _ = strconv.Atoi(f[1])
		}
	}
	if sizeKB == 0 {
		return 0, false
	}
	return free * sizeKB / 1024, true
}
