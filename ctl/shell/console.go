package shell

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/c-bata/go-prompt"
	"github.com/mattn/go-runewidth"
)

// console prints announcements (processes connecting and leaving, late
// replies), which come from other goroutines, without breaking the line
// being typed.
//
// go-prompt owns the terminal while the operator types, and draws from its
// own goroutine only. So while it prompts, an announcement waits in notes and
// noteParser hands go-prompt a private key sequence (noteKey) as if typed;
// its binding (printNotes) runs inside go-prompt's loop, prints the notes
// above the prompt, and go-prompt redraws the prompt and the line below
// them. While a command runs (go-prompt is not drawing), notes print at once.
type console struct {
	mu        sync.Mutex
	w         io.Writer
	prompting bool
	notes     []string
	stop      os.Signal // a signal asked the shell to leave (interactive)
}

func (c *console) announce(msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.prompting {
		c.notes = append(c.notes, msg)
		return
	}
	fmt.Fprintln(c.w, msg)
}

// setPrompting switches between go-prompt drawing and a command running.
// Switching to a command, it returns the signal that asked the shell to
// leave meanwhile, if any: then no command runs.
func (c *console) setPrompting(on bool) os.Signal {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prompting = on
	if !on {
		for _, n := range c.notes {
			fmt.Fprintln(c.w, n)
		}
		c.notes = nil
	}
	return c.stop
}

// writer returns w with each Write under the console's lock, so that the
// shell's output and announcements never mix within a line.
func (c *console) writer(w io.Writer) io.Writer { return lockedWriter{c, w} }

type lockedWriter struct {
	c *console
	w io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	return l.w.Write(p)
}

func (c *console) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.notes
	c.notes = nil
	return n
}

func (c *console) pending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.notes) > 0
}

// noteKey is a byte sequence no terminal sends.
var noteKey = []byte("\x1b[spp-note]")

// noteParser is the terminal input with noteKey mixed in when there are
// notes to print, and Enter when a signal asked the shell to leave (it ends
// the line being read; the line is then not run).
type noteParser struct {
	prompt.ConsoleParser
	con   *console
	ctrlD atomic.Bool // the last key read was Ctrl-D
}

func (p *noteParser) Read() ([]byte, error) {
	if p.con.stopping() {
		return []byte{'\r'}, nil
	}
	if p.con.pending() {
		return noteKey, nil
	}
	b, err := p.ConsoleParser.Read()
	if err == nil && len(b) > 0 {
		p.ctrlD.Store(len(b) == 1 && b[0] == 0x04)
	}
	return b, err
}

func (c *console) stopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stop != nil
}

// printNotes runs in go-prompt's loop, between two of its renders. It
// erases the prompt, prints the notes, and leaves the cursor where go-prompt
// believes it is relative to the start of its prompt, so that the next render
// draws the prompt, and the line being typed, under the notes.
func (sh *Shell) printNotes(in prompt.ConsoleParser, buf *prompt.Buffer) {
	notes := sh.con.take()
	if len(notes) == 0 {
		return
	}
	col := 80
	if ws := in.GetWinSize(); ws != nil && ws.Col > 0 {
		col = int(ws.Col)
	}
	cur := runewidth.StringWidth(sh.promptText()) + runewidth.StringWidth(buf.Document().TextBeforeCursor())
	x, y := cur%col, cur/col
	var b strings.Builder
	if y > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", y)
	}
	b.WriteString("\r\x1b[J")
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	b.WriteString(strings.Repeat("\n", y))
	if x > 0 {
		fmt.Fprintf(&b, "\x1b[%dC", x)
	}
	io.WriteString(sh.out, b.String())
}
