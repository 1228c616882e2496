package secondary

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/spp-go/spp/common/proto"
)

// FileConfig is the --config file (TOML; see etc/spp_vf.toml):
//
//	num_vhost = 2          # vhostN ports must have N < num_vhost
//	num_ring = 4           # ringN ports must have N < num_ring
//
//	[[component]]          # optional: applied at start, as one batch with flush
//	core_id = 2
//	type = "classifier"
//	name = "cls"           # optional, as in the "component" command
//	rx_ports = ["nic0"]
//	tx_ports = ["ring0", "ring2"]
//
//	[[classifier_table]]   # spp_vf only
//	value = "52:54:00:12:34:56"   # or "default"
//	port = "ring0"
//
// Field names are those of the protocol's commands, so an entry means
// exactly what the command means. Unknown keys are errors.
type FileConfig struct {
	NumVhost        *int            `toml:"num_vhost"`
	NumRing         *int            `toml:"num_ring"`
	Component       []FileComponent `toml:"component"`
	ClassifierTable []FileMACEntry  `toml:"classifier_table"`
}

// FileComponent is one [[component]] of the config file.
type FileComponent struct {
	CoreID  int      `toml:"core_id"`
	Type    string   `toml:"type"`
	Name    string   `toml:"name"`
	RxPorts []string `toml:"rx_ports"`
	TxPorts []string `toml:"tx_ports"`
}

// command is the entry as a "component" command. A missing port list is
// left out and an empty one sent empty, as the file wrote them: since
// protocol.md 9.2 the first is "not enough parameter" (type none excepted)
// and the second a component that stays idle until it gets its ports.
func (c FileComponent) command() proto.Command {
	return proto.Component(proto.ComponentArgs{CoreID: strconv.Itoa(c.CoreID), Type: c.Type, Name: c.Name,
		Rx: c.RxPorts, Tx: c.TxPorts})
}

// FileMACEntry is one [[classifier_table]] entry of the config file.
type FileMACEntry struct {
	Value string `toml:"value"`
	Port  string `toml:"port"`
}

// command is the entry as a "classifier_table" command.
func (e FileMACEntry) command() proto.Command {
	return proto.ClassifierTable(proto.ClassifierArgs{Value: e.Value, Port: e.Port})
}

// loadConfig reads and checks the shape of a config file. The entries
// themselves are checked by the engine, as commands.
func loadConfig(path string) (*FileConfig, error) {
	var c FileConfig
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return nil, fmt.Errorf("config %s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("config %s: unknown key %s", path, strings.Join(keys, ", "))
	}
	for name, v := range map[string]*int{"num_vhost": c.NumVhost, "num_ring": c.NumRing} {
		if v != nil && (*v < 0 || *v > 1024) {
			return nil, fmt.Errorf("config %s: %s = %d: 0 to 1024", path, name, *v)
		}
	}
	return &c, nil
}

// batch is the config's initial components and classifier entries as one
// JSON batch ending with flush, and for each command what it came from (for
// error messages). It is nil when the file configures none.
func (c *FileConfig) batch() ([]byte, []string) {
	if len(c.Component) == 0 && len(c.ClassifierTable) == 0 {
		return nil, nil
	}
	var cmds []proto.Command
	var from []string
	for i, comp := range c.Component {
		cmds = append(cmds, comp.command())
		from = append(from, fmt.Sprintf("[[component]] #%d (core_id %d)", i+1, comp.CoreID))
	}
	for i, e := range c.ClassifierTable {
		cmds = append(cmds, e.command())
		from = append(from, fmt.Sprintf("[[classifier_table]] #%d (%s)", i+1, e.Value))
	}
	cmds = append(cmds, proto.Flush())
	from = append(from, "the flush of the initial configuration")
	return proto.EncodeBatch(cmds...), from
}
