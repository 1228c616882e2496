package port

import "testing"

func TestParseCanonicalAndAliases(t *testing.T) {
	cases := map[string]Port{
		"nic0": {NIC, 0}, "phy:1": {NIC, 1},
		"ring0": {Ring, 0}, "ring:12": {Ring, 12},
		"vhost3": {Vhost, 3}, "vhost:3": {Vhost, 3},
		"pcap0": {Pcap, 0}, "pcap:2": {Pcap, 2},
		"null1": {Null, 1}, "nullpmd:1": {Null, 1},
		"ring1023": {Ring, 1023},
	}
	for in, want := range cases {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestStringIsCanonical(t *testing.T) {
	for in, want := range map[string]string{"phy:2": "nic2", "ring:0": "ring0", "vhost:7": "vhost7", "nullpmd:1": "null1", "pcap:4": "pcap4"} {
		p, err := Parse(in)
		if err != nil || p.String() != want {
			t.Errorf("Parse(%q).String() = %q, %v; want %q", in, p.String(), err, want)
		}
	}
}

// Alias is the prefix Parse reads as the original SPP's: phy:3 is nic3.
func TestAlias(t *testing.T) {
	want := map[Kind]string{NIC: "phy:", Ring: "ring:", Vhost: "vhost:", Pcap: "pcap:", Null: "nullpmd:", Kind(99): ""}
	for k, alias := range want {
		if got := k.Alias(); got != alias {
			t.Errorf("%v.Alias() = %q, want %q", k, got, alias)
		}
		if p, err := Parse(k.Alias() + "3"); alias != "" && (err != nil || p != (Port{k, 3})) {
			t.Errorf("Parse(%q) = %v, %v", k.Alias()+"3", p, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "nic", "ring:", "ring:0x1", "ring:-1", "ring+1", "ringNG", "7777",
		"ring01", "ring:010", "ring1024", "ring99999", "tap0", "phy0", "nic 0", "NIC0", "vhost:1nq2", "ring:1 "} {
		if p, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want error", in, p)
		}
	}
}

func FuzzParseRoundTrip(f *testing.F) {
	for _, s := range []string{"nic0", "phy:1", "ring:9", "vhost12", "nullpmd:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		q, err := Parse(p.String())
		if err != nil || q != p {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, p, p.String(), q, err)
		}
	})
}
