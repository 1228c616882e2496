package keys

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Config is the host's configuration document, configuration/<host>, as
// devstack's spp-config-build.py writes it (reference section 2.3): one
// entry per NIC in DPDK port order. NIC i is phy:i, served by the spp_vf
// with client id i+1; vhost ids are host-global and contiguous across NICs
// in list order.
type Config struct {
	VF []VF `json:"vf"`
	// Mirror is networking-spp's TaaS section, kept as it is: the agent
	// has no mirrors.
	Mirror json.RawMessage `json:"mirror,omitempty"`
}

// VF is one NIC and the spp_vf that serves it.
type VF struct {
	PCIAddress      string `json:"pci_address"`
	PhysicalNetwork string `json:"physical_network"`
	NumVhost        int    `json:"num_vhost"`
	CoreMask        string `json:"core_mask"` // hex; the lowest lcore is the spp_vf's main
	// Components is the static layout (policy static). Absent: the agent
	// builds networking-spp's default layout itself.
	Components []Component `json:"components,omitempty"`
}

// Component is one component of the static layout, in networking-spp's
// words: ports "phy:0", "ring:0", "vhost:0"; type forward, merge or
// classifier_mac.
type Component struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Core   int      `json:"core"`
	RxPort []string `json:"rx_port"`
	TxPort []string `json:"tx_port"`
}

// ParseConfig reads a configuration document. The list-only shape that
// networking-spp wrote before it had components ([{...},{...}]) is read as
// well.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &c.VF); err != nil {
			return nil, fmt.Errorf("configuration: %v", err)
		}
	} else if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("configuration: %v", err)
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Encode writes the document as JSON.
func (c *Config) Encode() []byte {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprint("configuration: ", err)) // plain data always encodes
	}
	return b
}

// Check finds what would make the document unusable: a NIC without a
// physical network, a negative vhost count, a core mask with no worker.
func (c *Config) Check() error {
	for i, v := range c.VF {
		if v.PhysicalNetwork == "" || strings.Contains(v.PhysicalNetwork, "/") {
			return fmt.Errorf("configuration: vf[%d]: physical_network %q", i, v.PhysicalNetwork)
		}
		if v.NumVhost < 0 {
			return fmt.Errorf("configuration: vf[%d]: num_vhost %d", i, v.NumVhost)
		}
		if _, _, err := v.Lcores(); err != nil {
			return fmt.Errorf("configuration: vf[%d]: %v", i, err)
		}
	}
	return nil
}

// Lcores reads the core mask: the lowest lcore is the spp_vf's main, the
// others its workers, ascending. Every bit counts (networking-spp looked at
// bits 0-31 only).
func (v VF) Lcores() (main int, workers []int, err error) {
	s := strings.TrimPrefix(strings.TrimPrefix(v.CoreMask, "0x"), "0X")
	mask, perr := strconv.ParseUint(s, 16, 64)
	if perr != nil || s == "" {
		return 0, nil, fmt.Errorf("core_mask %q: a hex mask such as 0xfe", v.CoreMask)
	}
	if bits.OnesCount64(mask) < 2 {
		return 0, nil, fmt.Errorf("core_mask %q: a main lcore and at least one worker", v.CoreMask)
	}
	main = bits.TrailingZeros64(mask)
	for l := main + 1; l < 64; l++ {
		if mask&(1<<l) != 0 {
			workers = append(workers, l)
		}
	}
	return main, workers, nil
}

// FirstVhost is the first vhost id of NIC i.
func (c *Config) FirstVhost(i int) int {
	n := 0
	for _, v := range c.VF[:i] {
		n += v.NumVhost
	}
	return n
}

// NICOf is the NIC that serves vhost id: the one whose range holds it.
func (c *Config) NICOf(vhost int) (int, bool) {
	first := 0
	for i, v := range c.VF {
		if vhost >= first && vhost < first+v.NumVhost {
			return i, true
		}
		first += v.NumVhost
	}
	return 0, false
}

// ClientID is the client id of the spp_vf of NIC i.
func ClientID(nic int) int { return nic + 1 }

// Equal says whether two documents say the same thing (whatever their
// spacing and key order).
func (c *Config) Equal(o *Config) bool {
	return bytes.Equal(c.Encode(), o.Encode())
}
