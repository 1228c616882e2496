package keys

import (
	"strings"
	"testing"
)

// The keys are networking-spp's (common/etcd_key.py), character for
// character.
func TestKeys(t *testing.T) {
	for got, want := range map[string]string{
		Configuration("cmp1"):          "/spp/openstack/configuration/cmp1",
		Vhost("cmp1", "phys1", 3):      "/spp/openstack/vhost/cmp1/phys1/3",
		VhostPhysPrefix("cmp1", "p"):   "/spp/openstack/vhost/cmp1/p/",
		BindPort("cmp1", "uuid-1"):     "/spp/openstack/bind_port/cmp1/uuid-1",
		Action("cmp1", "uuid-1"):       "/spp/openstack/action/cmp1/uuid-1",
		ActionPrefix("cmp1"):           "/spp/openstack/action/cmp1/",
		PortStatus("cmp1", "uuid-1"):   "/spp/openstack/port_status/cmp1/uuid-1",
		PortStatusPrefix("cmp1"):       "/spp/openstack/port_status/cmp1/",
		BindPortPrefix("cmp1"):         "/spp/openstack/bind_port/cmp1/",
		VhostPrefix("cmp1"):            "/spp/openstack/vhost/cmp1/",
		None + Plug + Unplug + Up + "": "Noneplugunplugup",
	} {
		if got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
	if s := Suffix("/spp/openstack/action/h/p1", ActionPrefix("h")); s != "p1" {
		t.Errorf("suffix %q", s)
	}
	if s := Suffix("/spp/openstack/action/h2/p1", ActionPrefix("h")); s != "" {
		t.Errorf("another host's key: suffix %q", s)
	}
	if phys, id, ok := SlotKey("/spp/openstack/vhost/h/phys1/12", "h"); !ok || phys != "phys1" || id != 12 {
		t.Errorf("slot %q %d %v", phys, id, ok)
	}
	for _, bad := range []string{"/spp/openstack/vhost/h/phys1/x", "/spp/openstack/vhost/h/phys1/01", "/spp/openstack/vhost/h2/p/1", "/spp/openstack/vhost/h//1"} {
		if _, _, ok := SlotKey(bad, "h"); ok {
			t.Errorf("%s read as a slot", bad)
		}
	}
}

// bind_port is written as the mechanism driver's json.dumps writes it, and
// read whatever its spacing; MACs come out in Neutron's form.
func TestBindPort(t *testing.T) {
	if s := (BindPortDoc{MAC: "fa:16:3e:00:00:01", Vhost: 3}).Encode(); s != `{"mac_address": "fa:16:3e:00:00:01", "vhost_id": 3}` {
		t.Errorf("flat: %s", s)
	}
	if s := (BindPortDoc{MAC: "fa:16:3e:00:00:01", Vhost: 0, VLAN: 100}).Encode(); s != `{"mac_address": "fa:16:3e:00:00:01", "vhost_id": 0, "vlan_id": 100}` {
		t.Errorf("vlan: %s", s)
	}
	b, err := ParseBindPort(`{"vhost_id":2,"mac_address":"FA:16:3E:00:00:0A","vlan_id":4094}`)
	if err != nil || b != (BindPortDoc{MAC: "fa:16:3e:00:00:0a", Vhost: 2, VLAN: 4094}) {
		t.Errorf("%+v %v", b, err)
	}
	for _, bad := range []string{`{"mac_address": "fa:16:3e:00:00:01"}`, `{"vhost_id": 1}`, `{"mac_address": "x", "vhost_id": 1}`,
		`{"mac_address": "fa:16:3e:00:00:01", "vhost_id": -1}`, `{"mac_address": "fa:16:3e:00:00:01", "vhost_id": 1, "vlan_id": 4095}`, `None`} {
		if _, err := ParseBindPort(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// The configuration document: devstack's shape with "vf", and the older
// bare list; the core mask's lowest lcore is the main; vhost ids run on
// across NICs.
func TestConfig(t *testing.T) {
	doc := `{"vf": [{"pci_address": "00:04.0", "physical_network": "phys1", "num_vhost": 2, "core_mask": "0xfe",
	  "components": [{"name": "classifier", "type": "classifier_mac", "core": 6, "rx_port": ["phy:0"], "tx_port": ["ring:0", "ring:2"]}]},
	  {"pci_address": "00:05.0", "physical_network": "phys2", "num_vhost": 3, "core_mask": "0xfc02"}]}`
	c, err := ParseConfig([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.VF) != 2 || c.VF[0].Components[0].TxPort[1] != "ring:2" || c.VF[1].PhysicalNetwork != "phys2" {
		t.Errorf("%+v", c)
	}
	main, workers, _ := c.VF[1].Lcores()
	if main != 1 || len(workers) != 6 || workers[0] != 10 || workers[5] != 15 {
		t.Errorf("0xfc02: main %d workers %v", main, workers)
	}
	if c.FirstVhost(1) != 2 {
		t.Errorf("first vhost of NIC 1: %d", c.FirstVhost(1))
	}
	for vh, nic := range map[int]int{0: 0, 1: 0, 2: 1, 4: 1} {
		if n, ok := c.NICOf(vh); !ok || n != nic {
			t.Errorf("vhost %d: NIC %d %v", vh, n, ok)
		}
	}
	if _, ok := c.NICOf(5); ok {
		t.Error("vhost 5 has a NIC")
	}
	legacy, err := ParseConfig([]byte(`[{"physical_network": "phys1", "pci_address": "00:04.0", "num_vhost": 1, "core_mask": "0x6"}]`))
	if err != nil || len(legacy.VF) != 1 || legacy.VF[0].NumVhost != 1 {
		t.Errorf("legacy %+v %v", legacy, err)
	}
	again, _ := ParseConfig(c.Encode())
	if !again.Equal(c) || again.Equal(legacy) {
		t.Error("Equal")
	}
	for _, bad := range []string{`{"vf":[{"physical_network":"","num_vhost":1,"core_mask":"0x6"}]}`,
		`{"vf":[{"physical_network":"p","num_vhost":-1,"core_mask":"0x6"}]}`,
		`{"vf":[{"physical_network":"p","num_vhost":1,"core_mask":"0x4"}]}`,
		`{"vf":[{"physical_network":"p","num_vhost":1,"core_mask":"xfc02"}]}`,
		`{"vf":[{"physical_network":"a/b","num_vhost":1,"core_mask":"0x6"}]}`, `nope`} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		} else if !strings.Contains(err.Error(), "configuration") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
