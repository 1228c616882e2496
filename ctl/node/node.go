// Package node starts and stops a whole SPP node described by a TOML file
// (`spp up FILE`, `spp down`).
package node

import (
	"fmt"
	"os"
)

// Main runs `spp up ...` or `spp down ...`; args[0] is "up" or "down".
// It returns the process exit status.
func Main(args []string) int {
	fmt.Fprintf(os.Stderr, "spp %s: not implemented yet\n", args[0])
	return 2
}
