// Package console is the shell's terminal input for go-prompt: a
// prompt.ConsoleParser that hands go-prompt one key per read, so that a
// pasted line with its newline runs, and a pasted block runs line by line,
// in order, each line as if typed.
//
// go-prompt (v0.2.6) takes whatever one read of the terminal returns as one
// key: a paste of "sec 1;status\r" is inserted as text, carriage return and
// all, and never runs. Parser wraps go-prompt's own parser, splits each read
// into keys (split.go) and returns them one at a time.
//
// After an Enter it returns nothing until go-prompt calls Setup again.
// go-prompt's Input (and Run) stops its reader goroutine when a line ends and
// drops what that goroutine had read meanwhile; holding the keys after the
// Enter until the next line starts (Setup) keeps them for that line.
//
// With a terminal writer, Setup switches bracketed paste on (the terminal
// then marks a paste; one that does not know the mode ignores the request)
// and TearDown switches it off, so that it is on only while the prompt reads.
package console

import (
	"errors"
	"io"
	"os"
	"sync"

	"github.com/c-bata/go-prompt"
	"github.com/mattn/go-isatty"
)

// ErrHeld is what Read returns between an Enter and the next Setup.
var ErrHeld = errors.New("console: waiting for the next line to start")

// errNoInput: the terminal had nothing (go-prompt ignores a read's error).
var errNoInput = errors.New("console: no input")

// Parser is a prompt.ConsoleParser returning one key per Read.
type Parser struct {
	in   prompt.ConsoleParser
	term io.Writer // bracketed paste is switched on and off here; nil: never

	mu    sync.Mutex
	split splitter
	keys  [][]byte // split, not yet returned
	held  bool     // an Enter was returned: nothing until Setup
}

var _ prompt.ConsoleParser = (*Parser)(nil)

// New wraps in (normally prompt.NewStandardInputParser()). term is where
// the bracketed paste mode is set (the terminal go-prompt draws on, normally
// os.Stdout); nil leaves the mode alone (see PasteSupported).
func New(in prompt.ConsoleParser, term io.Writer) *Parser {
	return &Parser{in: in, term: term}
}

// PasteSupported tells whether to ask a terminal of type term (the TERM
// variable) for bracketed paste. A terminal that lacks it ignores the
// request; "dumb" ones (and no TERM at all) are not asked.
func PasteSupported(term string) bool {
	return term != "" && term != "dumb"
}

// NewStandard is the parser of the shell's terminal: /dev/tty in, os.Stdout
// for the paste mode when it is a terminal and $TERM has the mode.
func NewStandard() *Parser {
	var term io.Writer
	if isatty.IsTerminal(os.Stdout.Fd()) && PasteSupported(os.Getenv("TERM")) {
		term = os.Stdout
	}
	return New(prompt.NewStandardInputParser(), term)
}

// Setup makes the terminal raw (the wrapped parser), switches bracketed
// paste on, and lets the keys after the last Enter through.
func (p *Parser) Setup() error {
	err := p.in.Setup()
	if p.term != nil {
		if _, werr := p.term.Write(pasteOn); err == nil {
			err = werr
		}
	}
	p.mu.Lock()
	p.held = false
	p.mu.Unlock()
	return err
}

// TearDown switches bracketed paste off and gives the terminal back its
// mode (the wrapped parser). Keys split and not yet returned are kept.
func (p *Parser) TearDown() error {
	var err error
	if p.term != nil {
		_, err = p.term.Write(pasteOff)
	}
	if terr := p.in.TearDown(); terr != nil {
		err = terr
	}
	return err
}

// GetWinSize is the wrapped parser's.
func (p *Parser) GetWinSize() *prompt.WinSize { return p.in.GetWinSize() }

// Read returns the next key: one already split, or the first of the next
// read of the terminal. Between an Enter and the next Setup it returns
// ErrHeld. When the terminal has nothing, it returns its error (go-prompt
// ignores it) or, with keys cut by the end of the last read still carried,
// those bytes as keys (a lone ESC is the Escape key).
func (p *Parser) Read() ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held {
		return nil, ErrHeld
	}
	if len(p.keys) == 0 {
		b, err := p.in.Read()
		if err != nil || len(b) == 0 {
			p.keys = p.split.split(nil, true)
		} else {
			p.keys = p.split.split(b, false)
		}
		if len(p.keys) == 0 {
			if err == nil {
				err = errNoInput
			}
			return nil, err
		}
	}
	k := p.keys[0]
	p.keys = p.keys[1:]
	if isEnter(k) {
		p.held = true
	}
	return k, nil
}

// isEnter: the keys with which go-prompt ends a line.
func isEnter(k []byte) bool {
	switch prompt.GetKey(k) {
	case prompt.Enter, prompt.ControlJ, prompt.ControlM:
		return true
	}
	return false
}
