package registry

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"
)

// Connections dropped at the handshake are reported at a bounded rate:
// anyone who can reach the ports can open them by the hundred, and every
// consumer of the events (the shell's announcements, a service's log) would
// otherwise print a line for each. Within a window, the first DropBurst
// drops are events of their own (peer and reason); the others are counted
// by reason and summarised when the window ends, in one event per reason:
// "412 more connections dropped in the last 10 s: no answer to process".
// After a window that needed a summary, the next one summarises from its
// first drop, so a steady flood costs one line per reason and window; once
// a whole window has passed without drops, drops get their own lines again.
var (
	DropWindow = 10 * time.Second
	DropBurst  = 3
)

// errNoAnswer is the handshake's timeout.
var errNoAnswer = errors.New("did not answer")

// dropReason is a drop's reason as a summary gives it (a drop's own event
// keeps its exact error): a few kinds, so that a summary stays a few lines.
func dropReason(err error) string {
	switch {
	case errors.Is(err, errNoAnswer):
		return "no answer to process"
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "hung up before answering process"
	}
	return "a bad reply to process"
}

// dropLimiter decides which Rejected events go out as they are and which
// are counted into a summary.
type dropLimiter struct {
	emit func(Event)

	mu         sync.Mutex // held while emitting: no summary overtakes a drop, none comes after stop
	open       bool       // a window runs
	sent       int        // drops sent one by one in this window
	counted    map[string]int
	order      []string  // reasons in the order first counted
	summarised bool      // the last window ended with a summary
	lastEnd    time.Time // when the last window ended
	timer      *time.Timer
	stopped    bool
}

// drop reports one dropped connection.
func (l *dropLimiter) drop(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	if !l.open {
		l.open = true
		l.timer = time.AfterFunc(DropWindow, l.endWindow)
		if time.Since(l.lastEnd) >= DropWindow {
			l.summarised = false // a quiet window since: the flood is over
		}
	}
	if !l.summarised && l.sent < DropBurst {
		l.sent++
		l.emit(e)
		return
	}
	why := dropReason(e.Err)
	if l.counted == nil {
		l.counted = map[string]int{}
	}
	if l.counted[why] == 0 {
		l.order = append(l.order, why)
	}
	l.counted[why]++
}

// endWindow sends the window's summaries.
func (l *dropLimiter) endWindow() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.summarised = len(l.order) > 0
	l.flushLocked()
}

// flushLocked sends the summaries of the open window and closes it.
func (l *dropLimiter) flushLocked() {
	for _, why := range l.order {
		l.emit(Event{Kind: Rejected, Count: l.counted[why], More: l.sent > 0, Window: DropWindow, Err: errors.New(why)})
	}
	l.open, l.sent, l.counted, l.order, l.lastEnd = false, 0, nil, nil, time.Now()
}

// stop sends what is counted and nothing after.
func (l *dropLimiter) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.stopped = true
	if l.timer != nil {
		l.timer.Stop()
	}
	l.flushLocked()
}

// summary is a summarising event's line.
func (e Event) summary() string {
	more, noun := "", "connections"
	if e.More {
		more = "more "
	}
	if e.Count == 1 {
		noun = "connection"
	}
	return fmt.Sprintf("%d %s%s dropped in the last %g s: %v", e.Count, more, noun, e.Window.Seconds(), e.Err)
}
