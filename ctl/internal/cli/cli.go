// Package cli reads the command lines of spp's subcommands (spp, spp
// serve, spp topo, spp up and down, spp agent and spp port): their flags
// with Go's flag package, wherever the flags stand among the other words,
// and one way of telling a usage error. Each command had its own copy of
// this loop and of its error and help printing. Pure Go.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Flags is one command's flags and its usage text.
type Flags struct {
	*flag.FlagSet
	text   string
	help   io.Writer // where -h prints the usage
	stderr io.Writer
	plain  bool
}

// New makes the flags of the command name ("spp serve"). Its usage is
// text followed by flag's list of the defined flags; -h prints it on
// stderr, and a bad flag is told in flag's words, the usage after it,
// on stderr too (as flag itself does).
func New(name, text string, stderr io.Writer) *Flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // ParseAll prints the usage: to help, or after the error
	return &Flags{FlagSet: fs, text: text, help: stderr, stderr: stderr}
}

// Plain makes f a command whose usage text describes its flags itself
// (spp up FILE [--demo]): -h prints the text alone on stdout, as asked-for
// output, and a bad flag is told as "NAME: unknown flag --nope", then the
// text, on stderr. It returns f.
func (f *Flags) Plain(stdout io.Writer) *Flags {
	f.plain, f.help = true, stdout
	f.SetOutput(io.Discard) // ParseAll words the error itself
	return f
}

// ParseAll reads the flags wherever they are among args (spp port bind
// PORT MAC --vlan 100, spp up --demo FILE, spp topo --svg F sec 1); after
// "--" every argument is a word. It returns the words (the arguments that
// are not flags), in order, and code -1; or, when parsing ends the command,
// its exit status: 0 after -h (the usage printed), 2 after a bad flag
// (told, with the usage).
func (f *Flags) ParseAll(args []string) (words []string, code int) {
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			f.PrintUsage(f.help)
			return nil, 0
		}
		if err != nil {
			if !f.plain { // flag has told it already
				f.PrintUsage(f.stderr)
				return nil, 2
			}
			msg := err.Error()
			if n := len(args) - f.NArg() - 1; strings.HasPrefix(msg, "flag provided but not defined") && n >= 0 {
				msg = "unknown flag " + args[n] // as typed: --nope
			}
			return nil, f.Fail("%s", msg)
		}
		rest := f.Args()
		if len(rest) == 0 {
			return words, -1
		}
		// flag stops before a word, or after "--", which ends the flags.
		// (A flag's value "--" followed by words reads as the end too.)
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(words, rest...), -1
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
}

// ParseFlags is ParseAll for a command of flags only (spp, spp serve): a
// word is a usage error. It returns -1, or the exit status.
func (f *Flags) ParseFlags(args []string) (code int) {
	words, code := f.ParseAll(args)
	if code < 0 && len(words) > 0 {
		return f.Fail("unexpected argument %q", words[0])
	}
	return code
}

// PrintUsage prints the usage on w.
func (f *Flags) PrintUsage(w io.Writer) {
	fmt.Fprint(w, f.text)
	if !f.plain {
		out := f.Output()
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(out)
	}
}

// Fail tells a usage error: "NAME: WHY" (unless format is empty), then the
// usage, on stderr. It returns the exit status of bad usage, 2.
func (f *Flags) Fail(format string, a ...any) int {
	if format != "" {
		fmt.Fprintf(f.stderr, "%s: %s\n", f.Name(), fmt.Sprintf(format, a...))
	}
	f.PrintUsage(f.stderr)
	return 2
}

// Given says whether one of the flags names was on the command line.
func (f *Flags) Given(names ...string) bool {
	given := false
	f.Visit(func(fl *flag.Flag) {
		for _, n := range names {
			given = given || fl.Name == n
		}
	})
	return given
}
