// Package monitor draws the shell's monitor command: the status tables of
// one process redrawn every interval, like top, with bars for the busiest
// ports, until a key is pressed.
//
// It only writes bytes. Reading the key (the terminal in raw mode, and
// restored after) is the shell's: it hands Run a channel that a key closes.
//
// A frame is drawn over the previous one in place (cursor home, each line
// erased to its end, the rest of the screen erased), not after a clear
// screen, so the picture does not flicker. It runs in the alternate screen
// (as top and less do), so that leaving gives the operator back the screen
// and scrollback they had. Lines end with CR LF: the terminal may be raw.
package monitor

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/spp-go/spp/ctl/rate"
)

// Escape sequences (VT100/xterm).
const (
	// Enter switches to the alternate screen and hides the cursor.
	Enter = "\x1b[?1049h\x1b[?25l"
	// Leave shows the cursor and goes back to the normal screen.
	Leave = "\x1b[?25h\x1b[?1049l"

	home      = "\x1b[H"
	eraseLine = "\x1b[K" // to the end of the line
	eraseDown = "\x1b[J" // to the end of the screen
	newline   = "\r\n"   // CR: the terminal may be raw (no output processing)
	barWidth  = 30       // '#' of the busiest port
	labelMax  = 16       // the label column: the widest port name, up to this ("sec 1 vhost0")
	defWidth  = 80       // a terminal that does not say its size
	defHeight = 24
	minHeight = 4 // title, one line of body, a blank line, footer
	cutNote   = "(%d more lines: make the terminal taller)"
)

// Frame is one screen.
type Frame struct {
	Title  string // "sec 1 every 1s, 12:00:03"
	Body   string // the status tables, as the status command prints them
	Bars   []Bar  // the busiest ports (Busiest); none: no bars
	Footer string // "press a key to return to the prompt"
	Width  int    // the terminal's columns; 0: 80
	Height int    // its rows; 0: 24
}

// Bar is one port's line: a bar as long as Value is to the largest Value
// of the frame, then Text.
type Bar struct {
	Label string
	Value float64
	Text  string
}

// Busiest returns the bars of the n ports with the most packets per second
// (rx + tx), most first; ports of equal rate in name order.
func Busiest(r rate.Rates, n int) []Bar {
	ports := append([]rate.PortRate(nil), r.Ports...)
	total := func(p rate.PortRate) float64 { return p.RxPPS + p.TxPPS }
	sort.SliceStable(ports, func(i, j int) bool {
		if ti, tj := total(ports[i]), total(ports[j]); ti != tj {
			return ti > tj
		}
		return ports[i].Port < ports[j].Port
	})
	if len(ports) > n {
		ports = ports[:n]
	}
	var bars []Bar
	for _, p := range ports {
		bars = append(bars, Bar{
			Label: p.Port,
			Value: total(p),
			Text:  "rx " + rate.Human(p.RxPPS) + " tx " + rate.Human(p.TxPPS) + " pps",
		})
	}
	return bars
}

// Render returns the bytes that draw f over the previous frame: the title,
// the body, the bars, the footer. A body taller than the terminal is cut
// (a note says so: a frame that scrolled would not be redrawn in place);
// lines wider than it are cut.
func Render(f Frame) []byte {
	width, height := f.Width, f.Height
	if width <= 0 {
		width = defWidth
	}
	if height <= 0 {
		height = defHeight
	}
	height = max(height, minHeight)

	var bars []string
	if len(f.Bars) > 0 {
		bars = append([]string{""}, barLines(f.Bars)...)
	}
	foot := []string{"", f.Footer}
	body := strings.Split(strings.TrimRight(f.Body, "\n"), "\n")

	// Room for the body: the screen less title, bars and footer; the bars
	// go before the body does.
	room := height - 1 - len(foot)
	if len(bars) > room-1 {
		bars = bars[:max(room-1, 0)]
	}
	room -= len(bars)
	if len(body) > room {
		cut := len(body) - room + 1
		body = append(body[:room-1], fmt.Sprintf(cutNote, cut))
	}

	lines := append(append(append([]string{f.Title}, body...), bars...), foot...)
	var b strings.Builder
	b.WriteString(home)
	for i, l := range lines {
		if i > 0 {
			b.WriteString(newline) // not after the last: on the bottom row it would scroll
		}
		b.WriteString(runewidth.Truncate(l, width, ""))
		b.WriteString(eraseLine)
	}
	b.WriteString(eraseDown)
	return []byte(b.String())
}

// barLines draws the bars, scaled to the largest value.
func barLines(bars []Bar) []string {
	top, label := 0.0, 0
	for _, b := range bars {
		top = max(top, b.Value)
		label = max(label, min(runewidth.StringWidth(b.Label), labelMax))
	}
	var out []string
	for _, b := range bars {
		n := 0
		if top > 0 {
			n = int(b.Value/top*barWidth + 0.5)
		}
		if n == 0 && b.Value > 0 {
			n = 1 // moving, however little: not an empty bar
		}
		out = append(out, runewidth.FillRight(b.Label, label)+" ["+
			strings.Repeat("#", n)+strings.Repeat(" ", barWidth-n)+"] "+b.Text)
	}
	return out
}

// Run draws frame() at once and then every interval until key is closed
// (or receives), in the alternate screen, and leaves it. It returns the
// first write error.
func Run(w io.Writer, every time.Duration, frame func() Frame, key <-chan struct{}) error {
	if _, err := io.WriteString(w, Enter); err != nil {
		return err
	}
	err := draw(w, every, frame, key)
	if _, lerr := io.WriteString(w, Leave); err == nil {
		err = lerr
	}
	return err
}

func draw(w io.Writer, every time.Duration, frame func() Frame, key <-chan struct{}) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-key: // pressed while a tick was due: no other frame
			return nil
		default:
		}
		if _, err := w.Write(Render(frame())); err != nil {
			return err
		}
		select {
		case <-key:
			return nil
		case <-t.C:
		}
	}
}
