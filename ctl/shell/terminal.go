package shell

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminal is the mode the terminal had before the shell changed it.
type terminal struct {
	fd    int
	saved *unix.Termios
}

// saveTerminal keeps f's mode; nil when f is not a terminal.
func saveTerminal(f any) *terminal {
	file, ok := f.(*os.File)
	if !ok {
		return nil
	}
	fd := int(file.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil
	}
	return &terminal{fd: fd, saved: t}
}

// restore gives the terminal its mode back (echo, line editing, signals).
func (t *terminal) restore() {
	if t != nil {
		unix.IoctlSetTermios(t.fd, unix.TCSETS, t.saved)
	}
}
