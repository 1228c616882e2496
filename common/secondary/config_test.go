package secondary

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
)

// The example config loads, and its components and entries become one
// batch ending with flush, in file order, with the protocol's field names.
func TestExampleConfig(t *testing.T) {
	c, err := loadConfig("../../etc/spp_vf.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.NumVhost == nil || *c.NumVhost != 2 || c.NumRing == nil || *c.NumRing != 4 {
		t.Errorf("limits: %+v", c)
	}
	b, from := c.batch()
	req, err := proto.ParseBatch(b)
	if err != nil {
		t.Fatalf("batch %s: %v", b, err)
	}
	if len(req.Commands) != 6 || len(from) != 6 {
		t.Fatalf("%d commands: %s", len(req.Commands), b)
	}
	comp, err := req.Commands[0].Component()
	if err != nil || comp.CoreID != 2 || comp.Type != "classifier" || len(comp.Rx) != 1 || len(comp.Tx) != 1 ||
		comp.Rx[0].String() != "nic0" || comp.Tx[0].String() != "ring0" {
		t.Errorf("first component: %+v %v", comp, err)
	}
	cl, err := req.Commands[4].Classifier()
	if err != nil || cl.Value != "52:54:00:12:34:56" || cl.Port.String() != "ring0" {
		t.Errorf("classifier entry: %+v %v", cl, err)
	}
	if req.Commands[5].Name != "flush" || !strings.Contains(from[4], "[[classifier_table]] #1") {
		t.Errorf("last command %q, from %q", req.Commands[5].Name, from)
	}
}

// A config with only limits has no batch; unknown keys and bad values are
// errors that name the key.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := loadConfig(write("num_ring = 8\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.batch(); b != nil {
		t.Errorf("batch without components: %s", b)
	}
	for body, want := range map[string]string{
		"num_rings = 8\n":                         "unknown key num_rings",
		"[[component]]\ncore_id = 2\ncores = 3\n": "unknown key component.cores",
		"num_vhost = -1\n":                        "num_vhost = -1: 0 to 1024",
		"num_ring = \"4\"\n":                      "num_ring",
		"[[classifier_table]]\nvalue = 1\n":       "value",
	} {
		_, err := loadConfig(write(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", body, err, want)
		}
	}
}
