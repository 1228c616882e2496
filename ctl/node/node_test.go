package node

import (
	"bytes"
	"testing"
)

// -h is asked-for help: the usage on stdout, status 0. A bad argument is
// a usage error: one line naming it, the usage, both on stderr, status 2.
func TestHelpAndBadArgs(t *testing.T) {
	for _, m := range []struct {
		name string
		main func([]string, *bytes.Buffer, *bytes.Buffer) int
	}{
		{"up", func(a []string, o, e *bytes.Buffer) int { return upMain(a, o, e) }},
		{"down", func(a []string, o, e *bytes.Buffer) int { return downMain(a, o, e) }},
	} {
		for _, h := range []string{"-h", "--help", "-help"} {
			var out, errOut bytes.Buffer
			if code := m.main([]string{h}, &out, &errOut); code != 0 || out.String() != usage || errOut.Len() != 0 {
				t.Errorf("spp %s %s: status %d, stdout %q, stderr %q", m.name, h, code, out.String(), errOut.String())
			}
		}
		{ // -h after stray words is help too
			var out, errOut bytes.Buffer
			if code := m.main([]string{"a", "b", "-h"}, &out, &errOut); code != 0 || out.String() != usage || errOut.Len() != 0 {
				t.Errorf("spp %s a b -h: status %d, stdout %q, stderr %q", m.name, code, out.String(), errOut.String())
			}
		}
		{
			var out, errOut bytes.Buffer
			want := "spp " + m.name + ": unexpected argument \"b\"\n" + usage
			if code := m.main([]string{"a", "b"}, &out, &errOut); code != 2 || out.Len() != 0 || errOut.String() != want {
				t.Errorf("spp %s a b: status %d, stdout %q, stderr %q", m.name, code, out.String(), errOut.String())
			}
		}
		var out, errOut bytes.Buffer
		want := "spp " + m.name + ": unknown flag --nope\n" + usage
		if code := m.main([]string{"--nope"}, &out, &errOut); code != 2 || out.Len() != 0 || errOut.String() != want {
			t.Errorf("spp %s --nope: status %d, stdout %q, stderr %q", m.name, code, out.String(), errOut.String())
		}
	}
}
