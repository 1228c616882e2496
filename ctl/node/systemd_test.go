package node

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The systemd units of etc/systemd pass systemd-analyze verify (their
// binaries pointed at this tree's bin/), name only our binaries, and read
// the example environment files, which set every variable the units use.
func TestSystemdUnits(t *testing.T) {
	dir := filepath.Join(etcDir, "systemd")
	units, _ := filepath.Glob(filepath.Join(dir, "*.service"))
	if len(units) != 4 {
		t.Fatalf("units %v", units)
	}
	envs := map[string]bool{}
	for _, f := range []string{"serve.env", "primary.env", "vf1.env", "mirror2.env"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if k, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
				envs[k] = true
			}
		}
	}
	bin, _ := filepath.Abs(filepath.Join(etcDir, "..", "bin"))
	tmp := t.TempDir()
	var names []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, l := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(l, "ExecStart="); ok {
				exe := strings.Fields(v)[0]
				if !map[string]bool{"/usr/local/bin/spp": true, "/usr/local/bin/spp_primary": true, "/usr/local/bin/spp_vf": true, "/usr/local/bin/spp_mirror": true}[exe] {
					t.Errorf("%s runs %s", u, exe)
				}
			}
			for _, w := range strings.FieldsFunc(l, func(r rune) bool { return !(r == '_' || r == '$' || r == '{' || r >= 'A' && r <= 'Z') }) {
				if v := strings.Trim(w, "${}"); strings.HasPrefix(w, "$") && !strings.HasPrefix(w, "$$") && strings.HasPrefix(v, "SPP_") && !envs[v] {
					t.Errorf("%s uses %s, which no example environment file sets", filepath.Base(u), v)
				}
			}
		}
		name := filepath.Base(u)
		if strings.HasSuffix(name, "@.service") {
			name = strings.Replace(name, "@", "@1", 1)
		}
		names = append(names, name)
		os.WriteFile(filepath.Join(tmp, filepath.Base(u)), []byte(strings.ReplaceAll(text, "/usr/local/bin", bin)), 0o644)
	}
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Log("no systemd-analyze: the units' syntax is not checked")
		return
	}
	if _, err := os.Stat(filepath.Join(bin, "spp_vf")); err != nil {
		t.Fatalf("%v (make build)", err)
	}
	cmd := exec.Command("systemd-analyze", append([]string{"verify", "--man=no"}, names...)...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
