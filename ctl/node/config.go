package node

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
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

	path string // the file it was read from, for messages
}

// Node holds where things are.
type Node struct {
	LogDir      string `toml:"log_dir"`      // default "log": <name>.log and the state file
	BinDir      string `toml:"bin_dir"`      // default: the directory of the running spp
	CommandFile string `toml:"command_file"` // applied with `spp -f` once the group is up
	Testpmd     string `toml:"testpmd"`      // default "dpdk-testpmd" (the VMs)
}

// Controller is where the shell listens and the daemons connect.
type Controller struct {
	Bind          string `toml:"bind"`           // default 127.0.0.1
	PrimaryPort   int    `toml:"primary_port"`   // default 5555
	SecondaryPort int    `toml:"secondary_port"` // default 6666
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

func missing(key string) error { return fmt.Errorf("missing required key %s", key) }

func bad(key, format string, a ...any) error {
	return fmt.Errorf("bad value of %s: %s", key, fmt.Sprintf(format, a...))
}

var (
	nameRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	prefixRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// check enforces what the processes would otherwise fail on later, or worse,
// not fail on (two processes of one prefix sharing an lcore id).
func (c *Config) check() error {
	if c.Controller.PrimaryPort < 1 || c.Controller.PrimaryPort > 65535 {
		return bad("controller.primary_port", "%d is not a TCP port", c.Controller.PrimaryPort)
	}
	if c.Controller.SecondaryPort < 1 || c.Controller.SecondaryPort > 65535 {
		return bad("controller.secondary_port", "%d is not a TCP port", c.Controller.SecondaryPort)
	}
	if c.Controller.PrimaryPort == c.Controller.SecondaryPort {
		return bad("controller.secondary_port", "same as controller.primary_port")
	}
	if net.ParseIP(c.Controller.Bind) == nil {
		return bad("controller.bind", "%q is not an IP address", c.Controller.Bind)
	}

	if c.EAL.FilePrefix == "" {
		return missing("eal.file_prefix")
	}
	if !prefixRe.MatchString(c.EAL.FilePrefix) {
		return bad("eal.file_prefix", "%q: letters, digits, _ and - only", c.EAL.FilePrefix)
	}
	if c.EAL.MemoryMB < 0 {
		return bad("eal.memory_mb", "%d is negative", c.EAL.MemoryMB)
	}

	// Lcore ids are per prefix: unique across the primary and secondaries.
	lcoreOwner := map[int]string{}
	claim := func(key, list string) error {
		ids, err := ParseLcores(list)
		if err != nil {
			return bad(key, "%v", err)
		}
		for _, id := range ids {
			if other, ok := lcoreOwner[id]; ok {
				return bad(key, "lcore %d is already used by %s (lcore ids must be unique across the processes of one file prefix)", id, other)
			}
			lcoreOwner[id] = key
		}
		return nil
	}

	p := c.Primary
	if p.Lcores == "" {
		return missing("primary.lcores")
	}
	if err := claim("primary.lcores", p.Lcores); err != nil {
		return err
	}
	if p.PortMask == "" {
		return missing("primary.port_mask")
	}
	if _, err := parseMask(p.PortMask); err != nil {
		return bad("primary.port_mask", "%v", err)
	}
	if p.Rings == 0 {
		return missing("primary.rings")
	}
	if p.Rings < 0 || p.Rings > 1024 {
		return bad("primary.rings", "%d is not in 1..1024", p.Rings)
	}

	// log/<name>.log: these three are taken by spp up itself.
	names := map[string]string{"primary": "primary", "spp": "the shell", "node": "spp up"}
	useName := func(key, name string) error {
		if !nameRe.MatchString(name) {
			return bad(key, "%q: letters, digits, _ and - only", name)
		}
		if other, ok := names[name]; ok {
			return bad(key, "name %q is already used by %s (it names log/%s.log)", name, other, name)
		}
		names[name] = key
		return nil
	}

	ids := map[int]bool{}
	for i, s := range c.Secondary {
		key := fmt.Sprintf("secondary[%d]", i)
		if s.Type == "" {
			return missing(key + ".type")
		}
		if s.Type != "vf" && s.Type != "mirror" {
			return bad(key+".type", "%q is not vf or mirror", s.Type)
		}
		if s.ClientID == nil {
			return missing(key + ".client_id")
		}
		if *s.ClientID < 0 || *s.ClientID >= 128 {
			return bad(key+".client_id", "%d is not in 0..127", *s.ClientID)
		}
		if ids[*s.ClientID] {
			return bad(key+".client_id", "client id %d is used twice", *s.ClientID)
		}
		ids[*s.ClientID] = true
		if s.Lcores == "" {
			return missing(key + ".lcores")
		}
		if err := claim(key+".lcores", s.Lcores); err != nil {
			return err
		}
		if err := useName(key+".name", s.Name); err != nil {
			return err
		}
		if s.Copy != "" && (s.Type != "mirror" || (s.Copy != "shallow" && s.Copy != "deep")) {
			return bad(key+".copy", "%q: only a mirror takes copy, shallow or deep", s.Copy)
		}
	}

	vhosts := map[int]string{}
	prefixes := map[string]string{c.EAL.FilePrefix: "eal.file_prefix"}
	for i, v := range c.VM {
		key := fmt.Sprintf("vm[%d]", i)
		if v.Name == "" {
			return missing(key + ".name")
		}
		if err := useName(key+".name", v.Name); err != nil {
			return err
		}
		if v.Vhost == nil {
			return missing(key + ".vhost")
		}
		if *v.Vhost < 0 || *v.Vhost > 1023 {
			return bad(key+".vhost", "%d is not in 0..1023", *v.Vhost)
		}
		if other, ok := vhosts[*v.Vhost]; ok {
			return bad(key+".vhost", "vhost%d is already the port of %s", *v.Vhost, other)
		}
		vhosts[*v.Vhost] = v.Name
		if v.MAC == "" {
			return missing(key + ".mac")
		}
		if _, err := parseUnicastMAC(v.MAC); err != nil {
			return bad(key+".mac", "%v", err)
		}
		ids, err := ParseLcores(v.Lcores)
		if err != nil {
			return bad(key+".lcores", "%v", err)
		}
		if len(ids) < 2 {
			return bad(key+".lcores", "testpmd needs at least two lcores")
		}
		if !prefixRe.MatchString(v.FilePrefix) {
			return bad(key+".file_prefix", "%q: letters, digits, _ and - only", v.FilePrefix)
		}
		if other, ok := prefixes[v.FilePrefix]; ok {
			return bad(key+".file_prefix", "%q is already the prefix of %s: each VM needs its own", v.FilePrefix, other)
		}
		prefixes[v.FilePrefix] = key
		if v.MemoryMB < 0 || v.Mbufs < 0 {
			return bad(key, "memory_mb and mbufs must be positive")
		}
	}
	macOwner := map[string]string{}
	for i, v := range c.VM {
		m, _ := parseUnicastMAC(v.MAC)
		if other, ok := macOwner[m.String()]; ok {
			return bad(fmt.Sprintf("vm[%d].mac", i), "%s is already the MAC of %s", v.MAC, other)
		}
		macOwner[m.String()] = v.Name
	}

	if t := c.Traffic; t != nil {
		if t.ClientID == nil {
			return missing("traffic.client_id")
		}
		if !ids[*t.ClientID] {
			return bad("traffic.client_id", "no secondary has client id %d", *t.ClientID)
		}
		if t.Pcap < 0 || t.Pcap > 1023 {
			return bad("traffic.pcap", "%d is not in 0..1023", t.Pcap)
		}
		if len(t.Start) == 0 {
			return missing("traffic.start")
		}
		if len(t.Frames) == 0 {
			return missing("traffic.frames")
		}
		for i, f := range t.Frames {
			key := fmt.Sprintf("traffic.frames[%d]", i)
			if f.Dst == "" {
				return missing(key + ".dst")
			}
			if f.Src == "" {
				return missing(key + ".src")
			}
			if _, err := c.resolveMAC(f.Dst); err != nil {
				return bad(key+".dst", "%v", err)
			}
			if _, err := c.resolveMAC(f.Src); err != nil {
				return bad(key+".src", "%v", err)
			}
			if f.Count < 1 || f.Count > 10000 {
				return bad(key+".count", "%d is not in 1..10000", f.Count)
			}
		}
	}
	if d := c.Demo; d != nil {
		if c.Traffic == nil {
			return missing("traffic (the demo needs a traffic source)")
		}
		if d.Seconds < 1 || d.Seconds > 600 {
			return bad("demo.seconds", "%d is not in 1..600", d.Seconds)
		}
	}
	return nil
}

// resolveMAC reads a frame address: a VM's name or a MAC.
func (c *Config) resolveMAC(s string) (net.HardwareAddr, error) {
	for _, v := range c.VM {
		if v.Name == s {
			return parseUnicastMAC(v.MAC)
		}
	}
	m, err := net.ParseMAC(s)
	if err != nil || len(m) != 6 {
		return nil, fmt.Errorf("%q is neither a VM name nor a MAC", s)
	}
	return m, nil
}

func parseUnicastMAC(s string) (net.HardwareAddr, error) {
	m, err := net.ParseMAC(s)
	if err != nil || len(m) != 6 {
		return nil, fmt.Errorf("%q is not a MAC (aa:bb:cc:dd:ee:ff)", s)
	}
	if m[0]&1 != 0 {
		return nil, fmt.Errorf("%s is a group address; a VM needs a unicast MAC", s)
	}
	return m, nil
}

func parseMask(s string) (uint64, error) {
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	v, err := strconv.ParseUint(h, 16, 64)
	if err != nil || h == "" {
		return 0, fmt.Errorf("%q is not a hex mask (0x1)", s)
	}
	return v, nil
}

// ParseLcores reads an EAL lcore list: items "ID", "ID@CPU" or "A-B",
// separated by commas. It returns the lcore ids in order.
func ParseLcores(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty lcore list")
	}
	var ids []int
	seen := map[int]bool{}
	add := func(id int) error {
		if seen[id] {
			return fmt.Errorf("lcore %d twice in %q", id, s)
		}
		seen[id] = true
		ids = append(ids, id)
		return nil
	}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		id, cpu, hasCPU := strings.Cut(item, "@")
		if hasCPU {
			if _, err := strconv.ParseUint(cpu, 10, 16); err != nil {
				return nil, fmt.Errorf("bad cpu in %q", item)
			}
		}
		lo, hi, isRange := strings.Cut(id, "-")
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("bad lcore %q in %q", item, s)
		}
		b := a
		if isRange {
			if hasCPU {
				return nil, fmt.Errorf("a range with @ is not supported: %q", item)
			}
			if b, err = strconv.ParseUint(hi, 10, 16); err != nil || b < a {
				return nil, fmt.Errorf("bad lcore range %q", item)
			}
		}
		if b >= 1024 {
			return nil, fmt.Errorf("lcore %d is too large", b)
		}
		for i := a; i <= b; i++ {
			if err := add(int(i)); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
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
