package node

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
)

// The command lines of the processes of a node, built from its Config only,
// so that tests can check them without starting anything.

// daemonHost is where daemons connect: the controller's bind address, or
// loopback when it listens on every address.
func (c *Config) daemonHost() string {
	ip := net.ParseIP(c.Controller.Bind)
	if ip == nil || ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return c.Controller.Bind
}

func (c *Config) bin(name string, binDir string) string {
	if c.Node.BinDir != "" {
		binDir = c.Node.BinDir
	}
	return filepath.Join(binDir, name)
}

// PrimaryArgv is spp_primary's command line.
func (c *Config) PrimaryArgv(binDir string) []string {
	p := c.Primary
	a := []string{c.bin("spp_primary", binDir),
		"--lcores", p.Lcores, "--file-prefix", c.EAL.FilePrefix, "--proc-type=primary",
		"--huge-dir", c.EAL.HugeDir}
	if c.EAL.MemoryMB > 0 {
		a = append(a, "-m", strconv.Itoa(c.EAL.MemoryMB))
	}
	a = append(a, c.EAL.Args...)
	for _, v := range p.Vdevs {
		a = append(a, "--vdev", v)
	}
	a = append(a, p.Args...)
	return append(a, "--", "-p", p.PortMask, "-n", strconv.Itoa(p.Rings),
		"-s", net.JoinHostPort(c.daemonHost(), strconv.Itoa(c.Controller.PrimaryPort)))
}

// SecondaryArgv is the command line of spp_vf or spp_mirror.
func (c *Config) SecondaryArgv(s Secondary, binDir string) []string {
	a := []string{c.bin("spp_"+s.Type, binDir),
		"--lcores", s.Lcores, "--file-prefix", c.EAL.FilePrefix, "--proc-type=secondary",
		"--huge-dir", c.EAL.HugeDir}
	a = append(a, c.EAL.Args...)
	a = append(a, s.Args...)
	a = append(a, "--", "--client-id", strconv.Itoa(*s.ClientID),
		"-s", net.JoinHostPort(c.daemonHost(), strconv.Itoa(c.Controller.SecondaryPort)))
	if s.VhostClient {
		a = append(a, "--vhost-client")
	}
	a = append(a, "--pcap-dir", abs(s.PcapDir))
	if s.Copy != "" {
		a = append(a, "--copy", s.Copy)
	}
	return a
}

// VhostSocket is the socket of port vhostN (protocol.md section 7).
func VhostSocket(n int) string { return fmt.Sprintf("/tmp/sock%d", n) }

// VMArgv is the command line of a test VM: testpmd, interactive (driven over
// its stdin: `show port stats all`, `quit`), forwarding from the start.
// stdbuf makes its stdout line-buffered, so the log shows each answer at once.
// The shell in front only sets SIGPIPE to ignored, then becomes testpmd.
// --no-flush-rx: without it testpmd drains and frees what its rx queue holds
// when forwarding starts, after the "Start automatic packet forwarding" line
// that says the VM is ready: frames sent just then were lost
// (docs/troubleshooting.md, "A VM receives but never sends").
func (c *Config) VMArgv(v VM, stdbuf string) []string {
	dev := fmt.Sprintf("--vdev=virtio_user0,path=%s,queues=1,mac=%s", VhostSocket(*v.Vhost), v.MAC)
	if v.Server {
		dev += ",server=1"
	}
	// SIGPIPE ignored (inherited through exec): a vhost-user peer that
	// dies mid-message must not kill the VM, which then waits for the
	// secondary to come back.
	a := []string{"/bin/sh", "-c", `trap "" PIPE; exec "$@"`, "sh"}
	if stdbuf != "" {
		a = append(a, stdbuf, "-oL")
	}
	a = append(a, c.Node.Testpmd, "--lcores", v.Lcores, "--no-pci", "--file-prefix", v.FilePrefix,
		"--huge-dir", c.EAL.HugeDir, "--single-file-segments", "-m", strconv.Itoa(v.MemoryMB), dev)
	a = append(a, v.Args...)
	return append(a, "--", "-i", "--auto-start", "--forward-mode="+v.Mode,
		"--total-num-mbufs="+strconv.Itoa(v.Mbufs), "--no-flush-rx")
}

// ServeArgv is the command line of the node's controller, spp serve.
func (c *Config) ServeArgv(binDir string) []string {
	ct := c.Controller
	a := []string{c.bin("spp", binDir), "serve",
		"-p", strconv.Itoa(ct.PrimaryPort), "-s", strconv.Itoa(ct.SecondaryPort),
		"--bind", ct.Bind, "--api", ct.API}
	if ct.APITokenFile != "" {
		a = append(a, "--api-token-file", abs(ct.APITokenFile))
	}
	return a
}

// APIURL is where the node's shells reach spp serve: its API address, or
// loopback when it listens on every address (loopback needs no token).
func (c *Config) APIURL() string {
	host, port, _ := net.SplitHostPort(c.Controller.API)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// ShellArgv is the start of every `spp` shell command line of this node:
// the shell attached to the node's spp serve.
func (c *Config) ShellArgv(binDir string) []string {
	return []string{c.bin("spp", binDir), "--api", c.APIURL()}
}

// PcapPath is the capture file the traffic source's pcapN reads.
func (c *Config) PcapPath() string {
	t := c.Traffic
	for _, s := range c.Secondary {
		if *s.ClientID == *t.ClientID {
			return filepath.Join(abs(s.PcapDir), fmt.Sprintf("spp-rx%d.pcap", t.Pcap))
		}
	}
	return ""
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
