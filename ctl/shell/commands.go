package shell

// The one table of commands. Parsing (parse.go), `help` (here) and
// completion (complete.go, its candidate lists in candidates.go) all read
// it: adding a command is adding an entry here (a process command: its
// builder in translate.go; a shell command: its run function in
// shellcmds.go).

import (
	"fmt"
	"sort"
	"strings"

	"github.com/c-bata/go-prompt"

	"github.com/spp-go/spp/common/component"
	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

type scope int

const (
	shellScope scope = iota // run by the shell itself
	procScope               // sent to a process (pri;CMD, sec N;CMD, or inside sec N)
)

// command is one entry of the table.
type command struct {
	name  string
	scope scope
	usage string // words after the name, as help shows them
	brief string // one line for the help list
	help  string // more, for help NAME
	args  []arg  // completion of the words after the name, by position

	// Shell commands.
	run      func(sh *Shell, a []string) error
	recorded bool // `record` writes it to the file (process commands always are)

	// Process commands.
	forPri, forSec bool
	build          func(a []string) (proto.Command, error) // the JSON command
}

// arg is one word position after a command's name.
type arg struct {
	values func(c *compCtx) []prompt.Suggest // candidates; nil: none
	// next, when set, replaces the remaining positions once this word is
	// known (component CORE none takes no ports; wait pri takes no id).
	next func(word string) []arg
}

var commands []*command

func init() {
	commands = []*command{
		// Shell commands.
		{name: "status", scope: shellScope, recorded: true,
			brief: "table of connected processes: type, client id, peer address, connected since",
			run:   (*Shell).cmdStatus},
		{name: "monitor", scope: shellScope, usage: "[pri|sec N] [INTERVAL]",
			brief: "status tables with pps, redrawn every INTERVAL (default 1s) until a key is pressed",
			help: "Like top: the status tables of that process (default: the one entered with sec N or\n" +
				"pri, else every connected process), pps since the previous frame, and bars for\n" +
				"the busiest ports. Any key returns to the prompt, the screen and terminal as they\n" +
				"were. INTERVAL is seconds (2, 0.5) or a duration (500ms); at least 100ms.\n" +
				"Interactive shell only.",
			args: []arg{procThenOne("the primary")},
			run:  (*Shell).cmdMonitor},
		{name: "topo", scope: shellScope, usage: "[sec N] [svg FILE]", recorded: true,
			brief: "the wiring of the secondaries as Graphviz DOT; svg FILE: drawn with dot into FILE",
			help: "Ports are ellipses, components boxes (type and lcore), an edge from each rx port\n" +
				"to its component and from it to each tx port; a classifier's edges carry the\n" +
				"MACs it sends there. Without sec N: the secondary entered with sec N, else every\n" +
				"connected secondary (a port they share, such as a ring, is one node).\n" +
				"Each secondary is asked for its status first. svg needs dot (graphviz, make deps).\n" +
				"From outside the shell: spp topo [sec N] [--svg FILE].",
			args: []arg{{values: words("sec", "one secondary", "svg", "write an SVG file"), next: func(w string) []arg {
				svg := arg{values: words("svg", "write an SVG file"), next: func(string) []arg { return []arg{{values: files}} }}
				if w == "sec" {
					return []arg{{values: secIDs}, svg}
				}
				return []arg{{values: files}}
			}}},
			run: (*Shell).cmdTopo},
		{name: "pri", scope: shellScope, usage: ";CMD | pri",
			brief: "send CMD (status, clear, exit, process) to the primary; alone: enter the primary",
			help:  "pri;status shows the primary's ports, rings and mempool. `pri` alone enters the\nprimary like sec N does; `end` leaves.",
			run:   (*Shell).cmdPri},
		{name: "sec", scope: shellScope, usage: "N;CMD | sec N",
			brief: "send CMD to secondary N (spaces may follow ;); `sec N` alone: enter it",
			help: "sec 1;status shows secondary 1's cores, ports and classifier table.\n" +
				"`sec 1` alone enters the process: the prompt becomes `spp [sec 1] > `, bare process\n" +
				"commands go there, shell commands still work (except status, which goes to\nthe process); `end` leaves.",
			args: []arg{{values: secIDs}},
			run:  (*Shell).cmdSec},
		{name: "end", scope: shellScope,
			brief: "leave the process entered with sec N or pri",
			run:   (*Shell).cmdEnd},
		{name: "wait", scope: shellScope, usage: "pri [TIMEOUT] | wait sec N [TIMEOUT]", recorded: true,
			brief: "block until that process is connected (default 10s); for scripts",
			help:  "TIMEOUT is seconds (30, 0.5) or a duration (500ms, 1m). Fails when the time is up.",
			args:  []arg{procThenOne("primary")},
			run:   (*Shell).cmdWait},
		{name: "playback", scope: shellScope, usage: "FILE",
			brief: "run a command file",
			help: "Lines starting with # and blank lines are skipped. Consecutive commands for the same\n" +
				"process, up to and including its flush, travel as one batch: the file applies\n" +
				"all or nothing per process. A line in error stops its process's batch (nothing\n" +
				"of it is sent, up to its flush); the rest of the file still runs.",
			args: []arg{{values: files}},
			run:  (*Shell).cmdPlayback},
		{name: "record", scope: shellScope, usage: "FILE",
			brief: "append every command typed from now on to FILE",
			help:  "Commands typed inside sec N are written as sec N;CMD, so that playback FILE\nrepeats them. record, playback, help, history and bye are not written.",
			args:  []arg{{values: files}},
			run:   (*Shell).cmdRecord},
		{name: "history", scope: shellScope,
			brief: "numbered history (kept in ~/.spp_history, or $SPP_HISTORY)",
			run:   (*Shell).cmdHistory},
		{name: "bye", scope: shellScope, usage: "[sec|all]",
			brief: "leave the shell; sec: first exit every secondary; all: and then the primary",
			help:  "A daemon hangs up once it has released its ports. bye sec and bye all wait for\nevery secondary to hang up (10 s at most) before the primary's exit; bye all\nthen waits for the primary.",
			args:  []arg{{values: words("sec", "exit every secondary, then leave", "all", "exit every secondary and the primary, then leave")}},
			run:   (*Shell).cmdBye},
		{name: "help", scope: shellScope, usage: "[CMD]",
			brief: "this list, or more about one command",
			args:  []arg{{values: commandNames}},
			run:   (*Shell).cmdHelp},

		// Process commands (protocol.md sections 3 and 9).
		{name: proto.CmdComponent, scope: procScope, forSec: true,
			usage: "CORE TYPE [RX[,RX..]] [TX[,TX..]] [name NAME] | component CORE none [name NAME]",
			brief: "put a component on a worker lcore (staged until flush); none clears the lcore",
			help: "TYPE:\n" + typesHelp() +
				"Ports: nicN, ringN, vhostN, pcapN, nullN (also phy:N, ring:N, vhost:N, pcap:N, nullpmd:N).\n" +
				"Ports of one side are separated by commas:\n" +
				"  component 2 classifier nic0 ring0,ring2\n" +
				"sends {\"command\":\"component\",\"core_id\":\"2\",\"type\":\"classifier\",\"rx_ports\":[\"nic0\"],\"tx_ports\":[\"ring0\",\"ring2\"]}\n" +
				"Without name, the component replaces everything on CORE and is called TYPE\n" +
				"followed by CORE (forward4). With name NAME, it creates or replaces the component\n" +
				"NAME (moving it if CORE differs) and leaves the others on CORE alone: several\n" +
				"components may share an lcore, which runs them in turn. none with a name removes\n" +
				"that component, without one clears the lcore:\n" +
				"  component 2 forward ring0 name fw1\n" +
				"sends {\"command\":\"component\",\"core_id\":\"2\",\"type\":\"forward\",\"name\":\"fw1\",\"rx_ports\":[\"ring0\"],\"tx_ports\":[]}\n" +
				"A component with fewer ports than its type needs is idle (its lcore skips it)\n" +
				"until port add completes it; the shell notes it after the flush.",
			args: []arg{{values: coreIDs}, {values: componentTypes, next: func(w string) []arg {
				if w == component.None {
					return []arg{nameWord}
				}
				return []arg{portsThenName(2)} // rx, tx (comma lists: "," ends a word too), name
			}}},
			build: buildComponent},
		{name: proto.CmdPort, scope: procScope, forSec: true,
			usage: "add|del PORT rx|tx NAME [add_vlantag ID PCP | del_vlantag]",
			brief: "add or remove one rx or tx port of component NAME (staged until flush), optionally with a VLAN operation",
			help: "add_vlantag ID PCP pushes an 802.1Q tag (id 1..4094, priority 0..7) on every packet\n" +
				"received on that port (rx) or sent to it (tx); del_vlantag strips the outer tag.\n" +
				"To change a port's VLAN operation, del the port, then add it again.\n" +
				"  port add ring1 tx fw1 add_vlantag 100 0\n" +
				"sends {\"command\":\"port\",\"action\":\"add\",\"port\":\"ring1\",\"dir\":\"tx\",\"name\":\"fw1\",\"vlan\":{\"operation\":\"add\",\"id\":100,\"pcp\":0}}",
			args: []arg{{values: words("add", "add a port to the component", "del", "remove a port from the component")},
				{values: ports}, {values: words("rx", "a port it receives from", "tx", "a port it sends to")}, {values: componentNames},
				{values: words("add_vlantag", "push a tag: ID (1..4094) then PCP (0..7)", "del_vlantag", "strip the outer tag"),
					next: func(w string) []arg {
						if w == "add_vlantag" {
							return []arg{{values: vlanIDs}, {values: pcps}}
						}
						return nil
					}}},
			build: buildPort},
		{name: proto.CmdClassifierTable, scope: procScope, forSec: true,
			usage: "mac MAC|default PORT|unuse | classifier_table vlan VID MAC PORT|unuse",
			brief: "map a destination MAC (or default), or a VLAN id and MAC, to a classifier tx port; unuse removes it",
			help: "mac entries are for untagged packets, vlan entries for packets tagged with VID\n" +
				"(1..4094): a tagged broadcast goes to the ports of that VLAN's entries (and default).\n" +
				"MACs are compared case-insensitively by the daemon; what you type is sent as it is.\n" +
				"  classifier_table vlan 100 52:54:00:00:00:01 ring0\n" +
				"sends {\"command\":\"classifier_table\",\"type\":\"vlan\",\"vlan\":100,\"value\":\"52:54:00:00:00:01\",\"port\":\"ring0\"}",
			args: []arg{{values: words(proto.EntryMAC, "untagged packets, by destination MAC", proto.EntryVLAN, "tagged packets, by VLAN id and destination MAC"),
				next: func(w string) []arg {
					if w == proto.EntryVLAN {
						return []arg{{values: vlanIDs, next: func(vid string) []arg {
							return []arg{{values: vlanMACs(vid)}, {values: portsOrUnuse}}
						}}}
					}
					return []arg{{values: macs}, {values: portsOrUnuse}}
				}}},
			build: buildClassifierTable},
		{name: proto.CmdFlush, scope: procScope, forSec: true,
			brief: "commit everything staged", build: buildBare(proto.Flush)},
		{name: proto.CmdCancel, scope: procScope, forSec: true,
			brief: "throw away everything staged since the last flush", build: buildBare(proto.Cancel)},
		{name: proto.CmdStatus, scope: procScope, forPri: true, forSec: true,
			brief: "the process's status: cores, ports, classifier table (primary: ports, rings, mempool)",
			help: "The cores table has a row per component: STATE running, or idle (fewer ports than\n" +
				"its type needs: port add completes it); a port with a VLAN operation says it after\n" +
				"its name: ring1(+vlan 100/0) pushes a tag with id 100 and priority 0, ring0(-vlan)\n" +
				"strips the outer tag. An lcore with no component is a row unuse. The classifier\n" +
				"table's VLAN column is empty for mac entries (untagged packets).\n" +
				"PPS (per component) and RX_PPS, TX_PPS (per port) are packets per second since the\n" +
				"previous status of that process; when the shell has none, it asks for one itself\n" +
				"a second before (the line above the tables says over what time). RX_MBPS, TX_MBPS\n" +
				"are Mbit/s, for ports that count bytes (not rings: -). --json adds them to the\n" +
				"reply as \"rates\".",
			build: buildBare(proto.Status)},
		{name: proto.CmdProcess, scope: procScope, forPri: true, forSec: true,
			brief: "the process's type and client id", build: buildBare(proto.Process)},
		{name: proto.CmdExit, scope: procScope, forPri: true, forSec: true,
			brief: "stop the process cleanly", build: buildBare(proto.Exit)},
		{name: proto.CmdClear, scope: procScope, forPri: true,
			brief: "zero the primary's port and ring counters", build: buildBare(proto.Clear)},
	}
}

// typesHelp lists the component types of the catalogue, a line each.
func typesHelp() string {
	var b strings.Builder
	for _, t := range component.Types {
		h := t.Help
		if len(t.Aliases) > 0 {
			h += " (also " + strings.Join(t.Aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-11s %s\n", t.Name, h)
	}
	fmt.Fprintf(&b, "  %-11s %s\n", component.None, component.NoneHelp)
	return b.String()
}

// rawHelp describes the one process "command" that is not a word.
const rawHelp = `{"commands":[...]}` + "            a raw JSON batch, sent as it is"

// lookup finds a command by scope and name.
func lookup(sc scope, name string) *command {
	for _, c := range commands {
		if c.scope == sc && c.name == name {
			return c
		}
	}
	return nil
}

// accepts says whether a process command may be sent to t.
func (c *command) accepts(t registry.Target) bool {
	if t.Primary {
		return c.forPri
	}
	return c.forSec
}

// line returns the usage line: "component CORE TYPE ...".
func (c *command) line() string {
	if c.usage == "" {
		return c.name
	}
	if strings.HasPrefix(c.usage, ";") {
		return c.name + c.usage
	}
	return c.name + " " + c.usage
}

// argsAt returns the completion of word position i (0: first word after the
// name), given the words already typed.
func (c *command) argsAt(words []string, i int) (arg, bool) {
	as := c.args
	for j := 0; j < i; j++ {
		if len(as) == 0 {
			return arg{}, false
		}
		a := as[0]
		as = as[1:]
		if a.next != nil {
			as = a.next(words[j])
		}
	}
	if len(as) == 0 {
		return arg{}, false
	}
	return as[0], true
}

// helpText is `help` without arguments.
func helpText() string {
	var b strings.Builder
	// A usage line longer than the column gets its summary on the next line.
	const col = 28
	list := func(sc scope) {
		for _, c := range commands {
			if c.scope != sc {
				continue
			}
			if l := c.line(); len(l) > col {
				fmt.Fprintf(&b, "  %s\n  %-*s  %s\n", l, col, "", c.brief)
			} else {
				fmt.Fprintf(&b, "  %-*s  %s\n", col, l, c.brief)
			}
		}
	}
	b.WriteString("Shell commands:\n")
	list(shellScope)
	b.WriteString("\nProcess commands (sec N;CMD, pri;CMD, or bare after sec N):\n")
	list(procScope)
	b.WriteString("  " + rawHelp + "\n")
	b.WriteString("\nhelp CMD says more. Tab completes commands, client ids, lcores, types, ports, component names,\nMACs and VLAN ids.\nA pasted line runs; a pasted block runs line by line, in order.\n")
	return b.String()
}

// helpFor is `help NAME`: every command of that name (status is both a shell
// and a process command).
func helpFor(name string) (string, bool) {
	var b strings.Builder
	for _, c := range commands {
		if c.name != name {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		kind := "shell command"
		if c.scope == procScope {
			var to []string
			if c.forPri {
				to = append(to, "primary")
			}
			if c.forSec {
				to = append(to, "secondaries")
			}
			kind = "process command, for " + strings.Join(to, " and ")
		}
		fmt.Fprintf(&b, "%s    (%s)\n  %s\n", c.line(), kind, c.brief)
		if c.help != "" {
			for _, l := range strings.Split(c.help, "\n") {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	return b.String(), b.Len() > 0
}

// commandNames completes `help`.
func commandNames(*compCtx) []prompt.Suggest {
	seen := map[string]bool{}
	var s []prompt.Suggest
	for _, c := range commands {
		if !seen[c.name] {
			seen[c.name] = true
			s = append(s, prompt.Suggest{Text: c.name, Description: c.brief})
		}
	}
	sort.Slice(s, func(i, j int) bool { return s[i].Text < s[j].Text })
	return s
}

// words makes fixed candidates from text, description pairs.
func words(pairs ...string) func(*compCtx) []prompt.Suggest {
	return func(*compCtx) []prompt.Suggest {
		var s []prompt.Suggest
		for i := 0; i+1 < len(pairs); i += 2 {
			s = append(s, prompt.Suggest{Text: pairs[i], Description: pairs[i+1]})
		}
		return s
	}
}
