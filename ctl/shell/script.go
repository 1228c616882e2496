package shell

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spp-go/spp/common/proto"
	"github.com/spp-go/spp/ctl/registry"
)

// RunScript runs a command file (playback, -f, -c, or stdin when it is not a
// terminal) and says whether every command succeeded.
//
// Consecutive commands for the same process, up to and including its flush,
// travel as one batch, so that a file applies all or nothing per process
// (the daemon rolls a failing batch back). The batch goes out when its flush
// comes, when a line for another process or a shell command comes, or at the
// end of the input; lines are read as they come, so a pipe works too.
//
// A line that cannot be parsed stops its process's batch the same way a
// daemon error would: what was gathered is dropped, and the following lines
// for that process are skipped up to and including its flush.
func (sh *Shell) RunScript(r io.Reader, name string) bool {
	ok := true
	var g *group
	skipping := map[registry.Target]int{} // process → lines skipped after an error
	send := func() {
		if g != nil {
			ok = sh.send(g) && ok
			g = nil
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 2<<20) // a raw batch may be long
	n := 0
	for !sh.quit && sc.Scan() {
		n++
		label := fmt.Sprintf("%s:%d: %s", name, n, strings.TrimSpace(sc.Text()))
		l, err := sh.parse(sc.Text())
		if err != nil {
			if g != nil && (l == nil || !l.proc || g.tgt != l.tgt) {
				send() // it is not part of this batch
			}
			sh.fail(label, err)
			ok = false
			if l != nil && l.proc {
				if g != nil {
					sh.fail(fmt.Sprintf("%s:%d", name, n), fmt.Errorf("%s: the %d commands gathered for its batch are not sent", l.tgt, g.size()))
					g = nil
				}
				if !isFlush(l) {
					skipping[l.tgt] = 0 // until its flush
				}
			}
			continue
		}
		if l == nil {
			continue
		}
		if !l.proc {
			send()
			if !sh.execute(l, label) {
				ok = false
			}
			continue
		}
		if k, skip := skipping[l.tgt]; skip {
			skipping[l.tgt] = k + 1
			if isFlush(l) {
				delete(skipping, l.tgt)
				sh.fail(fmt.Sprintf("%s:%d", name, n), fmt.Errorf("%s: %d commands up to this flush not sent, because of the error above", l.tgt, k+1))
			}
			continue
		}
		if g != nil && (g.tgt != l.tgt || l.raw != nil) {
			send()
		}
		if g == nil {
			g = &group{tgt: l.tgt}
		}
		g.add(l, label)
		if isFlush(l) || l.raw != nil {
			send()
		}
	}
	send()
	if err := sc.Err(); err != nil {
		sh.fail(name, err)
		ok = false
	}
	for t, k := range skipping {
		if k > 0 {
			sh.fail(name, fmt.Errorf("%s: %d commands after the error not sent (no flush followed)", t, k))
		}
	}
	return ok
}

func isFlush(l *line) bool { return l.cmd != nil && l.cmd.name == proto.CmdFlush }

// Source is one -f FILE or -c CMD, in command-line order.
type Source struct {
	File string // -f
	Cmd  string // -c
}

// RunSources runs -f and -c in the order given: each -f as a command file,
// the -c commands in a row as one (they batch like lines of a file).
func (sh *Shell) RunSources(srcs []Source) bool {
	ok := true
	for i := 0; i < len(srcs) && !sh.quit; {
		if srcs[i].File != "" {
			f, err := os.Open(srcs[i].File)
			if err != nil {
				sh.fail("", err)
				ok = false
			} else {
				ok = sh.RunScript(f, srcs[i].File) && ok
				f.Close()
			}
			i++
			continue
		}
		var b strings.Builder
		for ; i < len(srcs) && srcs[i].File == ""; i++ {
			b.WriteString(strings.ReplaceAll(srcs[i].Cmd, "\n", " ") + "\n")
		}
		ok = sh.RunScript(strings.NewReader(b.String()), "-c") && ok
	}
	return ok
}
