package serve

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// GET /v1/cpu_layout and GET /v1/cpu_usage.

type socketJSON struct {
	SocketID int        `json:"socket_id"`
	Cores    []coreJSON `json:"cores"`
}

type coreJSON struct {
	CoreID int   `json:"core_id"`
	Lcores []int `json:"lcores"`
}

// cpuLayout reads the machine's CPUs from /sys: sockets, their cores and
// each core's hardware threads (lcores), as upstream's cpu_layout.py
// --json prints them, sorted.
func cpuLayout(root string) ([]socketJSON, error) {
	online, err := os.ReadFile(filepath.Join(root, "online"))
	if err != nil {
		return nil, err
	}
	cpus, err := parseCPUList(strings.TrimSpace(string(online)))
	if err != nil {
		return nil, fmt.Errorf("%s/online: %v", root, err)
	}
	cores := map[int]map[int][]int{} // socket -> core -> lcores
	for _, cpu := range cpus {
		topo := filepath.Join(root, "cpu"+strconv.Itoa(cpu), "topology")
		sock, err1 := readInt(filepath.Join(topo, "physical_package_id"))
		core, err2 := readInt(filepath.Join(topo, "core_id"))
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if cores[sock] == nil {
			cores[sock] = map[int][]int{}
		}
		cores[sock][core] = append(cores[sock][core], cpu)
	}
	out := []socketJSON{}
	for _, sock := range sortedKeys(cores) {
		s := socketJSON{SocketID: sock, Cores: []coreJSON{}}
		for _, core := range sortedKeys(cores[sock]) {
			l := cores[sock][core]
			sort.Ints(l)
			s.Cores = append(s.Cores, coreJSON{CoreID: core, Lcores: l})
		}
		out = append(out, s)
	}
	return out, nil
}

func sortedKeys[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

func readInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// parseCPUList reads the kernel's CPU list format: "0-3,8,10-11".
func parseCPUList(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("bad CPU list %q", s)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad CPU list %q", s)
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// usageJSON is one process of GET /v1/cpu_usage: its main lcore and every
// lcore it runs on (main first, then its workers).
type usageJSON struct {
	ProcType    string `json:"proc-type"`
	ClientID    *int   `json:"client-id,omitempty"`
	MasterLcore int    `json:"master-lcore"`
	Lcores      []int  `json:"lcores"`
}

// statuses asks every connected process for its status, each in its own
// turn, in parallel. A process that leaves meanwhile is left out.
func (s *Server) statuses(r *http.Request) (*proto.PrimaryInfo, []*proto.SecondaryInfo, error) {
	var procs []*registry.Process
	if s.reg != nil {
		procs = s.reg.Processes()
	}
	type res struct {
		pri *proto.PrimaryInfo
		sec *proto.SecondaryInfo
		err error
	}
	out := make([]res, len(procs))
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := s.call(r, p.Target(), "", proto.Status())
			if err == nil && p.Primary {
				out[i].pri, err = rep.PrimaryInfo()
			} else if err == nil {
				out[i].sec, err = rep.SecondaryInfo()
			}
			out[i].err = err
		}()
	}
	wg.Wait()
	var pri *proto.PrimaryInfo
	var secs []*proto.SecondaryInfo
	for _, o := range out {
		var he *httpError
		switch {
		case errors.As(o.err, &he) && he.code == http.StatusNotFound:
		case o.err != nil:
			return nil, nil, o.err
		case o.pri != nil:
			pri = o.pri
		default:
			secs = append(secs, o.sec)
		}
	}
	return pri, secs, nil
}

func (s *Server) cpuUsage(r *http.Request) (any, error) {
	pri, secs, err := s.statuses(r)
	if err != nil {
		return nil, err
	}
	out := []usageJSON{}
	if pri != nil {
		out = append(out, usageJSON{ProcType: proto.TypePrimary, MasterLcore: pri.MainLcore, Lcores: []int{pri.MainLcore}})
	}
	for _, si := range secs {
		id := si.ClientID
		u := usageJSON{ProcType: si.ProcessType, ClientID: &id, MasterLcore: si.MainLcore, Lcores: []int{si.MainLcore}}
		seen := map[int]bool{si.MainLcore: true}
		for _, c := range si.Core {
			if !seen[c.Core] {
				seen[c.Core] = true
				u.Lcores = append(u.Lcores, c.Core)
			}
		}
		out = append(out, u)
	}
	return out, nil
}
