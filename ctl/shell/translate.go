package shell

// Typed process commands → the JSON commands of a batch, exactly as the
// table of controller.md says, built by common/proto's typed commands. The
// shell checks only the shape of what is typed (how many words, and the
// keywords that decide it: name, mac, vlan, add_vlantag, del_vlantag);
// values (core ids, types, names, port names, directions, MACs, VLAN ids)
// are the daemon's to judge, so that there is one authority and one error
// message.

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
)

// component CORE TYPE [RX[,RX..]] [TX[,TX..]] [name NAME] and
// component CORE none [name NAME].
func buildComponent(a []string) (proto.Command, error) {
	if len(a) < 2 {
		return proto.Command{}, fmt.Errorf("needs CORE and TYPE")
	}
	a, name, err := nameOf(a)
	if err != nil {
		return proto.Command{}, err
	}
	if a[1] == component.None {
		if len(a) > 2 {
			return proto.Command{}, fmt.Errorf("component CORE none takes no ports")
		}
		return proto.Component(proto.ComponentArgs{CoreID: a[0], Type: component.None, Name: name}), nil
	}
	if len(a) > 4 {
		return proto.Command{}, fmt.Errorf("too many words: ports of one side are separated by commas, not spaces")
	}
	rx, tx := []string{}, []string{}
	if len(a) > 2 {
		if rx, err = portList(a[2]); err != nil {
			return proto.Command{}, err
		}
	}
	if len(a) > 3 {
		if tx, err = portList(a[3]); err != nil {
			return proto.Command{}, err
		}
	}
	return proto.Component(proto.ComponentArgs{CoreID: a[0], Type: a[1], Name: name, Rx: rx, Tx: tx}), nil
}

// nameOf takes "name NAME" off the end of a component's words (after CORE
// and TYPE; no port is called name). It must come last.
func nameOf(a []string) ([]string, string, error) {
	for i := 2; i < len(a); i++ {
		if a[i] != "name" {
			continue
		}
		if i == len(a)-1 {
			return nil, "", fmt.Errorf("name needs a NAME")
		}
		if i != len(a)-2 {
			return nil, "", fmt.Errorf("name NAME comes last, once")
		}
		return a[:i], a[i+1], nil
	}
	return a, "", nil
}

// portList splits "ring0,ring2".
func portList(s string) ([]string, error) {
	ps := strings.Split(s, ",")
	for _, p := range ps {
		if p == "" {
			return nil, fmt.Errorf("empty port name in %q", s)
		}
	}
	return ps, nil
}

// port add|del PORT rx|tx NAME [add_vlantag ID PCP | del_vlantag]
// (protocol.md 9.3). The action, port, direction, name, id and pcp are the
// daemon's to judge.
func buildPort(a []string) (proto.Command, error) {
	pa := proto.PortArgs{}
	switch {
	case len(a) == 4:
	case len(a) == 5 && a[4] == "del_vlantag":
		pa.VLAN.Op = proto.VLANDel
	case len(a) == 7 && a[4] == "add_vlantag":
		pa.VLAN = proto.VLANArgs{Op: proto.VLANAdd, ID: a[5], PCP: a[6]}
	case len(a) < 4:
		return proto.Command{}, fmt.Errorf("needs add or del, PORT, rx or tx, and the component's NAME")
	case a[4] == "add_vlantag":
		return proto.Command{}, fmt.Errorf("add_vlantag needs ID and PCP, and nothing after")
	case a[4] == "del_vlantag":
		return proto.Command{}, fmt.Errorf("del_vlantag takes nothing after it")
	default:
		return proto.Command{}, fmt.Errorf("after NAME: add_vlantag ID PCP or del_vlantag, not %q", a[4])
	}
	pa.Action, pa.Port, pa.Dir, pa.Name = a[0], a[1], a[2], a[3]
	return proto.Port(pa), nil
}

// classifier_table mac MAC|default PORT|unuse and
// classifier_table vlan VID MAC PORT|unuse.
func buildClassifierTable(a []string) (proto.Command, error) {
	if len(a) == 0 {
		return proto.Command{}, fmt.Errorf("needs mac or vlan")
	}
	switch a[0] {
	case proto.EntryMAC:
		if len(a) != 3 {
			return proto.Command{}, fmt.Errorf("needs mac, then MAC or default, then PORT or unuse")
		}
		return proto.ClassifierTable(proto.ClassifierArgs{Type: a[0], Value: a[1], Port: a[2]}), nil
	case proto.EntryVLAN:
		if len(a) != 4 {
			return proto.Command{}, fmt.Errorf("needs vlan, then VID, MAC, and PORT or unuse")
		}
		return proto.ClassifierTable(proto.ClassifierArgs{Type: a[0], VLAN: a[1], Value: a[2], Port: a[3]}), nil
	}
	return proto.Command{}, fmt.Errorf("unknown table type %q (mac or vlan)", a[0])
}

// buildBare makes the builder of a command without fields: flush, cancel,
// status, process, exit, clear.
func buildBare(cmd func() proto.Command) func([]string) (proto.Command, error) {
	return func(a []string) (proto.Command, error) {
		if len(a) > 0 {
			return proto.Command{}, fmt.Errorf("takes no arguments")
		}
		return cmd(), nil
	}
}

// checkRawBatch accepts a typed {"commands":[...]} batch. It is sent as it
// is, but checked here first: a daemon answers a malformed request with
// bad message format and drops the connection. It returns the number of
// commands and whether one of them is a flush.
func checkRawBatch(s string) (n int, flush bool, err error) {
	dec := json.NewDecoder(strings.NewReader(s))
	var v any
	if err := dec.Decode(&v); err != nil {
		return 0, false, fmt.Errorf("not a JSON batch: %v", err)
	}
	if strings.TrimSpace(s[dec.InputOffset():]) != "" {
		return 0, false, fmt.Errorf("not a JSON batch: text after the object")
	}
	// The protocol's own parser decides the rest, so that the shell sends
	// only what a daemon reads as a batch (the exact key "commands", each
	// command an object).
	req, err := proto.ParseBatch([]byte(s))
	if err != nil {
		if o, ok := v.(map[string]any); ok && o["commands"] == nil {
			return 0, false, fmt.Errorf(`not a JSON batch: no "commands" list`)
		}
		return 0, false, fmt.Errorf("not a JSON batch: %v", err)
	}
	for _, c := range req.Commands {
		if c.Name == proto.CmdFlush {
			flush = true
		}
	}
	return len(req.Commands), flush, nil
}
