package agent

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// The single-host path: with no --etcd, the agent runs etcd in its own
// process (go.etcd.io/etcd/server/v3/embed), so one host needs nothing
// installed. Data under the node's log directory survives an agent restart
// (bound ports are kept); its own log goes to etcd.log next to it.

// Default addresses of the embedded etcd: its clients (the agent, `spp
// port`, networking-spp's driver on the same machine) and its one peer.
const (
	EmbeddedClientURL = "http://127.0.0.1:2379"
	EmbeddedPeerURL   = "http://127.0.0.1:2380"
)

// readyWait bounds the start of the embedded server.
const readyWait = time.Minute

// Embedded is a running embedded etcd.
type Embedded struct {
	e *embed.Etcd
}

// StartEmbedded runs a one-member etcd with its data in dir, serving
// clientURL (peer on peerURL), and waits until it is ready.
func StartEmbedded(dir, clientURL, peerURL string) (*Embedded, error) {
	cu, err := url.Parse(clientURL)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: %v", err)
	}
	pu, err := url.Parse(peerURL)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded etcd: %v", err)
	}
	cfg := embed.NewConfig()
	cfg.Name = "spp-agent"
	cfg.Dir = dir
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{filepath.Join(filepath.Dir(filepath.Clean(dir)), "etcd.log")}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: %v", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return &Embedded{e: e}, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("embedded etcd: %v", err)
	case <-time.After(readyWait):
		e.Close()
		return nil, fmt.Errorf("embedded etcd: not ready within %v", readyWait)
	}
}

// Err reports a fatal error of the server.
func (m *Embedded) Err() <-chan error { return m.e.Err() }

// Close stops the server.
func (m *Embedded) Close() { m.e.Close() }
