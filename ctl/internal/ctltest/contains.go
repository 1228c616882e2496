package ctltest

import (
	"strings"
	"testing"
)

// Contains checks that text holds each of wants; what names text in the
// errors.
func Contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}
