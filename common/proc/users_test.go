package proc

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// holdEnv makes the test binary a process that holds files and unix
// sockets of a directory, as an EAL process holds its prefix's: the
// comma-separated names are opened ("sock:NAME" bound), then it says
// "ready" and sleeps.
const holdEnv = "SPP_PROC_TEST_HOLD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(holdEnv); spec != "" {
		dir, names, _ := strings.Cut(spec, ":")
		var keep []any
		for _, n := range strings.Split(names, ",") {
			var err error
			var h any
			if s, ok := strings.CutPrefix(n, "sock="); ok {
				h, err = net.Listen("unix", filepath.Join(dir, s))
			} else {
				h, err = os.Open(filepath.Join(dir, n))
			}
			if err != nil {
				fmt.Println(err)
				os.Exit(1)
			}
			keep = append(keep, h)
		}
		fmt.Println("ready")
		time.Sleep(time.Minute)
		runtime.KeepAlive(keep)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// PrefixUsers finds the processes that hold files or sockets of the
// runtime directory, through a symlink above it (as /var/run is one to
// /run), even once the directory was removed under them; tells the
// primary (mp_socket, or config without a secondary's socket) from the
// secondaries (also one early in EAL init, with its socket only, and one
// waiting for its primary, config still open); and forgets a process once
// it has exited (its stale files do not count).
func TestPrefixUsers(t *testing.T) {
	base := t.TempDir() // as /run
	real := filepath.Join(base, "prefix")
	os.Mkdir(real, 0o700)
	for _, f := range []string{"config", "fbarray_memzone", "mp_socket_999999_1"} {
		os.WriteFile(filepath.Join(real, f), nil, 0o600)
	}
	run := filepath.Join(t.TempDir(), "run") // as /var/run
	if err := os.Symlink(base, run); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(run, "prefix")
	if users, err := PrefixUsers(link); err != nil || len(users) != 0 {
		t.Fatalf("before any user: %v %v", users, err)
	}
	name := filepath.Base(os.Args[0])
	if len(name) > 15 {
		name = name[:15] // comm's length
	}
	hold := func(names string) *Child {
		t.Helper()
		os.Setenv(holdEnv, link+":"+names)
		defer os.Unsetenv(holdEnv)
		c := start(t, Spec{Argv: []string{os.Args[0]}, Stdout: true})
		if l, err := bufio.NewReader(c.Stdout).ReadString('\n'); l != "ready\n" {
			t.Fatalf("holder of %s: %q %v", names, l, err)
		}
		return c
	}
	pri := hold("config,fbarray_memzone,sock=mp_socket")
	sec := hold("fbarray_memzone,sock=mp_socket_5_1")
	early := hold("sock=mp_socket_6_1")
	waiting := hold("config,sock=mp_socket_7_1")
	start(t, Spec{Argv: []string{"/bin/sleep", "30"}}) // holds nothing there
	want := []PrefixUser{{pri.Pid(), name, true}, {sec.Pid(), name, false}, {early.Pid(), name, false}, {waiting.Pid(), name, false}}
	users, err := PrefixUsers(link)
	if !reflect.DeepEqual(users, want) || err != nil {
		t.Fatalf("users %v (%v), want %v", users, err, want)
	}
	if s, w := want[0].String(), fmt.Sprintf("%s (pid %d)", name, pri.Pid()); s != w {
		t.Errorf("String %q, want %q", s, w)
	}
	// Removed under them (rm -rf of the prefix): still there, still told.
	if err := os.RemoveAll(real); err != nil {
		t.Fatal(err)
	}
	if users, err := PrefixUsers(link); !reflect.DeepEqual(users, want) || err != nil {
		t.Errorf("after the directory was removed: %v (%v), want %v", users, err, want)
	}
	pri.Kill()
	if users, _ := PrefixUsers(link); !reflect.DeepEqual(users, want[1:]) {
		t.Errorf("after the primary's death: %v, want %v", users, want[1:])
	}
	if users, err := PrefixUsers(filepath.Join(base, "missing", "x")); users != nil || err != nil {
		t.Errorf("missing directory: %v %v", users, err)
	}
}
