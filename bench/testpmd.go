package main

// dpdk-testpmd in interactive mode over a pipe: the baseline.

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/testpmd"
)

// Lcores of testpmd: main on CPU 0, the one forwarding lcore on CPU 1.
const (
	tpMainLcore = 0
	tpFwdLcore  = 1
)

const tpPrompt = "testpmd> "

// tpProc is a testpmd in interactive mode on pipes: the baseline, or a
// vhost scenario's VM.
type tpProc struct {
	c   *proc.Child
	in  io.WriteCloser
	out chan string
}

// tpSetup is a testpmd run: its vdevs (port ids in this order), port
// topology (paired, chained or loop) and the ports it forwards.
type tpSetup struct {
	prefix   string
	vdevs    []string
	topology string
	portmask string // --portmask; "" for every port
	mbufs    uint64 // --total-num-mbufs, as many as spp_primary's pool
}

// testpmdArgv is testpmd's command line. stdbuf: testpmd prints with
// stdio, which a pipe would hold back until exit; line buffering hands each
// line over as it is printed. (stdbuf execs testpmd: the pid stays the
// same.)
func testpmdArgv(bin string, s tpSetup) []string {
	argv := []string{"stdbuf", "-oL", bin, fmt.Sprintf("--lcores=%d@0,%d@1", tpMainLcore, tpFwdLcore),
		"--file-prefix=" + s.prefix, "--proc-type=primary", "--no-pci", "--log-level=lib.eal:warning"}
	for _, v := range s.vdevs {
		argv = append(argv, "--vdev="+v)
	}
	argv = append(argv, "--", "-i", "--forward-mode=io", "--nb-cores=1", "--burst=32",
		"--rxq=1", "--txq=1", fmt.Sprintf("--total-num-mbufs=%d", s.mbufs),
		fmt.Sprintf("--mbcache=%d", poolCache), "--port-topology="+s.topology)
	if s.portmask != "" {
		argv = append(argv, "--portmask="+s.portmask)
	}
	return argv
}

func startTestpmd(bin string, s tpSetup) (*tpProc, error) {
	return startInteractive("testpmd", testpmdArgv(bin, s))
}

// startInteractive starts a testpmd in interactive mode (-i) as name and
// waits for its prompt.
func startInteractive(name string, argv []string) (*tpProc, error) {
	t := &tpProc{out: make(chan string, 256)}
	var err error
	if t.c, err = startChild(name, argv, true); err != nil {
		return nil, err
	}
	t.in = t.c.Stdin
	out := t.c.Stdout
	go func() {
		buf := make([]byte, 1<<16)
		for {
			n, err := out.Read(buf)
			if n > 0 {
				t.out <- string(buf[:n])
			}
			if err != nil {
				close(t.out)
				return
			}
		}
	}()
	if _, err := t.until(tpPrompt, 30*time.Second); err != nil {
		t.c.Kill()
		return nil, fmt.Errorf("%s did not start (%v); see %s/%s.log", name, err, logDir, name)
	}
	return t, nil
}

// until collects output until it contains s.
func (t *tpProc) until(s string, d time.Duration) (string, error) {
	var b strings.Builder
	timeout := time.After(d)
	for {
		select {
		case chunk, ok := <-t.out:
			if !ok {
				return b.String(), io.EOF
			}
			b.WriteString(chunk)
			if strings.Contains(b.String(), s) {
				return b.String(), nil
			}
		case <-timeout:
			return b.String(), fmt.Errorf("no %q within %v", s, d)
		}
	}
}

// do runs one command and returns its output.
func (t *tpProc) do(cmd string) (string, error) {
	if _, err := io.WriteString(t.in, cmd+"\n"); err != nil {
		return "", err
	}
	return t.until(tpPrompt, 10*time.Second)
}

// stats reads every port's counters.
func (t *tpProc) stats() (map[int]testpmd.Port, error) {
	out, err := t.do(testpmd.ShowPortStats)
	if err != nil {
		return nil, err
	}
	ports := testpmd.PortStats(out)
	if len(ports) == 0 {
		return nil, fmt.Errorf("no port statistics in %q", out)
	}
	return ports, nil
}

// quit stops forwarding and testpmd.
func (t *tpProc) quit() error {
	io.WriteString(t.in, "stop\n")
	io.WriteString(t.in, "quit\n")
	t.in.Close()
	return waitOrKill(t.c, 20*time.Second)
}

// thread finds the forwarding thread and boosts it.
func (t *tpProc) thread() (int, error) {
	tid, err := threadByName(t.c.Pid(), fmt.Sprintf("rte-worker-%d", tpFwdLcore))
	if err != nil {
		return 0, err
	}
	return tid, boost(tid)
}
