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
	"component_start": true,
	"component_stop":  true,
	"port":            true,
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
		return textCmd("command", "process")
	case "status", "flush", "exit", "cancel", "process", "clear":
		if len(w) != 1 {
			return usage(w[0])
		}
		return textCmd("command", w[0])
	case "classifier_table":
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
			return textCmd("command", "classifier_table", "type", typ, "value", value, "port", port)
		}
		return textCmd("command", "classifier_table", "action", action, "type", typ, "value", value, "port", port)
	case "component":
		switch {
		case len(w) == 5 && w[1] == "start":
			return textCmd("command", "component_start", "name", w[2], "core_id", w[3], "type", w[4])
		case len(w) == 3 && w[1] == "stop":
			return textCmd("command", "component_stop", "name", w[2])
		case len(w) >= 2 && w[1] != "start" && w[1] != "stop":
			return textErr(w[0], ErrBadValue("action", "component start|stop"))
		default:
			return usage("component start NAME CORE TYPE | component stop NAME")
		}
	case "port":
		if len(w) != 5 {
			return usage("port add|del PORT rx|tx NAME")
		}
		return textCmd("command", "port", "action", w[1], "port", w[2], "dir", w[3], "name", w[4])
	}
	return textErr(w[0], ErrBadValue("command", "unknown command "+quote(w[0])))
}

// textCmd builds a translated command from key, value pairs, keys in order.
func textCmd(kv ...string) Command {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(kv[i]))
		b.WriteByte(':')
		b.WriteString(quote(kv[i+1]))
	}
	b.WriteByte('}')
	return Command{Name: kv[1], Raw: b.Bytes(), FromText: true}
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
