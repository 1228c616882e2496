package agent

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/ctl/agent/keys"
)

// `spp agent init --host H FILE.toml`: the host's configuration document
// and its vhost slots, as devstack's spp-config-build.py writes them.

// hostFile is FILE.toml: the configuration document in TOML, one [[vf]]
// per NIC in DPDK port order, its keys those of the JSON document.
type hostFile struct {
	VF []struct {
		PCIAddress      string `toml:"pci_address"`
		PhysicalNetwork string `toml:"physical_network"`
		NumVhost        int    `toml:"num_vhost"`
		CoreMask        string `toml:"core_mask"`
		Components      []struct {
			Name   string   `toml:"name"`
			Type   string   `toml:"type"`
			Core   int      `toml:"core"`
			RxPort []string `toml:"rx_port"`
			TxPort []string `toml:"tx_port"`
		} `toml:"components"`
	} `toml:"vf"`
}

// ReadHostFile reads FILE.toml into a configuration document. Unknown keys
// are errors (a misspelt key is not silently ignored).
func ReadHostFile(path string) (*keys.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f hostFile
	md, err := toml.Decode(string(b), &f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		var names []string
		for _, k := range un {
			names = append(names, k.String())
		}
		return nil, fmt.Errorf("%s: unknown keys: %s", path, strings.Join(names, ", "))
	}
	if len(f.VF) == 0 {
		return nil, fmt.Errorf("%s: no [[vf]]", path)
	}
	c := &keys.Config{}
	for _, v := range f.VF {
		kv := keys.VF{PCIAddress: v.PCIAddress, PhysicalNetwork: v.PhysicalNetwork, NumVhost: v.NumVhost, CoreMask: v.CoreMask}
		for _, comp := range v.Components {
			kv.Components = append(kv.Components, keys.Component(comp))
		}
		c.VF = append(c.VF, kv)
	}
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return c, nil
}

// Init writes the host's configuration document and creates its vhost
// slots (None) in one transaction. A document already there that says
// something else is kept unless force: then it is replaced, missing slots
// are created, free slots the new document has no more are deleted, and
// slots it has no more that hold a port are left (and named in the
// returned note). It returns what it did, for the operator.
func Init(ctx context.Context, cli *clientv3.Client, host string, cfg *keys.Config, force bool) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	confKey := keys.Configuration(host)
	resp, err := cli.Txn(ctx).Then(clientv3.OpGet(confKey), clientv3.OpGet(keys.VhostPrefix(host), clientv3.WithPrefix())).Commit()
	if err != nil {
		return "", fmt.Errorf("etcd: %v", err)
	}
	var confRev int64
	same := false
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
		confRev = kvs[0].ModRevision
		old, err := keys.ParseConfig(kvs[0].Value)
		same = err == nil && old.Equal(cfg)
		if !same && !force {
			return "", fmt.Errorf("%s holds another document: --force replaces it", confKey)
		}
	}
	want := map[string]bool{}
	for i, v := range cfg.VF {
		first := cfg.FirstVhost(i)
		for id := first; id < first+v.NumVhost; id++ {
			want[keys.Vhost(host, v.PhysicalNetwork, id)] = true
		}
	}
	cmps := []clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(confKey), "=", confRev)}
	var ops []clientv3.Op
	if !same {
		ops = append(ops, clientv3.OpPut(confKey, string(cfg.Encode())))
	}
	var kept []string
	deleted := 0
	have := map[string]bool{}
	for _, kv := range resp.Responses[1].GetResponseRange().Kvs {
		k := string(kv.Key)
		have[k] = true
		cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(k), "=", kv.ModRevision))
		switch {
		case want[k]:
		case string(kv.Value) == keys.None:
			ops = append(ops, clientv3.OpDelete(k))
			deleted++
		default:
			kept = append(kept, fmt.Sprintf("%s (port %s)", k, kv.Value))
		}
	}
	var created []string
	for k := range want {
		if !have[k] {
			created = append(created, k)
		}
	}
	sort.Strings(created)
	for _, k := range created {
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(k), "=", 0))
		ops = append(ops, clientv3.OpPut(k, keys.None))
	}
	if len(ops) == 0 {
		return fmt.Sprintf("%s: unchanged, %d vhost slots", confKey, len(want)), nil
	}
	tr, err := cli.Txn(ctx).If(cmps...).Then(ops...).Commit()
	if err != nil {
		return "", fmt.Errorf("etcd: %v", err)
	}
	if !tr.Succeeded {
		return "", fmt.Errorf("%s or its slots changed while init ran: run it again", confKey)
	}
	what := "unchanged"
	if !same {
		what = "written"
	}
	note := fmt.Sprintf("%s: %s; %d vhost slots created, %d deleted", confKey, what, len(created), deleted)
	if len(kept) > 0 {
		note += "; still held, outside the new document: " + strings.Join(kept, ", ")
	}
	return note, nil
}
