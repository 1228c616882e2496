package node

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Config is one SPP node, as a TOML file describes it (etc/default.toml is
// the commented example). Relative paths are relative to the directory
// `spp up` runs in.
type Config struct {
	Node       Node        `toml:"node"`
	Controller Controller  `toml:"controller"`
	EAL        EAL         `toml:"eal"`
	Primary    Primary     `toml:"primary"`
	Secondary  []Secondary `toml:"secondary"`
	VM         []VM        `toml:"vm"`
	Traffic    *Traffic    `toml:"traffic"`
	Demo       *Demo       `toml:"demo"`
	Agent      *Agent      `toml:"agent"`

	path string // the file it was read from, for messages
}

// Node holds where things are.
type Node struct {
	LogDir      string `toml:"log_dir"`      // default "log": <name>.log and the state file
	BinDir      string `toml:"bin_dir"`      // default: the directory of the running spp
	CommandFile string `toml:"command_file"` // applied with `spp -f` once the group is up
	Testpmd     string `toml:"testpmd"`      // default "dpdk-testpmd" (the VMs)
}

// Controller is where spp serve listens: the daemons connect to its bind
// address and ports, the shell (and REST clients) to its API.
type Controller struct {
	Bind          string `toml:"bind"`           // default 127.0.0.1
	PrimaryPort   int    `toml:"primary_port"`   // default 5555
	SecondaryPort int    `toml:"secondary_port"` // default 6666
	API           string `toml:"api"`            // spp serve --api, default 127.0.0.1:7777
	APITokenFile  string `toml:"api_token_file"` // spp serve --api-token-file: required when api is not loopback
}

// EAL holds the EAL options shared by the primary and its secondaries.
type EAL struct {
	FilePrefix string   `toml:"file_prefix"` // required
	MemoryMB   int      `toml:"memory_mb"`   // primary's -m; secondaries map its memory
	HugeDir    string   `toml:"huge_dir"`    // default /dev/hugepages
	Args       []string `toml:"args"`        // more EAL args for every process of the group
}

// Primary is spp_primary.
type Primary struct {
	Lcores   string   `toml:"lcores"`    // required, --lcores
	PortMask string   `toml:"port_mask"` // required, -p (hex)
	Rings    int      `toml:"rings"`     // required, -n
	Vdevs    []string `toml:"vdevs"`     // each one --vdev
	Args     []string `toml:"args"`      // more EAL args
}

// Secondary is one spp_vf or spp_mirror.
type Secondary struct {
	Name        string   `toml:"name"`      // default TYPE + client id ("vf1"): log/<name>.log
	Type        string   `toml:"type"`      // required: vf | mirror
	ClientID    *int     `toml:"client_id"` // required, --client-id
	Lcores      string   `toml:"lcores"`    // required, --lcores
	VhostClient bool     `toml:"vhost_client"`
	PcapDir     string   `toml:"pcap_dir"` // default: the log directory
	Copy        string   `toml:"copy"`     // spp_mirror: shallow | deep
	Args        []string `toml:"args"`     // more EAL args
}

// VM is a test "VM": dpdk-testpmd on a virtio_user port whose other end is
// vhostN of a secondary.
type VM struct {
	Name       string   `toml:"name"`        // required: log/<name>.log
	Vhost      *int     `toml:"vhost"`       // required: the port vhostN, socket /tmp/sockN
	MAC        string   `toml:"mac"`         // required: the VM's MAC
	Mode       string   `toml:"mode"`        // testpmd --forward-mode, default macswap
	Server     bool     `toml:"server"`      // virtio_user server=1 (pairs with vhost_client)
	Lcores     string   `toml:"lcores"`      // testpmd --lcores, default "0,1" (it needs two)
	MemoryMB   int      `toml:"memory_mb"`   // default 64
	Mbufs      int      `toml:"mbufs"`       // --total-num-mbufs, default 2048
	FilePrefix string   `toml:"file_prefix"` // default <eal.file_prefix>_<name>
	Args       []string `toml:"args"`        // more EAL args
}

// Traffic is the demo's traffic source: frames written to a capture file that
// a secondary's pcapN port reads once, when the start commands add it.
type Traffic struct {
	ClientID *int     `toml:"client_id"` // required: the secondary whose pcap_dir gets the file
	Pcap     int      `toml:"pcap"`      // pcapN: the file is <pcap_dir>/spp-rxN.pcap
	Start    []string `toml:"start"`     // required: shell commands that start the traffic
	Stop     []string `toml:"stop"`      // shell commands that stop it (before the verdict)
	Frames   []Frame  `toml:"frames"`    // required
}

// Frame is Count identical frames of the capture.
type Frame struct {
	Dst   string `toml:"dst"`   // required: a VM name or a MAC
	Src   string `toml:"src"`   // required: a VM name or a MAC
	Count int    `toml:"count"` // default 1
}

// Demo is what `spp up --demo` does once the node is up.
type Demo struct {
	Seconds int      `toml:"seconds"` // traffic time between the two status prints, default 3
	Status  []string `toml:"status"`  // shell commands printed twice, default pri;status and every sec N;status
}

// LoadConfig reads and checks a node file. Every error names the file and
// the key.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.path = path
	return c, nil
}

// ParseConfig decodes and checks a node file's text and fills in defaults.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		names := make([]string, len(und))
		for i, k := range und {
			names[i] = k.String()
		}
		return nil, fmt.Errorf("unknown key %s", strings.Join(names, ", "))
	}
	c.defaults()
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) defaults() {
	setStr(&c.Node.LogDir, "log")
	setStr(&c.Node.Testpmd, "dpdk-testpmd")
	setStr(&c.Controller.Bind, "127.0.0.1")
	setInt(&c.Controller.PrimaryPort, 5555)
	setInt(&c.Controller.SecondaryPort, 6666)
	setStr(&c.Controller.API, "127.0.0.1:7777")
	setStr(&c.EAL.HugeDir, "/dev/hugepages")
	for i := range c.Secondary {
		s := &c.Secondary[i]
		if s.Name == "" && s.ClientID != nil {
			s.Name = s.Type + strconv.Itoa(*s.ClientID)
		}
		setStr(&s.PcapDir, c.Node.LogDir)
	}
	for i := range c.VM {
		v := &c.VM[i]
		setStr(&v.Mode, "macswap")
		setStr(&v.Lcores, "0,1")
		setInt(&v.MemoryMB, 64)
		setInt(&v.Mbufs, 2048)
		if v.FilePrefix == "" && v.Name != "" {
			v.FilePrefix = c.EAL.FilePrefix + "_" + v.Name
		}
	}
	if t := c.Traffic; t != nil {
		for i := range t.Frames {
			setInt(&t.Frames[i].Count, 1)
		}
	}
	if d := c.Demo; d != nil {
		setInt(&d.Seconds, 3)
	}
}

func setStr(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

// ConfigFiles lists the node files of a directory: *.toml except spp_vf's
// own configuration files (spp_vf*.toml, spp_mirror*.toml), which
// `spp_vf --config` reads and this package does not.
func ConfigFiles(dir string) ([]string, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range all {
		if IsNodeFile(f) {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

// IsNodeFile tells a node file from a daemon's --config file by its name.
func IsNodeFile(path string) bool {
	b := filepath.Base(path)
	return strings.HasSuffix(b, ".toml") && !strings.HasPrefix(b, "spp_")
}
