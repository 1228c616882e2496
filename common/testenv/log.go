package testenv

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Log collects the log lines of the code under test (its Logf), written
// from several goroutines; a test asks what they say and prints them when
// it fails.
type Log struct {
	mu    sync.Mutex
	lines []string
}

// Logf adds a line, prefixed with the time of day to the millisecond.
func (l *Log) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, time.Now().Format("15:04:05.000 ")+fmt.Sprintf(format, args...))
}

// Lines are the lines so far.
func (l *Log) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Count is how many lines hold s.
func (l *Log) Count(s string) int {
	n := 0
	for _, line := range l.Lines() {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// Has reports whether a line holds s.
func (l *Log) Has(s string) bool { return l.Count(s) > 0 }

func (l *Log) String() string { return strings.Join(l.Lines(), "\n") }
