package console

import (
	"bytes"
	"slices"
	"sync"
	"syscall"
	"testing"

	"github.com/c-bata/go-prompt"
)

// fakeTerm is the wrapped parser: each Read returns the next chunk the test
// queued, then EAGAIN as a non-blocking terminal does.
type fakeTerm struct {
	mu               sync.Mutex
	chunks           [][]byte
	setups, teardown int
}

func (f *fakeTerm) push(s ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range s {
		f.chunks = append(f.chunks, []byte(c))
	}
}

func (f *fakeTerm) Setup() error    { f.mu.Lock(); f.setups++; f.mu.Unlock(); return nil }
func (f *fakeTerm) TearDown() error { f.mu.Lock(); f.teardown++; f.mu.Unlock(); return nil }
func (f *fakeTerm) GetWinSize() *prompt.WinSize {
	return &prompt.WinSize{Row: 24, Col: 80}
}
func (f *fakeTerm) Read() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.chunks) == 0 {
		return []byte{}, syscall.EAGAIN
	}
	c := f.chunks[0]
	f.chunks = f.chunks[1:]
	return c, nil
}

// reads calls Read n times and returns what each returned ("!" + error).
func reads(p *Parser, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		b, err := p.Read()
		if err != nil {
			out = append(out, "!"+err.Error())
			continue
		}
		out = append(out, string(b))
	}
	return out
}

func TestParserOneKeyPerRead(t *testing.T) {
	ft := &fakeTerm{}
	p := New(ft, nil)
	p.Setup()
	ft.push("sec 1;status\r", "x")
	got := reads(p, 3)
	want := []string{"sec 1;status", "\r", "!" + ErrHeld.Error()}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The next line starts: the chunk that arrived meanwhile is read.
	p.TearDown()
	p.Setup()
	if got := reads(p, 2); !slices.Equal(got, []string{"x", "!" + syscall.EAGAIN.Error()}) {
		t.Fatalf("after Setup: %q", got)
	}
}

// A block in one read: each line's keys, then held until the next line
// starts, in order, none lost.
func TestParserBlockLineByLine(t *testing.T) {
	ft := &fakeTerm{}
	p := New(ft, nil)
	ft.push("a 1\rb 2\rc 3\r")
	var lines []string
	for i := 0; i < 3; i++ {
		p.Setup()
		got := reads(p, 3)
		if got[1] != "\r" || got[2] != "!"+ErrHeld.Error() {
			t.Fatalf("line %d: %q", i, got)
		}
		lines = append(lines, got[0])
		p.TearDown()
	}
	if !slices.Equal(lines, []string{"a 1", "b 2", "c 3"}) {
		t.Fatalf("lines %q", lines)
	}
}

func TestParserEscapeCarriedUntilIdle(t *testing.T) {
	ft := &fakeTerm{}
	p := New(ft, nil)
	p.Setup()
	ft.push("\x1b")
	if b, err := p.Read(); err == nil {
		t.Fatalf("a lone ESC at the end of a read is returned at once: %q", b)
	}
	ft.push("[A")
	if got := reads(p, 1); got[0] != "\x1b[A" {
		t.Fatalf("ESC then [A: %q, want the Up key", got)
	}
	ft.push("\x1b")
	if got := reads(p, 2); got[1] != "\x1b" {
		t.Fatalf("ESC, then nothing: %q, want the Escape key on the idle read", got)
	}
}

func TestParserBracketedPasteMode(t *testing.T) {
	ft := &fakeTerm{}
	var term bytes.Buffer
	p := New(ft, &term)
	p.Setup()
	p.TearDown()
	if term.String() != "\x1b[?2004h\x1b[?2004l" {
		t.Fatalf("terminal got %q, want paste mode on at Setup, off at TearDown", term.String())
	}
	if ft.setups != 1 || ft.teardown != 1 {
		t.Fatalf("wrapped parser: %d setups, %d teardowns", ft.setups, ft.teardown)
	}
	if PasteSupported("dumb") || PasteSupported("") || !PasteSupported("xterm-256color") {
		t.Fatal("PasteSupported")
	}
}
