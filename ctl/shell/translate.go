package shell

// Typed process commands → the JSON commands of a batch, exactly as the
// table of controller.md says. The shell checks only the shape of what is
// typed (how many words); values (core ids, types, port names, MACs) are the
// daemon's to judge, so that there is one authority and one error message.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// component CORE TYPE [RX[,RX..]] [TX[,TX..]] and component CORE none.
func buildComponent(a []string) ([]byte, error) {
	if len(a) < 2 {
		return nil, fmt.Errorf("needs CORE and TYPE")
	}
	if a[1] == "none" {
		if len(a) > 2 {
			return nil, fmt.Errorf("component CORE none takes no ports")
		}
		return marshal(struct {
			Command string `json:"command"`
			CoreID  string `json:"core_id"`
			Type    string `json:"type"`
		}{"component", a[0], "none"})
	}
	if len(a) > 4 {
		return nil, fmt.Errorf("too many words: ports of one side are separated by commas, not spaces")
	}
	rx, tx := []string{}, []string{}
	var err error
	if len(a) > 2 {
		if rx, err = portList(a[2]); err != nil {
			return nil, err
		}
	}
	if len(a) > 3 {
		if tx, err = portList(a[3]); err != nil {
			return nil, err
		}
	}
	return marshal(struct {
		Command string   `json:"command"`
		CoreID  string   `json:"core_id"`
		Type    string   `json:"type"`
		RxPorts []string `json:"rx_ports"`
		TxPorts []string `json:"tx_ports"`
	}{"component", a[0], a[1], rx, tx})
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
func buildClassifierTable(a []string) ([]byte, error) {
	if len(a) != 3 {
		return nil, fmt.Errorf("needs mac, then MAC or default, then PORT or unuse")
	}
	if a[0] != "mac" {
		return nil, fmt.Errorf("unknown table type %q (only mac)", a[0])
	}
	return marshal(struct {
		Command string `json:"command"`
		Type    string `json:"type"`
		Value   string `json:"value"`
		Port    string `json:"port"`
	}{"classifier_table", "mac", a[1], a[2]})
}

// buildBare makes the builder of a command without fields: flush, cancel,
// status, process, exit, clear.
func buildBare(name string) func([]string) ([]byte, error) {
	return func(a []string) ([]byte, error) {
		if len(a) > 0 {
			return nil, fmt.Errorf("takes no arguments")
		}
		return marshal(struct {
			Command string `json:"command"`
		}{name})
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
		if json.Unmarshal(c, &cmd) == nil && cmd.Command == "flush" {
			flush = true
		}
	}
	return len(b.Commands), flush, nil
}

// batchOf joins commands into one request: {"commands":[c1,c2]}.
func batchOf(cmds [][]byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"commands":[`)
	b.Write(bytes.Join(cmds, []byte(",")))
	b.WriteString(`]}`)
	return b.Bytes()
}

// marshal is json.Marshal without HTML escaping: what was typed is sent.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
