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
	case proto.CmdProcess:
		b.process = true
	case proto.CmdStatus:
		b.status = true
	case proto.CmdExit:
		b.exit = true
	case proto.CmdFlush:
		// Step 1 of flush: the staged state holds no rule violation (each
		// command checked its own), only classifier entries orphaned by
		// component changes, which go now.
		b.pruned = append(b.pruned, e.staged.prune()...)
		b.commit, b.flushAt = e.staged.clone(), i
	case proto.CmdCancel:
		// Back to the last flush, which may be earlier in this batch.
		if b.commit != nil {
			e.staged = b.commit.clone()
		} else {
			e.staged = e.active.clone()
		}
	case proto.CmdComponent:
		c, err := cmd.Component()
		if err != nil {
			return err
		}
		return e.stageComponent(c, cmd.FromText)
	case proto.CmdPort:
		c, err := cmd.PortOp()
		if err != nil {
			return err
		}
		return e.portOp(c)
	case proto.CmdClassifierTable:
		if e.opt.ProcessType != proto.TypeVF {
			return proto.ErrBadValue("command", "spp_"+e.opt.ProcessType+" has no classifier_table")
		}
		c, err := cmd.Classifier()
		if err != nil {
			return err
		}
		return e.classify(c)
	default:
		return proto.ErrBadValue("command", "unknown command "+quote(cmd.Name)+" for spp_"+e.opt.ProcessType)
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }
