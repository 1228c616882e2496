package console

import (
	"bytes"
	"unicode/utf8"
)

const esc = 0x1b

// Bracketed paste: a terminal that was sent pasteOn wraps what is pasted in
// pasteStart ... pasteEnd, so that a program can tell it from typing.
var (
	pasteOn    = []byte("\x1b[?2004h")
	pasteOff   = []byte("\x1b[?2004l")
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

// splitter cuts the byte stream of a terminal into keys, one go-prompt
// "read" each. go-prompt looks a read up as a whole (prompt.GetKey): a read
// holding "status\r" is no known key, so it is inserted as text, the
// carriage return included, and nothing runs. Split, the same bytes are the
// text "status" (a run of printable characters goes in one piece: go-prompt
// inserts it as typed, only faster) and then Enter.
//
// Keys are: a run of text; one control byte; one escape sequence (CSI
// "ESC [ ... final", SS3 "ESC O x", the Linux console's "ESC [ [ x", Alt+key
// "ESC x"); "\r\n" in one read is one Enter (CR LF line ends), not two.
//
// A key cut by the end of a read (an escape sequence, a UTF-8 character) is
// carried to the next read. When a read finds nothing new (idle), what is
// carried is what the operator typed: a lone ESC is the Escape key.
//
// Between pasteStart and pasteEnd everything is text: line ends (CR, LF,
// CR LF) are Enter, so that a pasted block runs line by line; a tab is a
// space (a typed tab would complete); other control bytes and escape
// sequences are dropped (a pasted ESC or Ctrl-D must not act).
type splitter struct {
	carry   []byte // the start of a key whose rest has not arrived
	inPaste bool   // between pasteStart and pasteEnd
	pasteCR bool   // in a paste, the last byte was CR: a LF next ends no line
}

// split returns the keys in carry+data. idle: no more input is coming now.
func (s *splitter) split(data []byte, idle bool) [][]byte {
	buf := append(s.carry, data...)
	s.carry = nil
	var keys [][]byte
	emit := func(k []byte) { keys = append(keys, append([]byte(nil), k...)) }
	for i := 0; i < len(buf); {
		if s.inPaste {
			rest := buf[i:]
			j := bytes.Index(rest, pasteEnd)
			if j < 0 {
				// Wait for the end marker even when idle: it comes.
				k := len(rest) - partialSuffix(rest, pasteEnd)
				k -= incompleteUTF8(rest[:k])
				keys = append(keys, s.pasted(rest[:k])...)
				s.carry = append([]byte(nil), rest[k:]...)
				return keys
			}
			keys = append(keys, s.pasted(rest[:j])...)
			s.inPaste = false
			i += j + len(pasteEnd)
			continue
		}
		c := buf[i]
		switch {
		case c == esc:
			n, complete := escLen(buf[i:])
			if !complete {
				if !idle {
					s.carry = append([]byte(nil), buf[i:]...)
					return keys
				}
				n = 1 // nothing more came: the Escape key itself
			}
			if bytes.Equal(buf[i:i+n], pasteStart) {
				s.inPaste, s.pasteCR = true, false
			} else {
				emit(buf[i : i+n])
			}
			i += n
		case c == '\r':
			emit(buf[i : i+1])
			i++
			if i < len(buf) && buf[i] == '\n' {
				i++
			}
		case c < 0x20 || c == 0x7f:
			emit(buf[i : i+1])
			i++
		default:
			j := i
			for j < len(buf) && buf[j] >= 0x20 && buf[j] != 0x7f {
				j++
			}
			if j == len(buf) && !idle {
				if t := incompleteUTF8(buf[i:j]); t > 0 {
					j -= t
					s.carry = append([]byte(nil), buf[j:]...)
					if j > i {
						emit(buf[i:j])
					}
					return keys
				}
			}
			emit(buf[i:j])
			i = j
		}
	}
	return keys
}

// pasted returns the keys of pasted bytes: text runs and Enter ("\r").
func (s *splitter) pasted(b []byte) [][]byte {
	var keys [][]byte
	var text []byte
	flush := func() {
		if len(text) > 0 {
			keys = append(keys, text)
			text = nil
		}
	}
	for _, c := range b {
		cr := s.pasteCR
		s.pasteCR = c == '\r'
		switch {
		case c == '\n' && cr:
			// the LF of a CR LF
		case c == '\r' || c == '\n':
			flush()
			keys = append(keys, []byte{'\r'})
		case c == '\t':
			text = append(text, ' ')
		case c < 0x20 || c == 0x7f:
			// dropped: a pasted control byte is no key
		default:
			text = append(text, c)
		}
	}
	flush()
	return keys
}

// escLen is the length of the escape sequence b starts with (b[0] is ESC),
// and false when b ends before the sequence does.
func escLen(b []byte) (int, bool) {
	if len(b) < 2 {
		return 1, false
	}
	switch c := b[1]; {
	case c == '[':
		if len(b) < 3 {
			return 2, false
		}
		if b[2] == '[' { // Linux console F1..F5: ESC [ [ A..E
			if len(b) < 4 {
				return 3, false
			}
			return 4, true
		}
		// CSI: parameter bytes 0x30-0x3f, intermediate bytes 0x20-0x2f,
		// one final byte 0x40-0x7e (ECMA-48). Any other byte ends a
		// malformed sequence before it.
		for j := 2; j < len(b); j++ {
			switch d := b[j]; {
			case d >= 0x20 && d <= 0x3f:
			case d >= 0x40 && d <= 0x7e:
				return j + 1, true
			default:
				return j, true
			}
		}
		return len(b), false
	case c == 'O': // SS3: ESC O x (F1..F4, arrows in application mode)
		if len(b) < 3 {
			return 2, false
		}
		return 3, true
	case c < 0x20 || c == 0x7f:
		return 1, true // Escape, then a key of its own (ESC ESC, ESC Enter)
	default:
		return 2, true // Alt+key
	}
}

// partialSuffix is the length of the longest end of b that is a proper
// start of marker.
func partialSuffix(b, marker []byte) int {
	for n := len(marker) - 1; n > 0; n-- {
		if n <= len(b) && bytes.Equal(b[len(b)-n:], marker[:n]) {
			return n
		}
	}
	return 0
}

// incompleteUTF8 is the length of the UTF-8 character cut at the end of b
// (0 if none).
func incompleteUTF8(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 {
			return 0 // ASCII: nothing cut
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}
