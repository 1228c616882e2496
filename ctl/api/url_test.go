package api

import "testing"

func TestBaseURL(t *testing.T) {
	for _, c := range []struct {
		in    string
		https bool
		want  string // "": refused
	}{
		{"127.0.0.1:7777", false, "http://127.0.0.1:7777"},
		{"http://node1:7777/", false, "http://node1:7777"},
		{"http://[::1]:7777", true, "http://[::1]:7777"},
		{"https://node1:443//", true, "https://node1:443"},
		{"https://node1:443", false, ""},
		{"ftp://x", true, ""},
	} {
		got, err := BaseURL(c.in, c.https)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("BaseURL(%q, %v) = %q, %v; want %q", c.in, c.https, got, err, c.want)
		}
	}
	if _, err := BaseURL("ftp://x", true); err == nil || err.Error() != "--api ftp://x: an http:// URL" {
		t.Errorf("ftp: %v", err)
	}
}
