package agent

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/spp-go/spp/ctl/agent/keys"
)

// etcdBinary is Debian's etcd-server (make deps installs it).
const etcdBinary = "/usr/bin/etcd"

// testEtcd is a real etcd started by a test on loopback ports, its data in
// a temporary directory.
type testEtcd struct {
	dir    string
	client string // http://127.0.0.1:P
	peer   string
	cmd    *exec.Cmd
	log    *os.File
	exited chan struct{}
}

// loopbackPort is a loopback port nobody listens on now.
func loopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newEtcd runs Debian's etcd with its data in dir and waits until it
// answers.
func newEtcd(dir string) (*testEtcd, error) {
	if _, err := os.Stat(etcdBinary); err != nil {
		return nil, fmt.Errorf("%s: %v (make deps installs etcd-server)", etcdBinary, err)
	}
	cp, err := loopbackPort()
	if err != nil {
		return nil, err
	}
	pp, err := loopbackPort()
	if err != nil {
		return nil, err
	}
	e := &testEtcd{dir: dir, client: fmt.Sprintf("http://127.0.0.1:%d", cp), peer: fmt.Sprintf("http://127.0.0.1:%d", pp)}
	return e, e.start()
}

// startEtcd is an etcd of the test's own, stopped when it ends.
func startEtcd(t *testing.T) *testEtcd {
	t.Helper()
	e, err := newEtcd(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.stop)
	return e
}

func (e *testEtcd) start() error {
	var err error
	e.log, err = os.OpenFile(filepath.Join(e.dir, "etcd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	e.cmd = exec.Command(etcdBinary, "--name", "t", "--data-dir", filepath.Join(e.dir, "data"),
		"--listen-client-urls", e.client, "--advertise-client-urls", e.client,
		"--listen-peer-urls", e.peer, "--initial-advertise-peer-urls", e.peer,
		"--initial-cluster", "t="+e.peer, "--logger", "zap", "--log-level", "warn")
	e.cmd.Stdout, e.cmd.Stderr = e.log, e.log
	if err := e.cmd.Start(); err != nil {
		return err
	}
	e.exited = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { c.Wait(); close(done) }(e.cmd, e.exited)
	cli, err := Dial(e.client)
	if err != nil {
		return err
	}
	defer cli.Close()
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := cli.Get(ctx, "probe")
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-e.exited:
			b, _ := os.ReadFile(e.log.Name())
			return fmt.Errorf("etcd exited: %s", b)
		default:
		}
		if time.Now().After(end) {
			e.stop()
			return fmt.Errorf("etcd on %s not answering: %v", e.client, err)
		}
	}
}

// kill stops it at once (kill -9), keeping its data.
func (e *testEtcd) kill() {
	e.cmd.Process.Kill()
	<-e.exited
	e.log.Close()
}

// restart starts it again on the same ports and data.
func (e *testEtcd) restart(t *testing.T) {
	if err := e.start(); err != nil {
		t.Fatal(err)
	}
}

func (e *testEtcd) stop() {
	select {
	case <-e.exited:
	default:
		e.cmd.Process.Kill()
		<-e.exited
	}
	e.log.Close()
}

// dial is a client of it, closed when the test ends.
func (e *testEtcd) dial(t *testing.T) *clientv3.Client {
	cli, err := Dial(e.client)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// get reads one key ("" when missing).
func get(t *testing.T, cli *clientv3.Client, key string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) == 0 {
		return ""
	}
	return string(resp.Kvs[0].Value)
}

func put(t *testing.T, cli *clientv3.Client, key, value string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := cli.Put(ctx, key, value)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

// dump is every key of host, for failure messages.
func dump(t *testing.T, cli *clientv3.Client) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, keys.Root, clientv3.WithPrefix())
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, kv := range resp.Kvs {
		fmt.Fprintf(&b, "\n  %s = %s", kv.Key, kv.Value)
	}
	return b.String()
}
