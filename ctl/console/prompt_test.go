package console

import (
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/c-bata/go-prompt"
	"golang.org/x/sys/unix"
)

// End-to-end tests with go-prompt's own Input loop, as the shell reads a
// line. prompt.New opens /dev/tty whatever parser it is given, so these run
// in a child process (this test binary again) whose controlling terminal is
// a fresh pty; the keys still come from fakeTerm, not from the pty.

const helperEnv = "SPP_CONSOLE_PROMPT_HELPER"

// TestPromptHelper is the child: it reads lines with go-prompt from the
// chunks in the environment and prints them as JSON.
func TestPromptHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("run by runPrompt in a child process")
	}
	var req struct {
		Chunks []string
		Lines  int
		Split  bool
	}
	if err := json.Unmarshal([]byte(os.Getenv(helperEnv)), &req); err != nil {
		t.Fatal(err)
	}
	ft := &fakeTerm{}
	ft.push(req.Chunks...)
	var in prompt.ConsoleParser = ft
	if req.Split {
		in = New(ft, nil)
	}
	pr := prompt.New(func(string) {}, func(prompt.Document) []prompt.Suggest { return nil },
		prompt.OptionParser(in), prompt.OptionWriter(&nopWriter{}))
	var lines []string
	for i := 0; i < req.Lines; i++ {
		lines = append(lines, pr.Input())
	}
	json.NewEncoder(os.Stdout).Encode(lines)
	os.Stdout.Sync()
	os.Exit(0) // print nothing else
}

// nopWriter is a go-prompt writer that draws nowhere.
type nopWriter struct{ prompt.VT100Writer }

func (nopWriter) Flush() error { return nil }

// runPrompt reads lines lines from chunks with go-prompt, split or not,
// within timeout; ok false when go-prompt did not return them all.
func runPrompt(t *testing.T, split bool, lines int, timeout time.Duration, chunks ...string) ([]string, bool) {
	t.Helper()
	ptmx, pts := openPty(t)
	defer ptmx.Close()
	defer pts.Close()
	req, _ := json.Marshal(map[string]any{"Chunks": chunks, "Lines": lines, "Split": split})
	cmd := exec.Command(os.Args[0], "-test.run=^TestPromptHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(req))
	cmd.Stdin = pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	out := make(chan []byte, 1)
	go func() {
		b, _ := cmd.Output()
		out <- b
	}()
	select {
	case b := <-out:
		var got []string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("child: %v: %q", err, b)
		}
		return got, true
	case <-time.After(timeout):
		if cmd.Process != nil {
			cmd.Process.Kill()
		}
		<-out
		return nil, false
	}
}

// openPty opens a new pseudo-terminal pair.
func openPty(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	var unlock int32
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, ptmx.Fd(), unix.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlockpt: %v", e)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pts: %v", err)
	}
	return ptmx, pts
}

// A pasted three-line block (one read) gives three lines, in order, none
// lost between two lines.
func TestPromptPastedBlock(t *testing.T) {
	got, ok := runPrompt(t, true, 3, 20*time.Second,
		"sec 1;component 2 classifier nic0 ring0,ring2\rsec 1;flush\rsec 1;status\r")
	want := []string{"sec 1;component 2 classifier nic0 ring0,ring2", "sec 1;flush", "sec 1;status"}
	if !ok || !slices.Equal(got, want) {
		t.Fatalf("lines %q (all returned: %v), want %q", got, ok, want)
	}

	// Bracketed, LF line ends, cut across reads, a line typed after it.
	got, ok = runPrompt(t, true, 3, 20*time.Second,
		"\x1b[200~sec 1;flush\nsec 1;st", "atus\n\x1b[2", "01~pri;status\r")
	want = []string{"sec 1;flush", "sec 1;status", "pri;status"}
	if !ok || !slices.Equal(got, want) {
		t.Fatalf("bracketed: lines %q (all returned: %v), want %q", got, ok, want)
	}
}

// Without the split, go-prompt takes the read as one key and inserts it as
// text: no line ends (what the issue reports). This proves the test above
// can fail.
func TestPromptUnsplitPasteDoesNotRun(t *testing.T) {
	if got, ok := runPrompt(t, false, 1, 2*time.Second, "sec 1;status\r"); ok {
		t.Fatalf("go-prompt returned %q from one unsplit read", got)
	}
}
