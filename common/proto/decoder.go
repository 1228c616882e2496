package proto

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"time"
)

// TextPause ends a text command that has no newline: the 2017 controllers
// send commands with no terminator (protocol.md section 2).
const TextPause = 20 * time.Millisecond

// A Read asks for at least minRead and at most about maxRead bytes: the
// buffer starts small (most requests are, and an idle connection then
// holds about 1 KiB) and doubles for large ones.
const (
	minRead = 512
	maxRead = 256 << 10
)

// Conn is what the decoder reads from: a net.Conn satisfies it.
type Conn interface {
	io.Reader
	SetReadDeadline(time.Time) error
}

// Request is one request: a JSON batch, or one translated text command.
type Request struct {
	Commands []Command
	// Text is the text command line (trimmed), when the request came as a
	// 2017 text command; "" for JSON.
	Text string
}

// Reader cuts a byte stream into requests. Not safe for concurrent use.
type Reader struct {
	c    Conn
	buf  []byte // bytes read but not yet consumed; starts at a request boundary or blanks
	mem  []byte // the memory buf is a window of, reused once its bytes are consumed
	err  error  // sticky: the read error, or the framing error that ended the stream
	scan scanner
}

// NewReader returns a Reader of c.
func NewReader(c Conn) *Reader { return &Reader{c: c} }

// Next returns the next request.
//
// It returns io.EOF when the peer closed cleanly between requests (a text
// command cut by EOF is complete; a JSON batch cut by EOF gives
// io.ErrUnexpectedEOF), a *Error "bad message format" for a framing error
// (after which the caller replies BadFormatReply and closes the
// connection), or the connection's read error. Once it returned an error,
// every later call returns the same error.
func (r *Reader) Next() (*Request, error) {
	if err := r.skipBlanks(); err != nil {
		return nil, err
	}
	if r.buf[0] == '{' {
		return r.nextJSON()
	}
	return r.nextText()
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// skipBlanks drops blanks before a request, reading (with no deadline)
// until a non-blank byte is buffered.
func (r *Reader) skipBlanks() error {
	for {
		i := 0
		for i < len(r.buf) && isBlank(r.buf[i]) {
			i++
		}
		r.buf = r.buf[i:]
		if len(r.buf) > 0 {
			return nil
		}
		if r.err != nil {
			return r.err
		}
		r.read(false)
	}
}

// nextJSON finds the end of the object starting at r.buf[0] with the JSON
// scanner, then parses it. The scan resumes where it stopped after each
// read, so a batch split into single bytes costs no more than one in a
// single segment, and it stops at the first byte that proves the request
// invalid, without waiting for more.
func (r *Reader) nextJSON() (*Request, error) {
	r.scan.reset()
	for i := 0; ; {
		for ; i < len(r.buf) && i < MaxRequestBytes; i++ {
			switch r.scan.step(r.buf[i]) {
			case scanError:
				return nil, r.fail(ErrBadFormat("not valid JSON"))
			case scanEnd:
				obj := r.buf[:i+1]
				r.buf = r.buf[i+1:]
				req, err := parseBatch(obj)
				if err != nil {
					return nil, r.fail(err)
				}
				return req, nil
			}
		}
		if i >= MaxRequestBytes {
			return nil, r.fail(ErrBadFormat("request larger than 1 MiB"))
		}
		if r.err != nil {
			if r.err == io.EOF {
				r.err = io.ErrUnexpectedEOF
			}
			return nil, r.err
		}
		r.read(false)
	}
}

// nextText returns the text command at r.buf[0]: up to "\n", or up to a
// pause of TextPause, or up to EOF.
func (r *Reader) nextText() (*Request, error) {
	scanned := 0 // no newline in r.buf[:scanned]
	for {
		limit := min(len(r.buf), MaxRequestBytes+1) // a line of exactly MaxRequestBytes is fine
		if k := bytes.IndexByte(r.buf[scanned:limit], '\n'); k >= 0 {
			line := r.buf[:scanned+k]
			r.buf = r.buf[scanned+k+1:]
			return ParseText(string(line)), nil
		}
		scanned = limit
		if len(r.buf) > MaxRequestBytes {
			return nil, r.fail(ErrBadFormat("text command larger than 1 MiB"))
		}
		if r.err != nil {
			return r.takeText(), nil // EOF (or a broken connection) ends the line
		}
		if paused := r.read(true); paused {
			return r.takeText(), nil
		}
	}
}

func (r *Reader) takeText() *Request {
	line := string(r.buf)
	r.buf = r.buf[len(r.buf):]
	return ParseText(line)
}

// fail records a framing error: the stream cannot be resynchronised.
func (r *Reader) fail(err *Error) error {
	r.err = err
	r.buf = nil
	return err
}

// read appends what one Read returns to r.buf, recording an error in
// r.err. With timed set it waits at most TextPause and reports whether that
// pause passed with nothing read. An untimed read that times out (a deadline
// set by someone else) clears the deadline and waits again.
func (r *Reader) read(timed bool) (paused bool) {
	if cap(r.buf)-len(r.buf) < minRead {
		// Move the unconsumed bytes to the front of r.mem when the bytes
		// consumed before them are at least as many (the copy is paid
		// for) and there is room for a read; else to a new buffer, at
		// least twice as large, or smaller when r.mem is far larger than
		// needed (a 1 MiB request does not pin 1 MiB). Requests copy
		// what they keep, so r.mem is free for reuse.
		consumed := cap(r.mem) - cap(r.buf) // r.buf ends where r.mem does
		need := 2*len(r.buf) + minRead
		switch {
		case cap(r.mem) >= 8*need:
			r.mem = make([]byte, need)
		case len(r.buf)+minRead > cap(r.mem) || consumed < len(r.buf):
			r.mem = make([]byte, min(max(need, 2*cap(r.mem)), len(r.buf)+maxRead))
		}
		r.buf = r.mem[:copy(r.mem[:cap(r.mem)], r.buf)]
	}
	if timed {
		if err := r.c.SetReadDeadline(time.Now().Add(TextPause)); err != nil {
			r.err = err
			return false
		}
	}
	for {
		n, err := r.c.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if err != nil && isTimeout(err) {
			// Clear the deadline so that later reads wait for ever.
			if derr := r.c.SetReadDeadline(time.Time{}); derr != nil {
				r.err = derr
				return false
			}
			if n > 0 {
				return false
			}
			if timed {
				return true
			}
			continue
		}
		if timed {
			if derr := r.c.SetReadDeadline(time.Time{}); derr != nil && err == nil {
				err = derr
			}
		}
		if err != nil {
			r.err = err
		}
		return false
	}
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ParseBatch parses one complete JSON batch {"commands":[...]}. It returns
// a *Error "bad message format" when data is not valid JSON, is larger than
// MaxRequestBytes, has more than MaxCommands commands, or has the wrong
// shape: "commands" missing or not an array, an element not an object, a
// "command" field that is not a string. A command with no "command" field,
// or an empty one, decodes with a preset error (Command.Err).
func ParseBatch(data []byte) (*Request, error) {
	req, err := parseBatch(data)
	if err != nil {
		return nil, err
	}
	return req, nil
}

func parseBatch(data []byte) (*Request, *Error) {
	if len(data) > MaxRequestBytes {
		return nil, ErrBadFormat("request larger than 1 MiB")
	}
	if !json.Valid(data) {
		return nil, ErrBadFormat("not valid JSON")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, ErrBadFormat("not a JSON object")
	}
	list, ok := top["commands"]
	if !ok {
		return nil, ErrBadFormat(`"commands" missing`)
	}
	if firstByte(list) != '[' {
		return nil, ErrBadFormat(`"commands" is not an array`)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(list, &elems); err != nil {
		return nil, ErrBadFormat(`"commands" is not an array`)
	}
	if len(elems) > MaxCommands {
		return nil, ErrBadFormat("more than 256 commands")
	}
	req := &Request{Commands: make([]Command, 0, len(elems))}
	for _, e := range elems {
		if firstByte(e) != '{' {
			return nil, ErrBadFormat("a command is not an object")
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(e, &fields); err != nil {
			return nil, ErrBadFormat("a command is not an object")
		}
		cmd := Command{Raw: append(json.RawMessage(nil), e...)}
		name, ok := fields["command"]
		switch {
		case !ok:
			cmd.err = ErrNotEnough("command")
		case firstByte(name) != '"':
			return nil, ErrBadFormat(`"command" is not a string`)
		default:
			if err := json.Unmarshal(name, &cmd.Name); err != nil {
				return nil, ErrBadFormat(`"command" is not a string`)
			}
			if cmd.Name == "" {
				cmd.err = ErrBadValue("command", "empty")
			}
		}
		req.Commands = append(req.Commands, cmd)
	}
	return req, nil
}

// firstByte returns the first non-blank byte of a JSON value, or 0.
func firstByte(v []byte) byte {
	for _, b := range v {
		if !isBlank(b) {
			return b
		}
	}
	return 0
}
