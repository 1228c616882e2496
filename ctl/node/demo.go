package node

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
)

// The demo (`spp up FILE --demo`, `make demo`): start the traffic, print
// the status tables twice with the traffic running, stop the traffic, and
// judge from the counters whether each VM received only its own frames.

// snapshot is the node's counters at one moment.
type snapshot struct {
	secs map[int]*proto.SecondaryInfo
	vms  []VMStats
}

func (u *upSession) runDemo() error {
	t, d := u.c.Traffic, u.c.Demo
	if d == nil {
		d = &Demo{Seconds: 3}
	}
	status := u.c.demoStatus()
	u.writeTopology()
	fmt.Fprintf(u.out, "\n==== traffic: %d frames from %s into pcap%d of sec %d\n",
		countFrames(u.c), u.c.PcapPath(), t.Pcap, *t.ClientID)
	if err := u.changeCommands(t.Start); err != nil {
		return fmt.Errorf("starting the traffic: %v", err)
	}
	time.Sleep(time.Second)
	s1, err := u.showStatus(1, status)
	if err != nil {
		return err
	}
	time.Sleep(time.Duration(d.Seconds) * time.Second)
	s2, err := u.showStatus(2, status)
	if err != nil {
		return err
	}
	if len(t.Stop) > 0 {
		fmt.Fprintf(u.out, "\n==== stopping the traffic\n")
		if err := u.changeCommands(t.Stop); err != nil {
			return fmt.Errorf("stopping the traffic: %v", err)
		}
		time.Sleep(time.Second) // frames still in the loop reach the classifier and end there
	}
	final, err := u.snapshot()
	if err != nil {
		return err
	}
	fmt.Fprintf(u.out, "\n==== verdict\n")
	lines, ok := u.verdict(s1, s2, final)
	for _, l := range lines {
		fmt.Fprintln(u.out, l)
	}
	if !ok {
		return fmt.Errorf("the counters do not show each VM receiving only its own traffic")
	}
	return nil
}

// TopologyFile is the picture of the wiring the demo draws, in the log
// directory.
const TopologyFile = "topology.svg"

// writeTopology draws the node's wiring, as applied, into
// log/topology.svg (the shell's topo svg). The demo goes on without it
// when it cannot (no dot): the picture is for the operator, the verdict
// does not need it.
func (u *upSession) writeTopology() {
	path := filepath.Join(u.logDir, TopologyFile)
	var args []string
	for _, s := range u.c.Secondary {
		args = append(args, "-c", fmt.Sprintf("wait sec %d 5", *s.ClientID))
	}
	args = append(args, "-c", "topo svg "+path)
	if err := u.sh.run(30*time.Second, nil, args...); err != nil {
		u.say("no topology picture: %v", err)
		return
	}
	u.say("topology of the wiring: %s", path)
}

// demoStatus is what a status print shows: [demo] status, or the primary's
// and every secondary's status.
func (c *Config) demoStatus() []string {
	if c.Demo != nil && len(c.Demo.Status) > 0 {
		return c.Demo.Status
	}
	out := []string{"pri;status"}
	for _, s := range c.Secondary {
		out = append(out, fmt.Sprintf("sec %d;status", *s.ClientID))
	}
	return out
}

// shellCommands runs shell commands (each "sec N;CMD" or "pri;CMD"), once
// every process they name is connected.
func (u *upSession) shellCommands(cmds []string) error {
	var args []string
	waited := map[string]bool{}
	for _, c := range cmds {
		if w := waitFor(c); w != "" && !waited[w] {
			waited[w] = true
			args = append(args, "-c", w)
		}
	}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	return u.sh.run(30*time.Second, u.out, args...)
}

// changeCommands runs commands that change the wiring, trying again when
// they fail: a batch is atomic, so a failed one changed nothing, and on a
// loaded machine a flush can time out waiting for an lcore.
func (u *upSession) changeCommands(cmds []string) error {
	var err error
	for try := 1; try <= 3; try++ {
		if err = u.shellCommands(cmds); err == nil || u.isStopping() {
			return err
		}
		if dead := u.deadDaemon(); dead != "" {
			// A secondary that died of it is started again and wired
			// again before the next try.
			if rerr := u.restartDeadSecondaries(); rerr != nil {
				return fmt.Errorf("%v\n%s", err, dead)
			}
			if rerr := u.applyCommandFile(); rerr != nil {
				return rerr
			}
			if rerr := u.waitVhostLinks(); rerr != nil {
				return rerr
			}
		}
		u.say("%v\nnode: trying again (%d/3)", err, try)
		time.Sleep(time.Second)
	}
	return err
}

// waitFor is the `wait` line a command needs: "sec 1;flush" needs
// "wait sec 1 5".
func waitFor(cmd string) string {
	tgt, _, ok := strings.Cut(cmd, ";")
	if !ok {
		return ""
	}
	f := strings.Fields(tgt)
	switch {
	case len(f) == 1 && f[0] == "pri":
		return "wait pri 5"
	case len(f) == 2 && f[0] == "sec":
		return "wait sec " + f[1] + " 5"
	}
	return ""
}

// showStatus prints the status tables (the shell's own rendering) and the
// VMs' counters, and returns the counters.
func (u *upSession) showStatus(n int, status []string) (*snapshot, error) {
	fmt.Fprintf(u.out, "\n==== status %d/2\n", n)
	if err := u.shellCommands(status); err != nil {
		return nil, err
	}
	s, err := u.snapshot()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(u.out, "%-6s %-17s %-7s %12s %12s\n", "VM", "MAC", "port", "rx", "tx")
	for i, v := range u.c.VM {
		fmt.Fprintf(u.out, "%-6s %-17s vhost%-2d %12d %12d\n", v.Name, v.MAC, *v.Vhost, s.vms[i].Rx, s.vms[i].Tx)
	}
	return s, nil
}

func (u *upSession) snapshot() (*snapshot, error) {
	secs, _, err := u.statuses()
	if err != nil {
		return nil, err
	}
	s := &snapshot{secs: secs}
	for i := range u.c.VM {
		st, err := u.vmStats(i)
		if err != nil {
			return nil, err
		}
		s.vms = append(s.vms, st)
	}
	return s, nil
}

// classifierOf finds the classifier component of a secondary.
func classifierOf(si *proto.SecondaryInfo) (proto.CoreStatus, bool) {
	if si == nil {
		return proto.CoreStatus{}, false
	}
	for _, c := range si.Core {
		if t, ok := component.Lookup(proto.TypeVF, c.Type); ok && t.Kernel == component.KernelClassifier {
			return c, true
		}
	}
	return proto.CoreStatus{}, false
}

// verdict judges the demo from three snapshots: s1 and s2 with the traffic
// running, final after it stopped. Why these checks prove the point:
//
//   - a VM received exactly what its vhost port sent, and its vhost port
//     exactly what the classifier put on the ring its MAC maps to;
//   - the classifier dropped exactly the frames to unknown MACs while the
//     loop ran: had one reached a VM, it would be looping too, not dropped;
//   - with two VMs, each frame alternates between them (macswap turns a frame
//     for one into a frame for the other), so their counts differ by at most
//     the number of frames in the loop: a frame sent to the wrong VM breaks
//     that.
func (u *upSession) verdict(s1, s2, final *snapshot) ([]string, bool) {
	var out []string
	ok := true
	fail := func(format string, a ...any) {
		out = append(out, "FAIL: "+fmt.Sprintf(format, a...))
		ok = false
	}
	t := u.c.Traffic
	id := *t.ClientID
	cls2, found := classifierOf(s2.secs[id])
	if !found {
		fail("sec %d runs no classifier", id)
		return out, false
	}
	cls1, _ := classifierOf(s1.secs[id])

	vmMACs := map[string]bool{}
	for _, v := range u.c.VM {
		m, _ := net.ParseMAC(v.MAC)
		vmMACs[m.String()] = true
	}
	unknown, looping := 0, 0
	for _, f := range t.Frames {
		dst, _ := u.c.resolveMAC(f.Dst)
		if vmMACs[dst.String()] {
			looping += f.Count
		} else {
			unknown += f.Count
		}
	}

	table := map[string]string{}
	for _, e := range s2.secs[id].ClassifierTable {
		table[strings.ToLower(e.Value)] = e.Port
	}
	for i, v := range u.c.VM {
		m, _ := net.ParseMAC(v.MAC)
		ring := table[m.String()]
		vhost := fmt.Sprintf("vhost%d", *v.Vhost)
		rx := final.vms[i].Rx
		vp, _ := findPort(final.secs, vhost)
		rp, _ := findPort(final.secs, ring)
		switch {
		case ring == "":
			fail("%s's MAC %s is not in the classifier table", v.Name, v.MAC)
		case rx == 0:
			fail("%s received nothing", v.Name)
		case rx != vp.Tx:
			fail("%s received %d frames, but %s sent %d", v.Name, rx, vhost, vp.Tx)
		case rp.Tx != vp.Tx+vp.TxDrop:
			fail("the classifier put %d frames on %s, but %s sent %d and dropped %d", rp.Tx, ring, vhost, vp.Tx, vp.TxDrop)
		default:
			out = append(out, fmt.Sprintf("%s (%s) received %d frames: all that %s sent, all that the classifier put on %s, the port of its MAC",
				v.Name, v.MAC, rx, vhost, ring))
		}
		if s2.vms[i].Rx <= s1.vms[i].Rx {
			fail("%s's rx did not climb between the status prints (%d, then %d)", v.Name, s1.vms[i].Rx, s2.vms[i].Rx)
		}
	}
	if len(u.c.VM) == 2 {
		a, b := final.vms[0].Rx, final.vms[1].Rx
		diff := a - b
		if b > a {
			diff = b - a
		}
		if diff > uint64(looping) {
			fail("%s and %s received %d and %d frames: with %d frames bouncing between them they differ by at most %d",
				u.c.VM[0].Name, u.c.VM[1].Name, a, b, looping, looping)
		} else {
			out = append(out, fmt.Sprintf("%s and %s received the same count within %d: each frame alternated between them (macswap)",
				u.c.VM[0].Name, u.c.VM[1].Name, looping))
		}
	}
	if cls2.Drops != uint64(unknown) {
		fail("the classifier dropped %d frames while the loop ran, %d were to unknown MACs", cls2.Drops, unknown)
	} else {
		out = append(out, fmt.Sprintf("the %d frames to unknown MACs were dropped by the classifier, once each: no VM saw them", unknown))
	}
	if cls2.Packets <= cls1.Packets {
		fail("the classifier's packets did not climb (%d, then %d)", cls1.Packets, cls2.Packets)
	} else {
		out = append(out, fmt.Sprintf("counters climbed: the classifier had handled %d packets just after the first print, %d just after the second",
			cls1.Packets, cls2.Packets))
	}
	if ok {
		out = append(out, "PASS: each VM received only its own traffic")
	}
	return out, ok
}
