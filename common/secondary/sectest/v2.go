package sectest

import (
	"strconv"
	"strings"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// Helpers for protocol version 2 (protocol.md 9): named components,
// several per lcore, the port command, vlan entries, raw status.

// Named is a "component" command with a name; ports are comma-separated
// names (an empty list is sent as []).
func Named(core int, typ, name, rx, tx string) string {
	list := func(s string) []string {
		if s == "" {
			return []string{}
		}
		return strings.Split(s, ",")
	}
	return string(proto.Component(proto.ComponentArgs{CoreID: strconv.Itoa(core), Type: typ, Name: name, Rx: list(rx), Tx: list(tx)}).Raw)
}

// Remove is a "component" command of type none with a name: it removes
// that component only.
func Remove(name string) string {
	return string(proto.Component(proto.ComponentArgs{Type: "none", Name: name}).Raw)
}

// PortCmd is a "port" command with no VLAN operation.
func PortCmd(action, port, dir, name string) string {
	return string(proto.Port(proto.PortArgs{Action: action, Port: port, Dir: dir, Name: name}).Raw)
}

// VLANEntry is a "classifier_table" command of type vlan.
func VLANEntry(vid int, mac, port string) string {
	return string(proto.ClassifierTable(proto.ClassifierArgs{Type: proto.EntryVLAN, VLAN: strconv.Itoa(vid), Value: mac, Port: port}).Raw)
}

// ComponentNamed finds a component's row in a status by its name; the
// zero row when it is not there.
func ComponentNamed(in *proto.SecondaryInfo, name string) proto.CoreStatus {
	for _, c := range in.Core {
		if c.Name == name {
			return c
		}
	}
	return proto.CoreStatus{}
}

// OnCore lists the names of the components an lcore shows in status, in
// status order.
func OnCore(in *proto.SecondaryInfo, id int) []string {
	var names []string
	for _, c := range in.Core {
		if c.Core == id && c.Type != proto.CoreUnuse {
			names = append(names, c.Name)
		}
	}
	return names
}

// StatusRaw is the reply to status as it came: for checks of the wire
// form (protocol.md 9.5).
func (d *Daemon) StatusRaw() string {
	d.n.T.Helper()
	return d.Do(string(proto.Status().Raw)).Raw
}

// Text sends one text command as the 2017 controller did: the line with
// no terminator (the daemon takes a 20 ms pause as its end), and returns
// the raw reply. Not at the same time as Send.
func (d *Daemon) Text(line string) string {
	d.n.T.Helper()
	if err := d.Peer.Write([]byte(line)); err != nil {
		d.n.T.Fatalf("%s: %s: %v", d.Name, line, err)
	}
	b, err := d.Peer.Recv()
	if err != nil {
		d.n.T.Fatalf("%s: %s: no reply: %v\n%s", d.Name, line, err, d.Proc.Log())
	}
	return string(b)
}

// RawReply writes b as it is and returns the reply and how long it took
// to come.
func (d *Daemon) RawReply(b []byte) (string, time.Duration) {
	d.n.T.Helper()
	t0 := time.Now()
	if err := d.Peer.Write(b); err != nil {
		d.n.T.Fatalf("%s: write: %v", d.Name, err)
	}
	r, err := d.Peer.Recv()
	if err != nil {
		d.n.T.Fatalf("%s: %q: no reply: %v\n%s", d.Name, b, err, d.Proc.Log())
	}
	return string(r), time.Since(t0)
}
