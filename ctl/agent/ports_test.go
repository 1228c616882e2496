package agent

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
)

// The watch of Watch starts after the revision scanned: a change made
// between a scan and the watch is delivered (nothing between them lost),
// and nothing before the scan is.
func TestWatchFromScanRevision(t *testing.T) {
	cli := shared.dial(t)
	put(t, cli, keys.Action("wrev", "old"), keys.Plug)
	snap, err := Scan(context.Background(), cli, "wrev")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Actions["old"] != keys.Plug {
		t.Fatalf("scan %+v", snap.Actions)
	}
	put(t, cli, keys.Action("wrev", "between"), keys.Plug) // after the scan, before the watch
	kicks := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	Watch(ctx, cli, "wrev", snap.Rev, func() { kicks <- struct{}{} })
	select {
	case <-kicks:
	case <-time.After(5 * time.Second):
		t.Fatal("the change between scan and watch was lost")
	}
	select {
	case <-kicks:
		t.Fatal("a second kick: something before the scan was replayed")
	case <-time.After(200 * time.Millisecond):
	}
}

// bind watches port_status from the revision of its own write: an up the
// agent wrote before the watch was set up is not missed (the driver's 20 s
// race).
func TestBindSeesAFastUp(t *testing.T) {
	cli := shared.dial(t)
	rev := put(t, cli, keys.Action("fast", "p"), keys.Plug)
	put(t, cli, keys.PortStatus("fast", "p"), keys.Up) // the agent, quicker than the watch
	t0 := time.Now()
	if err := waitUp(context.Background(), cli, BindArgs{Host: "fast", Port: "p", Wait: 5 * time.Second}, rev, 0); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("took %v", d)
	}
}

// bind's refusals, each with its reason; none takes a slot.
func TestBindRefusals(t *testing.T) {
	cli := shared.dial(t)
	ctx := context.Background()
	if _, err := Bind(ctx, cli, BindArgs{Host: "nohost", Port: "p", MAC: "52:54:00:00:00:01"}); err == nil || !strings.Contains(err.Error(), "not an SPP host") {
		t.Errorf("no configuration: %v", err)
	}
	if _, err := Init(ctx, cli, "refuse", hostConfig(1), false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a    BindArgs
		want string
	}{
		{BindArgs{MAC: "nope"}, "bad MAC"},
		{BindArgs{MAC: "52:54:00:00:00:01", VLAN: 4095}, "vlan_id 4095"},
		{BindArgs{MAC: "52:54:00:00:00:01", Physnet: "phys9"}, "no NIC on physical network phys9"},
	} {
		tc.a.Host, tc.a.Port = "refuse", "p"
		if _, err := Bind(ctx, cli, tc.a); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.a, err, tc.want)
		}
	}
	// The one slot taken (nobody answers: the bind times out, the port
	// stays bound): a second bind of the port, and a bind of another, fail.
	_, err := Bind(ctx, cli, BindArgs{Host: "refuse", Port: "p", MAC: "52:54:00:00:00:01", Wait: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "vhost 0 taken, but no port_status=up") {
		t.Errorf("no agent: %v", err)
	}
	if _, err := Bind(ctx, cli, BindArgs{Host: "refuse", Port: "q", MAC: "52:54:00:00:00:02"}); err == nil || !strings.Contains(err.Error(), "no free vhost slot on host refuse") {
		t.Errorf("full: %v", err)
	}
	put(t, cli, keys.Vhost("refuse", "phys1", 0), keys.None) // as if freed, bind_port left
	if _, err := Bind(ctx, cli, BindArgs{Host: "refuse", Port: "p", MAC: "52:54:00:00:00:01"}); err == nil || !strings.Contains(err.Error(), "bound on refuse already") {
		t.Errorf("twice: %v", err)
	}
	if v := get(t, cli, keys.Vhost("refuse", "phys1", 0)); v != keys.None {
		t.Errorf("the refused bind took the slot: %q", v)
	}
	if err := Unbind(ctx, cli, "refuse", "never", time.Second); err == nil || !strings.Contains(err.Error(), "not bound") {
		t.Errorf("unbind of nothing: %v", err)
	}
}

// agent init: slots created as None; the same document again changes
// nothing; another is refused without --force; with it, replaced, new
// slots created, free ones it has no more deleted, held ones kept.
func TestInit(t *testing.T) {
	cli := shared.dial(t)
	ctx := context.Background()
	note, err := Init(ctx, cli, "init", hostConfig(2), false)
	if err != nil || !strings.Contains(note, "written; 2 vhost slots created") {
		t.Fatalf("%q %v", note, err)
	}
	if note, err := Init(ctx, cli, "init", hostConfig(2), false); err != nil || !strings.Contains(note, "unchanged") {
		t.Errorf("again: %q %v", note, err)
	}
	put(t, cli, keys.Vhost("init", "phys1", 1), "held")
	other := hostConfig(1)
	other.VF = append(other.VF, keys.VF{PhysicalNetwork: "phys2", NumVhost: 2, CoreMask: "0x30"})
	if _, err := Init(ctx, cli, "init", other, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("different: %v", err)
	}
	note, err = Init(ctx, cli, "init", other, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(note)
	for key, want := range map[string]string{
		keys.Vhost("init", "phys1", 0): "None", keys.Vhost("init", "phys1", 1): "held",
		keys.Vhost("init", "phys2", 1): "None", keys.Vhost("init", "phys2", 2): "None",
	} {
		if got := get(t, cli, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if !strings.Contains(note, "2 vhost slots created") || !strings.Contains(note, "still held") {
		t.Errorf("note %q", note)
	}
}

// The command lines: spp agent init from a TOML file, spp port bind with
// flags after the arguments, list's table, and the exit statuses.
func TestCommandLines(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "host.toml")
	os.WriteFile(file, []byte(`[[vf]]
pci_address = "00:04.0"
physical_network = "phys1"
num_vhost = 2
core_mask = "0x3ffd"
`), 0o644)
	var out, errb bytes.Buffer
	run := func(main func([]string, *bytes.Buffer, *bytes.Buffer) int, args ...string) int {
		out.Reset()
		errb.Reset()
		return main(args, &out, &errb)
	}
	agentMain := func(a []string, o, e *bytes.Buffer) int { return Main(a, o, e) }
	portMain := func(a []string, o, e *bytes.Buffer) int { return PortMain(a, o, e) }
	if c := run(agentMain, "init", "--host", "cli", "--etcd", shared.client, file); c != 0 {
		t.Fatalf("init: %d %s", c, errb.String())
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[[vf]]\nphysical_netwrok = \"x\"\n"), 0o644)
	if c := run(agentMain, "init", "--host", "cli", "--etcd", shared.client, bad); c != 1 || !strings.Contains(errb.String(), "unknown keys: vf.physical_netwrok") {
		t.Errorf("bad file: %d %s", c, errb.String())
	}
	if c := run(agentMain, "--etcd", shared.client); c != 2 || !strings.Contains(errb.String(), "--host is required") {
		t.Errorf("no host: %d %s", c, errb.String())
	}
	if c := run(agentMain, "--host", "h", "--policy", "lazy"); c != 2 || !strings.Contains(errb.String(), `policy "lazy"`) {
		t.Errorf("bad policy: %d %s", c, errb.String())
	}
	if c := run(portMain, "bind", "--host", "cli", "--etcd", shared.client, "p1"); c != 2 {
		t.Errorf("bind without MAC: %d", c)
	}
	n := &node{t: t, host: "cli", cli: shared.dial(t), ctl: agenttest.StartController(t)}
	n.url = n.ctl.URL()
	n.vfs = []*agenttest.VF{seedVF(1)}
	n.ctl.Join(n.vfs[0])
	n.startAgent("dynamic")
	t.Cleanup(n.stopAgent)
	if c := run(portMain, "bind", "--host", "cli", "--etcd", shared.client, "p1", "52:54:00:00:00:01", "--vlan", "7"); c != 0 || out.String() != "port p1: vhost 0 (socket /tmp/sock0), up\n" {
		t.Errorf("bind: %d %q %s", c, out.String(), errb.String())
	}
	if c := run(portMain, "list", "--host", "cli", "--etcd", shared.client); c != 0 {
		t.Errorf("list: %d %s", c, errb.String())
	}
	want := "PHYSNET  VHOST  PORT    MAC                VLAN  ACTION  STATUS\n" +
		"phys1    0      p1      52:54:00:00:00:01  7     plug    up\n" +
		"phys1    1      (free)  -                  -     -       -\n"
	if out.String() != want {
		t.Errorf("list:\n%s\nwant\n%s", out.String(), want)
	}
	if c := run(portMain, "unbind", "--host", "cli", "--etcd", shared.client, "p1"); c != 0 || out.String() != "port p1: unplugged, slot free\n" {
		t.Errorf("unbind: %d %q %s", c, out.String(), errb.String())
	}
	if c := run(portMain, "unbind", "--host", "cli", "--etcd", shared.client, "p1"); c != 1 || !strings.Contains(errb.String(), "not bound") {
		t.Errorf("unbind again: %d %s", c, errb.String())
	}
}
