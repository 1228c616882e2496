package proto

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// SuccessReply is the reply of a batch of n commands that all succeeded.
func SuccessReply(n int) Reply {
	rs := make([]Result, n)
	for i := range rs {
		rs[i].Result = Success
	}
	return Reply{Results: rs}
}

// FailReply is the reply of a batch of n commands whose command at index
// failed failed with err (protocol.md section 3): "cancelled" before it,
// "error" at it, "invalid" after it. The message is err's text when err is
// (or wraps) a *Error, "error occur: " and err's text otherwise.
func FailReply(n, failed int, err error) Reply {
	rs := make([]Result, n)
	for i := range rs {
		switch {
		case i < failed:
			rs[i].Result = Cancelled
		case i == failed:
			rs[i] = Result{Result: Failure, ErrorDetails: &ErrorDetails{Message: Message(err)}}
		default:
			rs[i].Result = Invalid
		}
	}
	return Reply{Results: rs}
}

// Message is what a reply says of err: its text when it is (or wraps) a
// *Error, "error occur: ..." otherwise.
func Message(err error) string {
	var pe *Error
	if errors.As(err, &pe) && pe != nil {
		return pe.Error()
	}
	if err == nil {
		return ErrOccur("").Error()
	}
	return ErrOccur(err.Error()).Error()
}

// BadFormatReply answers a request that could not be framed or parsed.
func BadFormatReply() Reply {
	return Reply{Results: []Result{{Result: Failure, ErrorDetails: &ErrorDetails{Message: ErrBadFormat("").Error()}}}}
}

// Encode writes r as one line of compact JSON followed by "\n", in a single
// Write. "<", ">" and "&" are written as they are.
func Encode(w io.Writer, r Reply) error {
	if r.Results == nil {
		r.Results = []Result{} // "results" is always an array
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil { // Encode adds the "\n"
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
