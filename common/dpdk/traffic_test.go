package dpdk_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/spp-go/spp/common/component"
	. "github.com/spp-go/spp/common/dpdk"
	"github.com/spp-go/spp/common/dpdk/dpdktest"
)

// The traffic of the tests that change components under load: a receiver
// that counts what reaches an endpoint, and a sender that keeps a bounded
// number of frames in flight.

// fwdConfig is a forward from rx to tx.
func fwdConfig(rx, tx *Endpoint) *Config {
	return &Config{Kernel: component.KernelForward, Rx: []*Endpoint{rx}, Tx: []*Endpoint{tx}}
}

// receiver takes everything that reaches an endpoint and counts it, in
// the background, until stop.
type receiver struct {
	n    atomic.Int64
	quit atomic.Bool
	done chan struct{}
}

// receive starts a receiver on e, stopped at the end of the test at the
// latest (before e is freed: cleanups run last registered first).
func receive(t *testing.T, e *Endpoint) *receiver {
	r := &receiver{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for !r.quit.Load() {
			if n := len(dpdktest.RecvFrames(e, 256)); n > 0 {
				r.n.Add(int64(n))
			} else {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	t.Cleanup(r.stop)
	return r
}

// got is how many frames the receiver has taken so far.
func (r *receiver) got() int64 { return r.n.Load() }

// stop ends the receiver and waits for it; what it has counted stays.
func (r *receiver) stop() {
	r.quit.Store(true)
	<-r.done
}

// sendPaced sends total frames to dst into e from p, 64 at a time, in the
// background. It waits while more than 512 of the frames it sent are not
// accounted for (accounted: how many of them came out, or were dropped),
// so that the consumers keep up and no ring overflows. The channel closes
// once every frame is sent, or at the end of the test, which stops it.
func sendPaced(t *testing.T, e *Endpoint, p *Mempool, dst uint64, total int, accounted func() int64) <-chan struct{} {
	sent := make(chan struct{})
	var abort atomic.Bool
	f := frame(dst)
	go func() {
		defer close(sent)
		for n := 0; n < total && !abort.Load(); {
			if int64(n)-accounted() > 512 {
				time.Sleep(10 * time.Microsecond)
				continue
			}
			n += dpdktest.SendFrames(e, p, f, min(64, total-n))
		}
	}()
	t.Cleanup(func() {
		abort.Store(true)
		<-sent
	})
	return sent
}

// whileSending changes components under load: it calls step(0), step(1),
// ... 200 µs apart until it finds sent closed (that round still steps), and
// returns how many calls there were, for the test to check that enough
// happened under traffic.
func whileSending(sent <-chan struct{}, step func(i int)) int {
	i := 0
	for done := false; !done; i++ {
		select {
		case <-sent:
			done = true
		default:
		}
		step(i)
		time.Sleep(200 * time.Microsecond)
	}
	return i
}
