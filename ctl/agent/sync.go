package agent

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/agent/wiring"
)

// sync is one pass: read the host's keys, make every spp_vf match them,
// then write what the flushes earned: port_status=up for each port wired,
// and the release of each port unplugged. rev is the revision read (0: the
// read failed); err says what is left to retry. Once ctx ends, no new
// spp_vf is begun; a batch sent is seen through, with its etcd writes.
func (a *Agent) sync(ctx context.Context) (rev int64, err error) {
	host := a.opt.Host
	snap, err := Scan(ctx, a.etcd, host)
	if err != nil {
		return 0, err
	}
	switch {
	case snap.ConfigErr != nil:
		a.note(keys.Configuration(host), fmt.Sprintf("%s: %v: waiting for a good one", keys.Configuration(host), snap.ConfigErr))
		return snap.Rev, nil
	case snap.Config == nil:
		a.note(keys.Configuration(host), fmt.Sprintf("no %s in etcd: waiting for it (spp agent init --host %s FILE)", keys.Configuration(host), host))
		return snap.Rev, nil
	}
	a.note(keys.Configuration(host), "")
	cfg := snap.Config
	bound, unplugs, bad := a.ports(snap)
	work := context.WithoutCancel(ctx)
	done := make([]bool, len(cfg.VF))
	var wired []string
	var errs, werrs []error // werrs: etcd writes
	for i := range cfg.VF {
		if ctx.Err() != nil {
			break
		}
		w, perrs, err := a.syncVF(work, cfg, i, bound)
		subject := fmt.Sprintf("spp_vf %d", keys.ClientID(i))
		if err != nil {
			a.note(subject, fmt.Sprintf("%s: %v", subject, err))
			errs = append(errs, fmt.Errorf("%s: %w", subject, err))
			continue
		}
		a.note(subject, "")
		done[i] = true
		wired = append(wired, w...)
		bad = append(bad, perrs...)
	}

	for _, p := range wired {
		a.note("port "+p, "")
		if snap.Status[p] == keys.Up {
			continue
		}
		if ok, err := SetUp(work, a.etcd, host, p); err != nil {
			werrs = append(werrs, fmt.Errorf("port %s: up: %v", p, err))
		} else if ok {
			a.opt.Logf("port %s: wired, port_status up", p)
		}
	}
	for _, e := range bad {
		a.note("port "+e.Port, e.Error()+": not wired, no up")
		if snap.Status[e.Port] == keys.Up {
			if err := ClearUp(work, a.etcd, host, e.Port); err != nil {
				werrs = append(werrs, fmt.Errorf("port %s: %v", e.Port, err))
			}
		}
	}
	for _, p := range unplugs {
		if err := a.release(work, snap, p, done); err != nil {
			werrs = append(werrs, err)
		}
	}
	if len(werrs) > 0 {
		a.note("etcd writes", fmt.Sprintf("etcd: %v (retrying)", errors.Join(werrs...)))
	} else {
		a.note("etcd writes", "")
	}
	return snap.Rev, errors.Join(append(errs, werrs...)...)
}

// syncVF makes the spp_vf of NIC nic match the bound ports: its status,
// the desired wiring, one batch when they differ. It returns the ports that
// wiring serves (wired once it returns nil) and those it could not take.
func (a *Agent) syncVF(ctx context.Context, cfg *keys.Config, nic int, bound []wiring.Bound) ([]string, []wiring.PortError, error) {
	id := keys.ClientID(nic)
	info, err := a.ctl.Status(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	want, perrs, err := wiring.Desired(cfg, nic, bound, a.opt.Policy, wiring.Placed(info))
	if err != nil {
		return nil, nil, err
	}
	cmds, err := wiring.Plan(want, info)
	if err != nil {
		return nil, nil, err
	}
	if cmds == nil {
		return want.Wired, perrs, nil
	}
	parts := wiring.Split(cmds)
	for _, p := range parts {
		if err := a.ctl.Batch(ctx, id, p); err != nil {
			return nil, nil, err
		}
	}
	a.opt.Logf("spp_vf %d: %d commands flushed (%d batch(es)): %s", id, len(cmds), len(parts), describe(want))
	if len(parts) > 1 {
		a.poke() // an entry pruned between two parts comes back
		return nil, perrs, nil
	}
	return want.Wired, perrs, nil
}

// describe says what a wiring runs, for the log.
func describe(w wiring.Wiring) string {
	if len(w.Components) == 0 {
		return "nothing runs (no VM)"
	}
	names := make([]string, 0, len(w.Components))
	for _, c := range w.Components {
		names = append(names, fmt.Sprintf("%s@%d", c.Name, c.Core))
	}
	return fmt.Sprintf("%d port(s) wired [%s]; components %s", len(w.Wired), strings.Join(w.Wired, " "), strings.Join(names, " "))
}

// ports sorts the host's ports: bound (action plug and a good bind_port on
// a vhost of the configuration), to release (action unplug), and those
// that cannot be wired. A port with a bind_port and no action is being
// bound (or its binder died): left alone, as networking-spp does.
func (a *Agent) ports(snap *Snapshot) (bound []wiring.Bound, unplugs []string, bad []wiring.PortError) {
	ids := make([]string, 0, len(snap.Actions))
	for id := range snap.Actions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		switch snap.Actions[id] {
		case keys.Plug:
			b, ok := snap.Binds[id]
			switch {
			case snap.BadBinds[id] != nil:
				bad = append(bad, wiring.PortError{Port: id, Reason: snap.BadBinds[id].Error()})
			case !ok:
				a.note("port "+id, fmt.Sprintf("port %s: action plug and no bind_port: waiting for it", id))
			default:
				if _, ok := snap.Config.NICOf(b.Vhost); !ok {
					bad = append(bad, wiring.PortError{Port: id, Reason: fmt.Sprintf("vhost %d is on no NIC of the configuration", b.Vhost)})
					continue
				}
				bound = append(bound, wiring.Bound{ID: id, MAC: b.MAC, Vhost: b.Vhost, VLAN: b.VLAN})
			}
		case keys.Unplug:
			unplugs = append(unplugs, id)
		}
	}
	return bound, unplugs, bad
}

// release frees an unplugged port once the spp_vf that served it matches
// a wiring without it (done[nic]); a port with no bind_port, or on a vhost
// no NIC has, was never wired here and is freed at once.
func (a *Agent) release(ctx context.Context, snap *Snapshot, port string, done []bool) error {
	phys, vhost := "", 0
	if b, ok := snap.Binds[port]; ok {
		if nic, ok := snap.Config.NICOf(b.Vhost); ok {
			if !done[nic] {
				return nil // its spp_vf is retried; the release with it
			}
			phys, vhost = snap.Config.VF[nic].PhysicalNetwork, b.Vhost
		}
	}
	ok, err := FinishUnplug(ctx, a.etcd, a.opt.Host, port, phys, vhost)
	switch {
	case err != nil:
		return fmt.Errorf("port %s: unplug: %v", port, err)
	case ok && phys != "":
		a.opt.Logf("port %s: unplugged, vhost %d of %s free", port, vhost, phys)
	case ok:
		a.opt.Logf("port %s: unplugged (it had no slot)", port)
	}
	a.note("port "+port, "")
	return nil
}
