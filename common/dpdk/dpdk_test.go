package dpdk_test

import (
	"fmt"
	"maps"
	"math/rand"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/common/component"
	. "github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/dpdk/dpdktest"
)

// One EAL per test binary, without hugepages or shared files: main lcore 0
// on CPU 0, workers 1 and 2 sharing CPU 1 (two workers let a component move
// between lcores).
var appArgs []string

func TestMain(m *testing.M) {
	prefix := fmt.Sprintf("spp_dpdktest_%d", os.Getpid())
	args := []string{"dpdk.test", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
		"--lcores", "0@0,1@1,2@1", "--file-prefix", prefix, "--log-level", "lib.eal:error", "--no-telemetry",
		"--vdev", "net_ring0", "--vdev", "net_ring1", "--vdev", "net_null0", "--vdev", "net_null1",
		"--", "-s", "127.0.0.1:5555"}
	var err error
	appArgs, err = Init(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "EAL:", err)
		os.Exit(1)
	}
	if err := StartLoops(); err != nil {
		fmt.Fprintln(os.Stderr, "loops:", err)
		os.Exit(1)
	}
	code := m.Run()
	Shutdown()
	// --no-shconf still makes the runtime directory (empty by now).
	for _, dir := range []string{"/var/run/dpdk", os.Getenv("XDG_RUNTIME_DIR") + "/dpdk", "/tmp/dpdk"} {
		os.RemoveAll(dir + "/" + prefix)
	}
	os.Exit(code)
}

func TestInitReturnsAppArgsOnce(t *testing.T) {
	if strings.Join(appArgs, " ") != "-s 127.0.0.1:5555" {
		t.Fatalf("app args %q, want the ones after --", appArgs)
	}
	if _, err := Init([]string{"x", "--no-huge"}); err == nil {
		t.Fatal("a second Init succeeded")
	}
	if !IsPrimary() {
		t.Fatal("not primary")
	}
	if MainLcore() != 0 || fmt.Sprint(WorkerLcores()) != "[1 2]" {
		t.Fatalf("main %d workers %v, want 0 and [1 2]", MainLcore(), WorkerLcores())
	}
}

// Every thread but the EAL workers must be on the main lcore's CPU (0),
// threads the Go runtime made after Init included.
func TestControlThreadsPinned(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ { // make the runtime start more threads
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			time.Sleep(10 * time.Millisecond)
		}()
	}
	wg.Wait()
	tasks, _ := os.ReadDir("/proc/self/task")
	workers := 0
	for _, task := range tasks {
		comm, err1 := os.ReadFile("/proc/self/task/" + task.Name() + "/comm")
		status, err2 := os.ReadFile("/proc/self/task/" + task.Name() + "/status")
		if err1 != nil || err2 != nil {
			continue
		}
		cpus := ""
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
				cpus = strings.TrimSpace(v)
			}
		}
		name := strings.TrimSpace(string(comm))
		if strings.HasPrefix(name, "rte-worker-") {
			workers++
			if cpus != "1" {
				t.Errorf("worker %s on CPUs %s, want 1", name, cpus)
			}
		} else if cpus != "0" {
			t.Errorf("thread %s (%s) on CPUs %s, want 0", task.Name(), name, cpus)
		}
	}
	if workers != 2 {
		t.Errorf("%d rte-worker threads, want 2", workers)
	}
}

func frame(dst uint64) []byte {
	f := make([]byte, 64)
	for i := 0; i < 6; i++ {
		f[i] = byte(dst >> (40 - 8*i))
	}
	copy(f[6:], []byte{0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00})
	return f
}

// release frees a test resource once no lcore can be using it: every worker
// goes idle first (cleanups run before a test's deferred idleAll would).
func release(t *testing.T, free func()) {
	t.Cleanup(func() {
		if err := switchConfigs(map[int]*Config{1: nil, 2: nil}); err != nil {
			t.Error(err)
		}
		free()
	})
}

// running is the component switchConfigs put on each lcore.
var running = map[int]*Component{}

// switchConfigs puts a component made of each config on its lcore, alone
// (nil: the lcore idles), and frees the components it replaces. After an
// error nothing is freed.
func switchConfigs(changes map[int]*Config) error {
	lists := map[int][]*Component{}
	for id, cfg := range changes {
		lists[id] = nil
		if cfg != nil {
			c, err := NewComponent(cfg)
			if err != nil {
				return err
			}
			lists[id] = []*Component{c}
		}
	}
	if err := Switch(lists); err != nil {
		return err
	}
	for id, list := range lists {
		if old := running[id]; old != nil {
			old.Free()
			delete(running, id)
		}
		if len(list) == 1 {
			running[id] = list[0]
		}
	}
	return nil
}

// lcoreCounters are the counters of the component switchConfigs put on
// lcore id.
func lcoreCounters(id int) (packets, drops uint64) {
	if c := running[id]; c != nil {
		return c.Counters()
	}
	return 0, 0
}

func newPool(t *testing.T, name string, n uint32) *Mempool {
	t.Helper()
	p, err := CreateMbufPool(name, n)
	if err != nil {
		t.Fatal(err)
	}
	release(t, p.Free)
	if p.Size() != uint64(n) || p.Available() != uint64(n) || p.Name() != name {
		t.Fatalf("pool %s: size %d available %d", p.Name(), p.Size(), p.Available())
	}
	return p
}

// newClonePool makes the pool a mirror copies into: full mbufs for deep
// copies, mbufs without a data room for clones.
func newClonePool(t *testing.T, name string, n uint32, deep bool) *Mempool {
	t.Helper()
	if deep {
		return newPool(t, name, n)
	}
	p, err := CreateClonePool(name, n)
	if err != nil {
		t.Fatal(err)
	}
	release(t, p.Free)
	return p
}

// newRing makes a ring and its endpoint, freed at the end of the test.
func newRing(t *testing.T, name string, size uint) (*Ring, *Endpoint) {
	t.Helper()
	r, err := CreateRing(name, size)
	if err != nil {
		t.Fatal(err)
	}
	e := RingEndpoint(r)
	release(t, func() { e.Free(); r.Free() })
	return r, e
}

func newTable(t *testing.T, macs, vlans int) *MACTable {
	t.Helper()
	tb, err := NewMACTable(macs, vlans)
	if err != nil {
		t.Fatal(err)
	}
	release(t, tb.Free)
	return tb
}

// counts prints what a tx received, counts in decimal.
func counts(m map[uint64]int) string {
	s := map[string]int{}
	for mac, n := range m {
		s[fmt.Sprintf("%012x", mac)] = n
	}
	return countsOf(s)
}

// countsOf is m as "KEY:N KEY:N", in the order of the keys.
func countsOf(m map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "%s:%d ", k, m[k])
	}
	return strings.TrimSpace(b.String())
}

// classified is what a classifier run gave: what each tx received (as
// counts or countsOf) and the lcore's counters.
type classified struct {
	rx             []string
	packets, drops uint64
}

// check compares c with what each tx should have received and the
// counters.
func (c classified) check(t *testing.T, packets, drops uint64, rx ...string) {
	t.Helper()
	for i := range rx {
		if c.rx[i] != rx[i] {
			t.Errorf("tx%d got %s\n want %s", i, c.rx[i], rx[i])
		}
	}
	if c.packets != packets || c.drops != drops {
		t.Errorf("packets %d drops %d, want %d %d", c.packets, c.drops, packets, drops)
	}
}

// waitFor polls cond for up to 10 s (the CPUs are shared: a worker may
// wait long for its turn).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func mustSwitch(t *testing.T, changes map[int]*Config) {
	t.Helper()
	if err := switchConfigs(changes); err != nil {
		t.Fatal(err)
	}
}

// idleAll puts every worker back to idle at the end of a test.
func idleAll(t *testing.T) {
	t.Cleanup(func() {
		if err := switchConfigs(map[int]*Config{1: nil, 2: nil}); err != nil {
			t.Error(err)
		}
	})
}

// drain receives everything on e until nothing has come for 20 ms. Callers
// first wait until the kernel has handled every packet, so that what is
// left to receive is already in e.
func drain(e *Endpoint) []uint64 {
	var out []uint64
	quiet := time.Now()
	for time.Since(quiet) < 20*time.Millisecond {
		got := dpdktest.RecvFrames(e, 256)
		if len(got) > 0 {
			out = append(out, got...)
			quiet = time.Now()
		} else {
			time.Sleep(100 * time.Microsecond)
		}
	}
	return out
}

func checkNoLeak(t *testing.T, p *Mempool) {
	t.Helper()
	waitFor(t, "mbufs back in "+p.Name(), func() bool { return p.Available() == p.Size() })
}

func TestEthPorts(t *testing.T) {
	ports := EthPorts()
	var names []string
	for _, id := range ports {
		names = append(names, EthName(id))
	}
	if strings.Join(names, " ") != "net_ring0 net_ring1 net_null0 net_null1" {
		t.Fatalf("ports %v named %v", ports, names)
	}
	for i, n := range names {
		id, err := EthPortByName(n)
		if err != nil || id != ports[i] {
			t.Fatalf("EthPortByName(%s) = %d, %v; want %d", n, id, err, ports[i])
		}
	}
	if _, err := EthPortByName("net_nothing9"); err == nil {
		t.Fatal("EthPortByName found a port that does not exist")
	}
	if EthName(200) != "" {
		t.Fatal("EthName of an invalid port is not empty")
	}
	if EthMAC(ports[2]) == [6]byte{} {
		t.Fatal("net_null0 has no MAC")
	}
}

// ports sets the ethdevs up once for every test that needs them.
var (
	portsOnce sync.Once
	portPool  *Mempool
)

func setupPorts(t *testing.T) {
	portsOnce.Do(func() {
		p, err := CreateMbufPool("t_ports", 8191)
		if err != nil {
			t.Fatal(err)
		}
		portPool = p
		for _, id := range EthPorts() {
			if err := EthSetup(id, p, 1024, 1024); err != nil {
				t.Fatal(err)
			}
		}
	})
	if portPool == nil {
		t.Fatal("port setup failed earlier")
	}
}

// The C forward loop moves packets between two ethdevs (net_ring loops its
// tx back to its rx), and every counter agrees.
func TestForwardNetRing(t *testing.T) {
	setupPorts(t)
	idleAll(t)
	p := newPool(t, "t_fwd", 4095)
	r0, _ := EthPortByName("net_ring0")
	r1, _ := EthPortByName("net_ring1")
	if !EthLink(r0) {
		t.Error("net_ring0 link is down after setup")
	}
	EthStatsReset(r0)
	EthStatsReset(r1)
	in, out := EthEndpoint(r0), EthEndpoint(r1)
	release(t, func() { in.Free(); out.Free() })
	mustSwitch(t, map[int]*Config{1: fwdConfig(in, out)})

	const n = 3000
	mac := uint64(0x525400123456)
	var got []uint64
	deadline := time.Now().Add(10 * time.Second)
	for sent := 0; len(got) < n && time.Now().Before(deadline); {
		if sent < n && sent-len(got) < 512 { // never more than a ring holds in flight
			sent += dpdktest.SendFrames(in, p, frame(mac), min(256, n-sent)) // onto net_ring0's ring
		}
		if k := dpdktest.RecvFrames(out, 1024); len(k) > 0 {
			got = append(got, k...)
		} else {
			time.Sleep(50 * time.Microsecond)
		}
	}
	got = append(got, drain(out)...) // anything more would be a duplicate
	if len(got) != n {
		t.Fatalf("received %d, want %d", len(got), n)
	}
	for _, m := range got {
		if m != mac {
			t.Fatalf("received dst %012x, want %012x", m, mac)
		}
	}
	rx, _, _, _ := in.Counters()
	_, tx, _, txDrop := out.Counters()
	packets, drops := lcoreCounters(1)
	if rx != n || tx != n || txDrop != 0 || packets != n || drops != 0 {
		t.Fatalf("rx %d tx %d tx_drop %d packets %d drops %d, want %d %d 0 %d 0", rx, tx, txDrop, packets, drops, n, n, n)
	}
	s1, err := EthStatsGet(r1)
	if err != nil || s1.Tx != n {
		t.Fatalf("net_ring1 stats %+v %v, want tx %d", s1, err, n)
	}
	if err := EthStatsReset(r1); err != nil {
		t.Fatal(err)
	}
	if s1, _ = EthStatsGet(r1); s1.Tx != 0 {
		t.Fatalf("net_ring1 tx %d after reset", s1.Tx)
	}
	mustSwitch(t, map[int]*Config{1: nil})
	checkNoLeak(t, p)
}

// A full tx ring: what it does not take is freed and counted, at once.
func TestForwardCountsTxDrops(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_txdrop", 1023)
	_, in := newRing(t, "t_txdrop_in", 1024)
	small, out := newRing(t, "t_txdrop_out", 64)
	mustSwitch(t, map[int]*Config{2: fwdConfig(in, out)})
	if dpdktest.SendFrames(in, p, frame(1), 200) != 200 {
		t.Fatal("send failed")
	}
	waitFor(t, "200 packets", func() bool { n, _ := lcoreCounters(2); return n == 200 })
	_, tx, _, txDrop := out.Counters()
	_, drops := lcoreCounters(2)
	if tx != small.Capacity() || tx != small.Count() || txDrop != 200-tx || drops != txDrop {
		t.Fatalf("tx %d (ring holds %d of %d) tx_drop %d drops %d", tx, small.Count(), small.Capacity(), txDrop, drops)
	}
	drain(out)
	checkNoLeak(t, p)

	// The drops were freed on lcore 2, into its cache; Shutdown's flush
	// gives them back to the pool itself.
	if n := p.CacheLen(2); n != int(txDrop) {
		t.Fatalf("lcore 2 caches %d mbufs, want the %d dropped", n, txDrop)
	}
	FlushCaches()
	if n := p.CacheLen(2); n != 0 || p.Available() != p.Size() {
		t.Fatalf("after the flush: lcore 2 caches %d, %d of %d available", n, p.Available(), p.Size())
	}
}

func TestMerge(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_merge", 1023)
	_, a := newRing(t, "t_merge_a", 256)
	_, b := newRing(t, "t_merge_b", 256)
	_, c := newRing(t, "t_merge_c", 256)
	_, out := newRing(t, "t_merge_out", 512)
	dpdktest.SendFrames(a, p, frame(0xa), 30)
	dpdktest.SendFrames(b, p, frame(0xb), 40)
	dpdktest.SendFrames(c, p, frame(0xc), 50)
	mustSwitch(t, map[int]*Config{1: {Kernel: component.KernelMerge, Rx: []*Endpoint{a, b, c}, Tx: []*Endpoint{out}}})
	waitFor(t, "120 packets merged", func() bool { n, _ := lcoreCounters(1); return n == 120 })
	got := map[uint64]int{}
	for _, m := range drain(out) {
		got[m]++
	}
	if got[0xa] != 30 || got[0xb] != 40 || got[0xc] != 50 || len(got) != 3 {
		t.Fatalf("merged %v", got)
	}
	if n, d := lcoreCounters(1); n != 120 || d != 0 {
		t.Fatalf("packets %d drops %d", n, d)
	}
	checkNoLeak(t, p)
}

const (
	macA  = 0x525400000001
	macB  = 0x525400000002
	bcast = 0xffffffffffff
	mcast = 0x01005e000001
	other = 0x525400009999
)

// startClassifier runs a classifier on lcore 1 with table and the tx VLAN
// operations ops, from a new ring NAME_in to n new rings NAME_out0.. (each
// of size), and returns their endpoints.
func startClassifier(t *testing.T, name string, size uint, n int, table *MACTable, ops []VLAN) (*Endpoint, []*Endpoint) {
	t.Helper()
	_, in := newRing(t, name+"_in", size)
	tx := make([]*Endpoint, n)
	for i := range tx {
		_, tx[i] = newRing(t, fmt.Sprintf("%s_out%d", name, i), size)
	}
	mustSwitch(t, map[int]*Config{1: {Kernel: component.KernelClassifier, Rx: []*Endpoint{in}, Tx: tx, TxVLAN: ops, Table: table}})
	return in, tx
}

// classify sends a fixed mix through a classifier over tx rings t0..t2 and
// returns what each tx received and the lcore's counters.
func classify(t *testing.T, table *MACTable) (c classified) {
	t.Helper()
	p := newPool(t, "t_cls", 1023)
	in, tx := startClassifier(t, "t_cls", 512, 3, table, nil)
	for mac, n := range map[uint64]int{macA: 10, macB: 20, bcast: 5, mcast: 3, other: 7} {
		if dpdktest.SendFrames(in, p, frame(mac), n) != n {
			t.Fatal("send failed")
		}
	}
	waitFor(t, "45 packets classified", func() bool { n, _ := lcoreCounters(1); return n == 45 })
	for i := range tx {
		rx := map[uint64]int{}
		for _, m := range drain(tx[i]) {
			rx[m]++
		}
		c.rx = append(c.rx, counts(rx))
	}
	c.packets, c.drops = lcoreCounters(1)
	mustSwitch(t, map[int]*Config{1: nil})
	checkNoLeak(t, p)
	return c
}

func TestClassifier(t *testing.T) {
	idleAll(t)
	table := newTable(t, 16, 0)
	table.Add(macA, 0)
	table.Add(macB, 1)
	table.SetDefault(2)
	// Without a default, unknown unicast is dropped and group traffic goes
	// to the mapped ports only.
	noDef := newTable(t, 16, 0)
	noDef.Add(macA, 0)
	noDef.Add(macB, 2)
	for _, c := range []struct {
		name           string
		table          *MACTable
		packets, drops uint64
		rx             []string // tx0, tx1, tx2
	}{
		{"mapped broadcast default", table, 45, 0, []string{
			"01005e000001:3 525400000001:10 ffffffffffff:5",
			"01005e000001:3 525400000002:20 ffffffffffff:5",
			"01005e000001:3 525400009999:7 ffffffffffff:5"}},
		{"no default", noDef, 45, 7, []string{
			"01005e000001:3 525400000001:10 ffffffffffff:5",
			"",
			"01005e000001:3 525400000002:20 ffffffffffff:5"}},
		// An empty table: everything is dropped, group packets included
		// (and freed: checkNoLeak in classify).
		{"empty table", newTable(t, 1, 0), 45, 45, []string{"", "", ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			classify(t, c.table).check(t, c.packets, c.drops, c.rx...)
		})
	}
}

func TestMACTable(t *testing.T) {
	tb := newTable(t, 4, 0)
	if err := tb.Add(macA, 1); err != nil {
		t.Fatal(err)
	}
	if err := tb.Add(macA, 1); err != nil {
		t.Fatalf("re-adding the same mapping: %v", err)
	}
	if err := tb.Add(macA, 2); err == nil {
		t.Fatal("a MAC mapped to a second port")
	}
	if err := tb.Add(macB, component.MaxPorts); err == nil {
		t.Fatal("tx index past component.MaxPorts accepted")
	}
	if err := tb.Add(1<<48, 0); err == nil {
		t.Fatal("a 49-bit MAC accepted")
	}
	for i := uint64(0); tb.Len() < 8; i++ {
		if err := tb.Add(0x020000000000+i, 0); err != nil {
			t.Fatalf("entry %d of a 16-slot table: %v", tb.Len(), err)
		}
	}
	if err := tb.Add(0x030000000000, 0); err == nil {
		t.Fatal("table filled past half its slots")
	}
	if err := tb.SetDefault(-2); err == nil {
		t.Fatal("default -2 accepted")
	}
	// A table naming tx 1 cannot serve a classifier with one tx port.
	_, in := newRing(t, "t_mt_in", 64)
	_, out := newRing(t, "t_mt_out", 64)
	if err := switchConfigs(map[int]*Config{1: {Kernel: component.KernelClassifier, Rx: []*Endpoint{in}, Tx: []*Endpoint{out}, Table: tb}}); err == nil {
		t.Fatal("table with tx index 1 accepted for one tx port")
	}
}

// 65,536 random MACs fit, and each lands on its own port.
func TestClassifierManyMACs(t *testing.T) {
	idleAll(t)
	const n = 65536
	tb := newTable(t, n, 0)
	rnd := rand.New(rand.NewSource(1))
	macs := make([]uint64, 0, n)
	seen := map[uint64]bool{}
	for len(macs) < n {
		m := rnd.Uint64() & 0xfeffffffffff // unicast
		if !seen[m] {
			seen[m] = true
			macs = append(macs, m)
			if err := tb.Add(m, len(macs)%4); err != nil {
				t.Fatal(err)
			}
		}
	}
	if tb.Len() != n {
		t.Fatalf("table holds %d", tb.Len())
	}
	p := newPool(t, "t_many", 2047)
	in, tx := startClassifier(t, "t_many", 1024, 4, tb, nil)
	const sample = 500
	for i := 0; i < sample; i++ {
		dpdktest.SendFrames(in, p, frame(macs[i*97]), 1)
	}
	waitFor(t, "sample classified", func() bool { k, _ := lcoreCounters(1); return k == sample })
	total := 0
	for j := range tx {
		for _, m := range drain(tx[j]) {
			total++
			i := -1
			for k := 0; k < sample; k++ {
				if macs[k*97] == m {
					i = k * 97
				}
			}
			if i < 0 || (i+1)%4 != j {
				t.Fatalf("MAC %012x (index %d) came out of tx %d", m, i, j)
			}
		}
	}
	if _, d := lcoreCounters(1); total != sample || d != 0 {
		t.Fatalf("received %d of %d, drops %d", total, sample, d)
	}
	checkNoLeak(t, p)
}

func TestMirror(t *testing.T) {
	idleAll(t)
	for _, deep := range []bool{false, true} {
		t.Run(fmt.Sprintf("deep=%v", deep), func(t *testing.T) {
			p := newPool(t, "t_mir", 1023)
			// Shallow copies are clones, from a pool without a data room.
			clones := newClonePool(t, "t_mir_clone", 511, deep)
			_, in := newRing(t, "t_mir_in", 512)
			_, t0 := newRing(t, "t_mir_t0", 512)
			_, t1 := newRing(t, "t_mir_t1", 512)
			mustSwitch(t, map[int]*Config{1: {Kernel: component.KernelMirror, Rx: []*Endpoint{in}, Tx: []*Endpoint{t0, t1}, ClonePool: clones, DeepCopy: deep}})
			dpdktest.SendFrames(in, p, frame(macA), 100)
			waitFor(t, "100 mirrored", func() bool { k, _ := lcoreCounters(1); return k == 100 })
			if clones.Available() != clones.Size()-100 {
				t.Fatalf("clone pool has %d of %d free, want 100 in use", clones.Available(), clones.Size())
			}
			if !deep && p.Available() != p.Size()-100 {
				t.Fatalf("shallow copies took data mbufs: %d free", p.Available())
			}
			a, b := drain(t0), drain(t1)
			if len(a) != 100 || len(b) != 100 || a[0] != macA || b[99] != macA {
				t.Fatalf("tx0 %d tx1 %d", len(a), len(b))
			}
			if _, d := lcoreCounters(1); d != 0 {
				t.Fatalf("drops %d", d)
			}
			mustSwitch(t, map[int]*Config{1: nil})
			checkNoLeak(t, p)
			checkNoLeak(t, clones)
		})
	}
	// When copies run out, they are dropped and counted; originals go on.
	t.Run("copy pool exhausted", func(t *testing.T) {
		p := newPool(t, "t_mir2", 1023)
		clones := newClonePool(t, "t_mir2_clone", 16, false)
		_, in := newRing(t, "t_mir2_in", 512)
		_, t0 := newRing(t, "t_mir2_t0", 512)
		_, t1 := newRing(t, "t_mir2_t1", 512)
		mustSwitch(t, map[int]*Config{1: {Kernel: component.KernelMirror, Rx: []*Endpoint{in}, Tx: []*Endpoint{t0, t1}, ClonePool: clones}})
		dpdktest.SendFrames(in, p, frame(macA), 100)
		waitFor(t, "100 mirrored", func() bool { k, _ := lcoreCounters(1); return k == 100 })
		a, b := drain(t0), drain(t1)
		_, d := lcoreCounters(1)
		if len(a) != 100 || len(b) == 0 || len(b) > 16 || uint64(len(b))+d != 100 {
			t.Fatalf("tx0 %d tx1 %d drops %d", len(a), len(b), d)
		}
		mustSwitch(t, map[int]*Config{1: nil})
		checkNoLeak(t, p)
		checkNoLeak(t, clones)
	})
}

func TestSwitchRejectsBadConfigs(t *testing.T) {
	p := newPool(t, "t_bad", 255)
	ra, a := newRing(t, "t_bad_a", 64)
	_, b := newRing(t, "t_bad_b", 64)
	dpdktest.SendFrames(a, p, frame(macA), 1)
	for name, ch := range map[string]map[int]*Config{
		"main lcore":       {0: fwdConfig(a, b)},
		"unknown lcore":    {7: nil},
		"forward 2 tx":     {1: {Kernel: component.KernelForward, Rx: []*Endpoint{a}, Tx: []*Endpoint{a, b}}},
		"merge no rx":      {1: {Kernel: component.KernelMerge, Tx: []*Endpoint{b}}},
		"mirror 1 tx":      {1: {Kernel: component.KernelMirror, Rx: []*Endpoint{a}, Tx: []*Endpoint{b}}},
		"classifier table": {1: {Kernel: component.KernelClassifier, Rx: []*Endpoint{a}, Tx: []*Endpoint{b}}},
		"nil endpoint":     {1: fwdConfig(nil, b)},
		"bad kernel":       {1: {Kernel: 42, Rx: []*Endpoint{a}, Tx: []*Endpoint{b}}},
		"one bad of two":   {1: fwdConfig(a, b), 2: {Kernel: component.KernelMirror}},
		"one bad lcore":    {1: fwdConfig(a, b), 0: nil},
	} {
		if err := switchConfigs(ch); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Nothing started: the packet waiting in a is still there.
	time.Sleep(5 * time.Millisecond)
	if ra.Count() != 1 {
		t.Fatalf("ring a holds %d packets, want 1: a rejected switch started a component", ra.Count())
	}
}

// Packets flow into A while the forward component moves between lcores 1
// and 2 and between tx B and C: every packet sent into A comes out of B or C
// or is counted as a drop, none twice, and every mbuf comes back.
func TestSwitchUnderTraffic(t *testing.T) {
	idleAll(t)
	p := newPool(t, "t_sw", 4095)
	_, a := newRing(t, "t_sw_a", 1024)
	_, b := newRing(t, "t_sw_b", 1024)
	_, c := newRing(t, "t_sw_c", 1024)

	const total = 100000
	outB, outC := receive(t, b), receive(t, c)
	// Sent frames are accounted for once received or dropped.
	sent := sendPaced(t, a, p, macA, total, func() int64 {
		_, _, _, db := b.Counters()
		_, _, _, dc := c.Counters()
		return outB.got() + outC.got() + int64(db+dc)
	})
	steps := []map[int]*Config{
		{1: fwdConfig(a, b)},
		{1: nil, 2: fwdConfig(a, c)},
		{2: fwdConfig(a, b)},
		{1: fwdConfig(a, c), 2: nil},
		{1: fwdConfig(a, b)},
	}
	switches := whileSending(sent, func(i int) { mustSwitch(t, steps[i%len(steps)]) })
	mustSwitch(t, map[int]*Config{1: fwdConfig(a, b), 2: nil})
	waitFor(t, "A drained", func() bool { rx, _, _, _ := a.Counters(); return rx == total })
	waitFor(t, "all received", func() bool {
		_, tb, _, _ := b.Counters()
		_, tc, _, _ := c.Counters()
		return outB.got()+outC.got() == int64(tb+tc)
	})
	outB.stop()
	outC.stop()
	_, tb, _, db := b.Counters()
	_, tc, _, dc := c.Counters()
	if tb+tc+db+dc != total || uint64(outB.got()) != tb || uint64(outC.got()) != tc {
		t.Fatalf("sent %d: B took %d (received %d) C took %d (received %d), drops %d",
			total, tb, outB.got(), tc, outC.got(), db+dc)
	}
	t.Logf("%d switches, B %d C %d drops %d", switches, tb, tc, db+dc)
	if switches < 20 || tb == 0 || tc == 0 {
		t.Fatalf("only %d switches happened under traffic", switches)
	}
	mustSwitch(t, map[int]*Config{1: nil})
	checkNoLeak(t, p)
}

// workerCPUTime is the CPU time the rte-worker-1 thread has had.
func workerCPUTime(t *testing.T) time.Duration {
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		comm, _ := os.ReadFile("/proc/self/task/" + task.Name() + "/comm")
		if strings.TrimSpace(string(comm)) != "rte-worker-1" {
			continue
		}
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/schedstat")
		if err != nil {
			t.Fatal(err)
		}
		var ns int64
		fmt.Sscan(string(b), &ns)
		return time.Duration(ns)
	}
	t.Fatal("no rte-worker-1")
	return 0
}

// A quick throughput figure of the C loop between two net_null ports
// (SPP_PERF=1 go test -run Perf -v ./common/dpdk). Mpps per CPU-second of
// the worker thread, since the two CPUs are shared.
func TestPerfNull(t *testing.T) {
	if os.Getenv("SPP_PERF") == "" {
		t.Skip("set SPP_PERF=1 for the throughput check")
	}
	setupPorts(t)
	idleAll(t)
	n0, _ := EthPortByName("net_null0")
	n1, _ := EthPortByName("net_null1")
	in, out := EthEndpoint(n0), EthEndpoint(n1)
	tb := newTable(t, 2, 0)
	tb.Add(macA, 0)
	tb.Add(macB, 0)
	tb.SetDefault(0)
	big := newTable(t, 65536, 0)
	for i := uint64(0); i < 65536; i++ {
		big.Add(0x020000000000+i*7919, 0)
	}
	big.SetDefault(0)
	push := fwdConfig(in, out)
	push.TxVLAN = []VLAN{{Op: VLANAdd, ID: 100}}
	for _, c := range []struct {
		name string
		cfgs []*Config
	}{
		{"forward", []*Config{fwdConfig(in, out)}},
		{"classifier 2 MACs", []*Config{{Kernel: component.KernelClassifier, Rx: []*Endpoint{in}, Tx: []*Endpoint{out}, Table: tb}}},
		{"classifier 65536 MACs", []*Config{{Kernel: component.KernelClassifier, Rx: []*Endpoint{in}, Tx: []*Endpoint{out}, Table: big}}},
		{"mirror shallow", []*Config{{Kernel: component.KernelMirror, Rx: []*Endpoint{in}, Tx: []*Endpoint{out, out}}}},
		{"forward, push on tx", []*Config{push}},
		{"2 forwards, one lcore", []*Config{fwdConfig(in, out), fwdConfig(out, in)}},
	} {
		var comps []*Component
		for _, cfg := range c.cfgs {
			comp, err := NewComponent(cfg)
			if err != nil {
				t.Fatal(err)
			}
			comps = append(comps, comp)
		}
		if err := Switch(map[int][]*Component{1: comps}); err != nil {
			t.Fatal(err)
		}
		cpu0, t0 := workerCPUTime(t), time.Now()
		time.Sleep(2 * time.Second)
		var packets, drops uint64
		for _, comp := range comps {
			p, d := comp.Counters()
			packets, drops = packets+p, drops+d
		}
		cpu, wall := workerCPUTime(t)-cpu0, time.Since(t0)
		t.Logf("%-22s %6.1f Mpps wall, %6.1f Mpps per worker CPU-second (drops %d)", c.name,
			float64(packets)/wall.Seconds()/1e6, float64(packets)/cpu.Seconds()/1e6, drops)
		if err := Switch(map[int][]*Component{1: nil}); err != nil {
			t.Fatal(err)
		}
		for _, comp := range comps {
			comp.Free()
		}
	}
}

// A vdev probed at run time is a port like the others until it is removed.
func TestHotplug(t *testing.T) {
	setupPorts(t)
	before := len(EthPorts())
	id, err := Hotplug("net_null_t9,size=128")
	if err != nil {
		t.Fatal(err)
	}
	if EthName(id) != "net_null_t9" || len(EthPorts()) != before+1 {
		t.Fatalf("port %d named %q, %d ports", id, EthName(id), len(EthPorts()))
	}
	if err := EthSetup(id, portPool, 512, 512); err != nil {
		t.Fatal(err)
	}
	e := EthEndpoint(id)
	defer e.Free()
	if got := len(dpdktest.RecvFrames(e, 32)); got != 32 {
		t.Fatalf("net_null rx gave %d frames, want 32", got)
	}
	// DPDK lets a primary probe an existing device again (so that
	// secondaries sync): the same port comes back.
	if again, err := Hotplug("net_null_t9"); err != nil || again != id {
		t.Fatalf("second probe: port %d, %v; want %d", again, err, id)
	}
	if err := HotplugRemove(id); err != nil {
		t.Fatal(err)
	}
	if _, err := EthPortByName("net_null_t9"); err == nil || len(EthPorts()) != before {
		t.Fatalf("net_null_t9 still there after removal (%d ports)", len(EthPorts()))
	}
	if err := HotplugRemove(id); err == nil {
		t.Fatal("removing a removed port succeeded")
	}
	if _, err := Hotplug("net_nosuchdriver0"); err == nil {
		t.Fatal("probing an unknown driver succeeded")
	}
}
