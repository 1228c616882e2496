package node

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spp-go/spp/ctl/agent"
	"github.com/spp-go/spp/ctl/agent/wiring"
)

// Agent is `spp agent` (docs/agent.md), run by spp up next to spp serve
// once the daemons are up: VMs are then plugged with `spp port bind` (or
// networking-spp's driver) through etcd.
type Agent struct {
	Host     string `toml:"host"`      // required: the host's name in etcd (spp port --host)
	HostFile string `toml:"host_file"` // required: its NICs, vhosts, lcores (spp agent init FILE), read at start
	Policy   string `toml:"policy"`    // dynamic (default) | static
	Etcd     string `toml:"etcd"`      // etcd client URLs; default: the agent runs etcd, data in <log_dir>/etcd
}

func (k *checker) agent() error {
	a := k.c.Agent
	if a == nil {
		return nil
	}
	if a.Host == "" {
		return missing("agent.host")
	}
	if a.HostFile == "" {
		return missing("agent.host_file")
	}
	if a.Policy == "" {
		a.Policy = string(wiring.Dynamic)
	}
	if _, err := wiring.ParsePolicy(a.Policy); err != nil {
		return bad("agent.policy", "%v", err)
	}
	return k.useName("agent", "agent")
}

// AgentArgv is the command line of the node's agent.
func (c *Config) AgentArgv(binDir string) []string {
	a := c.Agent
	argv := []string{c.bin("spp", binDir), "agent", "--host", a.Host, "--api", c.APIURL(), "--policy", a.Policy}
	if a.Etcd != "" {
		return append(argv, "--etcd", a.Etcd)
	}
	return append(argv, "--data-dir", abs(filepath.Join(c.Node.LogDir, "etcd")))
}

// agentEtcd is where the agent's etcd answers.
func (c *Config) agentEtcd() string {
	if c.Agent.Etcd != "" {
		return c.Agent.Etcd
	}
	return agent.EmbeddedClientURL
}

// startAgent starts the agent and writes the host file to etcd (spp agent
// init --force: the node file is what counts), retrying while the
// agent's embedded etcd starts.
func (u *upSession) startAgent() error {
	a := u.c.Agent
	ch, err := u.spawn("agent", RoleController, u.c.AgentArgv(u.binDir), false, &u.agent)
	if err != nil {
		return err
	}
	cfg, err := agent.ReadHostFile(a.HostFile)
	if err != nil {
		return fmt.Errorf("agent.host_file: %v", err)
	}
	for i := range cfg.VF { // NIC i is served by the spp_vf with client id i+1
		if !u.hasSecondary(i + 1) {
			return fmt.Errorf("agent.host_file %s: NIC %d needs a spp_vf with client id %d", a.HostFile, i, i+1)
		}
	}
	cli, err := agent.Dial(u.c.agentEtcd())
	if err != nil {
		return err
	}
	defer cli.Close()
	deadline := time.Now().Add(waitDaemon)
	for {
		if ch.Exited() {
			return fmt.Errorf("agent %s:\n%s", ch.DescribeExit(), ch.Tail(8))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		note, err := agent.Init(ctx, cli, a.Host, cfg, true)
		cancel()
		if err == nil {
			u.say("agent of host %s: %s", a.Host, note)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("spp agent init --host %s %s: %v (see %s)", a.Host, a.HostFile, err, ch.LogPath)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (u *upSession) hasSecondary(id int) bool {
	for _, s := range u.c.Secondary {
		if *s.ClientID == id && s.Type == "vf" {
			return true
		}
	}
	return false
}
