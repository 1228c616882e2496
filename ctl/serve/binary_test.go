package serve_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spp-go/spp/common/testenv"
	"github.com/spp-go/spp/ctl/internal/ctltest"
)

// hostIP is an IPv4 address of this host other than loopback, or "".
func hostIP() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	return ""
}

// bin/spp serve on an address other than loopback: refused without a
// token file; with one, a request from that address (not loopback) needs
// the token, 401 without it or with another; SIGTERM exits 0.
func TestServeBinaryAuth(t *testing.T) {
	ip := hostIP()
	if ip == "" {
		t.Skip("this host has no address but loopback")
	}
	bin := testenv.Bin(t, "spp")
	addr := net.JoinHostPort(ip, ctltest.FreePort(t))
	free := func() []string { return []string{"-p", ctltest.FreePort(t), "-s", ctltest.FreePort(t)} }

	p := testenv.Start(t, bin, append([]string{"serve", "--api", addr}, free()...)...)
	if code, err := p.Wait(10 * time.Second); err != nil || code != 2 || !strings.Contains(p.Log(), "give --api-token-file") {
		t.Errorf("without a token file: %d %v %s", code, err, p.Log())
	}

	tok := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tok, []byte("s3cret-token\n"), 0o600)
	p = testenv.Start(t, bin, append([]string{"serve", "--api", addr, "--api-token-file", tok}, free()...)...)
	get := func(auth string) int {
		req, _ := http.NewRequest("GET", "http://"+addr+"/v1/processes", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for end := time.Now().Add(10 * time.Second); get("") == 0 && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	for auth, want := range map[string]int{"": 401, "Bearer nope": 401, "Bearer s3cret-token": 200} {
		if got := get(auth); got != want {
			t.Errorf("from %s with %q: %d, want %d", ip, auth, got, want)
		}
	}
	p.Signal(syscall.SIGTERM)
	if code, err := p.Wait(10 * time.Second); err != nil || code != 0 {
		t.Errorf("SIGTERM: %d %v\n%s", code, err, p.Log())
	}
	if !strings.Contains(p.Log(), "401 missing or wrong bearer token") {
		t.Errorf("the 401s are not logged:\n%s", p.Log())
	}
}
