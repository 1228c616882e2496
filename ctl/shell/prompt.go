package shell

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/c-bata/go-prompt"

	keys "github.com/spp-go/spp/ctl/console" // the terminal's keys (console is the shell's output)
)

// Interact runs the interactive shell on the terminal stdin (and the
// shell's Out) until the operator leaves it: bye, Ctrl-D, or a signal.
func (sh *Shell) Interact(stdin *os.File) {
	fmt.Fprintln(sh.out, "Type help for the commands, Tab to complete, bye to leave.")
	sh.repl(saveTerminal(stdin)) // before go-prompt makes it raw
}

func (sh *Shell) promptText() string {
	if sh.entered != nil {
		return "spp [" + sh.entered.String() + "] > "
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
	// The console parser splits what one read returns into keys: a pasted
	// line runs, a pasted block runs line by line (package console).
	in := &noteParser{ConsoleParser: keys.NewStandard(), con: sh.con}
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
