package proto

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The 2017 text commands (protocol.md section 2) and the JSON commands they
// become. Every translated command has FromText set.
//
//	_get_client_id                          {"command":"process"}, reply without process_type (Request.Shape)
//	status | flush | exit | cancel | process | clear
//	                                        {"command":WORD}
//	classifier_table add mac MAC|default PORT
//	                                        {"command":"classifier_table","type":"mac","value":MAC,"port":PORT}
//	classifier_table del mac MAC|default PORT
//	                                        the same with "action":"del"
//	classifier_table add|del default PORT   the same with "value":"default"
//	classifier_table mac MAC PORT           add (the first text form, October 2017)
//	component start NAME CORE TYPE          {"command":"component_start","name":NAME,"core_id":"CORE","type":TYPE}
//	component stop NAME                     {"command":"component_stop","name":NAME}
//	port add|del PORT rx|tx NAME            {"command":"port","action":..,"port":PORT,"dir":..,"name":NAME}
//
// Words are separated by any run of spaces or tabs (a stray "\r" too). The translation checks
// only the shape (the word count); values (action, type, MAC, port, core,
// direction) are passed as written and checked by the field readers, so a
// bad one gets the same "bad value(FIELD)" as in JSON. An unknown word gives
// a command failing with "bad value(command)", a wrong word count one
// failing with "bad message format" (as in 2017); neither closes the
// connection.

// textOnly are the commands that exist only as translations of text commands.
var textOnly = map[string]bool{
	CmdComponentStart: true,
	CmdComponentStop:  true,
	CmdPort:           true,
}

// TextOnly reports whether a command name exists only as the translation of
// a text command. A JSON batch naming one gets "bad value(command)" (the
// decoder presets that error; see Command.Err).
func TextOnly(name string) bool { return textOnly[name] }

// getClientID is the text command asking for the client id.
const getClientID = "_get_client_id"

// ParseText translates one text command line (without its "\n") into a
// request of one command. It never fails: a bad line gives a command with
// a preset error (Command.Err).
func ParseText(line string) *Request {
	line = strings.Trim(line, " \t\r\n") // a trailing "\r" included
	words := strings.FieldsFunc(line, func(r rune) bool { return r < 0x80 && isBlank(byte(r)) })
	return &Request{Text: line, Commands: []Command{translate(words)}}
}

func translate(w []string) Command {
	if len(w) == 0 {
		return textErr("", ErrBadFormat("empty command"))
	}
	usage := func(u string) Command { return textErr(w[0], ErrBadFormat("usage: "+u)) }
	switch w[0] {
	case getClientID:
		if len(w) != 1 {
			return usage(getClientID)
		}
		return fromText(Process())
	case CmdStatus, CmdFlush, CmdExit, CmdCancel, CmdProcess, CmdClear:
		if len(w) != 1 {
			return usage(w[0])
		}
		return fromText(bare(w[0]))
	case CmdClassifierTable:
		const u = "classifier_table add|del mac MAC|default PORT"
		var action, typ, value, port string
		switch {
		case len(w) == 5: // classifier_table add mac MAC PORT
			action, typ, value, port = w[1], w[2], w[3], w[4]
		case len(w) == 4 && w[1] == "mac": // classifier_table mac MAC PORT
			action, typ, value, port = "add", w[1], w[2], w[3]
		case len(w) == 4 && w[2] == "default": // classifier_table add default PORT
			action, typ, value, port = w[1], "mac", w[2], w[3]
		default:
			return usage(u)
		}
		if action == "add" {
			action = "" // the default: left out
		}
		return fromText(ClassifierTable(ClassifierArgs{Action: action, Type: typ, Value: value, Port: port}))
	case "component": // the text word: component start|stop
		switch {
		case len(w) == 5 && w[1] == "start":
			return textCmd("command", CmdComponentStart, "name", w[2], "core_id", w[3], "type", w[4])
		case len(w) == 3 && w[1] == "stop":
			return textCmd("command", CmdComponentStop, "name", w[2])
		case len(w) >= 2 && w[1] != "start" && w[1] != "stop":
			return textErr(w[0], ErrBadValue("action", "component start|stop"))
		default:
			return usage("component start NAME CORE TYPE | component stop NAME")
		}
	case CmdPort:
		if len(w) != 5 {
			return usage("port add|del PORT rx|tx NAME")
		}
		return textCmd("command", CmdPort, "action", w[1], "port", w[2], "dir", w[3], "name", w[4])
	}
	return textErr(w[0], ErrBadValue("command", "unknown command "+quote(w[0])))
}

// textCmd builds a translated command from key, value pairs, keys in
// order: the text-only commands (built nowhere else) and the failing ones.
func textCmd(kv ...string) Command {
	var o object
	for i := 0; i+1 < len(kv); i += 2 {
		o.str(kv[i], kv[i+1])
	}
	return fromText(o.command(kv[1]))
}

// fromText marks a translation. Its Raw escapes <, > and & as json.Marshal
// does, as translations always have (Raw is what a daemon logs).
func fromText(c Command) Command {
	var b bytes.Buffer
	json.HTMLEscape(&b, c.Raw)
	c.Raw, c.FromText = b.Bytes(), true
	return c
}

// textErr is a text command that fails with err when run. Its Name is ""
// (see the package doc); Raw still says what was sent, for logs.
func textErr(word string, err *Error) Command {
	c := textCmd("command", word)
	c.Name, c.err = "", err
	return c
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// Shape adjusts a reply to the form the request expects: the reply to the
// text command _get_client_id is {"results":[...],"client_id":N}, with no
// process_type. daemon.Run applies it to every reply, so a Handler need
// not care.
func (r *Request) Shape(rep Reply) Reply {
	if r != nil && r.Text == getClientID {
		rep.ProcessType = ""
	}
	return rep
}
