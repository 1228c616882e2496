package serve_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadPairs is how many GET and PUT pairs each client makes: rest.md's
// 1,000 with SPP_LOAD_PAIRS=1000 (about a minute on a loaded 2-CPU
// machine), a small run otherwise.
func loadPairs(t *testing.T) int {
	if v := os.Getenv("SPP_LOAD_PAIRS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SPP_LOAD_PAIRS=%q", v)
		}
		return n
	}
	return 50
}

// 8 clients, each making pairs of PUT classifier_table (its own MAC, added
// then deleted in turn, each a batch with a flush of a running
// classifier) and GET /v1/vfs/1 against one spp_vf: no error, and each GET
// shows its client's last PUT (replies in request order per client).
// p50 and p99 of each kind are logged.
func TestServeLoad(t *testing.T) {
	nd := startNode(t, nil)
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/v1/vfs/1/components", `{"name":"cls","core":2,"type":"classifier"}`},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"ring:0","dir":"rx"}`},
		{"PUT", "/v1/vfs/1/components/cls/ports", `{"action":"attach","port":"ring:1","dir":"tx"}`},
	} {
		nd.must(204, c.method, c.path, c.body)
	}
	const clients = 8
	pairs := loadPairs(t)
	var put, get latencies
	var wg sync.WaitGroup
	errs := make(chan string, clients)
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mac := fmt.Sprintf("52:54:00:00:01:%02x", c)
			for k := 0; k < pairs; k++ {
				action := []string{"add", "del"}[k%2]
				t0 := time.Now()
				code, body := nd.do("PUT", "/v1/vfs/1/classifier_table",
					`{"action":"`+action+`","type":"mac","mac_address":"`+mac+`","port":"ring:1"}`)
				put.add(time.Since(t0))
				if code != 204 {
					errs <- fmt.Sprintf("client %d pair %d: PUT %s: %d %s", c, k, action, code, body)
					return
				}
				t0 = time.Now()
				code, body = nd.do("GET", "/v1/vfs/1", "")
				get.add(time.Since(t0))
				if code != 200 {
					errs <- fmt.Sprintf("client %d pair %d: GET: %d %s", c, k, code, body)
					return
				}
				if has := strings.Contains(body, `"value":"`+mac+`"`); has != (action == "add") {
					errs <- fmt.Sprintf("client %d pair %d: after %s of %s the GET shows it: %v", c, k, action, mac, has)
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := len(put.d) + len(get.d); n != 2*clients*pairs {
		t.Errorf("%d requests, want %d", n, 2*clients*pairs)
	}
	t.Logf("load: %d clients x %d pairs (PUT classifier_table with flush, GET /v1/vfs/1) in %v, %.0f requests/s",
		clients, pairs, took.Round(time.Millisecond), float64(2*clients*pairs)/took.Seconds())
	for _, l := range []struct {
		name string
		d    []time.Duration
	}{{"PUT", put.d}, {"GET", get.d}, {"all", append(append([]time.Duration(nil), put.d...), get.d...)}} {
		t.Logf("load: %-3s p50 %v, p99 %v, max %v", l.name, pct(l.d, 50), pct(l.d, 99), pct(l.d, 100))
	}
}

// pct is the p-th percentile of ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return s[i-1].Round(10 * time.Microsecond)
}
