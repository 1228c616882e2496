package serve_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	st "github.com/spp-go/spp/common/secondary/sectest"
	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// A real node for the tests of bin/spp serve: spp_primary (nic0 a
// net_ring0 loopback, rings 0..3), spp_vf 1 (lcores 1..4) and spp_mirror 2
// (lcores 5..7), started by sectest, then handed over to spp serve.

type node struct {
	t        *testing.T
	n        *st.Node
	vf, mir  *st.Daemon
	serve    *testenv.Proc
	url      string
	pri, sec string // the daemons' controller addresses
	pcapDir  string
}

// startNode starts the daemons and spp serve; pcapFrames, when not nil,
// is what spp_vf's pcap0 reads.
func startNode(t *testing.T, pcapFrames [][]byte) *node {
	t.Helper()
	testenv.RequireRoot(t)
	nd := &node{t: t}
	// Short: a pcap port's arguments must fit DPDK's 64 bytes.
	dir, err := os.MkdirTemp("/tmp", "spps")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	nd.pcapDir = dir
	if pcapFrames != nil {
		if err := writePcap(dir+"/spp-rx0.pcap", pcapFrames); err != nil {
			t.Fatal(err)
		}
	}
	nd.n = st.Start(t, st.PrimaryOpts{Rings: 4, Vdevs: []string{"net_ring0"}, PortMask: "0x1"})
	nd.vf = nd.n.StartSecondary("spp_vf", "1@0,2@1,3@1,4@1", 1, "--pcap-dir", dir, "--vhost-dir", dir)
	nd.mir = nd.n.StartSecondary("spp_mirror", "5@0,6@1,7@1", 2, "--vhost-dir", dir)
	nd.pri, nd.sec = nd.n.HandOver(nd.vf, nd.mir)
	nd.startServe()
	return nd
}

// startServe runs bin/spp serve on the node's controller ports and waits
// until the three daemons have joined it.
func (nd *node) startServe() {
	t := nd.t
	t.Helper()
	api := "127.0.0.1:" + ctltest.FreePort(t)
	nd.url = "http://" + api
	nd.serve = testenv.Start(t, testenv.Bin(t, "spp"), "serve", "-p", ctltest.PortOf(t, nd.pri), "-s", ctltest.PortOf(t, nd.sec), "--api", api)
	st.WaitFor(t, st.ConnectTimeout, "the daemons to join spp serve", func() bool {
		code, body := nd.do("GET", "/v1/processes", "")
		return code == 200 && strings.Count(body, `"type"`) == 3
	})
}

// do makes one request and returns the status and the body.
func (nd *node) do(method, path, body string) (int, string) {
	nd.t.Helper()
	req, err := http.NewRequest(method, nd.url+path, strings.NewReader(body))
	if err != nil {
		nd.t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// must makes a request that must answer code.
func (nd *node) must(code int, method, path, body string) string {
	nd.t.Helper()
	got, text := nd.do(method, path, body)
	if got != code {
		nd.t.Fatalf("%s %s %s: %d %s, want %d\n--- spp serve:\n%s", method, path, body, got, text, code, nd.serve.Log())
	}
	return text
}

// status asks a secondary for its status through the native endpoint.
func (nd *node) status(id string) *proto.SecondaryInfo {
	nd.t.Helper()
	path := "/spp/v1/secondaries/" + id + "/batch"
	raw := nd.must(200, "POST", path, `{"commands":[{"command":"status"}]}`)
	r, err := client.Parse([]byte(raw))
	if err == nil && r.OK() {
		if in, err := r.SecondaryInfo(); err == nil {
			return in
		}
	}
	nd.t.Fatalf("status of %s: %s", id, raw)
	return nil
}

// events follows the event stream; each event is sent to the channel.
func (nd *node) events() <-chan api.Event {
	nd.t.Helper()
	resp, err := http.Get(nd.url + api.EventsPath)
	if err != nil || resp.StatusCode != 200 {
		nd.t.Fatalf("event stream: %v", err)
	}
	nd.t.Cleanup(func() { resp.Body.Close() })
	ch := make(chan api.Event, 16)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var e api.Event
				if json.Unmarshal([]byte(d), &e) == nil {
					ch <- e
				}
			}
		}
	}()
	return ch
}

// latencies collects request times from several goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}
