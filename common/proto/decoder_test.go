package proto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			acc <- nil
			return
		}
		acc <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-acc
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// chunkConn is an in-memory Conn: each Read returns at most the next chunk
// of size bytes (all of data when size is 0), then io.EOF. With pauses, a
// Read made under a deadline first reports a timeout, every other time, as
// a sender pausing between chunks would.
type chunkConn struct {
	data     []byte
	size     int
	left     int // bytes left in the current chunk
	pauses   bool
	deadline bool
	tick     int
}

// chunks returns a chunkConn of data in chunks of n bytes (n >= 1).
func chunks(data []byte, n int) *chunkConn { return &chunkConn{data: data, size: n} }

// oneChunk returns a chunkConn of data in one chunk.
func oneChunk(data []byte) *chunkConn { return &chunkConn{data: data} }

func (c *chunkConn) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	if c.pauses && c.deadline {
		c.tick++
		if c.tick%2 == 1 {
			return 0, os.ErrDeadlineExceeded
		}
	}
	if c.left == 0 {
		c.left = len(c.data)
		if c.size > 0 {
			c.left = min(c.size, len(c.data))
		}
	}
	n := copy(p, c.data[:c.left])
	c.data, c.left = c.data[n:], c.left-n
	return n, nil
}

func (c *chunkConn) SetReadDeadline(t time.Time) error {
	c.deadline = !t.IsZero()
	return nil
}

func names(req *Request) []string {
	var ns []string
	for _, c := range req.Commands {
		ns = append(ns, c.Name)
	}
	return ns
}

// nextWithin fails the test when Next takes longer than d.
func nextWithin(t *testing.T, r *Reader, d time.Duration) (*Request, error) {
	t.Helper()
	type res struct {
		req *Request
		err error
	}
	ch := make(chan res, 1)
	go func() { req, err := r.Next(); ch <- res{req, err} }()
	select {
	case x := <-ch:
		return x.req, x.err
	case <-time.After(d):
		t.Fatalf("Next blocked for more than %v", d)
		return nil, nil
	}
}

func isBadFormat(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Message == "bad message format"
}

func TestBackToBackBatchesInOneWrite(t *testing.T) {
	client, server := tcpPair(t)
	msg := `{"commands":[{"command":"status"}]}{"commands":[{"command":"flush"},{"command":"cancel"}]}` +
		"\n" + `{"commands":[]}`
	if _, err := client.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	r := NewReader(server)
	want := [][]string{{"status"}, {"flush", "cancel"}, nil}
	for i, w := range want {
		req, err := nextWithin(t, r, 5*time.Second)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if !reflect.DeepEqual(names(req), w) || req.Text != "" {
			t.Fatalf("request %d: names %v text %q, want %v", i, names(req), req.Text, w)
		}
	}
	client.Close()
	if _, err := nextWithin(t, r, 5*time.Second); err != io.EOF {
		t.Fatalf("after close: %v, want io.EOF", err)
	}
}

// One batch written one byte per Write over net.Pipe (each Read then
// returns one byte) is one request, and its strings may hold braces,
// brackets and escaped quotes.
func TestBatchSplitByteByByte(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	cmd := `{"command":"component","name":"a}\"{]\\","core_id":2,"type":"forward","rx_ports":["ring0"],"tx_ports":["ring1"]}`
	msg := `{ "commands" : [` + cmd + `, {"command":"flush"}] }` + `{"commands":[{"command":"status"}]}`
	go func() {
		for i := 0; i < len(msg); i++ {
			if _, err := client.Write([]byte{msg[i]}); err != nil {
				return
			}
		}
	}()
	r := NewReader(server)
	req, err := nextWithin(t, r, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names(req), []string{"component", "flush"}) {
		t.Fatalf("names %v", names(req))
	}
	if string(req.Commands[0].Raw) != cmd {
		t.Fatalf("raw %s, want %s", req.Commands[0].Raw, cmd)
	}
	cc, err := req.Commands[0].Component()
	if err != nil || cc.Name != `a}"{]\` || cc.CoreID != 2 {
		t.Fatalf("component %+v, %v", cc, err)
	}
	req, err = nextWithin(t, r, 10*time.Second)
	if err != nil || !reflect.DeepEqual(names(req), []string{"status"}) {
		t.Fatalf("second request %v, %v", req, err)
	}
}

// A 2 MiB request is answered with bad message format as soon as 1 MiB has
// been read: Next does not wait for the rest.
func TestOversizedRequest(t *testing.T) {
	for _, tc := range []struct{ name, head string }{
		{"json", `{"commands":[{"command":"status","pad":"`},
		{"text", `status `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, server := tcpPair(t)
			go func() {
				// Write the first 1 MiB + 64 KiB, then nothing: the
				// request would be 2 MiB but the sender stalls.
				b := []byte(tc.head + strings.Repeat("a", MaxRequestBytes+64<<10))
				client.Write(b)
			}()
			r := NewReader(server)
			_, err := nextWithin(t, r, 10*time.Second)
			if !isBadFormat(err) {
				t.Fatalf("err %v, want bad message format", err)
			}
			if _, err2 := r.Next(); err2 != err {
				t.Fatalf("error not sticky: %v", err2)
			}
		})
	}
}

// The limit is exactly MaxRequestBytes: a batch of that size is fine, one
// byte more is not.
func TestRequestSizeLimit(t *testing.T) {
	head, tail := `{"commands":[{"command":"status","pad":"`, `"}]}`
	for _, size := range []int{MaxRequestBytes, MaxRequestBytes + 1} {
		msg := head + strings.Repeat("a", size-len(head)-len(tail)) + tail
		if len(msg) != size {
			t.Fatal("bad test")
		}
		r := NewReader(chunks([]byte(msg), 4096))
		req, err := r.Next()
		if size <= MaxRequestBytes && (err != nil || names(req)[0] != "status") {
			t.Fatalf("size %d: %v", size, err)
		}
		if size > MaxRequestBytes && !isBadFormat(err) {
			t.Fatalf("size %d: err %v, want bad message format", size, err)
		}
	}
}

func TestCommandCountLimit(t *testing.T) {
	batch := func(n int) string {
		cmds := make([]string, n)
		for i := range cmds {
			cmds[i] = `{"command":"status"}`
		}
		return `{"commands":[` + strings.Join(cmds, ",") + `]}`
	}
	req, err := NewReader(oneChunk([]byte(batch(MaxCommands)))).Next()
	if err != nil || len(req.Commands) != MaxCommands {
		t.Fatalf("256 commands: %v", err)
	}
	for _, n := range []int{MaxCommands + 1, 300} {
		_, err = NewReader(oneChunk([]byte(batch(n)))).Next()
		if !isBadFormat(err) {
			t.Fatalf("%d commands: err %v, want bad message format", n, err)
		}
	}
}

func TestBadFormat(t *testing.T) {
	for _, msg := range []string{
		`{nope}`,
		`{"commands":[{"command":"status"},]}`,
		`{"commands":[{"command":"status"}]]`,
		`{"commands":[{"command":"status"}}]`,
		`{}`,
		`{"command":"status"}`,
		`{"commands":{}}`,
		`{"commands":null}`,
		`{"commands":"status"}`,
		`{"commands":[1]}`,
		`{"commands":[["status"]]}`,
		`{"commands":[null]}`,
		`{"commands":[{"command":5}]}`,
		`{"commands":[{"command":null}]}`,
		`{"commands":[{"command":["status"]}]}`,
	} {
		r := NewReader(oneChunk([]byte(msg + `{"commands":[{"command":"status"}]}`)))
		_, err := r.Next()
		if !isBadFormat(err) {
			t.Errorf("%s: err %v, want bad message format", msg, err)
			continue
		}
		// The stream cannot be resynchronised: the next batch is not read.
		if _, err2 := r.Next(); err2 != err {
			t.Errorf("%s: error not sticky: %v", msg, err2)
		}
		if _, err := ParseBatch([]byte(msg)); !isBadFormat(err) {
			t.Errorf("ParseBatch(%s): err %v", msg, err)
		}
	}
}

// Problems of one command, not of the stream, are preset errors. "port" is
// a JSON command since protocol version 2 (9.3), and component_start and
// component_stop (once names of text translations) are unknown names like
// any other, for the daemon to refuse.
func TestPresetErrorsInJSON(t *testing.T) {
	req, err := ParseBatch([]byte(`{"commands":[{"name":"x"},{"command":"port","action":"add"},` +
		`{"command":"component_start"},{"command":""},{"command":"status","extra":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"not enough parameter(command)", "", "", "bad value(command): empty", ""}
	names := []string{"", "port", "component_start", "", "status"}
	for i, c := range req.Commands {
		got := ""
		if c.Err() != nil {
			got = c.Err().Error()
		}
		if got != want[i] || c.Name != names[i] {
			t.Errorf("command %d: Err %q name %q, want %q %q", i, got, c.Name, want[i], names[i])
		}
		if c.FromText {
			t.Errorf("command %d: FromText set for JSON", i)
		}
	}
}

// protocol.md 9.6: a request the bytes received prove invalid is answered
// at once, on a connection that stays open, without waiting for the 1 MiB
// limit: the case (a "]" closing a "{"), a "}" closing a "[", a
// stray byte after a value, a bad literal, number or escape.
func TestInvalidAtOnce(t *testing.T) {
	for _, msg := range []string{
		`{"commands": [ {"command": "status" ]]` + "\n",
		`{"commands": [ {"command": "status"} }`,
		`{"commands" x`,
		`{"commands": [ {"command": "status"} x`,
		`{"commands": [ {"command": "status" "flush"`,
		`{"commands": [ {"command": nul}`,
		`{"commands": [ {"command": truth`,
		`{"commands": [ {"core_id": 01`,
		`{"commands": [ {"core_id": -x`,
		`{"commands": [ {"command": "st\qatus"`,
		`{"commands": [ {"command": "status",}`,
		`{"commands": [ {"command": "status"},]`,
		`{"commands": [ {"command" "status"`,
		`{"commands": [ {1: "status"`,
		`{]`,
	} {
		t.Run(msg, func(t *testing.T) {
			client, server := tcpPair(t)
			if _, err := client.Write([]byte(msg)); err != nil {
				t.Fatal(err)
			}
			r := NewReader(server)
			start := time.Now()
			_, err := nextWithin(t, r, 100*time.Millisecond)
			if !isBadFormat(err) {
				t.Fatalf("err %v, want bad message format", err)
			}
			t.Logf("answered in %v", time.Since(start))
		})
	}
}

// The same over net.Pipe with the request written a byte at a time: the
// error comes at the byte that proves it, and the bytes after it are never
// read (the writer of the next byte stays blocked).
func TestInvalidAtTheProvingByte(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	msg := `{"commands": [ {"command": "status" ]]` + "\n"
	sent := make(chan int, 1)
	go func() {
		n := 0
		for ; n < len(msg); n++ {
			if _, err := client.Write([]byte{msg[n]}); err != nil {
				break
			}
		}
		sent <- n
	}()
	_, err := nextWithin(t, NewReader(server), 5*time.Second)
	if !isBadFormat(err) {
		t.Fatalf("err %v, want bad message format", err)
	}
	server.Close()
	if n := <-sent; n != strings.Index(msg, "]]")+1 {
		t.Errorf("the reader took %d bytes, want %d (up to the first ']')", n, strings.Index(msg, "]]")+1)
	}
}

// Valid requests the scanner must accept: every JSON value kind, numbers
// in all forms, escapes, nesting, blanks everywhere.
func TestScannerAccepts(t *testing.T) {
	for _, msg := range []string{
		`{"commands":[]}`,
		` { "commands" : [ { "command" : "status" , "x" : [ 1 , -0.5e+3 , 0 , 12.25E-2 , -7 , true , false , null , { } , [ ] , "\"\\\/\b\f\n\r\t\u00E9" ] } ] } `,
		`{"commands":[{"command":"status","deep":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}]}`,
		`{"commands":[{"command":"status","s":"ÿþ é"}]}`,
	} {
		r := NewReader(chunks([]byte(msg), 1))
		req, err := r.Next()
		if err != nil || (len(req.Commands) > 0 && req.Commands[0].Name != "status") {
			t.Errorf("%s: %v", msg, err)
		}
	}
}
func TestEOF(t *testing.T) {
	for _, tc := range []struct {
		in   string
		reqs int
		err  error
	}{
		{"", 0, io.EOF},
		{" \r\n\t\n", 0, io.EOF},
		{`{"commands":[{"command":"status"}]}` + "\n", 1, io.EOF},
		{`{"commands":[{"command":"status"}`, 0, io.ErrUnexpectedEOF},
		{"status", 1, io.EOF}, // a text command cut by EOF is complete
		{"status\nflush", 2, io.EOF},
	} {
		r := NewReader(chunks([]byte(tc.in), 3))
		n := 0
		var err error
		for {
			if _, err = r.Next(); err != nil {
				break
			}
			n++
		}
		if n != tc.reqs || err != tc.err {
			t.Errorf("%q: %d requests then %v, want %d then %v", tc.in, n, err, tc.reqs, tc.err)
		}
	}
}

// A read error other than EOF is returned as it is, not as a framing error.
func TestReadError(t *testing.T) {
	client, server := net.Pipe()
	client.Close()
	_, err := NewReader(server).Next()
	if err == nil || isBadFormat(err) {
		t.Fatalf("err %v", err)
	}
}

// A text command with no newline ends when the sender pauses 20 ms; after
// that the reader waits with no deadline for as long as it takes.
func TestTextPause(t *testing.T) {
	client, server := tcpPair(t)
	r := NewReader(server)
	start := time.Now()
	if _, err := client.Write([]byte("status")); err != nil {
		t.Fatal(err)
	}
	req, err := nextWithin(t, r, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < TextPause {
		t.Fatalf("text command ended after %v, before the %v pause", el, TextPause)
	}
	if req.Text != "status" || !reflect.DeepEqual(names(req), []string{"status"}) || !req.Commands[0].FromText {
		t.Fatalf("got %+v", req)
	}

	// Nothing pending: no deadline, the reader just waits.
	go func() {
		time.Sleep(200 * time.Millisecond)
		client.Write([]byte("classifier_table add mac 52:54:00:12:34:56 ring:0"))
	}()
	req, err = nextWithin(t, r, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if req.Text != "classifier_table add mac 52:54:00:12:34:56 ring:0" ||
		string(req.Commands[0].Raw) != `{"command":"classifier_table","type":"mac","value":"52:54:00:12:34:56","port":"ring:0"}` {
		t.Fatalf("got %q %s", req.Text, req.Commands[0].Raw)
	}
	// And a JSON batch after a text command still works.
	client.Write([]byte(`{"commands":[{"command":"flush"}]}`))
	req, err = nextWithin(t, r, 5*time.Second)
	if err != nil || req.Text != "" || names(req)[0] != "flush" {
		t.Fatalf("got %+v, %v", req, err)
	}
}

// A partial JSON batch is not ended by a pause: only text commands are.
func TestJSONWaitsThroughPauses(t *testing.T) {
	client, server := tcpPair(t)
	go func() {
		client.Write([]byte(`{"commands":[{"comm`))
		time.Sleep(100 * time.Millisecond)
		client.Write([]byte(`and":"status"}]}`))
	}()
	req, err := nextWithin(t, NewReader(server), 5*time.Second)
	if err != nil || names(req)[0] != "status" {
		t.Fatalf("got %+v, %v", req, err)
	}
}

// Text lines: "\n" and "\r\n" end them, blank lines are skipped, and JSON
// may follow on the same stream.
func TestTextLines(t *testing.T) {
	in := "\r\n  status\r\n\n\tflush\n" + `{"commands":[{"command":"cancel"}]}` + "exit\n"
	r := NewReader(chunks([]byte(in), 1))
	want := []struct{ text, name string }{{"status", "status"}, {"flush", "flush"}, {"", "cancel"}, {"exit", "exit"}}
	for _, w := range want {
		req, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if req.Text != w.text || len(req.Commands) != 1 || req.Commands[0].Name != w.name {
			t.Fatalf("got %q %v, want %q %q", req.Text, names(req), w.text, w.name)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("err %v", err)
	}
}

// A read deadline set by someone else, timing out with nothing pending, is
// not an error: the reader clears it and goes on waiting.
func TestForeignDeadline(t *testing.T) {
	client, server := tcpPair(t)
	server.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	go func() {
		time.Sleep(100 * time.Millisecond)
		client.Write([]byte(`{"commands":[{"command":"status"}]}`))
	}()
	req, err := nextWithin(t, NewReader(server), 5*time.Second)
	if err != nil || names(req)[0] != "status" {
		t.Fatalf("got %+v, %v", req, err)
	}
}

// checkNoWait holds the decoder to protocol.md 9.6 against encoding/json's
// own streaming decoder, which stops at the first byte that proves a value
// invalid. rest is the input from the request at which decoding stopped
// with err. When rest ends inside a JSON request (err is
// io.ErrUnexpectedEOF), json.Decoder must also need more bytes for it,
// not see a syntax error; when the decoder says bad message format, the
// JSON request must be invalid, or complete and refused by ParseBatch (a
// wrong shape), never merely unfinished.
func checkNoWait(t testing.TB, rest []byte, err error) {
	if err != io.ErrUnexpectedEOF && !isBadFormat(err) {
		return
	}
	if firstByte(rest) != '{' || len(rest) > MaxRequestBytes {
		return // a text command, or the size limit
	}
	var v json.RawMessage
	jerr := json.NewDecoder(bytes.NewReader(rest)).Decode(&v)
	var syn *json.SyntaxError
	switch {
	case err == io.ErrUnexpectedEOF:
		if jerr != io.ErrUnexpectedEOF {
			t.Fatalf("decoder waits for more of %q, which json.Decoder calls %v", rest, jerr)
		}
	case jerr == io.ErrUnexpectedEOF:
		t.Fatalf("decoder refused %q, which json.Decoder calls unfinished", rest)
	case jerr == nil:
		if _, perr := ParseBatch(v); perr == nil {
			t.Fatalf("decoder refused %q, a valid request", v)
		}
	case !errors.As(jerr, &syn):
		t.Fatalf("json.Decoder: %v", jerr)
	}
}

// decodeAll reads every request of c; it fails the test when Next does not
// make progress. rest is the offset in the stream of the request at which
// decoding stopped (blanks before it included).
func decodeAll(t testing.TB, c Conn, limit int) (reqs []*Request, rest int, err error) {
	cc := &countConn{Conn: c}
	r := NewReader(cc)
	for {
		start := cc.n - len(r.buf)
		req, err := r.Next()
		if err != nil {
			return reqs, start, err
		}
		reqs = append(reqs, req)
		if len(reqs) > limit {
			t.Fatalf("more than %d requests", limit)
		}
	}
}

// countConn counts the bytes read.
type countConn struct {
	Conn
	n int
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n += n
	return n, err
}

// describe renders requests for comparison.
func describe(reqs []*Request, err error) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "text=%q\n", r.Text)
		for _, c := range r.Commands {
			fmt.Fprintf(&b, "  %q %v %s err=%v\n", c.Name, c.FromText, c.Raw, c.Err())
		}
	}
	fmt.Fprintf(&b, "end: %v\n", err)
	return b.String()
}

// sameRequests says whether two decodings (requests, then the error that
// ended them) are the same, as describe would render them.
func sameRequests(r1 []*Request, e1 error, r2 []*Request, e2 error) bool {
	if len(r1) != len(r2) || fmt.Sprint(e1) != fmt.Sprint(e2) {
		return false
	}
	for i, a := range r1 {
		if !sameRequest(a, r2[i]) {
			return false
		}
	}
	return true
}

// sameRequest reports whether two requests hold the same commands.
func sameRequest(a, b *Request) bool {
	if a.Text != b.Text || len(a.Commands) != len(b.Commands) {
		return false
	}
	for j, c := range a.Commands {
		d := b.Commands[j]
		if c.Name != d.Name || c.FromText != d.FromText || !bytes.Equal(c.Raw, d.Raw) || fmt.Sprint(c.Err()) != fmt.Sprint(d.Err()) {
			return false
		}
	}
	return true
}

// checkRequest checks what holds for every request the decoder returns:
// its framing, field readers that do not panic, and a JSON batch
// re-encoded decoding to the same commands.
func checkRequest(t testing.TB, req *Request) {
	checkFraming(t, req)
	for _, c := range req.Commands {
		// The field readers never panic, whatever the command.
		c.Component()
		c.Classifier()
		c.PortOp()
	}
	if req.Text != "" {
		return
	}
	// A JSON batch re-encoded decodes to the same commands.
	enc, err := json.Marshal(Batch{Commands: req.Commands})
	if err != nil {
		t.Fatalf("re-encoding: %v", err)
	}
	again, err := ParseBatch(enc)
	if err != nil {
		t.Fatalf("re-encoded batch %s: %v", enc, err)
	}
	if len(again.Commands) != len(req.Commands) {
		t.Fatalf("re-encoded: %d commands, want %d", len(again.Commands), len(req.Commands))
	}
	for i, c := range req.Commands {
		d := again.Commands[i]
		var v1, v2 any
		json.Unmarshal(c.Raw, &v1)
		json.Unmarshal(d.Raw, &v2)
		if d.Name != c.Name || fmt.Sprint(d.Err()) != fmt.Sprint(c.Err()) || !reflect.DeepEqual(v1, v2) {
			t.Fatalf("re-encoded command %d: %q %s %v, want %q %s %v", i, d.Name, d.Raw, d.Err(), c.Name, c.Raw, c.Err())
		}
	}
}

// checkFraming checks the shape of a request: a text request is one
// command from text, a batch has at most MaxCommands, each command's Raw
// is a JSON object, and a command has a name or a preset error.
func checkFraming(t testing.TB, req *Request) {
	if req.Text != "" {
		if len(req.Commands) != 1 || !req.Commands[0].FromText {
			t.Fatalf("text request %q: %d commands", req.Text, len(req.Commands))
		}
	} else if len(req.Commands) > MaxCommands {
		t.Fatalf("%d commands", len(req.Commands))
	}
	for _, c := range req.Commands {
		if !json.Valid(c.Raw) || firstByte(c.Raw) != '{' {
			t.Fatalf("raw %q is not a JSON object", c.Raw)
		}
		if c.Err() == nil && c.Name == "" {
			t.Fatalf("command with no name and no error: %s", c.Raw)
		}
		if c.Err() != nil && c.Name != "" {
			t.Fatalf("command %q with a preset error", c.Name)
		}
	}
}

// decoderSeeds are FuzzDecoder's seeds; the byte is the n of checkDecoder.
var decoderSeeds = []string{
	`{"commands":[{"command":"status"}]}`,
	`{"commands":[{"command":"component","core_id":"2","type":"forward","rx_ports":["nic0"],"tx_ports":["ring0"]},{"command":"flush"}]}` + "\n",
	`{"commands":[{"command":"classifier_table","type":"mac","value":"52:54:00:12:34:56","port":"ring0"}]}{"commands":[]}`,
	`{"commands":[{"command":"component","name":"x}\"{","core_id":3,"type":"none"}]}`,
	`{"commands":[{"command":"port","action":"add"},{"name":"x"}]}`,
	"_get_client_id", "status\r\n", "flush\nexit\n", "cancel",
	"classifier_table add mac 52:54:00:12:34:56 ring:0\n",
	"classifier_table del mac default ring0\n", "classifier_table add default ring0",
	"component start fw1 2 forward\ncomponent stop fw1\n",
	"port add phy:0 rx fw1\nport del vhost:1 tx fw1\n", "nope\n", "status extra words\n",
	`{"commands":[}`, `{"commands":[{"command":"status"},]}`, `{}`, `{"commands":[1]}`,
	"\x00\xff{", `{"a":"\u00e9\\"}`, "  \r\n\t", `{"commands":[{"command":"status"}]} garbage`,
}

func FuzzDecoder(f *testing.F) {
	for i, s := range decoderSeeds {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint8) { checkDecoder(t, data, n) })
}

// checkDecoder is FuzzDecoder's body: data decoded whole, in chunks of
// 1+n%7 bytes, and in chunks of 1+n%5 bytes with pauses.
func checkDecoder(t testing.TB, data []byte, n uint8) {
	limit := len(data) + 1
	whole, start, err1 := decodeAll(t, oneChunk(data), limit)
	for _, req := range whole {
		checkRequest(t, req)
	}
	checkNoWait(t, data[start:], err1)
	// Chunk boundaries change nothing when the sender never pauses.
	pieces, _, err2 := decodeAll(t, chunks(data, 1+int(n%7)), limit)
	if !sameRequests(whole, err1, pieces, err2) {
		t.Fatalf("one chunk:\n%s\nchunks of %d:\n%s", describe(whole, err1), 1+n%7, describe(pieces, err2))
	}
	// Pauses may end text commands early but break nothing.
	c := chunks(data, 1+int(n%5))
	c.pauses = true
	paused, _, _ := decodeAll(t, c, limit)
	for i, req := range paused {
		// checkRequest reads only what sameRequest compares: a request
		// equal to the one decoded whole was checked above.
		if i < len(whole) && sameRequest(whole[i], req) {
			continue
		}
		checkRequest(t, req)
	}
}

// Round trip of a batch built by hand, as the controller would send it.
func TestBatchRoundTrip(t *testing.T) {
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(map[string]any{"commands": []map[string]any{
		{"command": "component", "core_id": 2, "type": "merge", "rx_ports": []string{"ring0", "ring1"}, "tx_ports": []string{"nic0"}},
		{"command": "flush"},
	}})
	req, err := NewReader(oneChunk(b.Bytes())).Next()
	if err != nil {
		t.Fatal(err)
	}
	checkRequest(t, req)
}

// BenchmarkDecoderFuzzBody runs FuzzDecoder's body over its seeds and the
// corpus in testdata/fuzz/FuzzDecoder, or in $SPP_FUZZ_CORPUS (a directory
// of the fuzzer's cache): the cost of one fuzz input, without the fuzzer.
//
//	SPP_FUZZ_CORPUS=$(go env GOCACHE)/fuzz/github.com/spp-go/spp/common/proto/FuzzDecoder \
//	go test -run '^$' -bench DecoderFuzzBody -cpuprofile cpu.out ./common/proto
func BenchmarkDecoderFuzzBody(b *testing.B) {
	type input struct {
		data []byte
		n    uint8
	}
	var in []input
	for i, s := range decoderSeeds {
		in = append(in, input{[]byte(s), uint8(i)})
	}
	dir := os.Getenv("SPP_FUZZ_CORPUS")
	if dir == "" {
		dir = "testdata/fuzz/FuzzDecoder"
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range files {
		data, n, err := readCorpusFile(dir + "/" + f.Name())
		if err != nil {
			b.Fatalf("%s: %v", f.Name(), err)
		}
		in = append(in, input{data, n})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := in[i%len(in)]
		checkDecoder(b, x.data, x.n)
	}
}

// readCorpusFile reads a "go test fuzz v1" file of ([]byte, byte).
func readCorpusFile(name string) ([]byte, uint8, error) {
	text, err := os.ReadFile(name)
	if err != nil {
		return nil, 0, err
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasPrefix(lines[2], "byte(") {
		return nil, 0, fmt.Errorf("not a ([]byte, byte) corpus file")
	}
	data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		return nil, 0, err
	}
	lit, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[2], "byte("), ")"))
	if err != nil || len([]rune(lit)) != 1 {
		return nil, 0, fmt.Errorf("bad byte %s", lines[2])
	}
	return []byte(data), uint8([]rune(lit)[0]), nil
}
