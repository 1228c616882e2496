// Package proto is the wire protocol between the controller and the daemons
// (/work/shared/spec/protocol.md): batches, replies, status documents, the
// error messages of section 8 and the 2017 text commands. Pure Go.
//
// # Reading requests
//
// A Reader cuts a connection's byte stream into requests (decoder.go). A
// request is either a JSON batch {"commands":[...]}, found by scanning for
// the end of the object (no newline needed) with a JSON syntax scanner that
// stops at the first byte proving the request invalid (scan.go; protocol.md
// 9.6: a daemon never waits for bytes that cannot make the request valid),
// or one 2017 text command line,
// which ends at "\n" or when the sender pauses for TextPause. ParseBatch and
// ParseText do the same for bytes already in hand.
//
// Framing errors (not JSON, over MaxRequestBytes, over MaxCommands, wrong
// shape) are a *Error "bad message format" returned by Reader.Next: the
// daemon replies BadFormatReply and closes the connection, because the
// stream cannot be resynchronised.
//
// # Commands that carry their own error
//
// Some problems belong to one command rather than to the stream, and must
// be answered without closing the connection: an unknown or malformed text
// command (2017 answered "bad value(command)" or "bad message format" and
// kept the connection), and a JSON command with no (or an empty) "command"
// field. Such a command is decoded
// with a preset error: Command.Err returns it, and its Name is "" so that
// code dispatching on Name without checking Err still fails (with
// "not enough parameter(command)") instead of running something. A command
// executor checks Err first and, when it is not nil, fails that command
// with it (FailReply), which also cancels the rest of the batch.
//
// # Reading fields
//
// A Command keeps its raw JSON; the typed readers of fields.go (Component,
// Classifier, PortOp) check the fields a command needs and return a *Error
// naming the field at fault.
//
// # Building requests
//
// commands.go names every command (CmdFlush, ...), holds the protocol's
// limits (MaxCommands, MaxRequestBytes, MaxClientID and ValidClientID,
// MaxPorts) and has one builder per command (Flush, Component, Port,
// ClassifierTable, ...); EncodeBatch joins built commands into a request.
// Every client builds its batches there. The package client
// (common/proto/client) sends them and pairs the replies.
//
// # Text commands
//
// text.go translates each 2017 text command into the equivalent JSON
// command, marked FromText. Request.Text keeps the line; Request.Shape
// adjusts a reply to what the text command expects (_get_client_id answers
// results and client_id only).
package proto
