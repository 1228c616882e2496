// Package agenttest is the test kit of the agent's packages: a fake spp_vf
// that is the real configuration engine (common/engine) over a data plane
// that only records, so that a batch the agent sends is judged by the
// rules the daemon applies (vf.go); and a fake `spp serve` on loopback
// serving rest.md's native batch endpoint and event stream over such
// spp_vfs (controller.go). Only tests import it.
package agenttest

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/spp-go/spp/common/engine"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// VF is a spp_vf without DPDK: the engine, and a record of the batches it
// got and the rings it drained.
type VF struct {
	ID  int
	eng *engine.Engine
	dp  *recorder

	mu      sync.Mutex
	batches []string // every request but a lone status, compact
	refuse  bool     // answer every batch but a lone status with an error
}

// NewVF is a fresh spp_vf with client id id, main lcore main and worker
// lcores workers: nothing configured.
func NewVF(id, main int, workers ...int) *VF {
	dp := &recorder{main: main, workers: workers}
	return &VF{ID: id, dp: dp, eng: engine.New(dp, engine.Options{ProcessType: proto.TypeVF, ClientID: id})}
}

// Handle answers one request (a batch as JSON) as the daemon would.
func (v *VF) Handle(body []byte) []byte {
	var line bytes.Buffer
	refuse := false
	if json.Compact(&line, body) == nil && line.String() != `{"commands":[{"command":"status"}]}` {
		v.mu.Lock()
		v.batches = append(v.batches, line.String())
		refuse = v.refuse
		v.mu.Unlock()
	}
	req, err := proto.ParseBatch(body)
	rep := proto.BadFormatReply()
	switch {
	case err == nil && refuse:
		rep = proto.FailReply(len(req.Commands), 0, proto.ErrOccur("refused by the test"))
	case err == nil:
		rep, _ = v.eng.Handle(req)
	}
	var out bytes.Buffer
	if err := proto.Encode(&out, rep); err != nil {
		panic("agenttest: " + err.Error())
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

// Serve answers a request decoded off a daemon connection: the handler
// of a ctl/internal/ctltest daemon (ctltest.WithHandler), so that the VF
// can stand behind a real registry and spp serve.
func (v *VF) Serve(req *proto.Request) (proto.Reply, bool) {
	var raw []json.RawMessage
	for _, c := range req.Commands {
		raw = append(raw, c.Raw)
	}
	body, _ := json.Marshal(map[string]any{"commands": raw})
	var rep proto.Reply
	if err := json.Unmarshal(v.Handle(body), &rep); err != nil {
		panic("agenttest: " + err.Error())
	}
	return rep, false
}

// Do runs commands as one batch and returns the reply.
func (v *VF) Do(cmds ...proto.Command) proto.Reply {
	var rep proto.Reply
	if err := json.Unmarshal(v.Handle(proto.EncodeBatch(cmds...)), &rep); err != nil {
		panic("agenttest: " + err.Error())
	}
	return rep
}

// Status is the spp_vf's status as a client reads it off the wire.
func (v *VF) Status() *proto.SecondaryInfo {
	raw := v.Handle(proto.EncodeBatch(proto.Status()))
	var rep struct {
		Info proto.SecondaryInfo `json:"info"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		panic("agenttest: " + err.Error())
	}
	return &rep.Info
}

// Refuse makes the spp_vf answer every batch (but a lone status) with an
// error at its first command, applying nothing; Refuse(false) ends that.
func (v *VF) Refuse(on bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.refuse = on
}

// Batches are the requests received, compact, except lone status ones.
func (v *VF) Batches() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.batches...)
}

// Drained are the rings the engine asked the data plane to drain, in order.
func (v *VF) Drained() []string {
	v.dp.mu.Lock()
	defer v.dp.mu.Unlock()
	return append([]string(nil), v.dp.drained...)
}

// recorder is the engine's data plane: every call succeeds; drains are
// recorded.
type recorder struct {
	main    int
	workers []int

	mu      sync.Mutex
	drained []string
}

func (r *recorder) MainLcore() int                          { return r.main }
func (r *recorder) Workers() []int                          { return r.workers }
func (r *recorder) OpenPort(port.Port) error                { return nil }
func (r *recorder) ClosePort(port.Port) error               { return nil }
func (r *recorder) Apply(map[int][]*engine.Component) error { return nil }
func (r *recorder) PortStatus(p port.Port) proto.PortStatus {
	return proto.PortStatus{Port: p.String()}
}
func (r *recorder) ComponentCounters(*engine.Component) (uint64, uint64) { return 0, 0 }

func (r *recorder) DrainRing(p port.Port) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drained = append(r.drained, p.String())
	return 0, nil
}
