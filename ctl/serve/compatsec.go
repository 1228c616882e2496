package serve

import (
	"net/http"

	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// /v1/vfs/{id} and /v1/mirrors/{id}: a secondary of that type, else 404
// (a vf's id asked for under /v1/mirrors/ too).

// secondary reads the {id} of a secondary path.
func secondary(r *http.Request) (registry.Target, error) {
	id, err := clientID(r)
	return registry.Target{ID: id}, err
}

func (s *Server) secondaryGet(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		t, err := secondary(r)
		if err != nil {
			return nil, err
		}
		rep, err := s.call(r, t, typ, proto.Status())
		if err != nil {
			return nil, err
		}
		in, err := secInfo(rep, t.String())
		if err != nil {
			return nil, err
		}
		return secondaryStatus(in), nil
	}
}

func (s *Server) secondaryExit(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		t, err := secondary(r)
		if err != nil {
			return nil, err
		}
		_, err = s.call(r, t, typ, proto.Exit())
		return nil, err
	}
}

// change sends one command and a flush to the secondary of the path: one
// batch, applied all or nothing.
func (s *Server) change(r *http.Request, typ string, cmd proto.Command) (any, error) {
	t, err := secondary(r)
	if err != nil {
		return nil, err
	}
	_, err = s.call(r, t, typ, cmd, proto.Flush())
	return nil, err
}

// portName reads a port in upstream's form (phy:0, ring:0, vhost:0; the
// canonical nic0 too) and returns its canonical name.
func (b body) portName(key string) (string, error) {
	s, err := b.str(key)
	if err != nil {
		return "", err
	}
	p, err := port.Parse(s)
	if err != nil {
		return "", b.invalid(key)
	}
	return p.String(), nil
}

// macOrDefault reads a MAC address (six pairs of hex digits separated by
// ':') or "default".
func (b body) macOrDefault(key string) (string, error) {
	s, err := b.str(key)
	if err != nil {
		return "", err
	}
	if _, ok := proto.ParseMAC(s); !ok && s != "default" {
		return "", b.invalid(key)
	}
	return s, nil
}

// classifierTable is PUT /v1/vfs/{id}/classifier_table: add maps the MAC
// (of a VLAN, for type vlan) to the port; del removes the MAC's entry, and
// succeeds when there is none (networking-spp detaches and re-attaches a
// port, which removes its entries, before it deletes them): it is the
// daemon's `unuse`.
func (s *Server) classifierTable(r *http.Request) (any, error) {
	b, err := readObject(r)
	if err != nil {
		return nil, err
	}
	if err := b.need("action", "type", "port", "mac_address"); err != nil {
		return nil, err
	}
	action, err := b.oneOf("action", "add", "del")
	if err != nil {
		return nil, err
	}
	typ, err := b.oneOf("type", "mac", "vlan")
	if err != nil {
		return nil, err
	}
	p, err := b.portName("port")
	if err != nil {
		return nil, err
	}
	mac, err := b.macOrDefault("mac_address")
	if err != nil {
		return nil, err
	}
	args := proto.ClassifierArgs{Type: typ, Value: mac, Port: p}
	if typ == "vlan" {
		if err := b.need("vlan"); err != nil {
			return nil, err
		}
		vid, err := b.integer("vlan", 0, 4095)
		if err != nil {
			return nil, err
		}
		_ = vid
		return nil, needsV2
	}
	if action == "del" {
		args.Port = "unuse"
	}
	return s.change(r, proto.TypeVF, proto.ClassifierTable(args))
}

// needsV2 answers the calls that need protocol version 2 (idle components,
// the port command, VLAN) until the daemons speak it.
var needsV2 = fail(http.StatusNotImplemented, "not implemented yet: this call needs protocol version 2 (protocol.md section 9).")

func (s *Server) componentStart(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) { return nil, needsV2 }
}

func (s *Server) componentStop(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) { return nil, needsV2 }
}

func (s *Server) componentPort(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) { return nil, needsV2 }
}
