package serve

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"

	"github.com/spp-go/spp/common/component"
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
	b, err := readObject(r, "action", "type", "port", "mac_address")
	if err != nil {
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
	if typ == proto.EntryVLAN {
		if err := b.need("vlan"); err != nil {
			return nil, err
		}
		vid, err := b.integer("vlan", 0, 4095)
		if err != nil {
			return nil, err
		}
		args.VLAN = strconv.Itoa(vid)
	}
	if action == "del" {
		args.Port = "unuse"
	}
	return s.change(r, proto.TypeVF, proto.ClassifierTable(args))
}

// componentStart is POST .../components: a component with no ports (idle,
// protocol.md 9.2) next to what runs on its lcore. A name in use is
// refused, as upstream's `component start` did: the daemon's JSON
// component would replace it, ports and all.
func (s *Server) componentStart(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		t, err := secondary(r)
		if err != nil {
			return nil, err
		}
		b, err := readObject(r, "name", "core", "type")
		if err != nil {
			return nil, err
		}
		name, err := b.str("name")
		if err != nil || !nameRe.MatchString(name) {
			return nil, b.invalid("name")
		}
		core, err := b.integer("core", 0, maxLcore)
		if err != nil {
			return nil, err
		}
		tn, err := b.str("type")
		if err != nil {
			return nil, err
		}
		ct, ok := component.Lookup(typ, tn) // classifier_mac: classifier
		if !ok {
			return nil, b.invalid("type")
		}
		ss, err := s.open(r, t, typ, true)
		if err != nil {
			return nil, err
		}
		defer ss.close()
		rep, err := ss.do(proto.Status())
		if err != nil {
			return nil, err
		}
		in, err := secInfo(rep, t.String())
		if err != nil {
			return nil, err
		}
		for _, c := range in.Core {
			if c.Type != proto.CoreUnuse && c.Name == name {
				return nil, fail(http.StatusBadRequest, "command error: bad value(name): %s is already the name of the component on core %d", name, c.Core)
			}
		}
		_, err = ss.do(proto.Component(proto.ComponentArgs{
			CoreID: strconv.Itoa(core), Type: ct.Name, Name: name, Rx: []string{}, Tx: []string{},
		}), proto.Flush())
		return nil, err
	}
}

// nameRe is protocol.md 9.1's component name.
var nameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)

// maxLcore bounds a core id before the daemon judges it (DPDK's
// RTE_MAX_LCORE is at most a few thousand).
const maxLcore = 1 << 16

// componentStop is DELETE .../components/{name}: that component goes,
// whatever lcore it is on; the others stay.
func (s *Server) componentStop(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		return s.change(r, typ, proto.Component(proto.ComponentArgs{Type: component.None, Name: r.PathValue("name")}))
	}
}

// componentPort is PUT .../components/{name}/ports: the port command
// (protocol.md 9.3). attach adds the port (with its VLAN operation), detach
// removes it.
func (s *Server) componentPort(typ string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		b, err := readObject(r, "action", "port", "dir")
		if err != nil {
			return nil, err
		}
		action, err := b.oneOf("action", "attach", "detach")
		if err != nil {
			return nil, err
		}
		p, err := b.portName("port")
		if err != nil {
			return nil, err
		}
		dir, err := b.oneOf("dir", "rx", "tx")
		if err != nil {
			return nil, err
		}
		args := proto.PortArgs{Action: "add", Port: p, Dir: dir, Name: r.PathValue("name")}
		if action == "detach" {
			args.Action = "del"
		} else if _, ok := b["vlan"]; ok {
			if args.VLAN, err = b.vlan(); err != nil {
				return nil, err
			}
		}
		return s.change(r, typ, proto.Port(args))
	}
}

// vlan reads a port's VLAN operation: {"operation":"none"|"del"} or
// {"operation":"add","id":ID,"pcp":PCP}, as upstream takes it.
func (b body) vlan() (proto.VLANArgs, error) {
	var v struct {
		Operation string           `json:"operation"`
		ID        *json.RawMessage `json:"id"`
		PCP       *json.RawMessage `json:"pcp"`
	}
	if err := json.Unmarshal(b["vlan"], &v); err != nil {
		return proto.VLANArgs{}, b.invalid("vlan")
	}
	switch v.Operation {
	case proto.VLANNone, proto.VLANDel:
		return proto.VLANArgs{Op: v.Operation}, nil
	case proto.VLANAdd:
		vb := body{"id": raw(v.ID), "pcp": raw(v.PCP)}
		id, err1 := vb.integer("id", 1, 4094)
		pcp, err2 := vb.integer("pcp", 0, 7)
		if err1 != nil || err2 != nil {
			return proto.VLANArgs{}, b.invalid("vlan")
		}
		return proto.VLANArgs{Op: proto.VLANAdd, ID: strconv.Itoa(id), PCP: strconv.Itoa(pcp)}, nil
	}
	return proto.VLANArgs{}, b.invalid("vlan")
}

func raw(m *json.RawMessage) json.RawMessage {
	if m == nil {
		return nil
	}
	return *m
}
