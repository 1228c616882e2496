package proto

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The 2017 text commands (protocol.md sections 2 and 9) and the JSON
// commands they become. Every translated command has FromText set.
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
//	classifier_table add|del vlan VID MAC PORT
//	                                        {"command":"classifier_table",["action":"del",]"type":"vlan","vlan":VID,"value":MAC,"port":PORT}
//	component start NAME CORE TYPE          {"command":"component","core_id":"CORE","type":TYPE,"name":NAME,"rx_ports":[],"tx_ports":[]}
//	component stop NAME                     {"command":"component","type":"none","name":NAME}
//	port add|del PORT rx|tx NAME [add_vlantag ID PCP | del_vlantag]
//	                                        {"command":"port","action":..,"port":PORT,"dir":..,"name":NAME[,"vlan":{..}]}
//
// Words are separated by any run of spaces or tabs (a stray "\r" too). The
// translation checks only the shape (the word count and keywords); values
// (action, type, MAC, port, core, direction, VLAN id) are passed as
// written and checked by the field readers, so a bad one gets the same
// "bad value(FIELD)" as in JSON. Two exceptions have no JSON equivalent:
// "component start NAME CORE none" fails with "bad value(type)" (it would
// mean stop), and a translated component start does not replace a
// component of the same name (the engine checks FromText). An unknown word
// gives a command failing with "bad value(command)", a wrong shape one
// failing with "bad message format" (as in 2017); neither closes the
// connection.

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
		const u = "classifier_table add|del mac MAC|default PORT | classifier_table add|del vlan VID MAC PORT"
		a := ClassifierArgs{Type: EntryMAC}
		switch {
		case len(w) == 6 && w[2] == EntryVLAN: // classifier_table add vlan VID MAC PORT
			a = ClassifierArgs{Action: w[1], Type: w[2], VLAN: w[3], Value: w[4], Port: w[5]}
		case len(w) == 5 && w[2] != EntryVLAN: // classifier_table add mac MAC PORT
			a = ClassifierArgs{Action: w[1], Type: w[2], Value: w[3], Port: w[4]}
		case len(w) == 4 && w[1] == EntryMAC: // classifier_table mac MAC PORT
			a.Value, a.Port = w[2], w[3]
		case len(w) == 4 && w[2] == "default": // classifier_table add default PORT
			a.Action, a.Value, a.Port = w[1], w[2], w[3]
		default:
			return usage(u)
		}
		if a.Action == "add" {
			a.Action = "" // the default: left out
		}
		return fromText(ClassifierTable(a))
	case CmdComponent: // the text word: component start|stop
		switch {
		case len(w) == 5 && w[1] == "start":
			if w[4] == "none" {
				return textErr(w[0], ErrBadValue("type", "component start needs a type that runs; use component stop to clear a core"))
			}
			return fromText(Component(ComponentArgs{CoreID: w[3], Type: w[4], Name: w[2], Rx: []string{}, Tx: []string{}}))
		case len(w) == 3 && w[1] == "stop":
			return fromText(Component(ComponentArgs{Type: "none", Name: w[2]}))
		case len(w) >= 2 && w[1] != "start" && w[1] != "stop":
			return textErr(w[0], ErrBadValue("action", "component start|stop"))
		default:
			return usage("component start NAME CORE TYPE | component stop NAME")
		}
	case CmdPort:
		const u = "port add|del PORT rx|tx NAME [add_vlantag ID PCP | del_vlantag]"
		a := PortArgs{}
		switch {
		case len(w) == 5:
		case len(w) == 6 && w[5] == "del_vlantag":
			a.VLAN.Op = VLANDel
		case len(w) == 8 && w[5] == "add_vlantag":
			a.VLAN = VLANArgs{Op: VLANAdd, ID: w[6], PCP: w[7]}
		default:
			return usage(u)
		}
		a.Action, a.Port, a.Dir, a.Name = w[1], w[2], w[3], w[4]
		return fromText(Port(a))
	}
	return textErr(w[0], ErrBadValue("command", "unknown command "+quote(w[0])))
}

// fromText marks a translation. Its Raw escapes <, > and & as json.Marshal
// does, as translations always have (Raw is what a daemon logs).
func fromText(c Command) Command {
	c.FromText = true
	if bytes.IndexByte(c.Raw, '<') < 0 && bytes.IndexByte(c.Raw, '>') < 0 && bytes.IndexByte(c.Raw, '&') < 0 &&
		bytes.IndexByte(c.Raw, 0xe2) < 0 { // nothing to escape: no <, >, & or first byte of U+2028, U+2029
		return c
	}
	var b bytes.Buffer
	json.HTMLEscape(&b, c.Raw)
	c.Raw, c.FromText = b.Bytes(), true
	return c
}

// textErr is a text command that fails with err when run. Its Name is ""
// (see the package doc); Raw still says what was sent, for logs.
func textErr(word string, err *Error) Command {
	var o object
	o.str("command", word)
	c := fromText(o.command(word))
	c.Name, c.err = "", err
	return c
}

func quote(s string) string {
	if plain(s, "<>&") { // what json.Marshal would write, without its cost
		return `"` + s + `"`
	}
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
