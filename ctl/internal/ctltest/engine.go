package ctltest

import (
	"github.com/spp-go/spp/common/engine"
	"github.com/spp-go/spp/common/port"
	"github.com/spp-go/spp/common/proto"
)

// nullDP is a data plane that does nothing: enough for the engine to
// stage, flush and report (lcores 2..7, main lcore 1, counters 0).
type nullDP struct{}

func (nullDP) MainLcore() int                                       { return 1 }
func (nullDP) Workers() []int                                       { return []int{2, 3, 4, 5, 6, 7} }
func (nullDP) OpenPort(port.Port) error                             { return nil }
func (nullDP) ClosePort(port.Port) error                            { return nil }
func (nullDP) Apply(map[int][]*engine.Component) error              { return nil }
func (nullDP) DrainRing(port.Port) (uint64, error)                  { return 0, nil }
func (nullDP) PortStatus(p port.Port) proto.PortStatus              { return proto.PortStatus{Port: p.String()} }
func (nullDP) ComponentCounters(*engine.Component) (uint64, uint64) { return 0, 0 }

// WithEngine makes the daemon answer through a secondary's real engine
// (common/engine) of process type ptype, over a data plane that does
// nothing: what the engine accepts, refuses and reports is the daemon's.
func WithEngine(ptype string, id int) func(*Daemon) {
	return WithHandler(engine.New(nullDP{}, engine.Options{ProcessType: ptype, ClientID: id}).Handle)
}
