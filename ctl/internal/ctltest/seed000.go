package ctltest

import (
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/spp-go/spp/common/proto"
)

var (
	//go:embed testdata/seed000_status.json
	seed000Status []byte
	// Seed000DOT is the graph spp topo draws of Seed000's status, byte for
	// byte (testdata/seed000.dot).
	//go:embed testdata/seed000.dot
	Seed000DOT string
)

// Seed000 is spp_vf 1's status after seed 000's VM start for two VMs
// (docs/operator-guide.md section 5): classifier nic0 -> ring0 (vm1,
// 00:11:22:33:44:55), ring2 (vm2, 52:54:00:00:00:02); forwards ring0 ->
// vhost0 -> ring1 and ring2 -> vhost1 -> ring3; merge ring1,ring3 -> nic0.
// vm2's vhost1 has its link down. Each call returns a copy of its own.
func Seed000(t *testing.T) proto.SecondaryInfo {
	t.Helper()
	var si proto.SecondaryInfo
	if err := json.Unmarshal(seed000Status, &si); err != nil {
		t.Fatal(err)
	}
	return si
}
