package node

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/testpmd"
)

// The test VMs are dpdk-testpmd processes in interactive mode: `spp up`
// holds their stdin and reads their answers from their logs.

func (u *upSession) startVM(i int) error {
	stdbuf, _ := exec.LookPath("stdbuf") // coreutils; without it answers come late
	_, err := u.spawn(u.c.VM[i].Name, RoleVM, u.c.VMArgv(u.c.VM[i], stdbuf), true, &u.vms[i])
	return err
}

// testpmd's log lines that tell how its start went.
var (
	vmReady  = "Start automatic packet forwarding"
	vmFailed = []string{"No probed ethernet devices", "EAL: FATAL", "EAL: Error", "failed to initialize virtio_user"}
)

// waitVM waits until VM i forwards: its port probed and started.
func (u *upSession) waitVM(i int) error {
	ch := u.vms[i]
	deadline := time.Now().Add(waitVM)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(ch.LogPath)
		for _, f := range vmFailed {
			if bytes.Contains(data, []byte(f)) {
				return fmt.Errorf("%s did not start (%q):\n%s", ch.Name, f, ch.Tail(8))
			}
		}
		if bytes.Contains(data, []byte(vmReady)) {
			return nil
		}
		if ch.Exited() {
			return fmt.Errorf("%s %s:\n%s", ch.Name, ch.DescribeExit(), ch.Tail(8))
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s is not forwarding after %v (see %s)", ch.Name, waitVM, ch.LogPath)
}

// VMStats are a VM's port counters, as testpmd shows them.
type VMStats struct {
	Rx, Tx uint64
}

// parseVMStats reads port 0's counters (a VM's one port) from the
// answers of testpmd in text; ok is false until a whole block is there.
func parseVMStats(text string) (VMStats, bool) {
	p, ok := testpmd.PortStats(text)[0]
	return VMStats{Rx: p.RxPackets, Tx: p.TxPackets}, ok
}

// vmStats asks VM i for its port counters.
func (u *upSession) vmStats(i int) (VMStats, error) {
	ch := u.vms[i]
	if ch == nil || ch.Exited() {
		return VMStats{}, fmt.Errorf("%s is not running", u.c.VM[i].Name)
	}
	fi, err := os.Stat(ch.LogPath)
	if err != nil {
		return VMStats{}, err
	}
	from := fi.Size()
	if _, err := io.WriteString(ch.Stdin, testpmd.ShowPortStats+"\n"); err != nil {
		return VMStats{}, err
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		f, err := os.Open(ch.LogPath)
		if err != nil {
			return VMStats{}, err
		}
		_, _ = f.Seek(from, io.SeekStart)
		data, _ := io.ReadAll(f)
		f.Close()
		if s, ok := parseVMStats(string(data)); ok {
			return s, nil
		}
	}
	return VMStats{}, fmt.Errorf("%s did not answer %s (see %s)", ch.Name, testpmd.ShowPortStats, ch.LogPath)
}

// statuses asks every secondary for its status, as JSON.
func (u *upSession) statuses() (map[int]*proto.SecondaryInfo, *proto.PrimaryInfo, error) {
	args := []string{"--json", "-c", "wait pri 5", "-c", "pri;status"}
	for _, s := range u.c.Secondary {
		args = append(args, "-c", fmt.Sprintf("wait sec %d 5", *s.ClientID), "-c", fmt.Sprintf("sec %d;status", *s.ClientID))
	}
	out, err := u.sh.output(20*time.Second, args...)
	if err != nil {
		return nil, nil, err
	}
	secs, pri := ParseStatusReplies(out)
	return secs, pri, nil
}

// ParseStatusReplies picks the status replies out of `spp --json` output:
// one JSON reply per line, other lines ignored.
func ParseStatusReplies(out []byte) (map[int]*proto.SecondaryInfo, *proto.PrimaryInfo) {
	secs := map[int]*proto.SecondaryInfo{}
	var pri *proto.PrimaryInfo
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var rep struct {
			Info json.RawMessage `json:"info"`
		}
		if json.Unmarshal(line, &rep) != nil || len(rep.Info) == 0 {
			continue
		}
		var probe struct {
			ClientID *int `json:"client_id"`
		}
		_ = json.Unmarshal(rep.Info, &probe)
		if probe.ClientID != nil {
			var si proto.SecondaryInfo
			if json.Unmarshal(rep.Info, &si) == nil {
				secs[si.ClientID] = &si
			}
			continue
		}
		var pi proto.PrimaryInfo
		if json.Unmarshal(rep.Info, &pi) == nil {
			pri = &pi
		}
	}
	return secs, pri
}

// findPort finds a port's row in the statuses of the secondaries.
func findPort(secs map[int]*proto.SecondaryInfo, name string) (proto.PortStatus, bool) {
	for _, si := range secs {
		for _, p := range si.Ports {
			if p.Port == name {
				return p, true
			}
		}
	}
	return proto.PortStatus{}, false
}

// waitVhostLinks waits until each VM's vhost port is up in the status of
// the secondary that has it: only then does traffic reach the VMs.
func (u *upSession) waitVhostLinks() error {
	if len(u.c.VM) == 0 || u.c.Agent != nil { // the agent wires VMs when they are bound
		return nil
	}
	deadline := time.Now().Add(waitVM)
	var down []string
	for time.Now().Before(deadline) {
		secs, _, err := u.statuses()
		if err != nil {
			return err
		}
		down = down[:0]
		for _, v := range u.c.VM {
			name := fmt.Sprintf("vhost%d", *v.Vhost)
			if p, ok := findPort(secs, name); !ok || p.Link != "up" {
				down = append(down, name)
			}
		}
		if len(down) == 0 {
			u.say("vhost links up: every VM is attached")
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("vhost links still down after %v: %s (is a forward using each vhost port in the command file?)", waitVM, strings.Join(down, ", "))
}

// stopVM ends a VM: "quit" on testpmd's command line first, then, after
// grace, as any child.
func stopVM(ch *proc.Child, grace time.Duration) error {
	if ch.Exited() {
		return nil
	}
	_, _ = io.WriteString(ch.Stdin, "quit\n")
	if ch.Wait(grace) {
		return nil
	}
	return ch.Stop(grace)
}
