package shell

// Typed process commands → the JSON commands of a batch, exactly as the
// table of controller.md says, built by common/proto's typed commands. The shell checks only the shape of what is
// typed (how many words); values (core ids, types, port names, MACs) are the
// daemon's to judge, so that there is one authority and one error message.

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
)

// component CORE TYPE [RX[,RX..]] [TX[,TX..]] and component CORE none.
func buildComponent(a []string) (proto.Command, error) {
	if len(a) < 2 {
		return proto.Command{}, fmt.Errorf("needs CORE and TYPE")
	}
	if a[1] == component.None {
		if len(a) > 2 {
			return proto.Command{}, fmt.Errorf("component CORE none takes no ports")
		}
		return proto.Component(proto.ComponentArgs{CoreID: a[0], Type: component.None}), nil
	}
	if len(a) > 4 {
		return proto.Command{}, fmt.Errorf("too many words: ports of one side are separated by commas, not spaces")
	}
	rx, tx := []string{}, []string{}
	var err error
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
	return proto.Component(proto.ComponentArgs{CoreID: a[0], Type: a[1], Rx: rx, Tx: tx}), nil
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

// classifier_table mac MAC|default PORT|unuse
func buildClassifierTable(a []string) (proto.Command, error) {
	if len(a) != 3 {
		return proto.Command{}, fmt.Errorf("needs mac, then MAC or default, then PORT or unuse")
	}
	if a[0] != "mac" {
		return proto.Command{}, fmt.Errorf("unknown table type %q (only mac)", a[0])
	}
	return proto.ClassifierTable(proto.ClassifierArgs{Type: a[0], Value: a[1], Port: a[2]}), nil
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
	var b struct {
		Commands []json.RawMessage `json:"commands"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&b); err != nil {
		return 0, false, fmt.Errorf("not a JSON batch: %v", err)
	}
	if dec.More() {
		return 0, false, fmt.Errorf("not a JSON batch: text after the object")
	}
	if b.Commands == nil {
		return 0, false, fmt.Errorf(`not a JSON batch: no "commands" list`)
	}
	for _, c := range b.Commands {
		var cmd struct {
			Command string `json:"command"`
		}
		if json.Unmarshal(c, &cmd) == nil && cmd.Command == proto.CmdFlush {
			flush = true
		}
	}
	return len(b.Commands), flush, nil
}
