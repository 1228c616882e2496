package shell

import (
	"strings"

	"github.com/c-bata/go-prompt"

	"github.com/spp-go/spp/ctl/registry"
)

// Completion, from the table of commands and the live state.

// wordSeps end the word being completed: "sec 1;comp", "ring0,ri".
const wordSeps = " ;,"

// compCtx is what a candidate list may look at.
type compCtx struct {
	sh   *Shell
	p    *Proc  // the process the command goes to; nil if not connected
	word string // the partial word
}

func (sh *Shell) complete(d prompt.Document) []prompt.Suggest {
	before := d.TextBeforeCursor()
	if strings.TrimSpace(before) == "" && d.LastKeyStroke() != prompt.Tab {
		return nil // no menu under an empty prompt until Tab
	}
	word := d.GetWordBeforeCursorUntilSeparator(wordSeps)
	return prompt.FilterHasPrefix(sh.candidates(before, word), word, true)
}

// candidates lists what may be typed at the end of before.
func (sh *Shell) candidates(before, word string) []prompt.Suggest {
	if i := strings.IndexByte(before, ';'); i >= 0 {
		if t, ok, err := parseTarget(before[:i]); ok && err == nil {
			return sh.procCandidates(t, before[i+1:], word)
		}
		return nil
	}
	w, cur := splitWords(before)
	if sh.entered != nil {
		if cur == 0 {
			s := procNames(*sh.entered)
			for _, c := range shellNames() {
				if lookup(procScope, c.Text) == nil {
					s = append(s, c)
				}
			}
			return s
		}
		if lookup(procScope, w[0]) != nil || lookup(shellScope, w[0]) == nil {
			return sh.procCandidates(*sh.entered, before, word)
		}
	}
	if cur == 0 {
		return shellNames()
	}
	c := lookup(shellScope, w[0])
	if c == nil {
		return nil
	}
	return argValues(c, w, cur, &compCtx{sh: sh, word: word})
}

func (sh *Shell) procCandidates(t registry.Target, text, word string) []prompt.Suggest {
	w, cur := splitWords(text)
	if cur == 0 {
		return procNames(t)
	}
	c := lookup(procScope, w[0])
	if c == nil || !c.accepts(t) {
		return nil
	}
	ctx := &compCtx{sh: sh, word: word}
	if p, ok := sh.lookup(t); ok {
		ctx.p = &p
	}
	return argValues(c, w, cur, ctx)
}

func argValues(c *command, w []string, cur int, ctx *compCtx) []prompt.Suggest {
	a, ok := c.argsAt(w[1:], cur-1)
	if !ok || a.values == nil {
		return nil
	}
	return a.values(ctx)
}

// splitWords returns the words of s and the index of the word being typed
// (len(words) when s ends with a space).
func splitWords(s string) ([]string, int) {
	w := strings.Fields(s)
	if s == "" || strings.HasSuffix(s, " ") {
		return w, len(w)
	}
	return w, len(w) - 1
}

func shellNames() []prompt.Suggest {
	var s []prompt.Suggest
	for _, c := range commands {
		if c.scope == shellScope {
			s = append(s, prompt.Suggest{Text: c.name, Description: c.brief})
		}
	}
	return s
}

func procNames(t registry.Target) []prompt.Suggest {
	var s []prompt.Suggest
	for _, c := range commands {
		if c.scope == procScope && c.accepts(t) {
			s = append(s, prompt.Suggest{Text: c.name, Description: c.brief})
		}
	}
	return s
}
