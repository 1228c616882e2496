package wiring

import (
	"fmt"
	"testing"
)

// The cores the two policies keep busy (lcores running at least one
// component) with 1, 2, 4 and 8 VMs plugged on one NIC of 8 vhosts, for
// the closing note of issue 13 (`go test -v -run TestCoresUsed
// ./ctl/agent/wiring`). Two core masks: 18 workers, enough for
// networking-spp's default static layout to give every component its own
// lcore (2 x 8 + 2), and 6 workers, where both policies pack up to 4
// components on an lcore. Proved: dynamic uses the classifier's, the
// merger's and one lcore per VM (least loaded first) up to the workers
// there are, and none with no VM; static keeps the whole graph's lcores
// busy whatever the number of VMs.
func TestCoresUsed(t *testing.T) {
	want := map[string]map[Policy][]int{ // VMs 0, 1, 2, 4, 8
		"0xffffe (18 workers)": {Dynamic: {0, 3, 4, 6, 10}, Static: {18, 18, 18, 18, 18}},
		"0xfe (6 workers)":     {Dynamic: {0, 3, 4, 6, 6}, Static: {6, 6, 6, 6, 6}},
	}
	for _, mask := range []string{"0xffffe (18 workers)", "0xfe (6 workers)"} {
		var m string
		fmt.Sscan(mask, &m)
		cfg := smallConfig(m, 8)
		for _, pol := range []Policy{Dynamic, Static} {
			var got []int
			for _, n := range []int{0, 1, 2, 4, 8} {
				var bound []Bound
				for i := range n {
					bound = append(bound, vm(fmt.Sprintf("p%d", i), i, fmt.Sprintf("52:54:00:00:00:%02x", i+1)))
				}
				w, perrs, err := Desired(cfg, 0, bound, pol, nil)
				if err != nil || len(perrs) > 0 {
					t.Fatalf("%s %s %d VMs: %v %v", mask, pol, n, err, perrs)
				}
				cores := map[int]bool{}
				for _, c := range w.Components {
					cores[c.Core] = true
				}
				got = append(got, len(cores))
			}
			t.Logf("mask %s, %s: lcores busy with 0, 1, 2, 4, 8 VMs: %v", mask, pol, got)
			if fmt.Sprint(got) != fmt.Sprint(want[mask][pol]) {
				t.Errorf("mask %s, %s: %v, want %v", mask, pol, got, want[mask][pol])
			}
		}
	}
}
