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
		stat, _ := os.ReadFile(filepath.Join(p, "stat"))
		state := "?"
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) {
			state = string(stat[i+2 : i+3])
		}
		comm, _ := os.ReadFile(filepath.Join(p, "comm"))
		wchan, _ := os.ReadFile(filepath.Join(p, "wchan"))
		fmt.Fprintf(&b, "\n\tthread %s (%s) state %s wchan %q", t.Name(), strings.TrimSpace(string(comm)), state, wchan)
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
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return os.IsNotExist(err)
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
