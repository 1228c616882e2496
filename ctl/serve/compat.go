package serve

import (
	"net/http"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// Upstream spp-ctl's /v1 API, for what a primary/vf/mirror node has:
// processes, CPUs, the primary, vfs and mirrors (compatsec.go). Every call
// that changes something is one batch ending in flush: upstream applies
// each call at once.

func (s *Server) compatRoutes() {
	s.handle("GET /v1/cpu_layout", func(*http.Request) (any, error) { return cpuLayout(s.cpuRoot) })
	s.handle("GET /v1/cpu_usage", s.cpuUsage)
	s.handle("GET /v1/primary/status", s.primaryStatus)
	s.handle("DELETE /v1/primary/status", s.primaryDo(proto.Clear))
	s.handle("DELETE /v1/primary", s.primaryDo(proto.Exit))
	for _, k := range []struct{ path, typ string }{{"vfs", proto.TypeVF}, {"mirrors", proto.TypeMirror}} {
		base := "/v1/" + k.path + "/{id}"
		s.handle("GET "+base, s.secondaryGet(k.typ))
		s.handle("DELETE "+base, s.secondaryExit(k.typ))
		s.handle("POST "+base+"/components", s.componentStart(k.typ))
		s.handle("DELETE "+base+"/components/{name}", s.componentStop(k.typ))
		s.handle("PUT "+base+"/components/{name}/ports", s.componentPort(k.typ))
	}
	s.handle("PUT /v1/vfs/{id}/classifier_table", s.classifierTable)

	// Upstream paths of processes spp-go does not have.
	for _, p := range []struct{ pattern, why string }{
		{"/v1/nfvs", "spp-go has no spp_nfv: use a vf's forward components (/v1/vfs)"},
		{"/v1/nfvs/", "spp-go has no spp_nfv: use a vf's forward components (/v1/vfs)"},
		{"/v1/pcaps", "spp-go has no spp_pcap: use a vf's pcapN ports"},
		{"/v1/pcaps/", "spp-go has no spp_pcap: use a vf's pcapN ports"},
		{"/v1/primary/forward", "spp-go's primary does not forward: its secondaries do"},
		{"/v1/primary/ports", "spp-go's primary does not forward: its secondaries do"},
		{"/v1/primary/patches", "spp-go's primary does not forward: its secondaries do"},
		{"/v1/primary/launch", "spp-go's primary does not launch secondaries: start them with spp up or systemd"},
		{"/v1/primary/flow_rules/", "spp-go's primary has no flow rules"},
	} {
		why := p.why
		s.handle(p.pattern, func(*http.Request) (any, error) {
			return nil, fail(http.StatusNotImplemented, "not implemented: %s.", why)
		})
	}
}

var primary = registry.Target{Primary: true}

// primaryStatus is the primary's status in upstream's shape. The rings'
// counters come from the secondaries' status (translate.go).
func (s *Server) primaryStatus(r *http.Request) (any, error) {
	if s.reg == nil || s.reg.Lookup(primary) == nil {
		return nil, notFound(primary)
	}
	pri, secs, err := s.statuses(r)
	if err != nil {
		return nil, err
	}
	if pri == nil {
		return nil, notFound(primary)
	}
	return primaryStatus(pri, secs), nil
}

// primaryDo sends one command without data (clear, exit) to the primary.
func (s *Server) primaryDo(cmd func() proto.Command) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		_, err := s.call(r, primary, "", cmd())
		return nil, err
	}
}
