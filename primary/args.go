package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/port"
)

// args are spp_primary's own arguments (after the EAL ones and "--").
type args struct {
	portmask uint64 // -p: bit i selects ethdev i
	rings    int    // -n: spp_ring0 .. spp_ring(n-1)
	server   string // -s: the controller, host:port
}

const usageText = "usage: spp_primary [EAL args] -- -p PORTMASK -n NUM_RINGS -s HOST:PORT"

// parseArgs reads "-p PORTMASK -n NUM_RINGS -s HOST:PORT" (each also as
// "-pVALUE"). -s is required; -p and -n default to 0. An error names the
// argument.
func parseArgs(own []string) (args, error) {
	var a args
	seen := map[string]bool{}
	for i := 0; i < len(own); i++ {
		flag, val := own[i], ""
		if len(flag) > 2 && strings.HasPrefix(flag, "-") && !strings.HasPrefix(flag, "--") {
			flag, val = own[i][:2], own[i][2:]
		} else {
			switch flag {
			case "-p", "-n", "-s":
				if i+1 >= len(own) {
					return a, fmt.Errorf("%s: missing value", flag)
				}
				i++
				val = own[i]
			default:
				return a, fmt.Errorf("%s: unknown argument (%s)", flag, usageText)
			}
		}
		if seen[flag] {
			return a, fmt.Errorf("%s: given twice", flag)
		}
		seen[flag] = true
		switch flag {
		case "-p":
			s := strings.TrimPrefix(strings.TrimPrefix(val, "0x"), "0X")
			m, err := strconv.ParseUint(s, 16, 64)
			if s == "" || err != nil {
				return a, fmt.Errorf("-p: bad port mask %q (hex, e.g. 0x3)", val)
			}
			a.portmask = m
		case "-n":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > port.MaxIndex+1 || (len(val) > 1 && val[0] == '0') || val[0] == '+' {
				return a, fmt.Errorf("-n: bad number of rings %q (0..%d)", val, port.MaxIndex+1)
			}
			a.rings = n
		case "-s":
			host, p, err := net.SplitHostPort(val)
			pn, perr := strconv.Atoi(p)
			if err != nil || host == "" || perr != nil || pn < 1 || pn > 65535 {
				return a, fmt.Errorf("-s: bad controller address %q (HOST:PORT)", val)
			}
			a.server = val
		default:
			return a, fmt.Errorf("%s: unknown argument (%s)", own[i], usageText)
		}
	}
	if a.server == "" {
		return a, fmt.Errorf("-s: missing (%s)", usageText)
	}
	return a, nil
}

// splitArgs cuts the command line (without argv[0]) at the first "--".
func splitArgs(rest []string) (eal, own []string) {
	for i, s := range rest {
		if s == "--" {
			return rest[:i], rest[i+1:]
		}
	}
	return rest, nil
}
