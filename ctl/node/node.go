// Package node starts and stops a whole SPP node described by a TOML file
// (`spp up FILE`, `spp down`): the primary, its secondaries, the test VMs
// and the controller shell with a command file. It keeps a state file so
// that `spp down` from another terminal can stop everything and remove the
// hugepage files and sockets. See docs/operator-guide.md.
package node

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spp-go/spp/ctl/internal/cli"
)

const usage = `usage: spp up FILE [--demo]   start the node FILE describes (etc/default.toml)
       spp down [FILE]          stop the node started from FILE (default: the one in ./log)

spp up starts the primary, the secondaries, the VMs, applies the command
file, then opens the shell; leaving the shell stops the node. --demo runs
the demo instead of the shell: traffic, status twice, verdict, stop.
`

// Main runs `spp up ...` or `spp down ...`; args[0] is "up" or "down".
// It returns the process exit status.
func Main(args []string) int {
	switch args[0] {
	case "up":
		return upMain(args[1:], os.Stdout, os.Stderr)
	case "down":
		return downMain(args[1:], os.Stdout, os.Stderr)
	}
	fmt.Fprint(os.Stderr, usage)
	return 2
}

// upMain and downMain: FILE and flags in any order; the usage describes
// the flags, and -h prints it on stdout.
func upMain(args []string, stdout, stderr io.Writer) int {
	fs := cli.New("spp up", usage, stderr).Plain(stdout)
	demo := fs.Bool("demo", false, "")
	words, code := fs.ParseAll(args)
	switch {
	case code >= 0:
		return code
	case len(words) == 0:
		return fs.Fail("spp up needs a node file (etc/default.toml)")
	case len(words) > 1:
		return fs.Fail("unexpected argument %q", words[1])
	}
	file := words[0]
	c, err := LoadConfig(file)
	if err != nil {
		fmt.Fprintf(stderr, "spp up: %v\n", err)
		return 1
	}
	if *demo && c.Traffic == nil {
		fmt.Fprintf(stderr, "spp up: %s: --demo needs a [traffic] section\n", file)
		return 1
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "spp up: %v\n", err)
		return 1
	}
	binDir := filepath.Dir(exe)
	logDir := abs(c.Node.LogDir)
	u := &upSession{
		c:         c,
		binDir:    binDir,
		logDir:    logDir,
		statePath: filepath.Join(logDir, StateFileName),
		out:       stdout,
		demo:      *demo,
		down:      make(chan struct{}),
	}
	u.sh = &shellRunner{argv: c.ShellArgv(binDir), logPath: logPathOf(logDir, "spp")}
	return u.up()
}

func downMain(args []string, stdout, stderr io.Writer) int {
	fs := cli.New("spp down", usage, stderr).Plain(stdout)
	words, code := fs.ParseAll(args)
	switch {
	case code >= 0:
		return code
	case len(words) > 1:
		return fs.Fail("unexpected argument %q", words[1])
	}
	logDir := "log"
	if len(words) > 0 {
		c, err := LoadConfig(words[0])
		if err != nil {
			fmt.Fprintf(stderr, "spp down: %v\n", err)
			return 1
		}
		logDir = c.Node.LogDir
	}
	return down(filepath.Join(logDir, StateFileName), stdout, stderr)
}

// down stops the node of a state file: first by asking its `spp up` to
// stop (it stops its processes in order), then, for whatever is left or if
// that `spp up` is gone, by itself.
func down(statePath string, stdout, stderr io.Writer) int {
	st, err := ReadState(statePath)
	if err != nil {
		fmt.Fprintf(stderr, "spp down: %v\n", err)
		return 1
	}
	if st == nil {
		fmt.Fprintf(stdout, "spp down: no node is up (no %s)\n", statePath)
		return 0
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stdout, "spp down: "+format+"\n", a...) }
	if sup := st.Supervisor; sup.Alive() && sup.Pid != os.Getpid() {
		logf("asking spp up (pid %d) to stop the node", sup.Pid)
		if !stopProcess(sup, 60*time.Second) {
			logf("spp up (pid %d) does not stop", sup.Pid)
		}
		// It rewrites or removes the state file as it goes.
		if st, err = ReadState(statePath); err != nil || st == nil {
			return 0
		}
	}
	if note := st.strandedNote(); note != "" {
		logf("%s", note)
	}
	stuck := st.Teardown(stopGrace, logf)
	if len(stuck) > 0 {
		fmt.Fprintf(stderr, "spp down: could not stop %s\n", strings.Join(stuck, ", "))
		return 1
	}
	_ = os.Remove(statePath)
	logf("node stopped")
	return 0
}
