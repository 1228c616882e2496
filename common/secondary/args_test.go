package secondary

import (
	"strings"
	"testing"

	"github.com/spp-go/spp/common/proto"
)

// Good command lines parse into the right Args; the EAL part is split off
// at the first "--".
func TestParseArgs(t *testing.T) {
	eal, own := splitArgs(strings.Fields("--lcores 1@0,2@1 --file-prefix x -- --client-id 3 -s 127.0.0.1:6666 --vhost-client --vhost-dir /run/spp --pcap-dir /var/tmp --config=a.toml --copy deep"))
	if strings.Join(eal, " ") != "--lcores 1@0,2@1 --file-prefix x" {
		t.Errorf("EAL args %q", eal)
	}
	a, err := parseArgs(proto.TypeMirror, own)
	want := Args{ClientID: 3, Server: "127.0.0.1:6666", VhostClient: true, VhostDir: "/run/spp", PcapDir: "/var/tmp", Config: "a.toml", DeepCopy: true}
	if err != nil || a != want {
		t.Errorf("got %+v, %v; want %+v", a, err, want)
	}
	a, err = parseArgs(proto.TypeVF, strings.Fields("--client-id=0 --server localhost:1"))
	if want := (Args{ClientID: 0, Server: "localhost:1", VhostDir: "/tmp", PcapDir: "/tmp"}); err != nil || a != want {
		t.Errorf("got %+v, %v; want %+v", a, err, want)
	}
}

// Each bad argument gives one line naming it.
func TestParseArgsRefused(t *testing.T) {
	cases := []struct{ ptype, args, msg string }{
		{proto.TypeVF, "-s h:1", "--client-id is required"},
		{proto.TypeVF, "--client-id 1", "-s HOST:PORT is required"},
		{proto.TypeVF, "--client-id 128 -s h:1", `--client-id "128": a number from 0 to 127`},
		{proto.TypeVF, "--client-id -1 -s h:1", `--client-id "-1": a number from 0 to 127`},
		{proto.TypeVF, "--client-id 0x1 -s h:1", `--client-id "0x1": a number from 0 to 127`},
		{proto.TypeVF, "--client-id", "--client-id needs a value"},
		{proto.TypeVF, "--client-id 1 -s h", `-s "h": HOST:PORT expected`},
		{proto.TypeVF, "--client-id 1 -s h:99999", `-s "h:99999": HOST:PORT expected`},
		{proto.TypeVF, "--client-id 1 -s h:1 --copy deep", "unknown option --copy (only spp_mirror has --copy)"},
		{proto.TypeMirror, "--client-id 1 -s h:1 --copy fast", `--copy "fast": shallow or deep`},
		{proto.TypeVF, "--client-id 1 -s h:1 --bogus", "unknown option --bogus"},
		{proto.TypeVF, "--client-id 1 -s h:1 stray", `unexpected argument "stray"`},
		{proto.TypeVF, "--client-id 1 -s h:1 --vhost-client=1", "--vhost-client takes no value"},
		{proto.TypeVF, "--client-id 1 -s h:1 --vhost-dir", "--vhost-dir needs a value"},
		{proto.TypeVF, "--client-id 1 -s h:1 --vhost-dir=", "--vhost-dir: empty directory name"},
		{proto.TypeVF, "--client-id 1 -s h:1 --vhost-dir /a,b", `--vhost-dir "/a,b": ',' and '=' cannot be passed to the vhost driver`},
	}
	for _, c := range cases {
		_, err := parseArgs(c.ptype, strings.Fields(c.args))
		if err == nil || err.Error() != c.msg || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want %q", c.args, err, c.msg)
		}
	}
}

func TestSecondaryEAL(t *testing.T) {
	if got := strings.Join(secondaryEAL([]string{"-l", "1"}), " "); got != "-l 1 --proc-type=secondary" {
		t.Errorf("got %q", got)
	}
	if got := strings.Join(secondaryEAL([]string{"--proc-type=auto"}), " "); got != "--proc-type=auto" {
		t.Errorf("got %q", got)
	}
}
