package secondary

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/proto"
)

// Args are a secondary's own arguments, after the EAL ones and "--":
//
//	--client-id N -s HOST:PORT [--vhost-client] [--vhost-dir DIR] [--pcap-dir DIR] [--config FILE]
//	spp_mirror also: [--copy shallow|deep]
type Args struct {
	ClientID    int
	Server      string // HOST:PORT of the controller
	VhostClient bool   // vhost-user ports in client mode
	VhostDir    string // where vhostN's socket sockN is (default /tmp)
	PcapDir     string // where pcapN reads and writes (default /tmp)
	Config      string // TOML file, "" for none
	DeepCopy    bool   // spp_mirror --copy deep
}

// MaxClientID bounds --client-id (protocol.md section 1: 0 <= N < 128).
const MaxClientID = 127

// splitArgs cuts a command line (without argv[0]) at its first "--" into
// the EAL arguments and the secondary's own.
func splitArgs(args []string) (eal, own []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

// parseArgs reads the secondary's own arguments. Each error is one line
// naming the argument at fault.
func parseArgs(ptype string, own []string) (Args, error) {
	a := Args{ClientID: -1, VhostDir: "/tmp", PcapDir: "/tmp"}
	for i := 0; i < len(own); i++ {
		name, value, hasValue := strings.Cut(own[i], "=")
		if !strings.HasPrefix(name, "-") {
			return a, fmt.Errorf("unexpected argument %q", own[i])
		}
		// next returns the option's value: after "=" or the next word.
		next := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(own) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			return own[i], nil
		}
		var err error
		switch name {
		case "--client-id":
			var v string
			if v, err = next(); err == nil {
				n, perr := strconv.Atoi(v)
				if perr != nil || n < 0 || n > MaxClientID || strings.TrimLeft(v, "0123456789") != "" {
					err = fmt.Errorf("--client-id %q: a number from 0 to %d", v, MaxClientID)
				}
				a.ClientID = n
			}
		case "-s", "--server":
			if a.Server, err = next(); err == nil {
				host, p, ok := strings.Cut(a.Server, ":")
				if n, perr := strconv.Atoi(p); !ok || host == "" || perr != nil || n <= 0 || n > 65535 {
					err = fmt.Errorf("%s %q: HOST:PORT expected", name, a.Server)
				}
			}
		case "--vhost-client":
			if hasValue {
				err = fmt.Errorf("--vhost-client takes no value")
			}
			a.VhostClient = true
		case "--vhost-dir":
			if a.VhostDir, err = next(); err == nil {
				if a.VhostDir == "" {
					err = fmt.Errorf("--vhost-dir: empty directory name")
				} else if strings.ContainsAny(a.VhostDir, ",=") {
					err = fmt.Errorf("--vhost-dir %q: ',' and '=' cannot be passed to the vhost driver", a.VhostDir)
				}
			}
		case "--pcap-dir":
			if a.PcapDir, err = next(); err == nil && a.PcapDir == "" {
				err = fmt.Errorf("--pcap-dir: empty directory name")
			}
		case "--config":
			if a.Config, err = next(); err == nil && a.Config == "" {
				err = fmt.Errorf("--config: empty file name")
			}
		case "--copy":
			if ptype != proto.TypeMirror {
				err = fmt.Errorf("unknown option %s (only spp_mirror has --copy)", name)
				break
			}
			var v string
			if v, err = next(); err == nil {
				switch v {
				case "shallow":
					a.DeepCopy = false
				case "deep":
					a.DeepCopy = true
				default:
					err = fmt.Errorf("--copy %q: shallow or deep", v)
				}
			}
		default:
			err = fmt.Errorf("unknown option %s", name)
		}
		if err != nil {
			return a, err
		}
	}
	if a.ClientID < 0 {
		return a, fmt.Errorf("--client-id is required")
	}
	if a.Server == "" {
		return a, fmt.Errorf("-s HOST:PORT is required")
	}
	return a, nil
}

// usage is the one-line synopsis printed after an argument error.
func usage(prog, ptype string) string {
	s := prog + " [EAL options] -- --client-id N -s HOST:PORT [--vhost-client] [--vhost-dir DIR] [--pcap-dir DIR] [--config FILE]"
	if ptype == proto.TypeMirror {
		s += " [--copy shallow|deep]"
	}
	return s
}
