package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/spp-go/spp/ctl/agent/keys"
)

// What the agent reads from and writes to etcd (keys: ctl/agent/keys).

// opTimeout bounds one etcd request.
const opTimeout = 5 * time.Second

// Dial makes a client of the etcd at endpoints (comma-separated URLs). It
// does not wait for the cluster: requests fail until it answers.
func Dial(endpoints string) (*clientv3.Client, error) {
	var eps []string
	for _, e := range strings.Split(endpoints, ",") {
		if e = strings.TrimSpace(e); e != "" {
			eps = append(eps, e)
		}
	}
	if len(eps) == 0 {
		return nil, errors.New("--etcd: no endpoint")
	}
	return clientv3.New(clientv3.Config{Endpoints: eps, DialTimeout: opTimeout, Logger: zap.NewNop()})
}

// Snapshot is one host's keys at one revision.
type Snapshot struct {
	Rev       int64
	Config    *keys.Config // nil: none, or ConfigErr
	ConfigErr error
	Binds     map[string]keys.BindPortDoc // by port id
	BadBinds  map[string]error
	Actions   map[string]string
	Status    map[string]string
}

// Scan reads the host's configuration, bind_port, action and port_status
// keys in one transaction: one revision, from which the watch starts.
func Scan(ctx context.Context, cli *clientv3.Client, host string) (*Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	resp, err := cli.Txn(ctx).Then(
		clientv3.OpGet(keys.Configuration(host)),
		clientv3.OpGet(keys.BindPortPrefix(host), clientv3.WithPrefix()),
		clientv3.OpGet(keys.ActionPrefix(host), clientv3.WithPrefix()),
		clientv3.OpGet(keys.PortStatusPrefix(host), clientv3.WithPrefix()),
	).Commit()
	if err != nil {
		return nil, fmt.Errorf("etcd: %v", err)
	}
	s := &Snapshot{Rev: resp.Header.Revision, Binds: map[string]keys.BindPortDoc{}, BadBinds: map[string]error{},
		Actions: map[string]string{}, Status: map[string]string{}}
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
		s.Config, s.ConfigErr = keys.ParseConfig(kvs[0].Value)
	}
	for _, kv := range resp.Responses[1].GetResponseRange().Kvs {
		if id := keys.Suffix(string(kv.Key), keys.BindPortPrefix(host)); id != "" {
			if b, err := keys.ParseBindPort(string(kv.Value)); err != nil {
				s.BadBinds[id] = err
			} else {
				s.Binds[id] = b
			}
		}
	}
	for i, m := range []map[string]string{s.Actions, s.Status} {
		prefix := []string{keys.ActionPrefix(host), keys.PortStatusPrefix(host)}[i]
		for _, kv := range resp.Responses[2+i].GetResponseRange().Kvs {
			if id := keys.Suffix(string(kv.Key), prefix); id != "" {
				m[id] = string(kv.Value)
			}
		}
	}
	return s, nil
}

// Watch watches the host's actions and its configuration from revision
// rev+1 (the revision after a Scan: nothing between them is missed) and
// calls kick for each change. The channel gets one error when a watch
// ends (etcd lost, revision compacted, ctx done): scan again then.
func Watch(ctx context.Context, cli *clientv3.Client, host string, rev int64, kick func()) <-chan error {
	out := make(chan error, 2)
	wctx := clientv3.WithRequireLeader(ctx)
	chans := []clientv3.WatchChan{
		cli.Watch(wctx, keys.ActionPrefix(host), clientv3.WithPrefix(), clientv3.WithRev(rev+1)),
		cli.Watch(wctx, keys.Configuration(host), clientv3.WithRev(rev+1)),
	}
	for _, wc := range chans {
		go func(wc clientv3.WatchChan) {
			for resp := range wc {
				if err := resp.Err(); err != nil {
					out <- fmt.Errorf("etcd watch: %v", err)
					return
				}
				if len(resp.Events) > 0 {
					kick()
				}
			}
			out <- errors.New("etcd watch ended")
		}(wc)
	}
	return out
}

// SetUp writes port_status=up, the port's wiring having flushed, while
// its action still says plug (false: it does not any more).
func SetUp(ctx context.Context, cli *clientv3.Client, host, port string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	resp, err := cli.Txn(ctx).
		If(clientv3.Compare(clientv3.Value(keys.Action(host, port)), "=", keys.Plug)).
		Then(clientv3.OpPut(keys.PortStatus(host, port), keys.Up)).Commit()
	if err != nil {
		return false, err
	}
	return resp.Succeeded, nil
}

// ClearUp deletes port_status: the port is no longer wired.
func ClearUp(ctx context.Context, cli *clientv3.Client, host, port string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	_, err := cli.Delete(ctx, keys.PortStatus(host, port))
	return err
}

// FinishUnplug frees an unplugged port, as networking-spp's agent does:
// its slot back to None (only if it still holds the port), then bind_port,
// action and port_status deleted, in one transaction, and only while the
// action still says unplug (a port plugged again meanwhile is left
// alone). phys is "" when the slot is unknown (no bind_port).
func FinishUnplug(ctx context.Context, cli *clientv3.Client, host, port, phys string, vhost int) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	still := clientv3.Compare(clientv3.Value(keys.Action(host, port)), "=", keys.Unplug)
	dels := []clientv3.Op{
		clientv3.OpDelete(keys.BindPort(host, port)),
		clientv3.OpDelete(keys.Action(host, port)),
		clientv3.OpDelete(keys.PortStatus(host, port)),
	}
	if phys != "" {
		slot := keys.Vhost(host, phys, vhost)
		resp, err := cli.Txn(ctx).
			If(still, clientv3.Compare(clientv3.Value(slot), "=", port)).
			Then(append([]clientv3.Op{clientv3.OpPut(slot, keys.None)}, dels...)...).Commit()
		if err != nil || resp.Succeeded {
			return err == nil, err
		}
	}
	resp, err := cli.Txn(ctx).If(still).Then(dels...).Commit()
	if err != nil {
		return false, err
	}
	return resp.Succeeded, nil
}
