package engine

import (
	"fmt"
	"testing"
)

// BenchmarkLargeTable loads 65,280 MACs into a classifier in 256 batches of
// 255 entries and a flush each, then asks for status: what an agent does
// to fill the table the classifier promises (at least 65,536 MACs). Run
// with `go test -run '^$' -bench LargeTable ./common/engine`.
func BenchmarkLargeTable(b *testing.B) {
	for range b.N {
		h := newHarness(b, "vf")
		h.ok(mkBatch(comp("2", "classifier", `"ring0"`, `"ring1","ring2"`), `{"command":"flush"}`))
		for k := 0; k < 256; k++ {
			cmds := make([]string, 0, 256)
			for i := 0; i < 255; i++ {
				n := k*255 + i
				cmds = append(cmds, fmt.Sprintf(`{"command":"classifier_table","type":"mac","value":"02:00:00:%02x:%02x:%02x","port":"ring%d"}`,
					n>>16&0xff, n>>8&0xff, n&0xff, 1+n%2))
			}
			cmds = append(cmds, `{"command":"flush"}`)
			h.ok(mkBatch(cmds...))
		}
		h.do(`{"commands":[{"command":"status"}]}`)
	}
}
