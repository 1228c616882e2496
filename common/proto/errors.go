package proto

// Error is a command failure with one of the messages of protocol.md
// section 8, optionally followed by ": " and a human detail.
type Error struct {
	Message string // "bad value(core_id)"
	Detail  string // "core 9 is not a worker lcore of this process"
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + ": " + e.Detail
}

// ErrBadFormat: not JSON, too large, too many commands, wrong shape.
func ErrBadFormat(detail string) *Error { return &Error{"bad message format", detail} }

// ErrNotEnough: a required field is missing.
func ErrNotEnough(field string) *Error { return &Error{"not enough parameter(" + field + ")", ""} }

// ErrBadType: a field has the wrong JSON type.
func ErrBadType(field string) *Error { return &Error{"bad value type(" + field + ")", ""} }

// ErrBadValue: a field's value is rejected. An unknown command is
// ErrBadValue("command", ...).
func ErrBadValue(field, detail string) *Error { return &Error{"bad value(" + field + ")", detail} }

// ErrOccur: the command was valid but could not be carried out.
func ErrOccur(detail string) *Error { return &Error{"error occur", detail} }
