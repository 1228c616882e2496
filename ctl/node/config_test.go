package node

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const etcDir = "../../etc"

func etcFiles(t *testing.T) []string {
	t.Helper()
	files, err := ConfigFiles(etcDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no node file in etc/")
	}
	return files
}

// Every node file shipped in etc/ is valid, and the command file it names
// exists (relative to the repository root, where make runs spp up).
func TestEtcNodeFilesParse(t *testing.T) {
	for _, f := range etcFiles(t) {
		c, err := LoadConfig(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if c.Node.CommandFile != "" {
			if _, err := os.Stat(filepath.Join("../..", c.Node.CommandFile)); err != nil {
				t.Errorf("%s: command_file: %v", f, err)
			}
		}
	}
}

// spp_vf's own --config files live in etc/ too; they are not node files.
func TestIsNodeFile(t *testing.T) {
	for name, want := range map[string]bool{
		"etc/default.toml":    true,
		"etc/two-nodes.toml":  true,
		"etc/spp_vf.toml":     false,
		"etc/spp_mirror.toml": false,
		"etc/default.cmds":    false,
	} {
		if got := IsNodeFile(name); got != want {
			t.Errorf("IsNodeFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// An unknown key anywhere in any etc/ file is refused, and the message names
// it: at the top, in a table, and in an element of an array of tables.
func TestUnknownKeyIsNamed(t *testing.T) {
	for _, f := range etcFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		cases := map[string]string{
			"surprise":              "surprise = 1\n" + text,
			"primary.port_msk":      strings.Replace(text, "[primary]\n", "[primary]\nport_msk = \"0x1\"\n", 1),
			"secondary.vhost_clent": strings.Replace(text, "[[secondary]]\n", "[[secondary]]\nvhost_clent = true\n", 1),
		}
		for key, bad := range cases {
			if bad == text {
				t.Fatalf("%s: the test could not insert %s", f, key)
			}
			_, err := ParseConfig([]byte(bad))
			if err == nil {
				t.Errorf("%s with %s: accepted", f, key)
				continue
			}
			if !strings.Contains(err.Error(), "unknown key") || !strings.Contains(err.Error(), key) {
				t.Errorf("%s with %s: error %q does not name the key", f, key, err)
			}
		}
	}
}

func readDefault(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(etcDir, "default.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// dropLine removes the first line that sets key (inside the first table
// whose header matches section).
func dropLine(t *testing.T, text, section, key string) string {
	t.Helper()
	sec := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(section) + `.*\n`).FindStringIndex(text)
	if sec == nil {
		t.Fatalf("no %s in default.toml", section)
	}
	i := sec[1]
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + ` *=.*\n`)
	loc := re.FindStringIndex(text[i:])
	if loc == nil {
		t.Fatalf("no %s under %s", key, section)
	}
	return text[:i+loc[0]] + text[i+loc[1]:]
}

// A missing required key is refused with the key's name, client_id 0 being
// a valid value and not "missing".
func TestMissingKeyIsNamed(t *testing.T) {
	text := readDefault(t)
	for _, c := range []struct{ section, key, want string }{
		{"[eal]", "file_prefix", "missing required key eal.file_prefix"},
		{"[primary]", "lcores", "missing required key primary.lcores"},
		{"[primary]", "port_mask", "missing required key primary.port_mask"},
		{"[primary]", "rings", "missing required key primary.rings"},
		{"[[secondary]]", "type", "missing required key secondary[0].type"},
		{"[[secondary]]", "client_id", "missing required key secondary[0].client_id"},
		{"[[secondary]]", "lcores", "missing required key secondary[0].lcores"},
		{"[[vm]]", "vhost", "missing required key vm[0].vhost"},
		{"[[vm]]", "mac", "missing required key vm[0].mac"},
		{"[traffic]", "client_id", "missing required key traffic.client_id"},
	} {
		_, err := ParseConfig([]byte(dropLine(t, text, c.section, c.key)))
		if err == nil || err.Error() != c.want {
			t.Errorf("without %s %s: got %v, want %q", c.section, c.key, err, c.want)
		}
	}
	zero := strings.Replace(text, "client_id = 1\n", "client_id = 0\n", -1)
	zero = strings.Replace(zero, "sec 1;", "sec 0;", -1)
	if _, err := ParseConfig([]byte(zero)); err != nil {
		t.Errorf("client_id = 0 refused: %v", err)
	}
}

// Values that would break the node at run time are refused before anything
// starts, naming the key.
func TestBadValues(t *testing.T) {
	text := readDefault(t)
	for _, c := range []struct{ from, to, want string }{
		{`lcores = "0@0"`, `lcores = "3@0"`, "bad value of secondary[0].lcores: lcore 3 is already used by primary.lcores"},
		{`lcores = "0@0"`, `lcores = "0@x"`, "bad value of primary.lcores"},
		{`port_mask = "0x1"`, `port_mask = "zz"`, "bad value of primary.port_mask"},
		{`type = "vf"`, `type = "nat"`, "bad value of secondary[0].type"},
		{`vhost = 1`, `vhost = 0`, "bad value of vm[1].vhost: vhost0 is already the port of vm1"},
		{`mac = "52:54:00:00:00:02"`, `mac = "52:54:00:00:00:01"`, "bad value of vm[1].mac"},
		{`mac = "52:54:00:00:00:02"`, `mac = "ff:ff:ff:ff:ff:ff"`, "bad value of vm[1].mac"},
		{`name = "vm2"`, `name = "vf1"`, "bad value of vm[1].name: name \"vf1\" is already used"},
		{`dst = "vm1"`, `dst = "vm9"`, "bad value of traffic.frames[0].dst"},
		{`secondary_port = 6666`, `secondary_port = 5555`, "bad value of controller.secondary_port"},
		{`api = "127.0.0.1:7777"`, `api = "127.0.0.1"`, "bad value of controller.api"},
		{`api = "127.0.0.1:7777"`, `api = "127.0.0.1:6666"`, "bad value of controller.api: \"127.0.0.1:6666\": the port is one of the daemons'"},
		{`api = "127.0.0.1:7777"`, `api = "0.0.0.0:7777"`, "bad value of controller.api: \"0.0.0.0:7777\" is reachable from other hosts: set controller.api_token_file too"},
		{`api = "127.0.0.1:7777"`, `api = ":7777"`, "set controller.api_token_file too"},
		{`rings = 4`, `rings = "4"`, "primary.rings"}, // the decoder's own message names the key
	} {
		bad := strings.Replace(text, c.from, c.to, 1)
		if bad == text {
			t.Fatalf("%q not in default.toml", c.from)
		}
		_, err := ParseConfig([]byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: got %v, want %q", c.from, c.to, err, c.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`
[eal]
file_prefix = "p"
[primary]
lcores = "0"
port_mask = "0x1"
rings = 1
[[secondary]]
type = "mirror"
client_id = 3
lcores = "1-2"
[[vm]]
name = "a"
vhost = 2
mac = "02:00:00:00:00:01"
`))
	if err != nil {
		t.Fatal(err)
	}
	s, v := c.Secondary[0], c.VM[0]
	if c.Node.LogDir != "log" || c.Controller.PrimaryPort != 5555 || c.Controller.SecondaryPort != 6666 ||
		c.Controller.Bind != "127.0.0.1" || c.Controller.API != "127.0.0.1:7777" || s.Name != "mirror3" || s.PcapDir != "log" ||
		v.Mode != "macswap" || v.Lcores != "0,1" || v.FilePrefix != "p_a" || v.MemoryMB != 64 {
		t.Errorf("defaults not applied: %+v %+v %+v", c.Controller, s, v)
	}
}

func TestParseLcores(t *testing.T) {
	for in, want := range map[string]string{
		"0@0":         "[0]",
		"1@0,2@1,3@1": "[1 2 3]",
		"0,1":         "[0 1]",
		"2-4":         "[2 3 4]",
		"1, 5-6 ,8@1": "[1 5 6 8]",
		"":            "error",
		"1,1":         "error",
		"a":           "error",
		"3-1":         "error",
		"1-2@0":       "error",
		"5000":        "error",
	} {
		ids, err := ParseLcores(in)
		got := "error"
		if err == nil {
			got = fmt.Sprint(ids)
		}
		if got != want {
			t.Errorf("ParseLcores(%q) = %s, want %s", in, got, want)
		}
	}
}
