package serve_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// docs/api.md's examples run: every `$ curl ...` line of its console
// blocks, in order, against bin/spp serve with real daemons (the node of
// node_test.go, the doc's 127.0.0.1:7777 replaced by its address). What
// each prints must be what the doc shows under it: text line by line,
// JSON by shape (the same keys and strings, any number; peer, since and
// message, which name connections, any string; a command ending with the
// comment "# this machine's" prints any JSON list). SPP_APIDOC_PRINT=1 prints
// what each example gave instead, to write the doc from.

// example is one command of the doc and the output shown under it.
type example struct {
	line int    // in the doc
	cmd  string // without "$ "
	want string
}

func examples(t *testing.T, doc string) []example {
	var out []example
	in := false
	var cur *example
	for i, l := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(l, "```console"):
			in = true
		case in && strings.HasPrefix(l, "```"):
			in, cur = false, nil
		case in && strings.HasPrefix(l, "$ "):
			out = append(out, example{line: i + 1, cmd: strings.TrimPrefix(l, "$ ")})
			cur = &out[len(out)-1]
		case in && cur != nil && strings.HasSuffix(cur.cmd, "\\") && cur.want == "":
			cur.cmd = strings.TrimSuffix(cur.cmd, "\\") + strings.TrimSpace(l)
		case in && cur != nil:
			cur.want += l + "\n"
		}
	}
	if len(out) == 0 {
		t.Fatal("no examples in docs/api.md")
	}
	return out
}

func TestAPIDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	exs := examples(t, string(doc))
	nd := startNode(t, nil)
	addr := strings.TrimPrefix(nd.url, "http://")
	printing := os.Getenv("SPP_APIDOC_PRINT") != ""
	for _, ex := range exs {
		cmd := strings.ReplaceAll(ex.cmd, "127.0.0.1:7777", addr)
		c := exec.Command("sh", "-c", cmd)
		c.WaitDelay = 5 * time.Second
		got, _ := c.Output() // curl's status: --max-time ends the event stream
		text := strings.ReplaceAll(string(got), addr, "127.0.0.1:7777")
		if printing {
			t.Logf("docs/api.md:%d: $ %s\n%s", ex.line, ex.cmd, text)
			continue
		}
		if strings.HasSuffix(ex.cmd, "# this machine's") {
			// The CPUs differ from machine to machine: a JSON list.
			var l []any
			if json.Unmarshal(got, &l) != nil || len(l) == 0 {
				t.Errorf("docs/api.md:%d: $ %s\ngot %s", ex.line, ex.cmd, got)
			}
			continue
		}
		if msg := sameOutput(text, ex.want); msg != "" {
			t.Errorf("docs/api.md:%d: $ %s\n%s\ngot:\n%s\nwant:\n%s", ex.line, ex.cmd, msg, text, ex.want)
		}
	}
}

// sameOutput compares an example's output with the doc's, line by line; a
// line of JSON (or "data: " and JSON, the event stream) by shape.
func sameOutput(got, want string) string {
	g := strings.Split(strings.TrimRight(got, "\n"), "\n")
	w := strings.Split(strings.TrimRight(want, "\n"), "\n")
	if len(g) != len(w) {
		return "not the same number of lines"
	}
	for i := range w {
		gl, wl := g[i], w[i]
		gj, gd := strings.CutPrefix(gl, "data: ")
		wj, wd := strings.CutPrefix(wl, "data: ")
		if gd != wd {
			return "line " + wl
		}
		var gv, wv any
		if json.Unmarshal([]byte(wj), &wv) == nil && (strings.HasPrefix(wj, "{") || strings.HasPrefix(wj, "[")) {
			if json.Unmarshal([]byte(gj), &gv) != nil {
				return "not JSON: " + gl
			}
			if msg := sameShape(gv, wv, ""); msg != "" {
				return msg
			}
			continue
		}
		if gl != wl {
			return "line " + wl
		}
	}
	return ""
}

// varying are the keys whose strings name a connection.
var varying = map[string]bool{"peer": true, "since": true, "message": true, "old_peer": true}

func sameShape(got, want any, key string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return "not the same object at " + key
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return "no key " + k
			}
			if msg := sameShape(gv, wv, k); msg != "" {
				return msg
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return "not the same list at " + key
		}
		for i := range w {
			if msg := sameShape(g[i], w[i], key); msg != "" {
				return msg
			}
		}
	case float64:
		if _, ok := got.(float64); !ok {
			return "not a number at " + key
		}
	case string:
		if g, ok := got.(string); !ok || (!varying[key] && g != w) {
			return "not the same string at " + key
		}
	default:
		if !reflect.DeepEqual(got, want) {
			return "not the same value at " + key
		}
	}
	return ""
}

// The comparison of outputs catches what differs: a status line, a key,
// a string, a list's length, a number for a string; peers and times are
// free.
func TestSameOutput(t *testing.T) {
	want := "[{\"type\":\"vf\",\"client-id\":1,\"peer\":\"127.0.0.1:1\"}]\n204\n"
	if msg := sameOutput("[{\"type\":\"vf\",\"client-id\":7,\"peer\":\"127.0.0.1:2\"}]\n204\n", want); msg != "" {
		t.Errorf("same shape refused: %s", msg)
	}
	for _, got := range []string{
		"[{\"type\":\"vf\",\"client-id\":1,\"peer\":\"x\"}]\n200\n",
		"[{\"type\":\"mirror\",\"client-id\":1,\"peer\":\"x\"}]\n204\n",
		"[{\"type\":\"vf\",\"peer\":\"x\"}]\n204\n",
		"[{\"type\":\"vf\",\"client-id\":\"1\",\"peer\":\"x\"}]\n204\n",
		"[]\n204\n",
		"204\n",
	} {
		if sameOutput(got, want) == "" {
			t.Errorf("%q taken for %q", got, want)
		}
	}
	if sameOutput("event: left\ndata: {\"event\":\"left\"}\n", "event: left\ndata: {\"event\":\"joined\"}\n") == "" {
		t.Error("an event's data not compared")
	}
}
