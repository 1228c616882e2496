package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proc"
)

// A primary must not start over live processes of its file prefix. If the
// old primary still runs, EAL fails late and obscurely; if only its
// secondaries do (the primary died), EAL takes over the shared config
// under them ("Cannot allocate memzone list" follows), and the stranded
// secondaries can crash when they exit. So spp_primary looks before EAL
// init and refuses, naming them.

// livePrefixError says why the primary must not start, or is nil: the
// live processes of the prefix's runtime directory and what to do.
func livePrefixError(ealArgs []string) error {
	prefix, shared := filePrefix(ealArgs)
	if !shared {
		return nil
	}
	users, err := proc.PrefixUsers(proc.PrefixRuntimeDir(prefix))
	if err != nil || len(users) == 0 {
		return nil // nothing readable: EAL decides
	}
	var pri, secs []proc.PrefixUser
	for _, u := range users {
		if u.Primary {
			pri = append(pri, u)
		} else {
			secs = append(secs, u)
		}
	}
	var pids []string
	for _, u := range append(secs, pri...) { // secondaries first
		pids = append(pids, strconv.Itoa(u.Pid))
	}
	stop := fmt.Sprintf("spp down, or kill %s", strings.Join(pids, " "))
	if len(pri) > 0 {
		with := ""
		if len(secs) > 0 {
			with = " with its secondaries " + names(secs)
		}
		return fmt.Errorf("file prefix %q already has a live primary, %s%s: stop that node first (%s) or give this one another --file-prefix",
			prefix, names(pri), with, stop)
	}
	return fmt.Errorf("file prefix %q still has secondaries of a primary that is gone: %s; a new primary cannot start under them: stop them first (%s), then start spp_primary again",
		prefix, names(secs), stop)
}

func names(us []proc.PrefixUser) string {
	var s []string
	for _, u := range us {
		s = append(s, u.String())
	}
	return strings.Join(s, ", ")
}

// filePrefix is proc.FilePrefix (spp_vf and spp_mirror read it too).
func filePrefix(ealArgs []string) (prefix string, shared bool) { return proc.FilePrefix(ealArgs) }
