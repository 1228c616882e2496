package node

import (
	"fmt"
	"net"
	"regexp"
	"strconv"

	"github.com/spp-go/spp/common/proto"
)

// The checks of a node file: what the processes would otherwise fail on
// later, or worse, not fail on (two processes of one prefix sharing an
// lcore id). Each error names the key.

func missing(key string) error { return fmt.Errorf("missing required key %s", key) }

func bad(key, format string, a ...any) error {
	return fmt.Errorf("bad value of %s: %s", key, fmt.Sprintf(format, a...))
}

var (
	nameRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	prefixRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// checker holds what the checks of the sections share.
type checker struct {
	c          *Config
	lcoreOwner map[int]string    // lcore id → the key that uses it (ids are per prefix)
	names      map[string]string // log/<name>.log → who uses the name
	clientIDs  map[int]bool      // of the secondaries
}

// check runs the checks section by section, in file order; the first error
// is returned.
func (c *Config) check() error {
	k := &checker{
		c:          c,
		lcoreOwner: map[int]string{},
		// log/<name>.log: these four are taken by spp up itself.
		names:     map[string]string{"primary": "primary", "spp": "the shell", "serve": "spp serve", "node": "spp up"},
		clientIDs: map[int]bool{},
	}
	for _, section := range []func() error{k.controller, k.eal, k.primary, k.secondaries, k.vms, k.traffic, k.demo, k.agent} {
		if err := section(); err != nil {
			return err
		}
	}
	return nil
}

// claim takes the lcore ids of list for key: lcore ids are unique across
// the primary and the secondaries.
func (k *checker) claim(key, list string) error {
	ids, err := ParseLcores(list)
	if err != nil {
		return bad(key, "%v", err)
	}
	for _, id := range ids {
		if other, ok := k.lcoreOwner[id]; ok {
			return bad(key, "lcore %d is already used by %s (lcore ids must be unique across the processes of one file prefix)", id, other)
		}
		k.lcoreOwner[id] = key
	}
	return nil
}

// useName takes name (its log file) for key.
func (k *checker) useName(key, name string) error {
	if !nameRe.MatchString(name) {
		return bad(key, "%q: letters, digits, _ and - only", name)
	}
	if other, ok := k.names[name]; ok {
		return bad(key, "name %q is already used by %s (it names log/%s.log)", name, other, name)
	}
	k.names[name] = key
	return nil
}

func (k *checker) controller() error {
	ct := k.c.Controller
	if ct.PrimaryPort < 1 || ct.PrimaryPort > 65535 {
		return bad("controller.primary_port", "%d is not a TCP port", ct.PrimaryPort)
	}
	if ct.SecondaryPort < 1 || ct.SecondaryPort > 65535 {
		return bad("controller.secondary_port", "%d is not a TCP port", ct.SecondaryPort)
	}
	if ct.PrimaryPort == ct.SecondaryPort {
		return bad("controller.secondary_port", "same as controller.primary_port")
	}
	if net.ParseIP(ct.Bind) == nil {
		return bad("controller.bind", "%q is not an IP address", ct.Bind)
	}
	host, port, err := net.SplitHostPort(ct.API)
	if err != nil {
		return bad("controller.api", "%q is not HOST:PORT (%v)", ct.API, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return bad("controller.api", "%q: %s is not a TCP port", ct.API, port)
	}
	if n, _ := strconv.Atoi(port); ct.Bind == host && (n == ct.PrimaryPort || n == ct.SecondaryPort) {
		return bad("controller.api", "%q: the port is one of the daemons'", ct.API)
	}
	if ip := net.ParseIP(host); host != "" && host != "localhost" && ip == nil {
		return bad("controller.api", "%q: the host is an IP address (or localhost)", ct.API)
	} else if (ip == nil || !ip.IsLoopback()) && host != "localhost" && ct.APITokenFile == "" {
		return bad("controller.api", "%q is reachable from other hosts: set controller.api_token_file too", ct.API)
	}
	return nil
}

func (k *checker) eal() error {
	e := k.c.EAL
	if e.FilePrefix == "" {
		return missing("eal.file_prefix")
	}
	if !prefixRe.MatchString(e.FilePrefix) {
		return bad("eal.file_prefix", "%q: letters, digits, _ and - only", e.FilePrefix)
	}
	if e.MemoryMB < 0 {
		return bad("eal.memory_mb", "%d is negative", e.MemoryMB)
	}
	return nil
}

func (k *checker) primary() error {
	p := k.c.Primary
	if p.Lcores == "" {
		return missing("primary.lcores")
	}
	if err := k.claim("primary.lcores", p.Lcores); err != nil {
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
	return nil
}

func (k *checker) secondaries() error {
	for i, s := range k.c.Secondary {
		key := fmt.Sprintf("secondary[%d]", i)
		if s.Type == "" {
			return missing(key + ".type")
		}
		if s.Type != proto.TypeVF && s.Type != proto.TypeMirror {
			return bad(key+".type", "%q is not vf or mirror", s.Type)
		}
		if s.ClientID == nil {
			return missing(key + ".client_id")
		}
		if !proto.ValidClientID(*s.ClientID) {
			return bad(key+".client_id", "%d is not in 0..%d", *s.ClientID, proto.MaxClientID)
		}
		if k.clientIDs[*s.ClientID] {
			return bad(key+".client_id", "client id %d is used twice", *s.ClientID)
		}
		k.clientIDs[*s.ClientID] = true
		if s.Lcores == "" {
			return missing(key + ".lcores")
		}
		if err := k.claim(key+".lcores", s.Lcores); err != nil {
			return err
		}
		if err := k.useName(key+".name", s.Name); err != nil {
			return err
		}
		if s.Copy != "" && (s.Type != proto.TypeMirror || (s.Copy != "shallow" && s.Copy != "deep")) {
			return bad(key+".copy", "%q: only a mirror takes copy, shallow or deep", s.Copy)
		}
	}
	return nil
}

func (k *checker) vms() error {
	vhosts := map[int]string{}
	prefixes := map[string]string{k.c.EAL.FilePrefix: "eal.file_prefix"}
	for i, v := range k.c.VM {
		key := fmt.Sprintf("vm[%d]", i)
		if v.Name == "" {
			return missing(key + ".name")
		}
		if err := k.useName(key+".name", v.Name); err != nil {
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
	for i, v := range k.c.VM {
		m, _ := parseUnicastMAC(v.MAC)
		if other, ok := macOwner[m.String()]; ok {
			return bad(fmt.Sprintf("vm[%d].mac", i), "%s is already the MAC of %s", v.MAC, other)
		}
		macOwner[m.String()] = v.Name
	}
	return nil
}

func (k *checker) traffic() error {
	t := k.c.Traffic
	if t == nil {
		return nil
	}
	if t.ClientID == nil {
		return missing("traffic.client_id")
	}
	if !k.clientIDs[*t.ClientID] {
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
		if _, err := k.c.resolveMAC(f.Dst); err != nil {
			return bad(key+".dst", "%v", err)
		}
		if _, err := k.c.resolveMAC(f.Src); err != nil {
			return bad(key+".src", "%v", err)
		}
		if f.Count < 1 || f.Count > 10000 {
			return bad(key+".count", "%d is not in 1..10000", f.Count)
		}
	}
	return nil
}

func (k *checker) demo() error {
	d := k.c.Demo
	if d == nil {
		return nil
	}
	if k.c.Traffic == nil {
		return missing("traffic (the demo needs a traffic source)")
	}
	if d.Seconds < 1 || d.Seconds > 600 {
		return bad("demo.seconds", "%d is not in 1..600", d.Seconds)
	}
	return nil
}
