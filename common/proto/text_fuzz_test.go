package proto

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// sectionEight is an error message of protocol.md section 8, with its
// optional detail, on one line.
var sectionEight = regexp.MustCompile(`^(bad message format|not enough parameter\([a-z_]+\)|bad value type\([a-z_]+\)|bad value\([a-z_]+\)|error occur)(: [^\n]+)?$`)

// FuzzText: the text-command translator never panics, and whatever the
// line it gives one command that is either
//   - an error of section 8's forms (one line), with a Raw that is still a
//     JSON object (daemons log it), or
//   - a valid command that, encoded as a JSON batch and decoded again, is
//     the same command (the text-only ones then get bad value(command),
//     as a JSON batch naming them must).
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"_get_client_id", "_get_client_id x", "status", "status\r", "flush extra", "exit", "cancel",
		"process", "clear", "", " \t ", "nope", "\x00", "st\xffatus",
		"classifier_table add mac 52:54:00:12:34:56 ring:0", "classifier_table del mac default ring0",
		"classifier_table add default ring0", "classifier_table mac 52:54:00:00:00:01 ring0",
		"classifier_table add mac", "classifier_table x y z w",
		"component start fw1 2 forward", "component stop fw1", "component stop", "component bogus x",
		"component start a b c d e",
		"port add phy:0 rx fw1", "port del vhost:1 tx fw1", "port add", `port add "x\ rx <b>&`,
		"status\u2028", "component start \"name\" 2 forward\t\t", "classifier_table add mac \u00e9 ring0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		req := ParseText(line)
		if len(req.Commands) != 1 {
			t.Fatalf("%q: %d commands", line, len(req.Commands))
		}
		if req.Text != "" { // else a blank line, which the decoder skips
			checkRequest(t, req) // one FromText command, a JSON object, readers do not panic
		} else if strings.Trim(line, " \t\r\n") != "" {
			t.Fatalf("%q: no Text", line)
		}
		c := req.Commands[0]
		if err := c.Err(); err != nil {
			var pe *Error
			if !errors.As(err, &pe) || !sectionEight.MatchString(err.Error()) {
				t.Fatalf("%q: error %q is not one of section 8's, on one line", line, err)
			}
			return
		}
		again, err := ParseBatch(EncodeBatch(c))
		if err != nil || len(again.Commands) != 1 {
			t.Fatalf("%q: batch %s does not decode: %v", line, EncodeBatch(c), err)
		}
		d := again.Commands[0]
		if !bytes.Equal(d.Raw, c.Raw) {
			t.Fatalf("%q: raw %s decoded as %s", line, c.Raw, d.Raw)
		}
		if d.Err() != nil || d.Name != c.Name {
			t.Fatalf("%q: %s decoded as %q (%v)", line, c.Name, d.Name, d.Err())
		}
	})
}
