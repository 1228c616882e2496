package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Stream hands each event its name and data (a comment and an event with
// no data are passed over, a name does not outlive its event), sends the
// token, returns nil when the service closes the stream and the status
// when it refuses it.
func TestStream(t *testing.T) {
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != EventsPath {
			http.NotFound(w, r)
			return
		}
		auth = r.Header.Get("Authorization")
		w.Write([]byte(": a comment\n\nevent: joined\ndata: {\"a\":1}\n\nevent: nothing\n\ndata:{\"b\":2}\n\n"))
	}))
	defer srv.Close()
	opened := 0
	var got []string
	err := Stream(context.Background(), srv.Client(), srv.URL, "tok", func() { opened++ }, func(name, data string) {
		got = append(got, name+"="+data)
	})
	if err != nil || opened != 1 || auth != "Bearer tok" || strings.Join(got, " ") != `joined={"a":1} ={"b":2}` {
		t.Errorf("err %v, opened %d, auth %q, events %q", err, opened, auth, got)
	}
	err = Stream(context.Background(), srv.Client(), srv.URL+"/x", "", func() { t.Error("opened") }, nil)
	if err == nil || err.Error() != "404 Not Found" {
		t.Errorf("refused stream: %v", err)
	}
}
