package serve

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spp-go/spp/ctl/internal/cli"
	"github.com/spp-go/spp/ctl/registry"
)

const usage = `usage: spp serve [-p 5555] [-s 6666] [--bind 127.0.0.1] [--api 127.0.0.1:7777] [--api-token-file FILE]

The controller as a service: it listens for the daemons as the shell does
(-p, -s, --bind) and serves the REST API on --api (docs/api.md): spp-go's
batches and event stream, and upstream spp-ctl's /v1 calls. The shell
attaches to it with spp --api http://ADDR. --api on an address other than
loopback needs --api-token-file: requests from elsewhere must then carry
Authorization: Bearer TOKEN (the file's content).

Logs one line per event (process joined, left, replaced; request failed)
on stderr. SIGTERM or SIGINT: stops listening, drops the connections (the
daemons keep forwarding and reconnect to the next controller), exits 0.
Exit status 2: bad usage, or a port cannot be listened on.

`

// Main is `spp serve ARGS`; it returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := cli.New("spp serve", usage, stderr)
	var at registry.Where
	at.Flags(fs.FlagSet)
	apiAddr := fs.String("api", "127.0.0.1:7777", "serve the REST API on `HOST:PORT`")
	tokenFile := fs.String("api-token-file", "", "bearer token of requests from other hosts, in `FILE`")
	if code := fs.ParseFlags(args); code >= 0 {
		return code
	}
	lg := log.New(stderr, "spp serve: ", log.LstdFlags|log.Lmicroseconds)
	o := Options{Log: lg}
	local, err := IsLoopback(*apiAddr)
	if err != nil {
		fmt.Fprintf(stderr, "spp serve: --api %s: %v\n", *apiAddr, err)
		return 2
	}
	switch {
	case *tokenFile != "":
		if o.Token, err = ReadToken(*tokenFile); err != nil {
			fmt.Fprintf(stderr, "spp serve: --api-token-file: %v\n", err)
			return 2
		}
	case !local:
		fmt.Fprintf(stderr, "spp serve: --api %s is reachable from other hosts: give --api-token-file (requests from them then need its bearer token)\n", *apiAddr)
		return 2
	}

	s := New(o)
	ln, err := net.Listen("tcp", *apiAddr)
	if err != nil {
		fmt.Fprintf(stderr, "spp serve: %v\n", err)
		return 2
	}
	reg, err := at.Listen(s.OnEvent)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "spp serve: %v\n", err)
		return 2
	}
	s.Use(reg)
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0), // a client's bad TLS or broken pipe is not the operator's business
	}
	pa, sa := reg.Addrs()
	lg.Printf("listening on %s (primary) and %s (secondaries); API on http://%s", pa, sa, ln.Addr())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	code := 0
	select {
	case sig := <-sigs:
		lg.Printf("%v: stopping (the daemons keep forwarding)", sig)
	case err := <-done:
		lg.Printf("API: %v", err)
		code = 1
	}
	srv.Close()
	reg.Close()
	return code
}
