package shell

import (
	"sync"

	"golang.org/x/sys/unix"
)

// keyWatch waits for one key on the terminal while monitor draws: the
// terminal raw (no echo, no line editing, no signal keys: Ctrl-C is a key
// like any other), with VMIN=0 and VTIME=1, so that each read returns after
// a tenth of a second even when nothing was typed, and the reader can look
// at whether it should stop.
//
// It reads from a /dev/tty of its own, with plain read(2): os.File would
// hand the descriptor to Go's poller, whose reads wait for input whatever
// VTIME says. Stop returns only when the reader has returned, so that no
// read is left pending to steal the operator's next key from go-prompt;
// the key that ended the wait is the monitor's and goes nowhere else.
type keyWatch struct {
	fd    int
	saved *unix.Termios

	Key  chan struct{} // closed by a key, or when quit says so
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// watchKeys opens the terminal and starts waiting. quit is asked after each
// read that brought nothing: true ends the wait as a key does (a signal
// asked the shell to leave).
func watchKeys(quit func() bool) (*keyWatch, error) {
	fd, err := unix.Open("/dev/tty", unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	saved, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	raw := *saved
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 0, 1
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		unix.Close(fd)
		return nil, err
	}
	k := &keyWatch{fd: fd, saved: saved, Key: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go k.read(quit)
	return k, nil
}

func (k *keyWatch) read(quit func() bool) {
	defer close(k.done)
	buf := make([]byte, 64) // a key, escape sequence and all
	for {
		select {
		case <-k.stop:
			return
		default:
		}
		n, err := unix.Read(k.fd, buf)
		if n > 0 || (err != nil && err != unix.EINTR && err != unix.EAGAIN) || quit() {
			close(k.Key)
			return
		}
	}
}

// Size is the terminal's columns and rows (0, 0 when unknown).
func (k *keyWatch) Size() (int, int) {
	ws, err := unix.IoctlGetWinsize(k.fd, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0
	}
	return int(ws.Col), int(ws.Row)
}

// Stop ends the wait, gives the terminal back the mode it had, and
// returns once the reader is done.
func (k *keyWatch) Stop() {
	k.once.Do(func() {
		close(k.stop)
		<-k.done
		unix.IoctlSetTermios(k.fd, unix.TCSETS, k.saved)
		unix.Close(k.fd)
	})
}
