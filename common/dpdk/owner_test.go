package dpdk_test

import (
	"strings"
	"testing"

	. "github.com/spp-go/spp/common/dpdk"
)

// A hotplugged port has no owner until one is set; a second owner is
// refused; the name comes back as set (cut to 63 bytes); the removal of the
// device forgets the owner, so that the same name made again has none.
// EthPollOnce moves no packet.
func TestEthOwner(t *testing.T) {
	setupPorts(t)
	a, err := EthOwnerNew()
	if err != nil {
		t.Fatal(err)
	}
	b, err := EthOwnerNew()
	if err != nil || a == 0 || b == a {
		t.Fatalf("owner ids %d, %d (%v): want two distinct non-zero ids", a, b, err)
	}
	id, err := Hotplug("net_null_t8")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { HotplugRemove(id) }() // the last device of that name
	if o, name, err := EthOwner(id); err != nil || o != 0 || name != "" {
		t.Fatalf("owner of a new port: %d %q %v; want none", o, name, err)
	}
	long := "spp_vf pid 1 start 2 " + strings.Repeat("x", 80)
	if err := EthOwnerSet(id, a, long); err != nil {
		t.Fatal(err)
	}
	if o, name, err := EthOwner(id); err != nil || o != a || name != long[:63] {
		t.Fatalf("owner: %d %q %v; want %d %q", o, name, err, a, long[:63])
	}
	if err := EthOwnerSet(id, b, "other"); err == nil {
		t.Fatal("a second owner was accepted")
	}
	if err := EthSetup(id, portPool, 512, 512); err != nil {
		t.Fatal(err)
	}
	before, _ := EthStatsGet(id)
	for i := 0; i < 3; i++ {
		if err := EthPollOnce(id); err != nil {
			t.Fatal(err)
		}
	}
	if after, _ := EthStatsGet(id); after.Rx != before.Rx || after.Tx != before.Tx {
		t.Errorf("EthPollOnce moved packets: %+v then %+v", before, after)
	}
	if err := EthPollOnce(60000); err == nil {
		t.Error("EthPollOnce of no port succeeded")
	}
	if err := HotplugRemove(id); err != nil {
		t.Fatal(err)
	}
	if id, err = Hotplug("net_null_t8"); err != nil {
		t.Fatal(err)
	}
	if o, name, err := EthOwner(id); err != nil || o != 0 || name != "" {
		t.Errorf("owner after the device was made again: %d %q %v; want none", o, name, err)
	}
}
