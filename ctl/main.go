// Command spp is the controller shell of a Soft Patch Panel node
// (../shared/spec/controller.md): it listens for spp_primary (-p) and the
// secondaries (-s), or attaches to a running spp serve (--api), and turns
// what the operator types into JSON batches.
//
//	spp [-p 5555] [-s 6666] [--bind 127.0.0.1] [-f FILE] [-c "CMD"]... [--json]
//	spp --api URL [--api-token-file FILE] [-f FILE] [-c "CMD"]... [--json]
//	spp serve [-p 5555] [-s 6666] [--bind ADDR] [--api ADDR] ...   (package ctl/serve)
//	spp up FILE ... | spp down ...   (node start and stop, package ctl/node)
//	spp topo [sec N] [--svg FILE]    (the shell's topo, once: topo.go)
//	spp agent ... | spp port ...     (VMs plugged through etcd: ctl/agent)
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/spp-go/spp/ctl/agent"
	"github.com/spp-go/spp/ctl/internal/cli"
	"github.com/spp-go/spp/ctl/node"
	"github.com/spp-go/spp/ctl/registry"
	"github.com/spp-go/spp/ctl/serve"
	"github.com/spp-go/spp/ctl/shell"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// sources collects -f and -c in command-line order.
type sources struct {
	list *[]shell.Source
	file bool
}

func (s sources) String() string { return "" }
func (s sources) Set(v string) error {
	if s.file {
		*s.list = append(*s.list, shell.Source{File: v})
	} else {
		*s.list = append(*s.list, shell.Source{Cmd: v})
	}
	return nil
}

const usageText = `usage: spp [-p PORT] [-s PORT] [--bind ADDR] [--api URL [--api-token-file FILE]] [-f FILE] [-c "CMD"]... [--json]
       spp serve [--api ADDR] ...   the controller as a service (spp serve -h)
       spp up FILE [--demo]   start the node FILE describes (spp up -h)
       spp down [FILE]        stop it
       spp topo [sec N] [--svg FILE]   the wiring as DOT, or SVG (spp topo -h)
       spp agent --host NAME ...       wire VMs plugged through etcd (spp agent -h)
       spp port bind|unbind|list ...   plug a VM through etcd (spp port)

With neither -f nor -c, spp is an interactive shell (or, when stdin is not a
terminal, reads commands from it). In the shell, help lists its commands and
help CMD describes one. -f and -c run, in the order given, and exit.
With --api (or $SPP_API), spp attaches to a running spp serve instead of
listening itself: the same commands, tables and exit statuses.

Exit status: 0 every command of -f, -c or stdin succeeded, or the
interactive shell was left (bye, Ctrl-D, SIGTERM); 1 a command failed, or a
daemon did not answer in time (5 s; 15 s for a batch with a flush); 2 bad
usage, a port cannot be listened on, or no spp serve at --api; 3 an internal error.

`

// run is spp with its arguments and streams; it returns the exit status
// (0 success, 1 a command failed, 2 bad usage or cannot listen, 3 a bug).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if e := recover(); e != nil { // one line, never a stack trace
			fmt.Fprintf(stderr, "spp: internal error: %v\n", e)
			code = 3
		}
	}()
	if len(args) > 0 && (args[0] == "up" || args[0] == "down") {
		return node.Main(args)
	}
	if len(args) > 0 && args[0] == "topo" {
		return topoMain(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "serve" {
		return serve.Main(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "agent" {
		return agent.Main(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "port" {
		return agent.PortMain(args[1:], stdout, stderr)
	}
	fs := cli.New("spp", usageText, stderr)
	var srcs []shell.Source
	var at registry.Where
	at.Flags(fs.FlagSet)
	fs.Var(sources{&srcs, true}, "f", "run the commands in `FILE`, then exit")
	fs.Var(sources{&srcs, false}, "c", "run `CMD`, then exit (repeatable)")
	jsonOut := fs.Bool("json", false, "print daemon replies as JSON instead of tables")
	apiURL := fs.String("api", os.Getenv("SPP_API"), "attach to the spp serve at `URL` (default $SPP_API) instead of listening")
	tokenFile := fs.String("api-token-file", "", "with --api: send the bearer token in `FILE`")
	if code := fs.ParseFlags(args); code >= 0 {
		return code
	}

	// Interactive needs a terminal both ways; with stdout piped, lines typed
	// are read like a file. The interactive shell prints errors and
	// announcements on the terminal it prompts on.
	interactive := len(srcs) == 0 && isTerminal(stdin) && isTerminal(stdout)
	opts := shell.Options{Out: stdout, Err: stderr, JSON: *jsonOut, Interactive: interactive}
	if interactive {
		opts.Err, opts.HistoryPath = stdout, shell.HistoryPath()
	}
	opts.Color = isTerminal(opts.Err)
	sh := shell.New(opts)
	defer sh.Close()
	var stop func()
	var err error
	if *apiURL != "" {
		if fs.Given("p", "s", "bind") {
			fmt.Fprintln(stderr, "spp: --api attaches to spp serve, which listens for the daemons: -p, -s and --bind are its own")
			return 2
		}
		stop, err = attach(sh, *apiURL, *tokenFile)
	} else {
		stop, err = listen(sh, &at)
	}
	if err != nil {
		fmt.Fprintf(stderr, "spp: %v\n", err)
		return 2
	}
	defer stop()

	ok := true
	switch {
	case interactive:
		sh.Interact(stdin.(*os.File))
	case len(srcs) > 0:
		ok = sh.RunSources(srcs)
	default:
		ok = sh.RunScript(stdin, "stdin")
	}
	if ok {
		return 0
	}
	return 1
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && isatty.IsTerminal(file.Fd())
}
