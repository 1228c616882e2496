package shell

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// History: kept in ~/.spp_history ($SPP_HISTORY overrides), one line each.

// maxHistory bounds what is loaded from the file.
const maxHistory = 1000

// HistoryPath is where the interactive shell keeps its history:
// $SPP_HISTORY, or ~/.spp_history.
func HistoryPath() string {
	if p := os.Getenv("SPP_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".spp_history")
}

func (sh *Shell) loadHistory() {
	if sh.histPath == "" {
		return
	}
	f, err := os.Open(sh.histPath)
	if err != nil {
		return // none yet
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			sh.history = append(sh.history, t)
		}
	}
	if len(sh.history) > maxHistory {
		sh.history = sh.history[len(sh.history)-maxHistory:]
	}
}

func (sh *Shell) addHistory(t string) {
	sh.history = append(sh.history, t)
	if sh.histPath == "" {
		return
	}
	f, err := os.OpenFile(sh.histPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return // history is a convenience; never stop the shell for it
	}
	fmt.Fprintln(f, t)
	f.Close()
}
