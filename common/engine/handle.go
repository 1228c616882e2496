package engine

import (
	"github.com/spp-go/spp/common/proto"
)

// batch is what the commands of one request leave for after the last one.
type batch struct {
	commit  *config  // the staged state at the last flush; nil: no flush
	flushAt int      // index of that flush
	pruned  []string // classifier entries the flushes removed, for the log
	process bool
	status  bool
	exit    bool
}

// Handle runs one request as an atomic batch (protocol.md section 3) and
// says whether the daemon should exit after replying. It implements
// daemon.Handler.
func (e *Engine) Handle(req *proto.Request) (proto.Reply, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(req.Commands)
	saved := e.staged.clone()
	var b batch
	for i, cmd := range req.Commands {
		if err := e.run(i, cmd, &b); err != nil {
			e.staged = saved
			return proto.FailReply(n, i, err), false
		}
	}
	if b.commit != nil {
		if err := e.commit(b.commit); err != nil {
			e.staged = saved
			e.logf("flush failed: %v", err)
			return proto.FailReply(n, b.flushAt, err), false
		}
		for _, g := range b.pruned {
			e.logf("flush removed classifier entry %s: the port is no longer a tx port of a classifier", g)
		}
	}
	rep := proto.SuccessReply(n)
	if b.process {
		id := e.opt.ClientID
		rep.ClientID, rep.ProcessType = &id, e.opt.ProcessType
	}
	if b.status {
		rep.Info = e.info()
	}
	return rep, b.exit
}

// run stages one command.
func (e *Engine) run(i int, cmd proto.Command, b *batch) error {
	if err := cmd.Err(); err != nil {
		return err
	}
	switch cmd.Name {
	case "process":
		b.process = true
	case "status":
		b.status = true
	case "exit":
		b.exit = true
	case "flush":
		gone, err := e.validate()
		if err != nil {
			return err
		}
		b.pruned = append(b.pruned, gone...)
		b.commit, b.flushAt = e.staged.clone(), i
	case "cancel":
		// Back to the last flush, which may be earlier in this batch.
		if b.commit != nil {
			e.staged = b.commit.clone()
		} else {
			e.staged = e.active.clone()
		}
	case "component":
		c, err := cmd.Component()
		if err != nil {
			return err
		}
		return e.stageComponent(c.CoreID, c.Type, c.Name, c.Rx, c.Tx)
	case "classifier_table":
		if e.opt.ProcessType != proto.TypeVF {
			return proto.ErrBadValue("command", "spp_"+e.opt.ProcessType+" has no classifier_table")
		}
		c, err := cmd.Classifier()
		if err != nil {
			return err
		}
		k := entryKey{mac: c.MAC, isDef: c.Default}
		switch {
		case c.Unuse:
			e.unuseEntry(k)
		case c.Action == "del":
			return e.delEntry(k, c.Port)
		default:
			return e.mapEntry(k, c.Port)
		}
	case "component_start":
		c, err := cmd.ComponentStart()
		if err != nil {
			return err
		}
		return e.startComponent(c.Name, c.CoreID, c.Type)
	case "component_stop":
		name, err := cmd.ComponentStop()
		if err != nil {
			return err
		}
		return e.stopComponent(name)
	case "port":
		c, err := cmd.PortOp()
		if err != nil {
			return err
		}
		return e.portOp(c.Action, c.Dir, c.Name, c.Port)
	default:
		return proto.ErrBadValue("command", "unknown command "+quote(cmd.Name)+" for spp_"+e.opt.ProcessType)
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }
