package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// The staging operations below check the rules of protocol.md 3.3 and 9
// against e.staged and change it only when every check passed. Handle
// takes care of restoring the whole batch when a later command fails.

// maxNameLen bounds a component name; names are printed in tables and
// written by operators.
const maxNameLen = 32

// checkCore refuses a core that is not a worker lcore of this process.
func (e *Engine) checkCore(field string, core int) error {
	if core == e.main {
		return proto.ErrBadValue(field, fmt.Sprintf("core %d is the main lcore of this process", core))
	}
	if !e.isWorker[core] {
		return proto.ErrBadValue(field, fmt.Sprintf("core %d is not a worker lcore of this process", core))
	}
	return nil
}

// checkType finds a component type this daemon runs.
func (e *Engine) checkType(field, name string) (*component.Type, error) {
	t, ok := component.Lookup(e.opt.ProcessType, name)
	if !ok {
		return nil, proto.ErrBadValue(field, fmt.Sprintf("%q is not a component type of spp_%s (%s)",
			name, e.opt.ProcessType, strings.Join(component.Names(e.opt.ProcessType), ", ")))
	}
	return t, nil
}

// checkName refuses a malformed name (protocol.md 9.1).
func checkName(field, name string) error {
	if name == "" || len(name) > maxNameLen {
		return proto.ErrBadValue(field, fmt.Sprintf("a name has 1 to %d characters", maxNameLen))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return proto.ErrBadValue(field, fmt.Sprintf("%q: a name is letters, digits, '_', '-' and '.'", name))
		}
	}
	return nil
}

// checkPort refuses a port number past this process's limits. Like every
// rejected port name, that is "bad value(port)" (protocol.md 7).
func (e *Engine) checkPort(p port.Port) error {
	const field = "port"

	if lim, ok := e.opt.Limits[p.Kind]; ok && p.N >= lim {
		if lim == 0 {
			return proto.ErrBadValue(field, fmt.Sprintf("%s: this process has no %s ports", p, p.Kind))
		}
		return proto.ErrBadValue(field, fmt.Sprintf("%s: this process has %s0..%s%d", p, p.Kind, p.Kind, lim-1))
	}
	return nil
}

// checkFree refuses p as a new rx (tx false) or tx (tx true) port when a
// component other than those in skip already uses it that way.
func (e *Engine) checkFree(field string, p port.Port, tx bool, skip map[string]bool) error {
	if comp := e.staged.user(p, tx, skip); comp != nil {
		return proto.ErrBadValue(field, fmt.Sprintf("%s is already the %s port of %s on core %d", p, dirName(tx), comp.Name, comp.Core))
	}
	return nil
}

func dirName(tx bool) string {
	if tx {
		return "tx"
	}
	return "rx"
}

// countDetail says how many ports of one direction a type takes.
func countDetail(t *component.Type, tx bool, got int) string {
	lo, hi := t.RxMin, t.RxMax
	if tx {
		lo, hi = t.TxMin, t.TxMax
	}
	want := strconv.Itoa(lo)
	if hi != lo {
		want = fmt.Sprintf("%d to %d", lo, hi)
	}
	return fmt.Sprintf("%s takes %s %s port(s), got %d", t.Name, want, dirName(tx), got)
}

// stageComponent is the "component" command (protocol.md 9.1, 9.2).
//
// With a name it creates or replaces that component, moving it if its core
// differs, and leaves the other components alone; without one it replaces
// everything on the core with the component named TYPE followed by the
// core id (which replaces a component of that name on another core). Type
// none with a name removes that component, without one clears the core.
// Upper port limits are checked here; a component with fewer ports than
// its type needs is staged all the same, and stays idle until it has them.
//
// A translated text "component start" (fromText) creates a component next
// to those on its core, and refuses a name in use, as it always did.
func (e *Engine) stageComponent(c proto.ComponentCmd, fromText bool) error {
	if c.CoreID >= 0 {
		if err := e.checkCore("core_id", c.CoreID); err != nil {
			return err
		}
	}
	if c.Type == component.None {
		if c.Name == "" {
			for _, name := range e.staged.onCore(c.CoreID) {
				delete(e.staged.comps, name)
			}
			return nil
		}
		if e.staged.comps[c.Name] == nil {
			return proto.ErrBadValue("name", fmt.Sprintf("no component is named %q", c.Name))
		}
		delete(e.staged.comps, c.Name)
		return nil
	}
	t, err := e.checkType("type", c.Type)
	if err != nil {
		return err
	}
	name := c.Name
	if name == "" {
		name = t.Name + strconv.Itoa(c.CoreID)
	}
	if err := checkName("name", name); err != nil {
		return err
	}
	if old := e.staged.comps[name]; fromText && old != nil {
		return proto.ErrBadValue("name", fmt.Sprintf("%s is already the name of the component on core %d", name, old.Core))
	}
	// The components this one replaces: their ports are free for it.
	replaced := map[string]bool{name: true}
	if c.Name == "" {
		for _, n := range e.staged.onCore(c.CoreID) {
			replaced[n] = true
		}
	}
	comp := &Component{Name: name, Type: t.Name, Kernel: t.Kernel, Core: c.CoreID}
	for _, d := range []struct {
		field string
		list  []proto.PortSpec
		tx    bool
		hi    int
		out   *[]PortRef
	}{{"rx_ports", c.Rx, false, t.RxMax, &comp.Rx}, {"tx_ports", c.Tx, true, t.TxMax, &comp.Tx}} {
		if len(d.list) > d.hi {
			return proto.ErrBadValue(d.field, countDetail(t, d.tx, len(d.list)))
		}
		*d.out = []PortRef{}
		for i, s := range d.list {
			if err := e.checkPort(s.Port); err != nil {
				return err
			}
			for _, q := range d.list[:i] {
				if q.Port == s.Port {
					return proto.ErrBadValue(d.field, fmt.Sprintf("%s is listed twice", s.Port))
				}
			}
			if err := e.checkFree(d.field, s.Port, d.tx, replaced); err != nil {
				return err
			}
			*d.out = append(*d.out, PortRef{Port: s.Port, VLAN: vlanOp(s.VLAN)})
		}
	}
	for n := range replaced {
		delete(e.staged.comps, n)
	}
	e.staged.comps[name] = comp
	return nil
}

// portOp is the "port" command (protocol.md 9.3): one port of a staged
// component, upper limits checked as the port is added.
func (e *Engine) portOp(c proto.PortCmd) error {
	old := e.staged.comps[c.Name]
	if old == nil {
		return proto.ErrBadValue("name", fmt.Sprintf("no component is named %q", c.Name))
	}
	tx := c.Dir == "tx"
	comp := old.clone()
	list := &comp.Rx
	if tx {
		list = &comp.Tx
	}
	switch c.Action {
	case "add":
		if err := e.checkPort(c.Port); err != nil {
			return err
		}
		for _, r := range *list {
			if r.Port == c.Port {
				return proto.ErrBadValue("port", fmt.Sprintf("%s is already a %s port of %s", c.Port, c.Dir, c.Name))
			}
		}
		t, _ := component.ByKernel(comp.Kernel)
		hi := t.RxMax
		if tx {
			hi = t.TxMax
		}
		if len(*list) >= hi {
			return proto.ErrBadValue("port", fmt.Sprintf("%s already has %d %s port(s), the most a %s takes", c.Name, hi, c.Dir, t.Name))
		}
		if err := e.checkFree("port", c.Port, tx, map[string]bool{c.Name: true}); err != nil {
			return err
		}
		*list = append(*list, PortRef{Port: c.Port, VLAN: vlanOp(c.VLAN)})
	case "del":
		i := 0
		for i < len(*list) && (*list)[i].Port != c.Port {
			i++
		}
		if i == len(*list) {
			return proto.ErrBadValue("port", fmt.Sprintf("%s is not a %s port of %s", c.Port, c.Dir, c.Name))
		}
		*list = append((*list)[:i:i], (*list)[i+1:]...)
	}
	e.staged.comps[c.Name] = comp
	return nil
}
