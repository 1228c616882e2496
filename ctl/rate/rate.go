// Package rate turns two status snapshots of one process into rates:
// packets per second per port (rx, tx, and their drops) and per component,
// and Mbit/s per port where the status has byte counters (rx_bytes,
// tx_bytes: ethdev ports whose driver counts bytes; never a ring).
//
// Counters only go up, except in two cases, and no rate is ever negative:
//
//   - A uint64 counter that passes 2^64-1 wraps to a small value. A counter
//     that went down by more than 2^63 wrapped: the rate is the distance
//     counted modulo 2^64.
//   - A counter that went down otherwise was reset: the process restarted,
//     or a flush replaced the component or the port. It counted from zero
//     at some moment within the interval, so its rate is its new value over
//     the interval: a lower bound (exact from the next interval on), flagged
//     Reset. Whatever went down, the whole port (or component) is taken as
//     reset, its other counters too.
//
// A port's byte counters are taken apart from its packet counters: they
// are the ethdev's, which a secondary's restart does not reset and the
// primary's clear does, while its packets are the secondary's own. Bytes
// that went down reset the Mbit/s only, and packets the pps only; either
// sets Reset.
//
// A restart after which every counter of a port ends above its old value
// cannot be seen in the counters: whoever knows the process reconnected
// calls Tracker.Forget.
package rate

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/spp-go/spp/common/proto"
)

// Snapshot is the counters of one process, and when they were read.
type Snapshot struct {
	At    time.Time
	Ports []proto.PortStatus
	Cores []proto.CoreStatus // none for the primary
}

// Secondary is the snapshot of a secondary's status read at at.
func Secondary(at time.Time, si *proto.SecondaryInfo) Snapshot {
	return Snapshot{At: at, Ports: si.Ports, Cores: si.Core}
}

// Primary is the snapshot of the primary's status read at at.
func Primary(at time.Time, pi *proto.PrimaryInfo) Snapshot {
	return Snapshot{At: at, Ports: pi.Ports}
}

// PortRate is the packets per second of one port, and its Mbit/s when
// both snapshots have its byte counters (else nil).
type PortRate struct {
	Port      string   `json:"port"`
	RxPPS     float64  `json:"rx_pps"`
	TxPPS     float64  `json:"tx_pps"`
	RxDropPPS float64  `json:"rx_drop_pps"`
	TxDropPPS float64  `json:"tx_drop_pps"`
	RxMbps    *float64 `json:"rx_mbps,omitempty"`
	TxMbps    *float64 `json:"tx_mbps,omitempty"`
	Reset     bool     `json:"reset,omitempty"` // its counters were reset within the interval
}

// CoreRate is the packets per second of one component.
type CoreRate struct {
	Core    int     `json:"core"`
	Name    string  `json:"name,omitempty"`
	PPS     float64 `json:"pps"`
	DropPPS float64 `json:"drop_pps"`
	Reset   bool    `json:"reset,omitempty"`
}

// Rates is what Between computes. A port or component of the newer
// snapshot that the older one lacks has no rate (it is not listed); idle
// lcores are not listed.
type Rates struct {
	Seconds float64    `json:"seconds"` // the interval
	Ports   []PortRate `json:"ports"`
	Core    []CoreRate `json:"core,omitempty"`
}

// Port returns the rate of the port named name.
func (r Rates) Port(name string) (PortRate, bool) {
	for _, p := range r.Ports {
		if p.Port == name {
			return p, true
		}
	}
	return PortRate{}, false
}

// Component returns the rate of the component c is the status of: by its
// name (protocol v2 runs several components on one lcore), by its lcore
// when the status names none.
func (r Rates) Component(c proto.CoreStatus) (CoreRate, bool) {
	for _, cr := range r.Core {
		if cr.Core == c.Core && cr.Name == c.Name {
			return cr, true
		}
	}
	return CoreRate{}, false
}

// ErrInterval: the newer snapshot is not later than the older one.
var ErrInterval = errors.New("rate: the snapshots are not in time order")

// Between computes the rates from prev to cur, two snapshots of the same
// process, cur taken after prev.
func Between(prev, cur Snapshot) (Rates, error) {
	dt := cur.At.Sub(prev.At)
	if dt <= 0 {
		return Rates{}, ErrInterval
	}
	r := Rates{Seconds: round(dt.Seconds(), 1000), Ports: []PortRate{}}
	old := map[string]proto.PortStatus{}
	for _, p := range prev.Ports {
		old[p.Port] = p
	}
	for _, p := range cur.Ports {
		o, ok := old[p.Port]
		if !ok {
			continue
		}
		v, reset := counts([]uint64{o.Rx, o.Tx, o.RxDrop, o.TxDrop}, []uint64{p.Rx, p.Tx, p.RxDrop, p.TxDrop})
		pr := PortRate{
			Port:  p.Port,
			RxPPS: PerSecond(v[0], dt), TxPPS: PerSecond(v[1], dt),
			RxDropPPS: PerSecond(v[2], dt), TxDropPPS: PerSecond(v[3], dt),
			Reset: reset,
		}
		if hasBytes(o) && hasBytes(p) {
			b, breset := counts([]uint64{*o.RxBytes, *o.TxBytes}, []uint64{*p.RxBytes, *p.TxBytes})
			rx, tx := MbitPerSecond(b[0], dt), MbitPerSecond(b[1], dt)
			pr.RxMbps, pr.TxMbps, pr.Reset = &rx, &tx, reset || breset
		}
		r.Ports = append(r.Ports, pr)
	}
	oldc := map[string]proto.CoreStatus{}
	for _, c := range prev.Cores {
		oldc[compKey(c)] = c
	}
	for _, c := range cur.Cores {
		o, ok := oldc[compKey(c)]
		if idle(c) || !ok || idle(o) {
			continue
		}
		v, reset := counts([]uint64{o.Packets, o.Drops}, []uint64{c.Packets, c.Drops})
		if changed(o, c) { // a new component of that name: its counters started again
			v, reset = []uint64{c.Packets, c.Drops}, true
		}
		r.Core = append(r.Core, CoreRate{
			Core: c.Core, Name: c.Name,
			PPS: PerSecond(v[0], dt), DropPPS: PerSecond(v[1], dt),
			Reset: reset,
		})
	}
	return r, nil
}

// counts is what the counters of one port or component counted over the
// interval. If any was reset, all were (a restart resets them all), and
// each count is the counter's new value.
func counts(prev, cur []uint64) ([]uint64, bool) {
	out := make([]uint64, len(cur))
	for i := range cur {
		d, reset := Delta(prev[i], cur[i])
		if reset {
			return cur, true
		}
		out[i] = d
	}
	return out, false
}

// hasBytes says whether a port's status has both byte counters.
func hasBytes(p proto.PortStatus) bool { return p.RxBytes != nil && p.TxBytes != nil }

func idle(c proto.CoreStatus) bool { return c.Type == proto.CoreUnuse || c.Type == "" }

// changed says whether the component of one key was replaced between two
// snapshots. A daemon restarts a component's counters from 0 whenever it
// changes in any way (protocol v2: another type, lcore, state, port or VLAN
// operation), so such a component counted from 0 at some moment within
// the interval even when its counters went up.
func changed(o, c proto.CoreStatus) bool {
	return o.Type != c.Type || o.Core != c.Core || o.State != c.State ||
		!slices.Equal(o.RxPort, c.RxPort) || !slices.Equal(o.TxPort, c.TxPort)
}

// compKey names a component within its process: by name (protocol v2 has
// several per lcore), by lcore when the status gives no name.
func compKey(c proto.CoreStatus) string {
	if c.Name != "" {
		return "name " + c.Name
	}
	return "core " + strconv.Itoa(c.Core)
}

// Delta is what a counter counted from prev to cur, and whether it was
// reset meanwhile (see the package doc): then the count is unknown and
// cur is what it counted since the reset.
func Delta(prev, cur uint64) (uint64, bool) {
	d := cur - prev // modulo 2^64: right across a wrap
	if cur < prev && d >= 1<<63 {
		return cur, true // went down, and not by a wrap
	}
	return d, false
}

// PerSecond is n over dt, rounded to a tenth.
func PerSecond(n uint64, dt time.Duration) float64 {
	if dt <= 0 {
		return 0
	}
	return round(float64(n)/dt.Seconds(), 10)
}

// MbitPerSecond is n bytes over dt in Mbit/s (10^6 bits), rounded to a
// thousandth (1 kbit/s).
func MbitPerSecond(n uint64, dt time.Duration) float64 {
	if dt <= 0 {
		return 0
	}
	return round(float64(n)*8/1e6/dt.Seconds(), 1000)
}

func round(v, unit float64) float64 { return math.Round(v*unit) / unit }

// Tracker keeps the last snapshot of each process, so that each status
// gives rates since the previous one. It is safe for concurrent use.
type Tracker struct {
	mu   sync.Mutex
	last map[string]Snapshot
}

// Observe records s as the latest snapshot of the process key ("pri",
// "sec 1") and returns the rates since the previous one; false when there
// is none. A snapshot not newer than the kept one (two statuses read at
// once, recorded out of order) gives no rates and is not kept.
func (t *Tracker) Observe(key string, s Snapshot) (Rates, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]Snapshot{}
	}
	prev, ok := t.last[key]
	if ok && !s.At.After(prev.At) {
		return Rates{}, false
	}
	t.last[key] = s
	if !ok {
		return Rates{}, false
	}
	r, err := Between(prev, s)
	return r, err == nil
}

// Has tells whether a snapshot of key is kept.
func (t *Tracker) Has(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.last[key]
	return ok
}

// Forget drops the snapshot of key: the process left or reconnected, and
// its counters are another process's.
func (t *Tracker) Forget(key string) { t.ForgetBefore(key, time.Time{}) }

// ForgetBefore drops the snapshot of key if it was read before since (a
// zero since: whenever read). A process that joined at since may have been
// asked for its status before the news of its joining arrived: that
// status is its own, and stays.
func (t *Tracker) ForgetBefore(key string, since time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.last[key]; ok && (since.IsZero() || s.At.Before(since)) {
		delete(t.last, key)
	}
}
