package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Who uses a DPDK file prefix. Every EAL process of a prefix keeps files of
// the prefix's runtime directory open as long as it lives: the primary its
// config file (which it holds locked) and the fbarray files, each secondary
// the fbarray files (measured on DPDK 22.11: a secondary closes config
// after mapping it). A process that is gone, or a zombie, holds none; a
// socket file (mp_socket_<pid>_...) a killed secondary left does not count.

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

// PrefixUsers lists the live processes that have files of dir (a prefix's
// runtime directory) open, by pid. A missing dir has no users. Processes
// whose descriptors cannot be read (another user's, when not root) are
// not seen.
func PrefixUsers(dir string) ([]PrefixUser, error) {
	real, err := filepath.EvalSymlinks(dir) // /var/run is /run: links name /run
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
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
		u := PrefixUser{Pid: pid}
		uses := false
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil {
				continue
			}
			rel, ok := strings.CutPrefix(target, real+"/")
			if !ok {
				continue
			}
			uses = true
			if rel == "config" {
				u.Primary = true
			}
		}
		if !uses {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "comm"))
		u.Name = strings.TrimSpace(string(comm))
		if u.Name == "" {
			u.Name = "process"
		}
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Pid < users[j].Pid })
	return users, nil
}
