// Package daemon is a daemon's side of the control connection
// (protocol.md sections 1 and 2): dial the controller, read requests, have
// a Handler run them one at a time, write the replies in order, and
// reconnect every second, for ever, when the controller cannot be reached
// or the connection is lost. The data plane is not involved: it keeps
// forwarding whatever happens here. Pure Go.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// Handler runs requests.
type Handler interface {
	// Handle runs one request and returns its reply. exit=true: after the
	// reply is written, Run returns, the connection still open (the daemon
	// then shuts down and hangs up last).
	// Handle is never called concurrently.
	Handle(req *proto.Request) (reply proto.Reply, exit bool)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(req *proto.Request) (proto.Reply, bool)

// Handle calls f(req).
func (f HandlerFunc) Handle(req *proto.Request) (proto.Reply, bool) { return f(req) }

const (
	// RetryInterval is the wait between connection attempts, and after a
	// lost connection before the next one.
	RetryInterval = time.Second
	// dialTimeout bounds one connection attempt (an unreachable host).
	dialTimeout = 3 * time.Second
	// writeTimeout bounds writing one reply: a controller that stopped
	// reading must not block the daemon for ever.
	writeTimeout = 10 * time.Second
)

// Run connects to the controller at addr (host:port) as a TCP client and
// serves its requests one at a time, in order, until Handle says exit or
// stop is closed. When it cannot connect, or loses the connection, it tries
// again every RetryInterval, for ever. A framing error (proto.Reader) is
// answered with proto.BadFormatReply, then the connection is closed and made
// again. Each reply goes through Request.Shape, so a Handler need not know
// the text command forms. Connection events go to logf (nil: no log). Run
// returns an error only when addr is not host:port.
//
// After exit, Run returns with the connection still open, and hangUp closes
// it: the caller calls hangUp once it has released everything (ports,
// lcores, EAL), just before the process exits. The controller takes the
// closed connection as "this process is gone"; it stops the primary only
// after the secondaries are gone, since a secondary still needs the primary
// while it releases its ports (DPDK hotplug goes through the primary).
// hangUp is never nil; after stop, or an error, it does nothing.
func Run(addr string, h Handler, logf func(format string, args ...any), stop <-chan struct{}) (hangUp func(), err error) {
	hangUp = func() {}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return hangUp, fmt.Errorf("controller address %q: %v", addr, err)
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()

	d := net.Dialer{Timeout: dialTimeout}
	failing := false // log the first failure of a streak only, not one a second
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		switch {
		case ctx.Err() != nil:
			if conn != nil {
				conn.Close()
			}
			return hangUp, nil
		case err != nil:
			if !failing {
				logf("cannot connect to controller %s: %v (retrying every %v)", addr, err, RetryInterval)
				failing = true
			}
		default:
			failing = false
			logf("connected to controller %s", addr)
			if serve(ctx, conn, h, logf) {
				return func() { conn.Close() }, nil
			}
		}
		select {
		case <-ctx.Done():
			return hangUp, nil
		case <-time.After(RetryInterval):
		}
	}
}

// OnSignal makes Run's stop for a daemon's main: it is closed at the first
// SIGTERM or SIGINT, which logf logs ("terminated: stopping"). release, once
// Run has returned, leaves the signals to their default again.
func OnSignal(logf func(format string, args ...any)) (stop <-chan struct{}, release func()) {
	ch := make(chan struct{})
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		if s, ok := <-sigs; ok {
			logf("%v: stopping", s)
			close(ch)
		}
	}()
	return ch, func() {
		signal.Stop(sigs) // no signal is sent on sigs after it returns
		close(sigs)
	}
}

// serve runs one connection until it ends; it reports whether Handle
// asked to exit. It closes conn, except after exit (Run's hangUp does).
func serve(ctx context.Context, conn net.Conn, h Handler, logf func(string, ...any)) (exit bool) {
	// Closing the connection is what wakes a blocked read when stop comes.
	// Once serve has returned, Run's own cancel must not close it:
	// stopWatch keeps the close from running unless stop came already.
	stopWatch := context.AfterFunc(ctx, func() { conn.Close() })
	defer func() {
		stopWatch()
		if !exit {
			conn.Close()
		}
	}()

	r := proto.NewReader(conn)
	for {
		req, err := r.Next()
		if err != nil {
			var pe *proto.Error
			switch {
			case ctx.Err() != nil:
				// Stopping: nothing to report.
			case errors.As(err, &pe):
				logf("bad message from controller (%v): replying and closing the connection", err)
				if werr := reply(conn, proto.BadFormatReply()); werr != nil {
					logf("cannot send reply to controller: %v", werr)
				}
			case err == io.EOF:
				logf("controller closed the connection")
			default:
				logf("connection to controller lost: %v", err)
			}
			return false
		}
		rep, quit := h.Handle(req)
		err = reply(conn, req.Shape(rep))
		if err != nil && ctx.Err() == nil {
			logf("cannot send reply to controller: %v", err)
		}
		if quit {
			logf("exit requested: shutting down; the connection to the controller closes last")
			return true
		}
		if err != nil {
			return false
		}
	}
}

func reply(conn net.Conn, rep proto.Reply) error {
	if err := conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return proto.Encode(conn, rep)
}
