package shell

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spp-go/spp/ctl/registry"
)

// FuzzParse: the shell's line parser never panics, whatever the line and
// whichever process is entered (none, pri, sec 1); an error is one line
// of text; a process command it accepts is a JSON object (a builder's, or
// the raw batch as typed, which is a JSON batch); a line it ignores is
// blank or a comment.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "# comment", "help", "help status", "status", "sec 1;status", "pri;status", "pri;exit",
		"sec 1;component 2 forward ring0 ring1", "sec 1;component 2 none", "sec 1;flush", "sec 1;cancel",
		"sec 1;classifier_table mac 52:54:00:00:00:01 ring0", "sec 1;classifier_table mac default ring0 unuse",
		"sec 1;port add ring0 rx fw1", "sec 200;status", "sec x;status", "sec ;status", "sec 1 2;status",
		"sec 1;", "pri;component 2 forward ring0 ring1", `sec 1;{"commands":[{"command":"flush"}]}`,
		`sec 1;{"commands":[]} {}`, `pri;{"commands":`, `{"commands":[]}`, "sec 1", "pri", "bye", "bye all",
		"wait sec 1 5", "playback x.cmds", "record x", "monitor sec 1", "status extra", "sec 1;status;status",
		"nonsense words here", "sec\t1;\tstatus", "sec 1;component 99999999999999999999 forward a b",
	} {
		for e := uint8(0); e < 3; e++ {
			f.Add(s, e)
		}
	}
	f.Fuzz(func(t *testing.T, text string, entered uint8) {
		if strings.ContainsAny(text, "\n") {
			return // the shell reads lines: a line holds no newline
		}
		sh := &Shell{}
		switch entered % 3 {
		case 1:
			sh.entered = &registry.Target{Primary: true}
		case 2:
			sh.entered = &registry.Target{ID: 1}
		}
		l, err := sh.parse(text)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n") {
				t.Fatalf("%q: error %q is not one line", text, msg)
			}
			return
		}
		if l == nil {
			if tt := strings.TrimSpace(text); tt != "" && tt[0] != '#' {
				t.Fatalf("%q: ignored", text)
			}
			return
		}
		switch {
		case !l.proc:
			if l.cmd == nil {
				t.Fatalf("%q: a shell line with no command", text)
			}
		case l.raw != nil:
			if !json.Valid(l.raw) || l.nraw < 0 {
				t.Fatalf("%q: raw batch %q", text, l.raw)
			}
		default:
			var o map[string]any
			if l.cmd == nil || json.Unmarshal(l.obj.Raw, &o) != nil || o["command"] == nil {
				t.Fatalf("%q: process command %s", text, l.obj.Raw)
			}
		}
	})
}
