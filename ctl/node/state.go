package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spp-go/spp/common/proc"
)

// The state file (log/spp-node.json) records everything `spp up` started or
// created, so that `spp down` from another shell, or the next `spp up` after
// a crash, can stop and remove it all.

// StateFileName is the state file's name inside the log directory.
const StateFileName = "spp-node.json"

// State is the content of the state file.
type State struct {
	Config     string          `json:"config"`     // the node file
	Supervisor ProcessRecord   `json:"supervisor"` // the `spp up` process
	Processes  []ProcessRecord `json:"procs"`      // in start order
	Prefixes   []string        `json:"prefixes"`   // EAL file prefixes: the group's and the VMs'
	HugeDir    string          `json:"huge_dir"`
	Sockets    []string        `json:"sockets"` // vhost-user sockets
	Files      []string        `json:"files"`   // capture files written or read by the node
}

// ProcessRecord is the state file's record of one started process. Start
// (the kernel's start time, in clock ticks since boot) tells it apart from a
// later process that got its pid.
type ProcessRecord struct {
	Name  string `json:"name"`
	Role  string `json:"role"` // controller, primary, secondary, vm, supervisor
	Pid   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// Roles of a ProcessRecord.
const (
	RoleController = "controller" // spp serve
	RolePrimary    = "primary"
	RoleSecondary  = "secondary"
	RoleVM         = "vm"
	RoleSupervisor = "supervisor"
)

// ReadState reads a state file; a missing one is (nil, nil).
func ReadState(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &s, nil
}

// Write replaces the state file atomically.
func (s *State) Write(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Alive says whether the recorded process still runs (the same one, not a
// new process that reused its pid).
func (p ProcessRecord) Alive() bool { return proc.Running(p.Pid, p.Start) }

// Signal sends sig to the process if it is still the recorded one.
func (p ProcessRecord) Signal(sig syscall.Signal) {
	if p.Alive() {
		_ = syscall.Kill(p.Pid, sig)
	}
}

// stopProcess asks a process to stop (SIGTERM), waits up to grace, then kills
// it, and waits until it is gone. It returns false if it could not be
// stopped. (A child of ours that exited shows as a zombie until it is
// waited for; Alive already counts it as gone.)
func stopProcess(p ProcessRecord, grace time.Duration) bool {
	if !p.Alive() {
		return true
	}
	p.Signal(syscall.SIGTERM)
	if waitGone(p, grace) {
		return true
	}
	p.Signal(syscall.SIGKILL)
	return waitGone(p, 3*time.Second)
}

func waitGone(p ProcessRecord, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !p.Alive() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return !p.Alive()
}

// Teardown stops every recorded process in reverse start order (VMs, then
// secondaries, then the primary, then spp serve) and removes the node's
// files. It returns
// the names of processes it could not stop.
func (s *State) Teardown(grace time.Duration, logf func(string, ...any)) []string {
	var stuck []string
	for i := len(s.Processes) - 1; i >= 0; i-- {
		p := s.Processes[i]
		if !p.Alive() {
			continue
		}
		logf("stopping %s (pid %d)", p.Name, p.Pid)
		if !stopProcess(p, grace) {
			stuck = append(stuck, p.Name)
		}
	}
	s.RemoveFiles(logf)
	return stuck
}

// RemoveFiles removes prefixes, sockets and capture files of the node.
func (s *State) RemoveFiles(logf func(string, ...any)) {
	for _, p := range s.Prefixes {
		if err := proc.RemovePrefix(s.HugeDir, p); err != nil {
			logf("cleaning prefix %s: %v", p, err)
		}
	}
	for _, f := range append(append([]string{}, s.Sockets...), s.Files...) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			logf("removing %s: %v", f, err)
		}
	}
}

// Live lists the recorded processes that still run.
func (s *State) Live() []ProcessRecord {
	var out []ProcessRecord
	for _, p := range append([]ProcessRecord{s.Supervisor}, s.Processes...) {
		if p.Alive() {
			out = append(out, p)
		}
	}
	return out
}
