package agent

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/ctl/agent/keys"
)

// `spp port bind|unbind|list`: what networking-spp's mechanism driver
// writes (reference section 3), for operators without OpenStack and for
// tests. The keys and values are the driver's, so the real driver could
// replace these commands.

// BindWait is how long bind waits for port_status=up (the driver's 20 s).
const BindWait = 20 * time.Second

// BindArgs are what `spp port bind` is given.
type BindArgs struct {
	Host, Port, MAC string
	Physnet         string // "": any NIC's
	VLAN            int    // 0: flat
	Wait            time.Duration
}

// Bind takes the free vhost slot with the lowest id (of Physnet, or of
// any NIC), writes bind_port and action=plug, and waits for the agent's
// port_status=up, watching from the revision of its own write: an up
// written at once is not missed (the driver's race). The slot, bind_port
// and action are written by one transaction, in the driver's order, only
// if the slot is still None and the port has no bind_port: two binders
// never share a slot, and a binder that dies leaks no slot. It returns the
// vhost id; after a timeout the port stays bound, as the driver leaves it.
func Bind(ctx context.Context, cli *clientv3.Client, a BindArgs) (int, error) {
	mac, err := keys.MAC(a.MAC)
	if err != nil {
		return 0, err
	}
	if a.VLAN != 0 {
		if err := keys.CheckVLAN(a.VLAN); err != nil {
			return 0, err
		}
	}
	cfg, err := readConfig(ctx, cli, a.Host)
	if err != nil {
		return 0, err
	}
	prefix := keys.VhostPrefix(a.Host)
	if a.Physnet != "" {
		found := false
		for _, v := range cfg.VF {
			found = found || v.PhysicalNetwork == a.Physnet
		}
		if !found {
			return 0, fmt.Errorf("host %s has no NIC on physical network %s", a.Host, a.Physnet)
		}
		prefix = keys.VhostPhysPrefix(a.Host, a.Physnet)
	}
	gctx, cancel := context.WithTimeout(ctx, opTimeout)
	resp, err := cli.Get(gctx, prefix, clientv3.WithPrefix())
	cancel()
	if err != nil {
		return 0, fmt.Errorf("etcd: %v", err)
	}
	type slot struct {
		key string
		id  int
	}
	var free []slot
	for _, kv := range resp.Kvs {
		if _, id, ok := keys.SlotKey(string(kv.Key), a.Host); ok && string(kv.Value) == keys.None {
			free = append(free, slot{string(kv.Key), id})
		}
	}
	sort.Slice(free, func(i, j int) bool { return free[i].id < free[j].id })
	bindKey := keys.BindPort(a.Host, a.Port)
	doc := keys.BindPortDoc{MAC: mac, VLAN: a.VLAN}
	for _, s := range free {
		doc.Vhost = s.id
		tctx, cancel := context.WithTimeout(ctx, opTimeout)
		tr, err := cli.Txn(tctx).
			If(clientv3.Compare(clientv3.Value(s.key), "=", keys.None),
				clientv3.Compare(clientv3.CreateRevision(bindKey), "=", 0)).
			Then(clientv3.OpPut(s.key, a.Port),
				clientv3.OpPut(bindKey, doc.Encode()),
				clientv3.OpPut(keys.Action(a.Host, a.Port), keys.Plug)).
			Else(clientv3.OpGet(bindKey)).Commit()
		cancel()
		if err != nil {
			return 0, fmt.Errorf("etcd: %v", err)
		}
		if tr.Succeeded {
			return s.id, waitUp(ctx, cli, a, tr.Header.Revision, s.id)
		}
		if kvs := tr.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
			return 0, fmt.Errorf("port %s is bound on %s already (%s): unbind it first", a.Port, a.Host, kvs[0].Value)
		}
	}
	where := "host " + a.Host
	if a.Physnet != "" {
		where += " on " + a.Physnet
	}
	return 0, fmt.Errorf("no free vhost slot on %s", where)
}

// waitUp waits for port_status=up from revision rev+1.
func waitUp(ctx context.Context, cli *clientv3.Client, a BindArgs, rev int64, vhost int) error {
	if a.Wait == 0 {
		a.Wait = BindWait
	}
	wctx, cancel := context.WithTimeout(ctx, a.Wait)
	defer cancel()
	for resp := range cli.Watch(wctx, keys.PortStatus(a.Host, a.Port), clientv3.WithRev(rev+1)) {
		if err := resp.Err(); err != nil {
			return fmt.Errorf("vhost %d taken, then watching port_status: %v", vhost, err)
		}
		for _, ev := range resp.Events {
			if ev.Type == clientv3.EventTypePut && string(ev.Kv.Value) == keys.Up {
				return nil
			}
		}
	}
	return fmt.Errorf("vhost %d taken, but no port_status=up within %v: is `spp agent --host %s` running (its log says why)? The port stays bound: spp port unbind --host %s %s",
		vhost, a.Wait, a.Host, a.Host, a.Port)
}

// Unbind asks the agent to unplug the port (action=unplug, as the driver
// does) and waits until it has freed it (the action key gone).
func Unbind(ctx context.Context, cli *clientv3.Client, host, port string, wait time.Duration) error {
	if wait == 0 {
		wait = BindWait
	}
	actKey := keys.Action(host, port)
	tctx, cancel := context.WithTimeout(ctx, opTimeout)
	tr, err := cli.Txn(tctx).
		If(clientv3.Compare(clientv3.CreateRevision(keys.BindPort(host, port)), ">", 0)).
		Then(clientv3.OpPut(actKey, keys.Unplug)).
		Else(clientv3.OpGet(actKey)).Commit()
	cancel()
	if err != nil {
		return fmt.Errorf("etcd: %v", err)
	}
	if !tr.Succeeded {
		if len(tr.Responses[0].GetResponseRange().Kvs) == 0 {
			return fmt.Errorf("port %s is not bound on %s", port, host)
		}
		// An action with no bind_port: the agent frees it all the same.
		tctx, cancel := context.WithTimeout(ctx, opTimeout)
		pr, err := cli.Put(tctx, actKey, keys.Unplug)
		cancel()
		if err != nil {
			return fmt.Errorf("etcd: %v", err)
		}
		tr.Header = pr.Header
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for resp := range cli.Watch(wctx, actKey, clientv3.WithRev(tr.Header.Revision+1)) {
		if err := resp.Err(); err != nil {
			return fmt.Errorf("unplug asked, then watching: %v", err)
		}
		for _, ev := range resp.Events {
			if ev.Type == clientv3.EventTypeDelete {
				return nil
			}
		}
	}
	return fmt.Errorf("unplug asked, but the agent of %s did not free the port within %v (it will when it can)", host, wait)
}

// readConfig reads the host's configuration document.
func readConfig(ctx context.Context, cli *clientv3.Client, host string) (*keys.Config, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	resp, err := cli.Get(ctx, keys.Configuration(host))
	if err != nil {
		return nil, fmt.Errorf("etcd: %v", err)
	}
	if len(resp.Kvs) == 0 {
		return nil, fmt.Errorf("no %s: not an SPP host (spp agent init --host %s FILE)", keys.Configuration(host), host)
	}
	return keys.ParseConfig(resp.Kvs[0].Value)
}

// List writes the host's slots and ports as a table: every vhost slot,
// then ports that have keys but no slot.
func List(ctx context.Context, cli *clientv3.Client, host string, w io.Writer) error {
	snap, err := Scan(ctx, cli, host)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	resp, err := cli.Get(ctx, keys.VhostPrefix(host), clientv3.WithPrefix(), clientv3.WithRev(snap.Rev))
	if err != nil {
		return fmt.Errorf("etcd: %v", err)
	}
	type row struct {
		phys string
		id   int
		port string
	}
	var rows []row
	shown := map[string]bool{}
	for _, kv := range resp.Kvs {
		if phys, id, ok := keys.SlotKey(string(kv.Key), host); ok {
			rows = append(rows, row{phys, id, string(kv.Value)})
			shown[string(kv.Value)] = true
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].id < rows[j].id })
	for _, m := range []map[string]string{snap.Actions, snap.Status} {
		for p := range m {
			if !shown[p] {
				rows, shown[p] = append(rows, row{"-", -1, p}), true
			}
		}
	}
	for p := range snap.Binds {
		if !shown[p] {
			rows, shown[p] = append(rows, row{"-", -1, p}), true
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHYSNET\tVHOST\tPORT\tMAC\tVLAN\tACTION\tSTATUS")
	for _, r := range rows {
		vh, port, mac, vlan := strconv.Itoa(r.id), r.port, "-", "-"
		if r.id < 0 {
			vh = "-"
		}
		if port == keys.None {
			port = "(free)"
		}
		if b, ok := snap.Binds[r.port]; ok {
			mac = b.MAC
			if b.VLAN != 0 {
				vlan = strconv.Itoa(b.VLAN)
			}
		} else if err := snap.BadBinds[r.port]; err != nil {
			mac = "(bad bind_port)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.phys, vh, port, mac, vlan, dash(snap.Actions[r.port]), dash(snap.Status[r.port]))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
