package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// threads describes what each thread of pid is doing, for a process that
// does not die when killed: its state (Z: exited, D: waiting in the kernel,
// uninterruptibly), where it waits (wchan) and, for root, its kernel stack.
func threads(pid int) string {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, t := range tasks {
		p := filepath.Join(dir, t.Name())
		state, _ := taskState(filepath.Join(p, "stat"))
		comm, _ := os.ReadFile(filepath.Join(p, "comm"))
		wchan, _ := os.ReadFile(filepath.Join(p, "wchan"))
		fmt.Fprintf(&b, "\n\tthread %s (%s) state %c wchan %q", t.Name(), strings.TrimSpace(string(comm)), state, wchan)
		if stack, err := os.ReadFile(filepath.Join(p, "stack")); err == nil && len(stack) > 0 {
			b.WriteString("\n\t\t" + strings.ReplaceAll(strings.TrimSpace(string(stack)), "\n", "\n\t\t"))
		}
	}
	return b.String()
}

// leaderExited says whether pid's main thread has exited (state Z, the
// process a zombie while its other threads finish exiting in the kernel)
// or the process is gone.
func leaderExited(pid int) bool {
	state, err := taskState(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return os.IsNotExist(err)
	}
	return state == 'Z'
}

// taskState reads the state letter (R, S, D, Z...) of a /proc stat file:
// the field after the command name, which is in parentheses and may itself
// hold spaces and parentheses. '?' when the file cannot be read or parsed.
func taskState(path string) (byte, error) {
	stat, err := os.ReadFile(path)
	if err != nil {
		return '?', err
	}
	if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) {
		return stat[i+2], nil
	}
	return '?', nil
}
