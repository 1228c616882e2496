package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Who uses a DPDK file prefix. Every EAL process of a prefix holds files
// of the prefix's runtime directory as long as it lives (measured on DPDK
// 22.11): its multi-process socket (the primary's mp_socket, a
// secondary's mp_socket_<pid>_<tsc>), bound early in EAL init; the config
// file (the primary keeps it open and locked, a secondary closes it once
// mapped); the fbarray files. A process that is gone, or a zombie, holds
// none, and a socket file a killed secondary left does not count.

// PrefixUser is a live process with files of a prefix's runtime directory
// open.
type PrefixUser struct {
	Pid     int
	Name    string // its command name (/proc/PID/comm)
	Primary bool   // it holds the prefix's config file: the prefix's primary
}

func (u PrefixUser) String() string { return fmt.Sprintf("%s (pid %d)", u.Name, u.Pid) }

// PrefixRuntimeDir is the runtime directory DPDK uses for a file prefix in
// a process of this user: /var/run/dpdk/<prefix> for root, else under
// $XDG_RUNTIME_DIR or /tmp (as EAL's eal_create_runtime_dir decides).
func PrefixRuntimeDir(prefix string) string {
	if os.Getuid() == 0 {
		return filepath.Join(RuntimeDir, prefix)
	}
	base := os.Getenv("XDG_RUNTIME_DIR")
	if base == "" {
		base = "/tmp"
	}
	return filepath.Join(base, "dpdk", prefix)
}

// PrefixUsers lists the live processes that hold files or sockets of dir
// (a prefix's runtime directory), by pid. Processes whose descriptors
// cannot be read (another user's, when not root) are not seen.
func PrefixUsers(dir string) ([]PrefixUser, error) {
	// Links name real paths (/var/run is /run here). The directory itself
	// may be gone, removed under its live processes: their links then end
	// in " (deleted)", and they are users all the same.
	parent, err := filepath.EvalSymlinks(filepath.Dir(dir))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	real := filepath.Join(parent, filepath.Base(dir))
	socks := unixSockets(filepath.Clean(dir), real)
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var users []PrefixUser
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fdDir := filepath.Join("/proc", p.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue // gone meanwhile, or not ours to read
		}
		var uses, config, priSock, secSock bool
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil {
				continue
			}
			name, ok := strings.CutPrefix(target, real+"/")
			if !ok {
				if name, ok = socks[target]; !ok {
					continue
				}
			}
			uses = true
			switch name = strings.TrimSuffix(name, " (deleted)"); {
			case name == "config":
				config = true
			case name == "mp_socket":
				priSock = true
			case strings.HasPrefix(name, "mp_socket_"):
				secSock = true
			}
		}
		if !uses {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "comm"))
		u := PrefixUser{Pid: pid, Name: strings.TrimSpace(string(comm)), Primary: priSock || config && !secSock}
		if u.Name == "" {
			u.Name = "process"
		}
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Pid < users[j].Pid })
	return users, nil
}

// unixSockets maps "socket:[INODE]" (a descriptor's link) to the socket's
// name inside one of dirs, for the unix sockets bound there
// (/proc/net/unix gives the path as bound).
func unixSockets(dirs ...string) map[string]string {
	socks := map[string]string{}
	data, err := os.ReadFile("/proc/net/unix")
	if err != nil {
		return socks
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		for _, d := range dirs {
			if name, ok := strings.CutPrefix(f[7], d+"/"); ok {
				socks["socket:["+f[6]+"]"] = name
			}
		}
	}
	return socks
}

// FilePrefix reads --file-prefix from EAL arguments (default "rte", as
// EAL's). shared is false when the process keeps no shared files
// (--no-shconf, --in-memory): then no other process can be in its way.
func FilePrefix(ealArgs []string) (prefix string, shared bool) {
	prefix, shared = "rte", true
	for i, a := range ealArgs {
		switch {
		case a == "--file-prefix" && i+1 < len(ealArgs):
			prefix = ealArgs[i+1]
		case strings.HasPrefix(a, "--file-prefix="):
			prefix = strings.TrimPrefix(a, "--file-prefix=")
		case a == "--no-shconf" || a == "--in-memory":
			shared = false
		}
	}
	return prefix, shared
}
