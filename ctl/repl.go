package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/c-bata/go-prompt"
	"github.com/mattn/go-runewidth"
	"golang.org/x/sys/unix"
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

func (sh *Shell) promptText() string {
	if sh.ctx != nil {
		return "spp [" + sh.ctx.String() + "] > "
	}
	return "spp > "
}

// repl is the interactive shell.
//
// It reads line by line with go-prompt's Input, not its Run loop: Run
// catches SIGTERM, SIGINT and SIGQUIT itself and exits the process on the
// spot, and go-prompt v0.2.6 never gives the terminal back its mode (the
// termios it saves is the one it then makes raw), so the operator's
// terminal was left without echo after `spp down` or even after bye. Here
// the shell keeps its own copy of the terminal's mode and restores it on
// every way out, and handles the signals itself (onSignal). Input reads the
// window size when each line starts: a resize shows from the next line.
func (sh *Shell) repl(tty *terminal) {
	sh.loadHistory()
	in := &noteParser{ConsoleParser: prompt.NewStandardInputParser(), con: sh.con}
	p := prompt.New(
		func(string) {}, // Input returns the line instead
		sh.complete,
		prompt.OptionParser(in),
		prompt.OptionLivePrefix(func() (string, bool) { return sh.promptText(), true }),
		prompt.OptionHistory(append([]string(nil), sh.history...)),
		prompt.OptionCompletionWordSeparator(wordSeps),
		prompt.OptionAddASCIICodeBind(prompt.ASCIICodeBind{
			ASCIICode: noteKey,
			Fn:        func(b *prompt.Buffer) { sh.printNotes(in, b) },
		}),
	)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT)
	done := make(chan struct{})
	defer func() {
		signal.Stop(sigs)
		close(done)
	}()
	go func() {
		select {
		case s := <-sigs:
			sh.onSignal(s, tty)
		case <-done:
		}
	}()

	for !sh.quit {
		sh.con.setPrompting(true)
		text := p.Input()
		if s := sh.con.setPrompting(false); s != nil {
			fmt.Fprintf(sh.out, "spp: %v: leaving (the daemons keep running)\n", s)
			break
		}
		if text == "" && in.ctrlD.Load() {
			break // Ctrl-D on an empty line
		}
		sh.typed(text)
	}
	tty.restore()
}

// onSignal makes the interactive shell leave on SIGTERM (what spp down
// sends), SIGHUP, or SIGINT and SIGQUIT sent with kill (typed, Ctrl-C and
// Ctrl-\ are keys: the terminal is raw). At the prompt, the line being typed
// is ended and dropped, and repl returns: spp exits 0 the normal way. While
// a command runs (a wait, a reply not yet in), spp exits 0 at once, the
// terminal restored: the daemons apply a batch all or nothing whether its
// reply is read or not, and they reconnect to the next shell.
func (sh *Shell) onSignal(s os.Signal, tty *terminal) {
	c := sh.con
	c.mu.Lock()
	c.stop = s
	if c.prompting {
		c.mu.Unlock()
		return
	}
	tty.restore()
	fmt.Fprintf(c.w, "\nspp: %v while a command ran: leaving (the daemons keep running)\n", s)
	os.Exit(0) // with c.mu held: nothing else is printed
}

// terminal is the mode the terminal had before the shell changed it.
type terminal struct {
	fd    int
	saved *unix.Termios
}

// saveTerminal keeps f's mode; nil when f is not a terminal.
func saveTerminal(f any) *terminal {
	file, ok := f.(*os.File)
	if !ok {
		return nil
	}
	fd := int(file.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil
	}
	return &terminal{fd: fd, saved: t}
}

// restore gives the terminal its mode back (echo, line editing, signals).
func (t *terminal) restore() {
	if t != nil {
		unix.IoctlSetTermios(t.fd, unix.TCSETS, t.saved)
	}
}

// Completion, from the table of commands and the live state.

// wordSeps end the word being completed: "sec 1;comp", "ring0,ri".
const wordSeps = " ;,"

// compCtx is what a candidate list may look at.
type compCtx struct {
	sh   *Shell
	p    *Proc  // the process the command goes to; nil if not connected
	word string // the partial word
}

func (sh *Shell) complete(d prompt.Document) []prompt.Suggest {
	before := d.TextBeforeCursor()
	if strings.TrimSpace(before) == "" && d.LastKeyStroke() != prompt.Tab {
		return nil // no menu under an empty prompt until Tab
	}
	word := d.GetWordBeforeCursorUntilSeparator(wordSeps)
	return prompt.FilterHasPrefix(sh.candidates(before, word), word, true)
}

// candidates lists what may be typed at the end of before.
func (sh *Shell) candidates(before, word string) []prompt.Suggest {
	if i := strings.IndexByte(before, ';'); i >= 0 {
		if t, ok, err := parseTarget(before[:i]); ok && err == nil {
			return sh.procCandidates(t, before[i+1:], word)
		}
		return nil
	}
	w, cur := splitWords(before)
	if sh.ctx != nil {
		if cur == 0 {
			s := procNames(*sh.ctx)
			for _, c := range shellNames() {
				if lookup(procScope, c.Text) == nil {
					s = append(s, c)
				}
			}
			return s
		}
		if lookup(procScope, w[0]) != nil || lookup(shellScope, w[0]) == nil {
			return sh.procCandidates(*sh.ctx, before, word)
		}
	}
	if cur == 0 {
		return shellNames()
	}
	c := lookup(shellScope, w[0])
	if c == nil {
		return nil
	}
	return argValues(c, w, cur, &compCtx{sh: sh, word: word})
}

func (sh *Shell) procCandidates(t target, text, word string) []prompt.Suggest {
	w, cur := splitWords(text)
	if cur == 0 {
		return procNames(t)
	}
	c := lookup(procScope, w[0])
	if c == nil || !c.accepts(t) {
		return nil
	}
	return argValues(c, w, cur, &compCtx{sh: sh, p: sh.srv.Lookup(t), word: word})
}

func argValues(c *command, w []string, cur int, ctx *compCtx) []prompt.Suggest {
	a, ok := c.argsAt(w[1:], cur-1)
	if !ok || a.values == nil {
		return nil
	}
	return a.values(ctx)
}

// splitWords returns the words of s and the index of the word being typed
// (len(words) when s ends with a space).
func splitWords(s string) ([]string, int) {
	w := strings.Fields(s)
	if s == "" || strings.HasSuffix(s, " ") {
		return w, len(w)
	}
	return w, len(w) - 1
}

func shellNames() []prompt.Suggest {
	var s []prompt.Suggest
	for _, c := range commands {
		if c.scope == shellScope {
			s = append(s, prompt.Suggest{Text: c.name, Description: c.brief})
		}
	}
	return s
}

func procNames(t target) []prompt.Suggest {
	var s []prompt.Suggest
	for _, c := range commands {
		if c.scope == procScope && c.accepts(t) {
			s = append(s, prompt.Suggest{Text: c.name, Description: c.brief})
		}
	}
	return s
}

// Candidate lists of arguments (referenced from the table).

func secIDs(c *compCtx) []prompt.Suggest {
	var s []prompt.Suggest
	for _, p := range c.sh.srv.Procs() {
		if !p.Primary {
			s = append(s, prompt.Suggest{Text: strconv.Itoa(p.ID), Description: p.Type + " " + p.Peer})
		}
	}
	return s
}

// coreIDs: the worker lcores of the process's last status.
func coreIDs(c *compCtx) []prompt.Suggest {
	if c.p == nil {
		return nil
	}
	si, _ := c.p.info()
	if si == nil {
		return nil
	}
	var s []prompt.Suggest
	for _, core := range si.Core {
		d := "idle"
		if core.Type != "unuse" && core.Type != "" {
			d = core.Type + " " + strings.Join(core.RxPort, ",") + " -> " + strings.Join(core.TxPort, ",")
		}
		s = append(s, prompt.Suggest{Text: strconv.Itoa(core.Core), Description: d})
	}
	return s
}

func componentTypes(c *compCtx) []prompt.Suggest {
	all := []prompt.Suggest{
		{Text: "forward", Description: "1 rx, 1 tx"},
		{Text: "merge", Description: "rx list, 1 tx"},
		{Text: "classifier", Description: "1 rx, tx list, by destination MAC"},
		{Text: "mirror", Description: "1 rx, 2 tx (spp_mirror)"},
		{Text: "none", Description: "clear the lcore"},
	}
	if c.p == nil {
		return all
	}
	var s []prompt.Suggest
	for _, t := range all {
		if t.Text == "none" || (t.Text == "mirror") == (c.p.Type == "mirror") {
			s = append(s, t)
		}
	}
	return s
}

// ports: every port name the processes reported in their last status (the
// primary's rings and NICs serve every secondary).
func ports(c *compCtx) []prompt.Suggest {
	seen := map[string]bool{}
	for _, p := range c.sh.srv.Procs() {
		if p != c.p && !p.Primary {
			continue
		}
		si, pi := p.info()
		if si != nil {
			for _, ps := range si.Ports {
				seen[ps.Port] = true
			}
			for _, core := range si.Core {
				for _, n := range append(append([]string(nil), core.RxPort...), core.TxPort...) {
					seen[n] = true
				}
			}
		}
		if pi != nil {
			for _, ps := range pi.Ports {
				seen[ps.Port] = true
			}
			for _, r := range pi.Rings {
				seen[r.Ring] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return portLess(names[i], names[j]) })
	s := make([]prompt.Suggest, len(names))
	for i, n := range names {
		s[i] = prompt.Suggest{Text: n}
	}
	return s
}

// portLess orders ring2 before ring10.
func portLess(a, b string) bool {
	split := func(s string) (string, int) {
		i := len(strings.TrimRight(s, "0123456789"))
		n, _ := strconv.Atoi(s[i:])
		return s[:i], n
	}
	ak, an := split(a)
	bk, bn := split(b)
	if ak != bk {
		return ak < bk
	}
	return an < bn
}

func portsOrUnuse(c *compCtx) []prompt.Suggest {
	return append(ports(c), prompt.Suggest{Text: "unuse", Description: "remove the MAC"})
}

// macs: default and the MACs already in the classifier table.
func macs(c *compCtx) []prompt.Suggest {
	s := []prompt.Suggest{{Text: "default", Description: "where unknown unicast goes"}}
	if c.p == nil {
		return s
	}
	si, _ := c.p.info()
	if si == nil {
		return s
	}
	for _, e := range si.ClassifierTable {
		if e.Value != "default" {
			s = append(s, prompt.Suggest{Text: e.Value, Description: "-> " + e.Port})
		}
	}
	return s
}

// files completes a path.
func files(c *compCtx) []prompt.Suggest {
	dir, _ := filepath.Split(c.word)
	list := dir
	if list == "" {
		list = "."
	}
	ents, err := os.ReadDir(list)
	if err != nil {
		return nil
	}
	var s []prompt.Suggest
	for _, e := range ents {
		name := dir + e.Name()
		if e.IsDir() {
			name += "/"
		}
		s = append(s, prompt.Suggest{Text: name})
	}
	return s
}
