package cli

import (
	"bytes"
	"reflect"
	"testing"
)

const text = "usage: cmd [-n N] [-v] WORD...\n\n"

func newCmd(errOut *bytes.Buffer) (*Flags, *int, *bool) {
	f := New("cmd", text, errOut)
	n := f.Int("n", 1, "a `N`")
	v := f.Bool("v", false, "verbose")
	return f, n, v
}

// Flags may stand before, between and after the words; "--" ends them.
func TestParseAllInterleaved(t *testing.T) {
	for _, c := range []struct {
		args  []string
		words []string
		n     int
		v     bool
	}{
		{nil, nil, 1, false},
		{[]string{"a", "b"}, []string{"a", "b"}, 1, false},
		{[]string{"-n", "3", "a", "-v", "b"}, []string{"a", "b"}, 3, true},
		{[]string{"a", "b", "--n=4"}, []string{"a", "b"}, 4, false},
		{[]string{"a", "--", "-v", "b"}, []string{"a", "-v", "b"}, 1, false},
		{[]string{"--", "-n", "2"}, []string{"-n", "2"}, 1, false},
		{[]string{"-", "-v"}, []string{"-"}, 1, true}, // "-" is a word (stdin, by convention)
	} {
		var errOut bytes.Buffer
		f, n, v := newCmd(&errOut)
		words, code := f.ParseAll(c.args)
		if code != -1 || !reflect.DeepEqual(words, c.words) || *n != c.n || *v != c.v || errOut.Len() != 0 {
			t.Errorf("%q: words %q code %d n %d v %v stderr %q; want %q -1 %d %v", c.args, words, code, *n, *v, errOut.String(), c.words, c.n, c.v)
		}
	}
}

// -h, even after a word, prints the usage with the flags on stderr: 0.
// A bad flag: flag's message and the usage, 2.
func TestParseAllHelpAndBadFlag(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"a", "-h"}, {"-v", "a", "-help", "--nope"}} {
		var errOut bytes.Buffer
		f, _, _ := newCmd(&errOut)
		if _, code := f.ParseAll(args); code != 0 || !bytes.HasPrefix(errOut.Bytes(), []byte(text+"  -n N\n")) {
			t.Errorf("%q: %d %q", args, code, errOut.String())
		}
	}
	for want, args := range map[string][]string{
		"flag provided but not defined: -nope\n" + text:  {"a", "--nope"},
		"invalid value \"x\" for flag -n: parse error\n": {"-n", "x"},
		"flag needs an argument: -n\n" + text:            {"a", "-n"},
	} {
		var errOut bytes.Buffer
		f, _, _ := newCmd(&errOut)
		if _, code := f.ParseAll(args); code != 2 || !bytes.HasPrefix(errOut.Bytes(), []byte(want)) || !bytes.HasSuffix(errOut.Bytes(), []byte("verbose\n")) {
			t.Errorf("%q: %d %q", args, code, errOut.String())
		}
	}
}

// A plain command: help alone on stdout, errors in its own words.
func TestPlain(t *testing.T) {
	var out, errOut bytes.Buffer
	f := New("spp up", text, &errOut).Plain(&out)
	demo := f.Bool("demo", false, "")
	if words, code := f.ParseAll([]string{"--demo", "f.toml"}); code != -1 || !*demo || !reflect.DeepEqual(words, []string{"f.toml"}) {
		t.Errorf("--demo f.toml: %q %d %v", words, code, *demo)
	}
	if _, code := f.ParseAll([]string{"x", "-h"}); code != 0 || out.String() != text || errOut.Len() != 0 {
		t.Errorf("-h: %d %q %q", code, out.String(), errOut.String())
	}
	out.Reset()
	for _, bad := range []string{"--nope", "-nope"} {
		errOut.Reset()
		if _, code := f.ParseAll([]string{"f.toml", bad}); code != 2 || out.Len() != 0 || errOut.String() != "spp up: unknown flag "+bad+"\n"+text {
			t.Errorf("%s: %d %q %q", bad, code, out.String(), errOut.String())
		}
	}
	errOut.Reset()
	if _, code := f.ParseAll([]string{"--demo=maybe"}); code != 2 || !bytes.HasPrefix(errOut.Bytes(), []byte("spp up: invalid boolean value \"maybe\" for -demo")) {
		t.Errorf("--demo=maybe: %d %q", code, errOut.String())
	}
}

func TestFailAndGiven(t *testing.T) {
	var errOut bytes.Buffer
	f, _, _ := newCmd(&errOut)
	if code := f.Fail("unexpected argument %q", "x"); code != 2 || !bytes.HasPrefix(errOut.Bytes(), []byte("cmd: unexpected argument \"x\"\n"+text+"  -n N")) {
		t.Errorf("Fail: %d %q", code, errOut.String())
	}
	errOut.Reset()
	if f.Fail(""); !bytes.HasPrefix(errOut.Bytes(), []byte(text)) {
		t.Errorf("Fail without a reason: %q", errOut.String())
	}
	f.ParseAll([]string{"a", "-v"})
	if !f.Given("n", "v") || f.Given("n") || f.Given() {
		t.Errorf("Given: -v was given, -n not")
	}
}

// ParseFlags: a command of flags only refuses a word, with the usage.
func TestParseFlags(t *testing.T) {
	var errOut bytes.Buffer
	f, n, _ := newCmd(&errOut)
	if code := f.ParseFlags([]string{"-n", "2"}); code != -1 || *n != 2 || errOut.Len() != 0 {
		t.Errorf("-n 2: %d %d %q", code, *n, errOut.String())
	}
	if code := f.ParseFlags([]string{"extra", "-v"}); code != 2 || !bytes.HasPrefix(errOut.Bytes(), []byte("cmd: unexpected argument \"extra\"\n"+text)) {
		t.Errorf("extra: %d %q", code, errOut.String())
	}
	errOut.Reset()
	if code := f.ParseFlags([]string{"extra", "-h"}); code != 0 || !bytes.HasPrefix(errOut.Bytes(), []byte(text)) {
		t.Errorf("extra -h: %d %q", code, errOut.String())
	}
}
