package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// The staging operations below check the rules of protocol.md 3.3 against
// e.staged and change it only when every check passed. Handle takes care of
// restoring the whole batch when a later command fails.

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

// checkName refuses a malformed name, or one another core already uses.
func (e *Engine) checkName(field, name string, core int) error {
	if name == "" || len(name) > maxNameLen {
		return proto.ErrBadValue(field, fmt.Sprintf("a name has 1 to %d characters", maxNameLen))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return proto.ErrBadValue(field, fmt.Sprintf("%q: a name is letters, digits, '_', '-' and '.'", name))
		}
	}
	if id, _ := e.staged.byName(name); id >= 0 && id != core {
		return proto.ErrBadValue(field, fmt.Sprintf("%s is already the name of the component on core %d", name, id))
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
// component other than the one on core skip already uses it that way.
func (e *Engine) checkFree(field string, p port.Port, tx bool, skip int) error {
	if id, comp := e.staged.user(p, tx, skip); id >= 0 {
		return proto.ErrBadValue(field, fmt.Sprintf("%s is already the %s port of %s on core %d", p, dirName(tx), comp.Name, id))
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

// stageComponent is the JSON "component" command: checked completely,
// port counts included, then put on core in place of what was staged there.
// Type none clears the core.
func (e *Engine) stageComponent(core int, typ, name string, rx, tx []port.Port) error {
	if err := e.checkCore("core_id", core); err != nil {
		return err
	}
	if typ == component.None {
		delete(e.staged.cores, core)
		return nil
	}
	t, err := e.checkType("type", typ)
	if err != nil {
		return err
	}
	if name == "" {
		name = t.Name + strconv.Itoa(core)
	}
	if err := e.checkName("name", name, core); err != nil {
		return err
	}
	for _, d := range []struct {
		field  string
		list   []port.Port
		tx     bool
		lo, hi int
	}{{"rx_ports", rx, false, t.RxMin, t.RxMax}, {"tx_ports", tx, true, t.TxMin, t.TxMax}} {
		if len(d.list) < d.lo || len(d.list) > d.hi {
			return proto.ErrBadValue(d.field, countDetail(t, d.tx, len(d.list)))
		}
		for i, p := range d.list {
			if err := e.checkPort(p); err != nil {
				return err
			}
			for _, q := range d.list[:i] {
				if q == p {
					return proto.ErrBadValue(d.field, fmt.Sprintf("%s is listed twice", p))
				}
			}
			if err := e.checkFree(d.field, p, d.tx, core); err != nil {
				return err
			}
		}
	}
	e.staged.cores[core] = &Component{
		Name: name, Type: t.Name, Kernel: t.Kernel,
		Rx: append([]port.Port(nil), rx...), Tx: append([]port.Port(nil), tx...),
	}
	return nil
}

// startComponent is the text "component start NAME CORE TYPE": a component
// with no ports yet on a free core. Ports come with portOp; lower port
// limits are checked at flush.
func (e *Engine) startComponent(name string, core int, typ string) error {
	if err := e.checkName("name", name, core); err != nil {
		return err
	}
	if err := e.checkCore("core_id", core); err != nil {
		return err
	}
	if typ == component.None {
		return proto.ErrBadValue("type", "component start needs a type that runs; use component stop to clear a core")
	}
	t, err := e.checkType("type", typ)
	if err != nil {
		return err
	}
	if old := e.staged.cores[core]; old != nil {
		return proto.ErrBadValue("core_id", fmt.Sprintf("core %d already runs %s; stop it first", core, old.Name))
	}
	e.staged.cores[core] = &Component{Name: name, Type: t.Name, Kernel: t.Kernel}
	return nil
}

// stopComponent is the text "component stop NAME": clears its core.
func (e *Engine) stopComponent(name string) error {
	core, _ := e.staged.byName(name)
	if core < 0 {
		return proto.ErrBadValue("name", fmt.Sprintf("no component is named %q", name))
	}
	delete(e.staged.cores, core)
	return nil
}

// portOp is the text "port add|del PORT rx|tx NAME": one port of a staged
// component, upper limits checked as the port is added.
func (e *Engine) portOp(action, dir, name string, p port.Port) error {
	core, comp := e.staged.byName(name)
	if core < 0 {
		return proto.ErrBadValue("name", fmt.Sprintf("no component is named %q", name))
	}
	var tx bool
	switch dir {
	case "rx":
	case "tx":
		tx = true
	default:
		return proto.ErrBadValue("dir", fmt.Sprintf("%q is neither rx nor tx", dir))
	}
	list := &comp.Rx
	if tx {
		list = &comp.Tx
	}
	switch action {
	case "add":
		if err := e.checkPort(p); err != nil {
			return err
		}
		for _, q := range *list {
			if q == p {
				return proto.ErrBadValue("port", fmt.Sprintf("%s is already a %s port of %s", p, dir, name))
			}
		}
		t, _ := component.Lookup(e.opt.ProcessType, comp.Type)
		hi := t.RxMax
		if tx {
			hi = t.TxMax
		}
		if len(*list) >= hi {
			return proto.ErrBadValue("port", fmt.Sprintf("%s already has %d %s port(s), the most a %s takes", name, hi, dir, t.Name))
		}
		if err := e.checkFree("port", p, tx, core); err != nil {
			return err
		}
		*list = append(*list, p)
	case "del":
		for i, q := range *list {
			if q == p {
				*list = append((*list)[:i:i], (*list)[i+1:]...)
				return nil
			}
		}
		return proto.ErrBadValue("port", fmt.Sprintf("%s is not a %s port of %s", p, dir, name))
	default:
		return proto.ErrBadValue("action", fmt.Sprintf("%q is neither add nor del", action))
	}
	return nil
}

// entryKey selects one classifier_table row: a MAC, or the default.
type entryKey struct {
	mac   uint64
	isDef bool
}

func (k entryKey) String() string {
	if k.isDef {
		return "default"
	}
	return proto.FormatMAC(k.mac)
}

// mapped returns the port the entry maps to.
func (c *config) mapped(k entryKey) (port.Port, bool) {
	if k.isDef {
		if c.def == nil {
			return port.Port{}, false
		}
		return *c.def, true
	}
	p, ok := c.macs[k.mac]
	return p, ok
}

func (c *config) unmap(k entryKey) {
	if k.isDef {
		c.def = nil
	} else {
		delete(c.macs, k.mac)
	}
}

// mapEntry is "classifier_table" with a port: add the entry, which must not
// be mapped elsewhere, to a tx port of a staged classifier.
func (e *Engine) mapEntry(k entryKey, p port.Port) error {
	if err := e.checkPort(p); err != nil {
		return err
	}
	if !e.staged.classifierTx(p) {
		return proto.ErrBadValue("port", fmt.Sprintf("%s is not a tx port of a classifier", p))
	}
	if q, ok := e.staged.mapped(k); ok {
		if q == p {
			return nil
		}
		return proto.ErrBadValue("value", fmt.Sprintf("%s is mapped to %s; unuse it first", k, q))
	}
	if k.isDef {
		d := p
		e.staged.def = &d
	} else {
		e.staged.macs[k.mac] = p
	}
	return nil
}

// unuseEntry is "classifier_table" with port unuse: the entry goes wherever
// it is, and it is no error if it was not mapped.
func (e *Engine) unuseEntry(k entryKey) {
	e.staged.unmap(k)
}

// delEntry is the text "classifier_table del mac MAC PORT": the entry must
// be mapped to p.
func (e *Engine) delEntry(k entryKey, p port.Port) error {
	q, ok := e.staged.mapped(k)
	if !ok {
		return proto.ErrBadValue("value", fmt.Sprintf("%s is not mapped", k))
	}
	if q != p {
		return proto.ErrBadValue("port", fmt.Sprintf("%s is mapped to %s, not %s", k, q, p))
	}
	e.staged.unmap(k)
	return nil
}
