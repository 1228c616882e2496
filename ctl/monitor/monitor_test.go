package monitor

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spp-go/spp/ctl/rate"

	"github.com/spp-go/spp/ctl/internal/ctltest"
)

func TestRenderFrame(t *testing.T) {
	got := string(Render(Frame{
		Title:  "sec 1 every 1s",
		Body:   "+------+\n| CORE |\n+------+\n",
		Bars:   []Bar{{"nic0", 2000, "rx 1.0k tx 1.0k pps"}, {"ring0", 500, "rx 500 tx 0 pps"}, {"vhost1", 0, "rx 0 tx 0 pps"}},
		Footer: "press a key to return to the prompt",
	}))
	want := "\x1b[H" +
		"sec 1 every 1s\x1b[K\r\n" +
		"+------+\x1b[K\r\n" +
		"| CORE |\x1b[K\r\n" +
		"+------+\x1b[K\r\n" +
		"\x1b[K\r\n" +
		"nic0   [" + strings.Repeat("#", 30) + "] rx 1.0k tx 1.0k pps\x1b[K\r\n" +
		"ring0  [" + strings.Repeat("#", 8) + strings.Repeat(" ", 22) + "] rx 500 tx 0 pps\x1b[K\r\n" +
		"vhost1 [" + strings.Repeat(" ", 30) + "] rx 0 tx 0 pps\x1b[K\r\n" +
		"\x1b[K\r\n" +
		"press a key to return to the prompt\x1b[K" +
		"\x1b[J"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// lines returns the screen lines a frame draws.
func lines(b []byte) []string {
	s := strings.TrimPrefix(string(b), "\x1b[H")
	s = strings.TrimSuffix(s, "\x1b[J")
	s = strings.ReplaceAll(s, "\x1b[K", "")
	return strings.Split(s, "\r\n")
}

// A body taller than the terminal is cut so that the frame is exactly as
// tall as the terminal (one more line would scroll it), and says so.
func TestRenderCutToTerminal(t *testing.T) {
	var body []string
	for i := 0; i < 40; i++ {
		body = append(body, "row "+strings.Repeat("x", 100))
	}
	f := Frame{Title: "t", Body: strings.Join(body, "\n"), Footer: "f", Width: 50, Height: 12,
		Bars: []Bar{{"nic0", 1, "a"}, {"ring0", 1, "b"}}}
	l := lines(Render(f))
	if len(l) != 12 {
		t.Fatalf("%d lines on a 12-line terminal:\n%s", len(l), strings.Join(l, "\n"))
	}
	if l[0] != "t" || l[11] != "f" || !strings.HasPrefix(l[9], "ring0") {
		t.Fatalf("title, bars or footer missing:\n%s", strings.Join(l, "\n"))
	}
	if l[6] != "(35 more lines: make the terminal taller)" {
		t.Fatalf("cut note: %q", l[6])
	}
	for _, s := range l {
		if len(s) > 50 {
			t.Fatalf("line wider than the terminal: %q", s)
		}
	}
	// Whatever the height, never more lines than it, and no panic.
	for h := 1; h < 16; h++ {
		f.Height = h
		if n := len(lines(Render(f))); n > max(h, minHeight) {
			t.Fatalf("height %d: %d lines", h, n)
		}
	}
}

func TestBusiest(t *testing.T) {
	r := rate.Rates{Ports: []rate.PortRate{
		{Port: "ring1", RxPPS: 10, TxPPS: 10},
		{Port: "nic0", RxPPS: 1_250_000, TxPPS: 1_250_000},
		{Port: "ring0", RxPPS: 20},
		{Port: "vhost0", RxPPS: 0.5},
	}}
	got := Busiest(r, 3)
	want := []Bar{
		{"nic0", 2_500_000, "rx 1.25M tx 1.25M pps"},
		{"ring0", 20, "rx 20 tx 0 pps"},
		{"ring1", 20, "rx 10 tx 10 pps"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("bar %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// A port that moves, however little next to the busiest, has a bar.
	l := barLines(Busiest(r, 4))
	if !strings.HasPrefix(l[3], "vhost0 [# ") {
		t.Fatalf("slow port: %q", l[3])
	}
}

// Run redraws every interval until the key, in the alternate screen, and
// leaves it.
func TestRun(t *testing.T) {
	var out ctltest.LockedBuffer
	key := make(chan struct{})
	n := 0
	frame := func() Frame {
		n++
		if n == 3 {
			close(key)
		}
		return Frame{Title: "frame", Footer: "f"}
	}
	done := make(chan error)
	go func() { done <- Run(&out, 5*time.Millisecond, frame, key) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the key")
	}
	s := out.String()
	if !strings.HasPrefix(s, Enter+"\x1b[H") || !strings.HasSuffix(s, "\x1b[J"+Leave) {
		t.Fatalf("not in the alternate screen: %q", s)
	}
	if c := strings.Count(s, "\x1b[Hframe"); c != 3 {
		t.Fatalf("%d frames drawn, want 3 (the key came after the third)", c)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n++; f.n == 2 {
		return 0, errors.New("gone")
	}
	return len(p), nil
}

// A write error ends Run; the normal screen is still asked back.
func TestRunWriteError(t *testing.T) {
	w := &failWriter{}
	err := Run(w, time.Millisecond, func() Frame { return Frame{} }, make(chan struct{}))
	if err == nil || err.Error() != "gone" || w.n != 3 {
		t.Fatalf("err %v after %d writes", err, w.n)
	}
}
