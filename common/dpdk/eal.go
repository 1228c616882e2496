// Package dpdk is spp-go's only binding to DPDK 22.11: EAL (through go-dpdk's
// eal), thread pinning, mbuf pools and rings (go-dpdk), a thin ethdev and
// hotplug binding of our own, and the data path: one C loop per worker lcore
// running a component kernel (forward, merge, classifier, mirror), entered
// once from Go and reconfigured at burst boundaries (see dataplane.h).
//
// go-dpdk's ethdev and hash packages do not build on 22.11 and are not used.
package dpdk

/*
#cgo pkg-config: libdpdk
#cgo CFLAGS: -O3 -D_GNU_SOURCE -Wno-deprecated-declarations
#include <errno.h>
#include <rte_errno.h>
#include <rte_eal.h>
#include "eth.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"github.com/yerden/go-dpdk/eal"
	"golang.org/x/sys/unix"
)

var (
	initOnce     sync.Once
	initErr      error
	shutdownOnce sync.Once
)

// Init initialises EAL. args is a whole command line, argv[0] first: the EAL
// arguments, then optionally "--" and the application's arguments, which
// Init returns. It can succeed once per process.
//
// It also ignores SIGPIPE (vhost-user, tap and af_packet sockets are written
// from C threads, where a SIGPIPE would kill the process) and pins every
// thread of the process but the rte-worker-* ones to the main lcore's CPUs,
// so that the Go runtime never competes with a data-plane loop.
func Init(args []string) (appArgs []string, err error) {
	if len(args) == 0 {
		return nil, errors.New("dpdk.Init: empty argument list (argv[0] first)")
	}
	ealArgs := args
	for i, a := range args {
		if a == "--" {
			ealArgs, appArgs = args[:i], append([]string{}, args[i+1:]...)
			break
		}
	}
	ran := false
	initOnce.Do(func() {
		ran = true
		signal.Ignore(syscall.SIGPIPE)
		if _, e := eal.Init(append([]string{}, ealArgs...)); e != nil {
			initErr = fmt.Errorf("EAL init: %v%s", e, heapNote)
			return
		}
		initErr = pinControlThreads()
	})
	if !ran {
		return nil, errors.New("dpdk.Init: EAL is already initialised")
	}
	return appArgs, initErr
}

// Shutdown stops every lcore loop, gives the mbufs in this process's lcore
// caches back to their pools, stops go-dpdk's lcore listeners, then cleans
// EAL up (rte_eal_cleanup hangs while a listener still runs). No DPDK call
// may follow.
func Shutdown() {
	shutdownOnce.Do(func() {
		stopLoops()
		flushCaches()
		eal.StopLcores()
		eal.Cleanup()
	})
}

// RuntimeDir is the directory where EAL keeps this prefix's shared files
// (/var/run/dpdk/<prefix> for root). Read it before Shutdown.
func RuntimeDir() string { return C.GoString(C.rte_eal_get_runtime_dir()) }

// IsPrimary tells whether this process is the DPDK primary.
func IsPrimary() bool { return eal.ProcessType() == int(C.RTE_PROC_PRIMARY) }

// MainLcore is the lcore id of the main (control) thread.
func MainLcore() int { return int(eal.GetMainLcore()) }

// WorkerLcores are the lcore ids that can run a component, ascending.
func WorkerLcores() []int {
	var out []int
	for _, id := range eal.LcoresWorker() {
		out = append(out, int(id))
	}
	return out
}

// pinControlThreads moves every thread but the EAL workers onto the main
// lcore's CPU set. Threads created later inherit the mask of their creator,
// which is one of these.
func pinControlThreads() error {
	var cs C.cpu_set_t
	if C.spp_main_cpuset(&cs) <= 0 {
		return errors.New("main lcore has an empty CPU set")
	}
	var set unix.CPUSet
	n := unsafe.Sizeof(set)
	if s := unsafe.Sizeof(cs); s < n {
		n = s
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&set)), n), unsafe.Slice((*byte)(unsafe.Pointer(&cs)), n))
	return pinThreads(&set, "rte-worker-")
}

// PinProcess moves every thread of this process onto cpu; threads created
// later inherit it. For processes that are not EAL's (the bench keeps its
// own Go threads off the CPU under test).
func PinProcess(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	return pinThreads(&set, "")
}

// pinThreads sets the affinity of every thread of this process to set, but
// for threads whose name starts with skip (none when skip is "").
func pinThreads(set *unix.CPUSet, skip string) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if skip != "" {
			comm, err := os.ReadFile("/proc/self/task/" + t.Name() + "/comm")
			if err != nil {
				continue // the thread is gone
			}
			if strings.HasPrefix(string(comm), skip) {
				continue
			}
		}
		if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("pin thread %d: %v", tid, err)
		}
	}
	return nil
}

// rteErr turns a negative DPDK return code into an error.
func rteErr(what string, rc C.int) error {
	if rc >= 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, C.GoString(C.rte_strerror(-rc)))
}

// rteErrno reports rte_errno after a call that returned NULL.
func rteErrno(what string) error {
	return fmt.Errorf("%s: %s", what, C.GoString(C.rte_strerror(C.rte_errno)))
}
