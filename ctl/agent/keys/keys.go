// Package keys is networking-spp's etcd schema, exactly (agent.md,
// reference/networking-spp.md section 2): the key paths under
// /spp/openstack/, their literal values, and the two JSON documents (the
// host's configuration, a port's bind_port). Every key the agent, `spp port`
// and `spp agent init` read or write is spelled here, so that networking-spp's
// ML2 driver and devstack meet us unchanged. Pure Go, no etcd client.
package keys

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Root is the prefix of every key.
const Root = "/spp/openstack/"

// Values as networking-spp writes them: plain strings.
const (
	None   = "None"   // a free vhost slot (the 4 characters, not a missing key)
	Plug   = "plug"   // action: wire the port
	Unplug = "unplug" // action: unwire it and free its slot
	Up     = "up"     // port_status: the port is wired
)

// Configuration is the host's configuration document.
func Configuration(host string) string { return Root + "configuration/" + host }

// VhostPrefix holds every vhost slot of host: vhost/<host>/<phys>/<id>.
func VhostPrefix(host string) string { return Root + "vhost/" + host + "/" }

// VhostPhysPrefix holds host's slots of one physical network.
func VhostPhysPrefix(host, phys string) string { return VhostPrefix(host) + phys + "/" }

// Vhost is one slot: None, or the id of the port that holds it.
func Vhost(host, phys string, id int) string { return VhostPhysPrefix(host, phys) + strconv.Itoa(id) }

// BindPortPrefix holds host's bind_port documents.
func BindPortPrefix(host string) string { return Root + "bind_port/" + host + "/" }

// BindPort is a port's bind_port document (BindPortDoc).
func BindPort(host, port string) string { return BindPortPrefix(host) + port }

// ActionPrefix holds host's actions: the agent watches it.
func ActionPrefix(host string) string { return Root + "action/" + host + "/" }

// Action is a port's action: Plug or Unplug.
func Action(host, port string) string { return ActionPrefix(host) + port }

// PortStatusPrefix holds host's port statuses.
func PortStatusPrefix(host string) string { return Root + "port_status/" + host + "/" }

// PortStatus is a port's status: Up once the agent wired it.
func PortStatus(host, port string) string { return PortStatusPrefix(host) + port }

// Suffix is what follows prefix in key (a port id, a slot id), or "" when
// key is not under prefix or names something deeper.
func Suffix(key, prefix string) string {
	s, ok := strings.CutPrefix(key, prefix)
	if !ok || strings.Contains(s, "/") {
		return ""
	}
	return s
}

// SlotKey splits a slot key under VhostPrefix(host) into its physical
// network and id.
func SlotKey(key, host string) (phys string, id int, ok bool) {
	rest, found := strings.CutPrefix(key, VhostPrefix(host))
	if !found {
		return "", 0, false
	}
	phys, n, found := strings.Cut(rest, "/")
	if !found || phys == "" {
		return "", 0, false
	}
	id, err := strconv.Atoi(n)
	if err != nil || id < 0 || strconv.Itoa(id) != n {
		return "", 0, false
	}
	return phys, id, true
}

// BindPortDoc is bind_port/<host>/<port>: {"mac_address": "fa:16:3e:..",
// "vhost_id": 0[, "vlan_id": 100]}. VLAN 0 is a flat network (no vlan_id).
type BindPortDoc struct {
	MAC   string // lower case, colons (Neutron's form)
	Vhost int
	VLAN  int
}

// Encode writes the document as the mechanism driver does (Python's
// json.dumps: ", " and ": " separators, keys in this order).
func (b BindPortDoc) Encode() string {
	mac, _ := json.Marshal(b.MAC) // a string always encodes
	s := fmt.Sprintf(`{"mac_address": %s, "vhost_id": %d`, mac, b.Vhost)
	if b.VLAN != 0 {
		s += fmt.Sprintf(`, "vlan_id": %d`, b.VLAN)
	}
	return s + "}"
}

// ParseBindPort reads a bind_port document, whatever its spacing; the MAC
// comes back in Neutron's form.
func ParseBindPort(v string) (BindPortDoc, error) {
	var raw struct {
		MAC   *string `json:"mac_address"`
		Vhost *int    `json:"vhost_id"`
		VLAN  *int    `json:"vlan_id"`
	}
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return BindPortDoc{}, fmt.Errorf("bind_port %.80q: %v", v, err)
	}
	if raw.MAC == nil || raw.Vhost == nil {
		return BindPortDoc{}, fmt.Errorf("bind_port %.80q: want mac_address and vhost_id", v)
	}
	mac, err := MAC(*raw.MAC)
	if err != nil {
		return BindPortDoc{}, fmt.Errorf("bind_port: %v", err)
	}
	if *raw.Vhost < 0 {
		return BindPortDoc{}, fmt.Errorf("bind_port: vhost_id %d", *raw.Vhost)
	}
	b := BindPortDoc{MAC: mac, Vhost: *raw.Vhost}
	if raw.VLAN != nil {
		if err := CheckVLAN(*raw.VLAN); err != nil {
			return BindPortDoc{}, fmt.Errorf("bind_port: %v", err)
		}
		b.VLAN = *raw.VLAN
	}
	return b, nil
}

// MAC reads an Ethernet MAC address and writes it as Neutron does: lower
// case, colons.
func MAC(s string) (string, error) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return "", fmt.Errorf("bad MAC address %q", s)
	}
	return hw.String(), nil
}

// CheckVLAN says whether id is a VLAN id a tag can carry (1..4094).
func CheckVLAN(id int) error {
	if id < 1 || id > 4094 {
		return fmt.Errorf("vlan_id %d: 1..4094", id)
	}
	return nil
}
