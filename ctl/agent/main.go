package agent

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/ctl/agent/wiring"
	"github.com/spp-go/spp/ctl/internal/cli"
)

// The command lines: `spp agent`, `spp agent init`, `spp port ...`. Exit
// status: 0 done, 1 failed (the reason on stderr), 2 bad usage.

const agentUsage = `usage: spp agent --host NAME [--etcd URL[,URL...]] [--api URL] [--policy dynamic|static] [--data-dir DIR]
       spp agent init --host NAME [--etcd URLS] [--force] FILE.toml

spp agent wires the VMs that networking-spp's ML2 driver (or spp port bind)
plugs through etcd into the spp_vfs of this host, through spp serve (--api),
and unwires them on unplug. With no --etcd it runs etcd itself on
127.0.0.1:2379, its data in --data-dir. It runs until SIGTERM (exit 0),
never exiting on an error: it logs and retries.

spp agent init writes the host's configuration document (FILE.toml: one
[[vf]] per NIC, keys pci_address, physical_network, num_vhost, core_mask,
optional [[vf.components]]) and its free vhost slots, as devstack does.

`

// Main is `spp agent ARGS`.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "init" {
		return initMain(args[1:], stdout, stderr)
	}
	fs := cli.New("spp agent", agentUsage, stderr)
	host := fs.String("host", "", "this host's `NAME`, as Neutron's binding host id (required)")
	endpoints := fs.String("etcd", "", "etcd client `URLS`, comma-separated; none: run etcd here")
	api := fs.String("api", "http://127.0.0.1:7777", "spp serve's `URL`")
	policy := fs.String("policy", string(wiring.Dynamic), "`dynamic` (forwarders only for plugged VMs) or static (the whole graph)")
	dataDir := fs.String("data-dir", "log/etcd", "the embedded etcd's data `DIR`")
	resync := fs.Duration("resync", 30*time.Second, "reconcile this often with nothing new")
	rest, code := fs.ParseAll(args)
	if code >= 0 {
		return code
	}
	pol, err := wiring.ParsePolicy(*policy)
	switch {
	case err != nil:
		return fs.Fail("%v", err)
	case *host == "" || len(rest) > 0:
		return fs.Fail("--host is required")
	}
	logger := log.New(stderr, "spp agent: ", log.LstdFlags|log.Lmicroseconds)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if *endpoints == "" {
		emb := startEmbedded(ctx, *dataDir, logger)
		if emb == nil {
			return 0 // SIGTERM while it started
		}
		defer emb.Close()
		*endpoints = EmbeddedClientURL
	}
	cli, err := Dial(*endpoints)
	if err != nil {
		fmt.Fprintf(stderr, "spp agent: %v\n", err)
		return 2
	}
	defer cli.Close()
	ctl, err := NewController(*api)
	if err != nil {
		fmt.Fprintf(stderr, "spp agent: %v\n", err)
		return 2
	}
	New(Options{Host: *host, Policy: pol, Resync: *resync, Logf: logger.Printf}, cli, ctl).Run(ctx)
	return 0
}

// startEmbedded starts the embedded etcd, retrying (a port still held by
// an agent that just stopped) until it runs or ctx ends (nil).
func startEmbedded(ctx context.Context, dir string, logger *log.Logger) *Embedded {
	b := newBackoff()
	for {
		emb, err := StartEmbedded(dir, EmbeddedClientURL, EmbeddedPeerURL)
		if err == nil {
			logger.Printf("embedded etcd on %s, data in %s", EmbeddedClientURL, dir)
			return emb
		}
		d := b.next()
		logger.Printf("%v; again in %v", err, d)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d):
		}
	}
}

func initMain(args []string, stdout, stderr io.Writer) int {
	fs := cli.New("spp agent init", agentUsage, stderr)
	host := fs.String("host", "", "the host's `NAME`")
	endpoints := fs.String("etcd", EmbeddedClientURL, "etcd client `URLS`")
	force := fs.Bool("force", false, "replace a different document")
	rest, code := fs.ParseAll(args)
	if code >= 0 {
		return code
	}
	if *host == "" || len(rest) != 1 {
		return fs.Fail("want --host NAME and one FILE.toml")
	}
	cfg, err := ReadHostFile(rest[0])
	if err != nil {
		return fail(stderr, err)
	}
	return withEtcd(*endpoints, stderr, func(ctx context.Context, c *clientv3.Client) error {
		note, err := Init(ctx, c, *host, cfg, *force)
		if err == nil {
			fmt.Fprintln(stdout, note)
		}
		return err
	})
}

const portUsage = `usage: spp port bind --host H [--physnet P] [--vlan N] [--etcd URLS] PORT_ID MAC
       spp port unbind --host H [--etcd URLS] PORT_ID
       spp port list --host H [--etcd URLS]

bind takes a free vhost slot of host H, writes the port's bind_port and
action=plug (networking-spp's keys), and waits up to 20 s for the agent's
port_status=up: exit 0 when up, 1 with the reason otherwise. unbind writes
action=unplug and waits for the agent to free the slot. list shows the slots.

`

// PortMain is `spp port ARGS`.
func PortMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, portUsage)
		return 2
	}
	fs := cli.New("spp port "+args[0], portUsage, stderr)
	host := fs.String("host", "", "the host's `NAME`")
	endpoints := fs.String("etcd", EmbeddedClientURL, "etcd client `URLS`")
	physnet := fs.String("physnet", "", "bind: a slot of physical network `P` (default: any)")
	vlan := fs.Int("vlan", 0, "bind: the port's VLAN id `N` (default: flat)")
	wait := fs.Duration("wait", BindWait, "how long to wait for the agent")
	rest, code := fs.ParseAll(args[1:])
	if code >= 0 {
		return code
	}
	if *host == "" {
		return fs.Fail("--host is required")
	}
	var op func(context.Context, *clientv3.Client) error
	switch {
	case args[0] == "bind" && len(rest) == 2:
		op = func(ctx context.Context, c *clientv3.Client) error {
			id, err := Bind(ctx, c, BindArgs{Host: *host, Port: rest[0], MAC: rest[1], Physnet: *physnet, VLAN: *vlan, Wait: *wait})
			if err == nil {
				fmt.Fprintf(stdout, "port %s: vhost %d (socket /tmp/sock%d), up\n", rest[0], id, id)
			}
			return err
		}
	case args[0] == "unbind" && len(rest) == 1:
		op = func(ctx context.Context, c *clientv3.Client) error {
			err := Unbind(ctx, c, *host, rest[0], *wait)
			if err == nil {
				fmt.Fprintf(stdout, "port %s: unplugged, slot free\n", rest[0])
			}
			return err
		}
	case args[0] == "list" && len(rest) == 0:
		op = func(ctx context.Context, c *clientv3.Client) error { return List(ctx, c, *host, stdout) }
	default:
		return fs.Fail("")
	}
	return withEtcd(*endpoints, stderr, op)
}

func withEtcd(endpoints string, stderr io.Writer, op func(context.Context, *clientv3.Client) error) int {
	cli, err := Dial(endpoints)
	if err != nil {
		return fail(stderr, err)
	}
	defer cli.Close()
	if err := op(context.Background(), cli); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "spp: %v\n", err)
	return 1
}
