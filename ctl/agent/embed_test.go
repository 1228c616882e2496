package agent

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/agent/wiring"
)

// The single-host path: the agent's own etcd (embedded, here on free
// loopback ports), its data under the log directory. A port bound through
// it is wired; stopped and started again on the same data, the server
// still has the binding (an agent restart keeps the host's ports).
func TestEmbeddedSingleHost(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log", "etcd")
	cu := fmt.Sprintf("http://127.0.0.1:%d", mustPort(t))
	pu := fmt.Sprintf("http://127.0.0.1:%d", mustPort(t))
	t0 := time.Now()
	emb, err := StartEmbedded(dir, cu, pu)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("embedded etcd ready in %v", time.Since(t0))
	cli, err := Dial(cu)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := Init(ctx, cli, "solo", hostConfig(2), false); err != nil {
		t.Fatal(err)
	}
	fake := agenttest.StartController(t)
	fake.Join(seedVF(1))
	n := &node{t: t, host: "solo", cli: cli, url: fake.URL()}
	n.startAgent(wiring.Dynamic)
	if _, err := Bind(ctx, cli, BindArgs{Host: "solo", Port: "p1", MAC: "52:54:00:00:00:01", Wait: 10 * time.Second}); err != nil {
		t.Fatalf("%v\n%s", err, &n.log)
	}
	n.stopAgent()
	cli.Close()
	emb.Close()

	emb, err = StartEmbedded(dir, cu, pu)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	cli, err = Dial(cu)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if v := get(t, cli, keys.Vhost("solo", "phys1", 0)); v != "p1" {
		t.Errorf("after a restart, slot 0 = %q", v)
	}
	if v := get(t, cli, keys.PortStatus("solo", "p1")); v != "up" {
		t.Errorf("after a restart, port_status = %q", v)
	}
}

func mustPort(t *testing.T) int {
	p, err := loopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
