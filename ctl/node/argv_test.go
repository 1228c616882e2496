package node

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/pcapfile"
	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/testpmd"
)

func loadDefault(t *testing.T) *Config {
	t.Helper()
	c, err := LoadConfig(filepath.Join(etcDir, "default.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The command lines follow protocol.md (launch lines) and dataplane.md (the
// testpmd VM): EAL options before --, the application's after.
func TestArgv(t *testing.T) {
	c := loadDefault(t)
	got := strings.Join(c.PrimaryArgv("/b"), " ")
	want := "/b/spp_primary --lcores 0@0 --file-prefix spp --proc-type=primary --huge-dir /dev/hugepages -m 256 --no-pci --vdev net_ring0 -- -p 0x1 -n 4 -s 127.0.0.1:5555"
	if got != want {
		t.Errorf("primary:\n got %s\nwant %s", got, want)
	}
	pcapDir, _ := filepath.Abs("log")
	got = strings.Join(c.SecondaryArgv(c.Secondary[0], "/b"), " ")
	want = "/b/spp_vf --lcores 1@0,2@1,3@1,4@1,5@1,6@1,7@1 --file-prefix spp --proc-type=secondary --huge-dir /dev/hugepages --no-pci -- --client-id 1 -s 127.0.0.1:6666 --vhost-client --pcap-dir " + pcapDir
	if got != want {
		t.Errorf("secondary:\n got %s\nwant %s", got, want)
	}
	got = strings.Join(c.VMArgv(c.VM[1], "/usr/bin/stdbuf"), " ")
	want = "/bin/sh -c trap \"\" PIPE; exec \"$@\" sh /usr/bin/stdbuf -oL dpdk-testpmd --lcores 0@1,1@0 --no-pci --file-prefix spp_vm2 --huge-dir /dev/hugepages --single-file-segments -m 64 --vdev=virtio_user0,path=/tmp/sock1,queues=1,mac=52:54:00:00:00:02,server=1 -- -i --auto-start --forward-mode=macswap --total-num-mbufs=2048 --no-flush-rx"
	if got != want {
		t.Errorf("vm:\n got %s\nwant %s", got, want)
	}
	got = strings.Join(c.ServeArgv("/b"), " ")
	if want = "/b/spp serve -p 5555 -s 6666 --bind 127.0.0.1 --api 127.0.0.1:7777"; got != want {
		t.Errorf("serve: got %s, want %s", got, want)
	}
	got = strings.Join(c.ShellArgv("/b"), " ")
	if want = "/b/spp --api http://127.0.0.1:7777"; got != want {
		t.Errorf("shell: got %s, want %s", got, want)
	}
	c.Controller.Bind = "0.0.0.0" // daemons cannot connect to "any"
	if a := c.PrimaryArgv("/b"); a[len(a)-1] != "127.0.0.1:5555" {
		t.Errorf("bind 0.0.0.0: primary connects to %s", a[len(a)-1])
	}
	// An API on every address: its token file goes to spp serve, the
	// node's own shells attach on loopback (no token needed).
	c.Controller.API, c.Controller.APITokenFile = "0.0.0.0:7000", "/etc/spp/token"
	if got, want := strings.Join(c.ServeArgv("/b"), " "), "/b/spp serve -p 5555 -s 6666 --bind 0.0.0.0 --api 0.0.0.0:7000 --api-token-file /etc/spp/token"; got != want {
		t.Errorf("serve on every address: got %s, want %s", got, want)
	}
	if got := c.APIURL(); got != "http://127.0.0.1:7000" {
		t.Errorf("API URL %s", got)
	}
	c.Node.BinDir = "/opt/spp"
	if a := c.PrimaryArgv("/b"); a[0] != "/opt/spp/spp_primary" {
		t.Errorf("bin_dir ignored: %s", a[0])
	}
}

// The capture holds the frames the config asks for, in order, and tcpdump
// (when installed) reads it.
func TestTrafficCapture(t *testing.T) {
	c := loadDefault(t)
	c.Secondary[0].PcapDir = t.TempDir()
	path, err := c.writeTraffic()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "spp-rx0.pcap" {
		t.Errorf("capture written to %s, pcap0 reads spp-rx0.pcap", path)
	}
	back, err := pcapfile.Read(path)
	if err != nil || len(back) != 67 {
		t.Fatalf("read back %d frames, want 32+32+3: %v", len(back), err)
	}
	f := back[0] // dst vm1, src vm2, EtherType 0x88b5
	if got := hex.EncodeToString(f[:14]); got != "525400000001525400000002"+"88b5" || len(f) != 60 {
		t.Errorf("frame 0: %s, %d bytes", got, len(f))
	}
	if got := hex.EncodeToString(back[32][:12]); got != "525400000002525400000001" {
		t.Errorf("frame 32 addresses %s", got)
	}
	if got := hex.EncodeToString(back[66][:6]); got != "525400000099" {
		t.Errorf("frame 66 dst %s", got)
	}
	if tcpdump, err := exec.LookPath("tcpdump"); err == nil {
		out, err := exec.Command(tcpdump, "-r", path, "-e", "-n").CombinedOutput()
		if err != nil || strings.Count(string(out), "> 52:54:00:00:00:99") != 3 {
			t.Errorf("tcpdump: %v\n%s", err, out)
		}
	}
}

// A recorded process is stopped by Teardown; one whose pid now belongs to
// another process (start time differs) is left alone.
func TestStateTeardown(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	st, _ := proc.StartTime(cmd.Process.Pid)
	p := ProcessRecord{Name: "sleeper", Role: RoleVM, Pid: cmd.Process.Pid, Start: st}
	if !p.Alive() {
		t.Fatal("a running process is not Alive")
	}
	impostor := p
	impostor.Start++
	if impostor.Alive() {
		t.Fatal("a process with another start time counts as the recorded one")
	}
	impostor.Signal(9)
	time.Sleep(100 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("Signal killed a process that is not the recorded one")
	default:
	}

	dir := t.TempDir()
	sock := filepath.Join(dir, "sock0")
	os.WriteFile(sock, nil, 0o644)
	hugeDir := filepath.Join(dir, "huge")
	os.Mkdir(hugeDir, 0o755)
	for _, f := range []string{"testprefmap_0", "testprefmap_1", "otherprefmap_0"} {
		os.WriteFile(filepath.Join(hugeDir, f), nil, 0o644)
	}
	s := &State{Processes: []ProcessRecord{p}, Prefixes: []string{"testpref"}, HugeDir: hugeDir, Sockets: []string{sock}}
	path := filepath.Join(dir, "log", StateFileName)
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	s2, err := ReadState(path)
	if err != nil || s2 == nil || len(s2.Processes) != 1 || s2.Processes[0] != p {
		t.Fatalf("state read back: %+v, %v", s2, err)
	}
	if stuck := s2.Teardown(2*time.Second, t.Logf); len(stuck) > 0 {
		t.Fatalf("stuck: %v", stuck)
	}
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Teardown did not stop the process")
	}
	left, _ := filepath.Glob(filepath.Join(hugeDir, "*"))
	if len(left) != 1 || filepath.Base(left[0]) != "otherprefmap_0" {
		t.Errorf("hugepage files left: %v (only another prefix's should be)", left)
	}
	if _, err := os.Stat(sock); err == nil {
		t.Error("socket not removed")
	}
	if s, err := ReadState(filepath.Join(dir, "none.json")); s != nil || err != nil {
		t.Errorf("missing state file: %v %v", s, err)
	}
	if err := proc.RemovePrefix(hugeDir, "*"); err == nil {
		t.Error("RemovePrefix accepted a glob")
	}
}

// A VM's counters are its port 0's, once testpmd has written them whole
// (common/testpmd's captured answer has two ports).
func TestParseVMStats(t *testing.T) {
	b, err := os.ReadFile("../../common/testpmd/testdata/port_stats_all.txt")
	if err != nil {
		t.Fatal(err)
	}
	answer := string(b)
	p := testpmd.PortStats(answer)[0]
	if s, ok := parseVMStats(answer); !ok || s != (VMStats{Rx: p.RxPackets, Tx: p.TxPackets}) || s.Rx == 0 {
		t.Errorf("got %+v %v, want port 0's %+v", s, ok, p)
	}
	half := answer[:strings.Index(answer, "Throughput")]
	if s, ok := parseVMStats(half); ok {
		t.Errorf("an incomplete block was parsed: %+v", s)
	}
}

func TestParseStatusReplies(t *testing.T) {
	out := []byte(`spp: listening
{"results":[{"result":"success"}]}
{"results":[{"result":"success"}],"info":{"main_lcore":0,"ports":[{"port":"nic0","rx":5,"tx":6,"rx_drop":0,"tx_drop":0}],"rings":[],"mempool":{"name":"spp_mbuf_pool","size":8,"available":8,"in_use":0}}}
{"results":[{"result":"success"}],"info":{"client_id":1,"process_type":"vf","main_lcore":1,"staged":false,"ports":[{"port":"vhost0","rx":1,"tx":2,"rx_drop":0,"tx_drop":0,"link":"up"}],"core":[{"core":2,"name":"classifier2","type":"classifier","state":"running","rx_port":[{"port":"nic0","vlan":{"operation":"none"}}],"tx_port":[{"port":"ring0","vlan":{"operation":"none"}}],"packets":9,"drops":3}],"classifier_table":[]}}
`)
	secs, pri := ParseStatusReplies(out)
	if pri == nil || pri.Ports[0].Tx != 6 {
		t.Errorf("primary: %+v", pri)
	}
	if si := secs[1]; si == nil || si.Core[0].Drops != 3 {
		t.Fatalf("secondary: %+v", secs)
	}
	if p, ok := findPort(secs, "vhost0"); !ok || p.Link != "up" {
		t.Errorf("vhost0: %+v %v", p, ok)
	}
	if c, ok := classifierOf(secs[1]); !ok || c.Packets != 9 {
		t.Errorf("classifier: %+v", c)
	}
}

func TestWaitFor(t *testing.T) {
	for in, want := range map[string]string{
		"sec 1;flush":    "wait sec 1 5",
		"sec 12; status": "wait sec 12 5",
		"pri;status":     "wait pri 5",
		"status":         "",
		"bye all":        "",
	} {
		if got := waitFor(in); got != want {
			t.Errorf("waitFor(%q) = %q, want %q", in, got, want)
		}
	}
}

// etc/agent.toml's agent: spp agent for host1 against the node's spp
// serve, with its embedded etcd's data in the log directory.
func TestAgentArgv(t *testing.T) {
	c, err := LoadConfig(filepath.Join(etcDir, "agent.toml"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.AgentArgv("/b"), " ")
	want := "/b/spp agent --host host1 --api http://127.0.0.1:7777 --policy dynamic --data-dir " + abs("log/etcd")
	if got != want {
		t.Errorf("agent argv\n got %s\nwant %s", got, want)
	}
	c.Agent.Etcd = "http://10.0.0.1:2379"
	if got := strings.Join(c.AgentArgv("/b"), " "); !strings.HasSuffix(got, "--etcd http://10.0.0.1:2379") {
		t.Errorf("agent argv with an etcd: %s", got)
	}
}
