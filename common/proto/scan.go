package proto

// scanner checks the syntax of one JSON value a byte at a time, with the
// grammar and nesting limit of encoding/json, so that the decoder knows a
// request is invalid at the first byte that proves it (protocol.md 9.6): a
// "]" closing a "{", a stray byte after a value, a bad literal, number or
// escape. A prefix it accepts can still become valid JSON, so there is
// nothing left to check when the sender pauses. Each byte is looked at once
// and the state survives between reads: the cost is linear in the request.
type scanner struct {
	state  scanState
	stack  []byte // '{' or '[' per open container
	inKey  bool   // the string being read is an object key
	lit    string // the rest of the literal being read (true, false, null)
	hexes  int    // hex digits left in a \uXXXX escape
	failed bool
}

type scanState uint8

const (
	sValue       scanState = iota // a value must come
	sArrayFirst                   // after '[': a value or ']'
	sObjectFirst                  // after '{': a key or '}'
	sKey                          // after ',' in an object: a key
	sColon                        // after a key: ':'
	sAfter                        // after a value: ',' or a closing bracket
	sString                       // in a string
	sEscape                       // after '\' in a string
	sHex                          // in \uXXXX
	sLiteral                      // in true, false or null
	sNeg                          // after '-'
	sZero                         // after a leading 0
	sInt                          // in the integer digits
	sDot                          // after '.'
	sFrac                         // in the fraction digits
	sExp                          // after 'e' or 'E'
	sExpSign                      // after the exponent's sign
	sExpDigits                    // in the exponent digits
	sDone                         // the value is complete
)

// maxNesting is encoding/json's nesting limit (json.Valid refuses deeper).
const maxNesting = 10000

// Results of step.
const (
	scanContinue = iota // more bytes needed
	scanEnd             // the byte closed the value
	scanError           // the byte proves the value invalid
)

// reset prepares the scanner for a new value.
func (s *scanner) reset() {
	*s = scanner{stack: s.stack[:0]}
}

// step reads one byte.
func (s *scanner) step(b byte) int {
	if s.failed || s.state == sDone {
		return s.fail()
	}
	switch s.state {
	case sString:
		switch {
		case b == '"':
			if s.inKey {
				s.state = sColon
			} else {
				s.state = sAfter
			}
		case b == '\\':
			s.state = sEscape
		case b < 0x20:
			return s.fail()
		}
		return scanContinue
	case sEscape:
		switch b {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.state = sString
		case 'u':
			s.state, s.hexes = sHex, 4
		default:
			return s.fail()
		}
		return scanContinue
	case sHex:
		if _, ok := hexDigit(b); !ok {
			return s.fail()
		}
		if s.hexes--; s.hexes == 0 {
			s.state = sString
		}
		return scanContinue
	case sLiteral:
		if b != s.lit[0] {
			return s.fail()
		}
		if s.lit = s.lit[1:]; s.lit == "" {
			s.state = sAfter
		}
		return scanContinue
	case sNeg, sDot, sExpSign:
		if !isDigit(b) {
			return s.fail()
		}
		switch s.state {
		case sNeg:
			s.state = sInt
			if b == '0' {
				s.state = sZero
			}
		case sDot:
			s.state = sFrac
		default:
			s.state = sExpDigits
		}
		return scanContinue
	case sExp:
		switch {
		case b == '+' || b == '-':
			s.state = sExpSign
		case isDigit(b):
			s.state = sExpDigits
		default:
			return s.fail()
		}
		return scanContinue
	case sZero, sInt, sFrac, sExpDigits:
		switch {
		case isDigit(b) && s.state != sZero:
			return scanContinue
		case b == '.' && (s.state == sZero || s.state == sInt):
			s.state = sDot
			return scanContinue
		case (b == 'e' || b == 'E') && s.state != sExpDigits:
			s.state = sExp
			return scanContinue
		}
		// The number ended before b: b is what follows the value.
		s.state = sAfter
	}
	return s.structural(b)
}

// structural reads a byte outside strings, literals and numbers.
func (s *scanner) structural(b byte) int {
	if isBlank(b) {
		return scanContinue
	}
	switch s.state {
	case sValue:
		return s.value(b)
	case sArrayFirst:
		if b == ']' {
			return s.close(b)
		}
		return s.value(b)
	case sObjectFirst, sKey:
		if b == '}' && s.state == sObjectFirst {
			return s.close(b)
		}
		if b != '"' {
			return s.fail()
		}
		s.state, s.inKey = sString, true
	case sColon:
		if b != ':' {
			return s.fail()
		}
		s.state = sValue
	case sAfter:
		switch b {
		case ',':
			if s.stack[len(s.stack)-1] == '{' {
				s.state = sKey
			} else {
				s.state = sValue
			}
		case '}', ']':
			return s.close(b)
		default:
			return s.fail()
		}
	}
	return scanContinue
}

// value reads the first byte of a value.
func (s *scanner) value(b byte) int {
	switch {
	case b == '{' || b == '[':
		if len(s.stack) >= maxNesting {
			return s.fail()
		}
		s.stack = append(s.stack, b)
		s.state = sObjectFirst
		if b == '[' {
			s.state = sArrayFirst
		}
	case b == '"':
		s.state, s.inKey = sString, false
	case b == '-':
		s.state = sNeg
	case b == '0':
		s.state = sZero
	case isDigit(b):
		s.state = sInt
	case b == 't':
		s.state, s.lit = sLiteral, "rue"
	case b == 'f':
		s.state, s.lit = sLiteral, "alse"
	case b == 'n':
		s.state, s.lit = sLiteral, "ull"
	default:
		return s.fail()
	}
	return scanContinue
}

// close reads '}' or ']', which must close the innermost container.
func (s *scanner) close(b byte) int {
	open := byte('{')
	if b == ']' {
		open = '['
	}
	n := len(s.stack)
	if n == 0 || s.stack[n-1] != open {
		return s.fail()
	}
	s.stack = s.stack[:n-1]
	if n == 1 {
		s.state = sDone
		return scanEnd
	}
	s.state = sAfter
	return scanContinue
}

func (s *scanner) fail() int {
	s.failed = true
	return scanError
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
