package engine

import (
	"fmt"

	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// The classifier_table command on the staged table (protocol.md 3.3, 9.4).

// entry selects one classifier_table row: the default, or a key
// (entryKey(vlan, MAC), VLAN id 0 for a mac entry).
type entry struct {
	key   uint64
	isDef bool
}

func entryOf(c proto.ClassifierCmd) entry {
	return entry{key: entryKey(c.VLAN, c.MAC), isDef: c.Default}
}

func (k entry) String() string {
	if k.isDef {
		return "default"
	}
	return describeKey(k.key)
}

// mapped returns the port the entry maps to.
func (c *config) mapped(k entry) (port.Port, bool) {
	if k.isDef {
		if c.def == nil {
			return port.Port{}, false
		}
		return *c.def, true
	}
	p, ok := c.macs[k.key]
	return p, ok
}

func (c *config) unmap(k entry) {
	if k.isDef {
		c.def = nil
	} else {
		delete(c.macs, k.key)
	}
}

// classify runs one classifier_table command.
func (e *Engine) classify(c proto.ClassifierCmd) error {
	k := entryOf(c)
	switch {
	case c.Unuse:
		e.staged.unmap(k) // no error if it was not mapped
		return nil
	case c.Action == "del":
		return e.delEntry(k, c.Port)
	default:
		return e.mapEntry(k, c.Port)
	}
}

// mapEntry adds an entry, which must not be mapped elsewhere, to a tx port
// of a staged classifier.
func (e *Engine) mapEntry(k entry, p port.Port) error {
	if err := e.checkPort(p); err != nil {
		return err
	}
	if !e.staged.classifierTx()[p] {
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
		e.staged.macs[k.key] = p
	}
	return nil
}

// delEntry is "classifier_table" with action del (the text "classifier_table
// del"): the entry must be mapped to p.
func (e *Engine) delEntry(k entry, p port.Port) error {
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
