package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/spp-go/spp/ctl/api"
)

// Request bodies: read whatever their Content-Type (upstream's clients
// send JSON as text/plain too), bounded, and checked key by key with
// upstream's error texts: "key(NAME) required." and "invalid key(NAME):
// VALUE.".

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fail(http.StatusRequestEntityTooLarge, "request body over %d bytes.", api.MaxBody)
	}
	if err != nil {
		return nil, fail(http.StatusBadRequest, "reading the body: %v", err)
	}
	return b, nil
}

// body is a request's JSON object.
type body map[string]json.RawMessage

// readObject reads the body as one JSON object that has every key of
// required (the first missing one is named: upstream checked in order).
func readObject(r *http.Request, required ...string) (body, error) {
	raw, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var b body
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&b); err != nil || b == nil || dec.More() {
		return nil, fail(http.StatusBadRequest, "Not in json format.")
	}
	if err := b.need(required...); err != nil {
		return nil, err
	}
	return b, nil
}

// need checks that every key is there, in order.
func (b body) need(keys ...string) error {
	for _, k := range keys {
		if _, ok := b[k]; !ok {
			return fail(http.StatusBadRequest, "key(%s) required.", k)
		}
	}
	return nil
}

// invalid is the 400 of a value rejected: strings as they are, anything
// else (and a string with a control character: the reply is one line) as
// its JSON, compacted (an object's newlines would break the line).
func (b body) invalid(key string) error {
	var s string
	if json.Unmarshal(b[key], &s) == nil && !strings.ContainsFunc(s, unicode.IsControl) {
		return fail(http.StatusBadRequest, "invalid key(%s): %s.", key, s)
	}
	var c bytes.Buffer
	json.Compact(&c, b[key]) // valid: the body decoded
	return fail(http.StatusBadRequest, "invalid key(%s): %s.", key, c.String())
}

// str reads a string value.
func (b body) str(key string) (string, error) {
	var s string
	if err := json.Unmarshal(b[key], &s); err != nil {
		return "", b.invalid(key)
	}
	return s, nil
}

// oneOf reads a string value that must be one of vals.
func (b body) oneOf(key string, vals ...string) (string, error) {
	s, err := b.str(key)
	if err != nil {
		return "", err
	}
	for _, v := range vals {
		if s == v {
			return s, nil
		}
	}
	return "", b.invalid(key)
}

// integer reads a JSON integer (not a string, not a fraction) within
// [lo, hi].
func (b body) integer(key string, lo, hi int) (int, error) {
	raw := bytes.TrimSpace(b[key])
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < lo || n > hi {
		return 0, b.invalid(key)
	}
	return n, nil
}
