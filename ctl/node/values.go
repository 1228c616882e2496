package node

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Values of a node file: MACs, port masks, lcore lists.

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
