package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
)

// A bad argument or config file: one line naming it, exit status 2, before
// any DPDK work.
func TestBadArguments(t *testing.T) {
	testenv.RequireRoot(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("num_ring = 4\nnum_rngs = 2\n"), 0o644)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--", "--client-id", "x", "-s", "127.0.0.1:1"}, `--client-id "x": a number from 0 to 127`},
		{[]string{"--", "--client-id", "1"}, "-s HOST:PORT is required"},
		{[]string{"--", "--client-id", "1", "-s", "127.0.0.1:1", "--copy", "deep"}, "unknown option --copy"},
		{[]string{"--", "--client-id", "1", "-s", "127.0.0.1:1", "--config", bad}, "unknown key num_rngs"},
	} {
		p := testenv.Start(t, testenv.Bin(t, "spp_vf"), c.args...)
		code, err := p.Wait(10 * time.Second)
		out := strings.TrimSpace(p.Log())
		if err != nil || code != 2 || strings.Contains(out, "\n") || !strings.Contains(out, c.msg) {
			t.Errorf("%q: status %d (%v), output %q; want 2 and one line with %q", c.args, code, err, out, c.msg)
		}
	}
}

// Without a live spp_primary of its --file-prefix, spp_vf exits 1 before
// EAL init with one line saying so and what to do (it used to panic in
// go-dpdk when the prefix had no config, and to run on a dead primary's
// memory when it had one): a prefix nobody used, and the prefix of a
// primary killed with SIGKILL.
func TestNoPrimary(t *testing.T) {
	n := sectest.Start(t, sectest.PrimaryOpts{Rings: 1})
	n.Primary.Proc.Crash()
	unused := testenv.Prefix(t)
	for _, c := range []struct {
		prefix, msg string
	}{
		{unused, "no spp_primary runs with --file-prefix " + unused + " (/var/run/dpdk/" + unused + "/config is missing): start spp_primary first"},
		{n.Prefix, "the spp_primary of --file-prefix " + n.Prefix + " is gone"},
	} {
		p := testenv.Start(t, testenv.Bin(t, "spp_vf"), "--lcores", "1@0,2@1", "--file-prefix", c.prefix, "--no-pci",
			"--", "--client-id", "1", "-s", "127.0.0.1:1")
		code, err := p.Wait(sectest.ConnectTimeout)
		out := strings.TrimSpace(p.Log())
		if err != nil || code != 1 || strings.Contains(out, "\n") || !strings.Contains(out, c.msg) {
			t.Errorf("prefix %s: status %d (%v), output %q; want 1 and one line with %q", c.prefix, code, err, out, c.msg)
		}
	}
}

// --config: the limits and the initial components and classifier entries
// are applied at start, as one batch with its flush.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "vf.toml")
	os.WriteFile(conf, []byte(`num_ring = 2
[[component]]
core_id = 2
type = "classifier"
rx_ports = ["null0"]
tx_ports = ["ring0", "ring1"]
[[component]]
core_id = 3
type = "merge"
rx_ports = ["ring0", "ring1"]
tx_ports = ["null1"]
[[classifier_table]]
value = "default"
port = "ring1"
`), 0o644)
	n := sectest.Start(t, sectest.PrimaryOpts{Rings: 4})
	vf := n.StartSecondary("spp_vf", "1@0,2@1,3@1", 1, "--config", conf)
	in := vf.Status()
	if c := sectest.Core(in, 3); c.Type != "merge" || in.Staged || len(in.ClassifierTable) != 1 || in.ClassifierTable[0].Port != "ring1" {
		t.Errorf("status after start: %+v", in)
	}
	vf.WaitStatus(10*time.Second, "frames through the merge", func(in *proto.SecondaryInfo) bool {
		return sectest.Port(in, "null1").Tx > 0
	})
	r := vf.Send(sectest.Batch(sectest.Component(3, "forward", "ring2", "null2")))
	if !strings.Contains(r.Raw, "bad value(port): ring2: this process has ring0..ring1") {
		t.Errorf("num_ring = 2 not applied: %s", r.Raw)
	}
	vf.Exit()
}
