package node

import (
	"fmt"
	"strings"

	"github.com/spp-go/spp/common/proc"
)

// A node whose primary died while no `spp up` watched it (spp up was
// killed too) leaves its secondaries stranded: they still forward, but no
// primary can start under them (spp_primary refuses, naming them). `spp up`
// says so and sends the operator to `spp down`, which stops them (VMs,
// then secondaries) and cleans the prefix, so that `spp up` works again.

// liveError is preflight's refusal when processes of the recorded node
// still run.
func (s *State) liveError(live []ProcessRecord) error {
	var names []string
	for _, p := range live {
		names = append(names, fmt.Sprintf("%s (pid %d)", p.Name, p.Pid))
	}
	if pri, dead := s.deadPrimary(); dead && !s.Supervisor.Alive() {
		return fmt.Errorf("the node's primary (pid %d) is gone and what it leaves stranded still runs: %s; run spp down first (it stops them and cleans up), then spp up again",
			pri.Pid, strings.Join(names, ", "))
	}
	return fmt.Errorf("a node is already up (%s): run spp down first", strings.Join(names, ", "))
}

// deadPrimary returns the recorded primary when it is gone while
// secondaries it leaves stranded still run.
func (s *State) deadPrimary() (ProcessRecord, bool) {
	var pri ProcessRecord
	stranded := false
	for _, p := range s.Processes {
		switch {
		case p.Role == RolePrimary:
			pri = p
		case p.Role == RoleSecondary && p.Alive():
			stranded = true
		}
	}
	return pri, pri.Pid > 0 && !pri.Alive() && stranded
}

// strandedNote is what spp down says before it stops stranded
// secondaries, or "".
func (s *State) strandedNote() string {
	if pri, dead := s.deadPrimary(); dead {
		return fmt.Sprintf("the primary (pid %d) is gone: stopping its stranded secondaries", pri.Pid)
	}
	return ""
}

// prefixesInUse refuses file prefixes of the node that live processes use
// although no state file records them (another node, or processes started
// by hand): cleaning the prefix would pull its files from under them.
func prefixesInUse(prefixes []string) error {
	for _, p := range prefixes {
		users, err := proc.PrefixUsers(proc.PrefixRuntimeDir(p))
		if err != nil || len(users) == 0 {
			continue
		}
		var names []string
		for _, u := range users {
			names = append(names, u.String())
		}
		return fmt.Errorf("file prefix %q is in use by %s, not started by this node's spp up: stop them first, or give the node another file_prefix",
			p, strings.Join(names, ", "))
	}
	return nil
}
