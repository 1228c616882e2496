package main

// The bench plays the controller (protocol.md): it listens, the daemons
// connect to it, and it sends them JSON batches.

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/spp-go/spp/common/proc"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
)

type server struct{ ln net.Listener }

func listen() (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &server{ln}, nil
}

func (s *server) addr() string { return s.ln.Addr().String() }

func (s *server) close() { s.ln.Close() }

// accept waits up to d for a daemon to connect.
func (s *server) accept(d time.Duration, who *proc.Child) (*conn, error) {
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := s.ln.Accept()
		ch <- res{c, err}
	}()
	timeout := time.After(d)
	for {
		select {
		case r := <-ch:
			if r.err != nil {
				return nil, r.err
			}
			return &conn{client.New(r.c, client.Options{Name: who.Name})}, nil
		case <-timeout:
			s.ln.Close() // ends the Accept above
			return nil, fmt.Errorf("%s did not connect within %v; see %s/%s.log", who.Name, d, logDir, who.Name)
		case <-who.Done():
			s.ln.Close()
			return nil, fmt.Errorf("%s exited before it connected (%v); see %s/%s.log", who.Name, who.Err(), logDir, who.Name)
		}
	}
}

// conn is the bench's control connection to one daemon.
type conn struct{ c *client.Client }

// requestTimeout bounds one batch and its reply: a classifier table of
// 65,536 entries takes seconds to stage, and its status to print.
const requestTimeout = 60 * time.Second

// do sends one batch and reads its reply. A command that did not succeed
// is an error.
func (c *conn) do(cmds ...proto.Command) (*client.Reply, error) {
	raw, err := c.c.Send(proto.EncodeBatch(cmds...), cmds[0].Name, requestTimeout)
	if err != nil {
		return nil, fmt.Errorf("reading the reply: %v", err)
	}
	r, err := client.Parse(raw)
	if err != nil {
		return nil, err
	}
	for i, res := range r.Results {
		if res.Result != proto.Success {
			msg := res.Result
			if res.ErrorDetails != nil {
				msg += ": " + res.ErrorDetails.Message
			}
			name := ""
			if i < len(cmds) {
				name = cmds[i].Name
			}
			return r, fmt.Errorf("command %d (%s): %s", i, name, msg)
		}
	}
	if len(r.Results) != len(cmds) {
		return r, fmt.Errorf("%d results for %d commands", len(r.Results), len(cmds))
	}
	return r, nil
}

// primaryStatus is spp_primary's status.
func (c *conn) primaryStatus() (*proto.PrimaryInfo, error) {
	r, err := c.do(proto.Status())
	if err != nil {
		return nil, err
	}
	return r.PrimaryInfo()
}

// secondaryStatus is spp_vf's or spp_mirror's status.
func (c *conn) secondaryStatus() (*proto.SecondaryInfo, error) {
	r, err := c.do(proto.Status())
	if err != nil {
		return nil, err
	}
	return r.SecondaryInfo()
}

// portOf finds a port's row, zero when it is not there.
func portOf(ports []proto.PortStatus, name string) proto.PortStatus {
	for _, p := range ports {
		if p.Port == name {
			return p
		}
	}
	return proto.PortStatus{Port: name}
}

// drops adds up everything dropped: ports' rx and tx drops and the
// components' drops.
func drops(ports []proto.PortStatus, cores []proto.CoreStatus) uint64 {
	var n uint64
	for _, p := range ports {
		n += p.RxDrop + p.TxDrop
	}
	for _, c := range cores {
		n += c.Drops
	}
	return n
}

func ringOf(in *proto.PrimaryInfo, name string) (proto.RingStatus, bool) {
	for _, r := range in.Rings {
		if r.Ring == name {
			return r, true
		}
	}
	return proto.RingStatus{}, false
}

func (c *conn) close() { c.c.Close() }

// component builds a component command (type none: no port lists).
func component(core int, typ string, rx, tx []string) proto.Command {
	return proto.Component(proto.ComponentArgs{CoreID: strconv.Itoa(core), Type: typ, Rx: rx, Tx: tx})
}

func classifierEntry(mac string, port string) proto.Command {
	return proto.ClassifierTable(proto.ClassifierArgs{Value: mac, Port: port})
}
