package agent

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/agent/internal/agenttest"
	"github.com/spp-go/spp/ctl/agent/keys"
	"github.com/spp-go/spp/ctl/agent/wiring"
	"github.com/spp-go/spp/ctl/internal/ctltest"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/serve"
)

// The agent against the real spp serve (ctl/serve over ctl/registry), its
// spp_vf a test daemon on a TCP connection answering through the engine:
// the native batch endpoint and the event stream as spp serve speaks them.
// A bind is wired and up; the spp_vf's connection dropped and a fresh one
// (an empty engine, as a restarted spp_vf) connecting gets the wiring back
// from the joined event, with no agent restart.
func TestAgainstSppServe(t *testing.T) {
	s := serve.New(serve.Options{})
	reg, err := registry.Listen("127.0.0.1", 0, 0, s.OnEvent)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	s.Use(reg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	_, secAddr := reg.Addrs()

	vf := seedVF(1)
	d := ctltest.StartDaemon(t, secAddr.String(), 1, "vf", ctltest.WithHandler(vf.Serve))
	if reg.Wait(registry.Target{ID: 1}, 5*time.Second) == nil {
		t.Fatal("the spp_vf did not connect")
	}
	cli := shared.dial(t)
	if _, err := Init(context.Background(), cli, "served", hostConfig(2), false); err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, host: "served", cli: cli, url: "http://" + ln.Addr().String(), vfs: []*agenttest.VF{vf}}
	n.startAgent(wiring.Dynamic)
	defer n.stopAgent()
	defer func() {
		if t.Failed() {
			t.Logf("agent's log:\n%s", &n.log)
		}
	}()
	n.mustBind("p1", "52:54:00:00:00:01", 0)
	n.mustBind("p2", "52:54:00:00:00:02", 42)
	before, table := n.running(0)
	if len(before) != 6 || len(table) != 2 {
		t.Fatalf("running %q %q", before, table)
	}

	d.Close()
	<-d.Done
	fresh := seedVF(1)
	n.vfs[0] = fresh
	t0 := time.Now()
	ctltest.StartDaemon(t, secAddr.String(), 1, "vf", ctltest.WithHandler(fresh.Serve))
	waitFor(t, 2*time.Second, "the wiring back on the new spp_vf", func() bool { c, _ := n.running(0); return len(c) == 6 })
	t.Logf("rewired %v after the new spp_vf connected", time.Since(t0))
	after, table2 := n.running(0)
	sameList(t, "components", after, before)
	sameList(t, "table", table2, table)
	if v := get(t, cli, keys.PortStatus("served", "p2")); v != "up" {
		t.Errorf("port_status %q", v)
	}
}
