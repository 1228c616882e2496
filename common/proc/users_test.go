package proc

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// PrefixUsers finds the processes that hold files of the runtime
// directory open, through a symlink to it (as /var/run is one to /run),
// tells the one with config open as the primary, and forgets a process
// once it has exited (its stale files do not count).
func TestPrefixUsers(t *testing.T) {
	real := t.TempDir()
	for _, f := range []string{"config", "fbarray_memzone", "mp_socket_999999_1"} {
		os.WriteFile(filepath.Join(real, f), nil, 0o600)
	}
	link := filepath.Join(t.TempDir(), "prefix")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if users, err := PrefixUsers(link); err != nil || len(users) != 0 {
		t.Fatalf("before any user: %v %v", users, err)
	}
	hold := func(files string) *Child {
		return start(t, Spec{Argv: []string{"/bin/sh", "-c", "cd " + real + " && exec sleep 30 " + files}})
	}
	pri := hold("3<config 4<fbarray_memzone")
	sec := hold("4<fbarray_memzone")
	start(t, Spec{Argv: []string{"/bin/sleep", "30"}}) // holds nothing there
	want := []PrefixUser{{Pid: pri.Pid(), Name: "sleep", Primary: true}, {Pid: sec.Pid(), Name: "sleep"}}
	if sec.Pid() < pri.Pid() {
		want[0], want[1] = want[1], want[0]
	}
	var users []PrefixUser
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if users, err = PrefixUsers(link); err == nil && reflect.DeepEqual(users, want) {
			break
		}
	}
	if !reflect.DeepEqual(users, want) || err != nil {
		t.Fatalf("users %v (%v), want %v", users, err, want)
	}
	if s := want[0].String(); s != "sleep (pid "+strconv.Itoa(want[0].Pid)+")" {
		t.Errorf("String %q", s)
	}
	pri.Kill()
	if users, _ := PrefixUsers(link); len(users) != 1 || users[0].Pid != sec.Pid() || users[0].Primary {
		t.Errorf("after the primary's death: %v", users)
	}
	if users, err := PrefixUsers(filepath.Join(real, "missing")); users != nil || err != nil {
		t.Errorf("missing directory: %v %v", users, err)
	}
}
