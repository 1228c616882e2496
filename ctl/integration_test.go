package main

// bin/spp against real daemons: spp_primary and spp_vf on hugepages, started
// by sectest, then handed over to the shell (they dial the shell's ports).

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/rate"
)

// sppRun is one run of bin/spp.
type sppRun struct {
	code        int
	out, errOut string
}

// runBin runs bin/spp on the node's controller ports, bounded in time.
func runBin(t *testing.T, pri, sec string, args ...string) sppRun {
	t.Helper()
	return runBinArgs(t, append([]string{"-p", ctltest.PortOf(t, pri), "-s", ctltest.PortOf(t, sec)}, args...)...)
}

// runBinArgs runs bin/spp with args, bounded in time.
func runBinArgs(t *testing.T, args ...string) sppRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.Bin(t, "spp"), args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := sppRun{out: out.String(), errOut: errOut.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("spp %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("spp %v did not end: %s%s", args, r.out, r.errOut)
	}
	return r
}

// tables reads the ASCII tables of out, keyed by their first header cell
// (CORE, PORT, VLAN: the classifier table, RING): the rows below the header, cells trimmed.
func tables(out string) map[string][][]string {
	m := map[string][][]string{}
	var key string
	border := false // the line before was a border
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "|") {
			// Text, or two borders in a row (one table's end, the next
			// one's start): a new table follows.
			if !strings.HasPrefix(l, "+") || border {
				key = ""
			}
			border = strings.HasPrefix(l, "+")
			continue
		}
		border = false
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if key == "" {
			key = cells[0]
			m[key] = [][]string{}
			continue
		}
		m[key] = append(m[key], cells)
	}
	return m
}

// portNames joins the names of a component's ports: "ring0,ring2".
func portNames(ps []proto.PortRef) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Port)
	}
	return strings.Join(s, ",")
}

// row finds the row whose first cell is first.
func row(rows [][]string, first string) []string {
	for _, r := range rows {
		if r[0] == first {
			return r
		}
	}
	return nil
}

// vhostN of this test: its socket /tmp/sock30 is created by spp_vf at
// flush, with no VM attached, and removed when spp_vf exits.
const itSock = "/tmp/sock30"

// Issue 5: bin/spp -f FILE against real spp_primary and spp_vf processes.
// Proved, on the daemons' own replies:
//   - seed 000's VM start batch, typed as in controller.md, is applied by
//     one flush: sec 1;status prints the staged line, the cores with their
//     types and ports, the ports (vhost30 created with no VM, link down),
//     the classifier table with both MACs; pri;status prints nic0 and nic1,
//     the four rings and a consistent mempool line; exit status 0;
//   - a file with an error in the middle of a batch (a MAC mapped twice
//     before the flush) exits 1, names the line and the daemon's message,
//     and leaves the daemon exactly as it was (next run's status --json:
//     same cores, same classifier table, nothing staged);
//   - bye all, sent with no wait for anything, makes spp_vf and then
//     spp_primary exit with status 0 within 5 s (spp included), with no
//     timed out request in spp_vf's log and no /var/run/dpdk/<prefix> left.
func TestRealDaemons(t *testing.T) {
	testenv.RequireRoot(t)
	if c, err := net.Dial("unix", itSock); err == nil {
		c.Close()
		t.Fatalf("%s is in use by another process", itSock)
	}
	os.Remove(itSock) // a stale one, left by a killed run
	t.Cleanup(func() { os.Remove(itSock) })

	n := st.Start(t, st.PrimaryOpts{Rings: 4, Vdevs: []string{"net_ring0", "net_null0"}, PortMask: "0x3"})
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1,4@1,5@1", 1)
	pri, sec := n.HandOver(vf)

	dir := t.TempDir()
	good := filepath.Join(dir, "vm-start.txt")
	os.WriteFile(good, []byte(`# seed 000: a VM starts (vhost30, 00:11:22:33:44:55); a second MAC on ring2
wait pri
wait sec 1
sec 1;component 2 classifier nic0 ring0,ring2
sec 1;component 4 forward ring0 vhost30
sec 1;classifier_table mac 00:11:22:33:44:55 ring0
sec 1;component 5 forward vhost30 ring1
sec 1;classifier_table mac 52:54:00:00:00:02 ring2
sec 1;component 3 merge ring1 nic0
sec 1;flush
sec 1;status
pri;status
`), 0o644)
	r := runBin(t, pri, sec, "-f", good)
	if r.code != 0 {
		t.Fatalf("good file: exit status %d\n%s%s", r.code, r.out, r.errOut)
	}
	for _, l := range strings.Split(strings.TrimSpace(r.errOut), "\n") {
		if !strings.HasPrefix(l, "spp: listening on ") && !strings.HasPrefix(l, "primary connected from ") &&
			!strings.HasPrefix(l, "sec 1 (vf) connected from ") {
			t.Errorf("good file: unexpected on stderr: %q", l)
		}
	}
	secOut, priOut, ok := strings.Cut(r.out, "pri: main lcore 0\n")
	if !ok {
		t.Fatalf("no pri;status output:\n%s", r.out)
	}
	if !strings.HasPrefix(secOut, "sec 1: vf, client_id 1, main lcore 1: no changes staged\n") {
		t.Errorf("staged line:\n%s", secOut)
	}
	ts := tables(secOut)
	for _, want := range [][]string{
		{"2", "classifier2", "classifier", "running", "nic0", "ring0,ring2"},
		{"3", "merge3", "merge", "running", "ring1", "nic0"},
		{"4", "forward4", "forward", "running", "ring0", "vhost30"},
		{"5", "forward5", "forward", "running", "vhost30", "ring1"},
	} {
		// 9 cells: core, name, type, state, rx, tx, packets, drops and
		// PPS (over the second before, measured by the shell: no traffic
		// here, 0).
		if got := row(ts["CORE"], want[0]); len(got) != 9 || !reflect.DeepEqual(got[:6], want) || got[8] != "0" {
			t.Errorf("core row %v, want %v", got, want)
		}
	}
	if len(ts["CORE"]) != 4 {
		t.Errorf("cores table: %v", ts["CORE"])
	}
	for port, link := range map[string]string{"nic0": "up", "ring0": "", "ring1": "", "ring2": "", "vhost30": "down"} {
		// 10 cells: the 6 of controller.md, RX_PPS, TX_PPS, RX_MBPS and
		// TX_MBPS (vhost30 has byte counters; the rings and nic0, a
		// net_ring that counts no bytes, have none: "-").
		mbit := "-"
		if port == "vhost30" {
			mbit = "0"
		}
		if got := row(ts["PORT"], port); len(got) != 10 || got[5] != link || got[6] != "0" || got[7] != "0" ||
			got[8] != mbit || got[9] != mbit {
			t.Errorf("port row %v, want %s with link %q and Mbit/s %s", got, port, link, mbit)
		}
	}
	if want := [][]string{{"", "00:11:22:33:44:55", "ring0"}, {"", "52:54:00:00:00:02", "ring2"}}; !reflect.DeepEqual(ts["VLAN"], want) {
		t.Errorf("classifier table %v, want %v", ts["VLAN"], want)
	}
	tp := tables(priOut)
	if len(tp["PORT"]) != 2 || row(tp["PORT"], "nic0") == nil || row(tp["PORT"], "nic1") == nil {
		t.Errorf("primary's ports: %v", tp["PORT"])
	}
	if len(tp["RING"]) != 4 {
		t.Errorf("primary's rings: %v", tp["RING"])
	}
	for i, rr := range tp["RING"] {
		if c, _ := strconv.Atoi(rr[2]); rr[0] != "ring"+strconv.Itoa(i) || rr[1] != "0" || c <= 0 {
			t.Errorf("ring row %v", rr)
		}
	}
	m := regexp.MustCompile(`(?m)^mempool \S+: size (\d+), available (\d+), in use (\d+)$`).FindStringSubmatch(priOut)
	if m == nil {
		t.Errorf("no mempool line:\n%s", priOut)
	} else if size, _ := strconv.Atoi(m[1]); size == 0 || m[2] == "0" || strconv.Itoa(size-atoi(m[2])) != m[3] {
		t.Errorf("mempool line %q", m[0])
	}
	if _, err := os.Stat(itSock); err != nil {
		t.Errorf("the flush did not create vhost30's socket: %v", err)
	}

	// An error in the middle of a batch: nothing of it is applied.
	bad := filepath.Join(dir, "vm-swap.txt")
	os.WriteFile(bad, []byte(`wait sec 1
sec 1;component 4 none
sec 1;component 5 none
sec 1;classifier_table mac 52:54:00:00:00:03 ring0
sec 1;classifier_table mac 52:54:00:00:00:03 ring2
sec 1;component 3 merge ring3 nic0
sec 1;flush
`), 0o644)
	r = runBin(t, pri, sec, "-f", bad)
	// One error line: the file's line, the daemon's message, and that the
	// whole batch was not applied.
	want := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(bad+":5: sec 1;classifier_table mac 52:54:00:00:00:03 ring2: bad value(value): ") +
		`.*52:54:00:00:00:03.* \(batch of 6 commands not applied\)$`)
	if r.code != 1 || !want.MatchString(r.errOut) || strings.Count(r.errOut, bad+":") != 1 {
		t.Errorf("bad file: exit status %d, stderr:\n%s\nwant a line like %s", r.code, r.errOut, want)
	}

	// The wiring as a picture: the shell's topo svg, and spp topo --svg
	// (which waits for the daemons to connect by itself).
	for i, args := range [][]string{
		{"-c", "wait sec 1", "-c", "topo svg " + filepath.Join(dir, "0.svg")},
		{"topo", "--svg", filepath.Join(dir, "1.svg")},
	} {
		if args[0] == "topo" {
			pp, sp := ctltest.PortOf(t, pri), ctltest.PortOf(t, sec)
			r = runBinArgs(t, append(args, "-p", pp, "-s", sp)...)
		} else {
			r = runBin(t, pri, sec, args...)
		}
		svg, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+".svg"))
		if r.code != 0 || err != nil {
			t.Fatalf("%v: exit status %d, %v\n%s%s", args, r.code, err, r.out, r.errOut)
		}
		for _, w := range []string{"<svg", "sec 1 (vf)", "classifier", "vhost30", "00:11:22:33:44:55", "52:54:00:00:00:02", "link down"} {
			if !strings.Contains(string(svg), w) {
				t.Errorf("%v: the SVG lacks %q", args, w)
			}
		}
	}

	// The state, as JSON, in the next run; then bye all, at once: the shell
	// stops the primary only after spp_vf has released its ports (vhost30
	// is hot-unplugged through the primary) and hung up.
	start := time.Now()
	r = runBin(t, pri, sec, "--json", "-c", "wait pri", "-c", "wait sec 1", "-c", "sec 1;status", "-c", "bye all")
	took := time.Since(start)
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if r.code != 0 || len(lines) != 3 || lines[1] != `{"results":[{"result":"success"}]}` || lines[2] != lines[1] {
		t.Fatalf("status and bye all: exit status %d\n%s%s", r.code, r.out, r.errOut)
	}
	var rep struct {
		Info  proto.SecondaryInfo `json:"info"`
		Rates *rate.Rates         `json:"rates"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rep); err != nil {
		t.Fatalf("status --json: %v: %s", err, lines[0])
	}
	if rep.Rates == nil || rep.Rates.Seconds < 0.9 || len(rep.Rates.Ports) != 5 || len(rep.Rates.Core) != 4 {
		t.Errorf("status --json: rates %+v", rep.Rates)
	}
	in := rep.Info
	if in.Staged {
		t.Error("changes staged after the failed batch")
	}
	wantCores := map[int]string{2: "classifier nic0 ring0,ring2", 3: "merge ring1 nic0", 4: "forward ring0 vhost30", 5: "forward vhost30 ring1"}
	for id, w := range wantCores {
		c := st.Core(&in, id)
		if got := c.Type + " " + portNames(c.RxPort) + " " + portNames(c.TxPort); got != w {
			t.Errorf("after the failed batch core %d runs %q, want %q", id, got, w)
		}
	}
	wantTable := []proto.ClassifierEntry{{Type: "mac", Value: "00:11:22:33:44:55", Port: "ring0"}, {Type: "mac", Value: "52:54:00:00:00:02", Port: "ring2"}}
	if !reflect.DeepEqual(in.ClassifierTable, wantTable) {
		t.Errorf("after the failed batch the classifier table is %+v", in.ClassifierTable)
	}

	// Both daemons hang up last, just before they exit, and bye all waits
	// for that: when spp returns they have exited, or are about to.
	if code, err := vf.Proc.Wait(2 * time.Second); err != nil || code != 0 {
		t.Fatalf("spp_vf after bye all: status %d, %v\n%s", code, err, vf.Proc.Log())
	}
	if code, err := n.Primary.Proc.Wait(2 * time.Second); err != nil || code != 0 {
		t.Fatalf("spp_primary after bye all: status %d, %v\n%s", code, err, n.Primary.Proc.Log())
	}
	t.Logf("spp with status and bye all: %v", took)
	if took > 5*time.Second {
		t.Errorf("spp with status and bye all took %v, want < 5 s", took)
	}
	// spp_vf released vhost30 while the primary still ran (no timed out
	// request to it), and the primary went last: its runtime directory,
	// which it leaves while a secondary's mp socket is there, is gone.
	if log := vf.Proc.Log(); strings.Contains(log, "timed out") {
		t.Errorf("spp_vf's log:\n%s", log)
	}
	if _, err := os.Stat(itSock); !os.IsNotExist(err) {
		t.Errorf("%s left after spp_vf exited", itSock)
	}
	if _, err := os.Stat("/var/run/dpdk/" + n.Prefix); !os.IsNotExist(err) {
		entries, _ := os.ReadDir("/var/run/dpdk/" + n.Prefix)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("/var/run/dpdk/%s left behind (%v): %v\n%s", n.Prefix, err, names, n.Primary.Proc.Log())
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
