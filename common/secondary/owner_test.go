package secondary

import (
	"os"
	"os/exec"
	"testing"
)

// The owner name stored with a port names one process: alive while that
// process runs, dead once it exited, and dead when its pid now belongs to
// another process (started at another time). Only names written by String
// are read back.
func TestOwner(t *testing.T) {
	me, err := selfOwner("spp_vf")
	if err != nil {
		t.Fatal(err)
	}
	if me.Pid != os.Getpid() || me.Start == 0 || !me.Alive() {
		t.Fatalf("this process: %+v, alive %v", me, me.Alive())
	}
	if len(me.String()) > 63 {
		t.Errorf("%q is longer than DPDK's owner name", me)
	}
	if got, ok := parseOwner(me.String()); !ok || got != me {
		t.Errorf("parseOwner(%q) = %+v, %v", me, got, ok)
	}

	// The pid of a process that ran before this one: the same pid, an
	// earlier start.
	recycled := me
	recycled.Start--
	if recycled.Alive() {
		t.Errorf("%v alive: a reused pid taken for its former owner", recycled)
	}

	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	other, err := ownerOf("sleep", sleeper.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if !other.Alive() {
		t.Errorf("running child %v not alive", other)
	}
	sleeper.Process.Kill()
	sleeper.Wait()
	if other.Alive() {
		t.Errorf("killed child %v still alive", other)
	}

	for _, bad := range []string{"", "testpmd", "spp_vf pid x start 1", "spp_vf pid 1 start", "spp_vf pid 0 start 5", "spp_vf id 1 start 5", "a b c d e f"} {
		if o, ok := parseOwner(bad); ok {
			t.Errorf("parseOwner(%q) = %+v, want false", bad, o)
		}
	}
}
