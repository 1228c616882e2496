package serve

import (
	"net/http"
	"time"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/common/proto/client"
	"github.com/spp-go/spp/ctl/api"
	"github.com/spp-go/spp/ctl/registry"
)

// One request to one daemon: found by target (404), in the order requests
// arrived (gates), within the request's deadline (504, outcome unknown).

// session is a request's hold on one process: its exchanges go out one
// after the other, nothing of another request between them, all before
// deadline.
type session struct {
	p        *registry.Process
	deadline time.Time
	timeout  time.Duration
	leave    func()
}

// timeoutFor is a request's deadline: controller.md's reply timeouts, the
// longer one when a flush is in it.
func timeoutFor(flush bool) time.Duration {
	if flush {
		return registry.FlushTimeout
	}
	return registry.ReplyTimeout
}

// notFound is the 404 of a process that is not connected (upstream's
// wording).
func notFound(t registry.Target) error {
	if t.Primary {
		return fail(http.StatusNotFound, "primary not found.")
	}
	return fail(http.StatusNotFound, "sec_id %d not found.", t.ID)
}

// open finds the process t names, of type typ ("" any secondary), and
// waits for its turn. The caller must close the session.
func (s *Server) open(r *http.Request, t registry.Target, typ string, flush bool) (*session, error) {
	if s.reg == nil {
		return nil, notFound(t)
	}
	p := s.reg.Lookup(t)
	if p == nil || (typ != "" && p.Type != typ) {
		return nil, notFound(t)
	}
	timeout := timeoutFor(flush)
	deadline := time.Now().Add(timeout)
	leave, ok := s.gates.enter(r.Context(), p, deadline)
	if !ok {
		if r.Context().Err() != nil {
			return nil, fail(499, "the client went away; nothing was sent")
		}
		return nil, fail(http.StatusGatewayTimeout, "%s is busy: the request waited %v for the ones before it and was not sent", t, timeout)
	}
	return &session{p: p, deadline: deadline, timeout: timeout, leave: leave}, nil
}

func (ss *session) close() { ss.leave() }

// send sends one batch and returns the daemon's reply as it came. No reply
// by the deadline: 504; the connection lost first: 502; either way the
// outcome is unknown.
func (ss *session) send(batch []byte, what string) ([]byte, error) {
	left := time.Until(ss.deadline)
	if left <= 0 {
		return nil, fail(http.StatusGatewayTimeout, "%s: no time left to send the request (%v)", ss.p.Label(), ss.timeout)
	}
	raw, err := ss.p.Send(batch, what, left)
	if err == nil {
		return raw, nil
	}
	if time.Now().Before(ss.deadline) {
		return nil, fail(http.StatusBadGateway, "%v%s", err, api.OutcomeUnknown)
	}
	return nil, fail(http.StatusGatewayTimeout, "%s did not answer within %v%s", ss.p.Label(), ss.timeout, api.OutcomeUnknown)
}

// do sends commands as one batch and reads the reply; a command that
// failed is upstream's 400 "command error: MESSAGE".
func (ss *session) do(cmds ...proto.Command) (*client.Reply, error) {
	raw, err := ss.send(proto.EncodeBatch(cmds...), describe(cmds))
	if err != nil {
		return nil, err
	}
	rep, err := client.Parse(raw)
	if err != nil {
		return nil, fail(http.StatusBadGateway, "%s: %v", ss.p.Label(), err)
	}
	if len(rep.Results) != len(cmds) {
		return nil, fail(http.StatusBadGateway, "%s answered %d results for %d commands", ss.p.Label(), len(rep.Results), len(cmds))
	}
	if msg := rep.FirstError(); msg != "" {
		return nil, fail(http.StatusBadRequest, "command error: %s", msg)
	}
	return rep, nil
}

// call is do in a session of its own.
func (s *Server) call(r *http.Request, t registry.Target, typ string, cmds ...proto.Command) (*client.Reply, error) {
	flush := false
	for _, c := range cmds {
		flush = flush || c.Name == proto.CmdFlush
	}
	ss, err := s.open(r, t, typ, flush)
	if err != nil {
		return nil, err
	}
	defer ss.close()
	return ss.do(cmds...)
}

// describe names a batch for a late reply notice: its commands.
func describe(cmds []proto.Command) string {
	s := "REST:"
	for i, c := range cmds {
		if i > 0 {
			s += ","
		}
		s += " " + c.Name
	}
	return s
}

// secInfo reads a status reply of a secondary.
func secInfo(rep *client.Reply, label string) (*proto.SecondaryInfo, error) {
	in, err := rep.SecondaryInfo()
	if err != nil {
		return nil, fail(http.StatusBadGateway, "%s: %v", label, err)
	}
	return in, nil
}
