package testpmd

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// captured is testdata/port_stats_all.txt: what dpdk-testpmd 22.11 printed
// for ShowPortStats (two net_null ports, io forwarding started and
// stopped), from the echoed command to the next prompt.
func captured(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/port_stats_all.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The counters of the captured answer.
var capturedPorts = map[int]Port{
	0: {RxPackets: 52404064, TxPackets: 52049760},
	1: {RxPackets: 52491104, TxPackets: 52049760},
}

func checkPorts(t *testing.T, what string, got, want map[int]Port) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: ports %+v, want %+v", what, got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: port %d %+v, want %+v", what, id, got[id], w)
		}
	}
}

func TestPortStatsCaptured(t *testing.T) {
	checkPorts(t, "captured", PortStats(captured(t)), capturedPorts)
}

// An answer read while testpmd still prints it: a port is there only once
// its block is whole, and then with its whole counters, never zeros or
// half of them.
func TestPortStatsPartialAnswer(t *testing.T) {
	text := captured(t)
	seen := map[int]bool{}
	for i := range text {
		got := PortStats(text[:i])
		for id, p := range got {
			if p != capturedPorts[id] {
				t.Fatalf("the first %d bytes give port %d %+v, want %+v or nothing", i, id, p, capturedPorts[id])
			}
			seen[id] = true
		}
		if _, ok := got[1]; ok && len(got) != 2 {
			t.Fatalf("the first %d bytes give port 1 before port 0: %+v", i, got)
		}
	}
	if !seen[1] {
		t.Error("no prefix of the answer gave port 1")
	}
	// A block without its TX-packets line is not whole either.
	noTx := regexp.MustCompile(`(?m)^ *TX-packets:.*\n`).ReplaceAllString(text, "")
	for _, no := range []string{"", "testpmd> ", "show port stats all\r\ntestpmd> ", noTx} {
		if got := PortStats(no); len(got) != 0 {
			t.Errorf("%q gave %+v", no, got)
		}
	}
}

// A log holding several answers: each port's first whole block counts.
func TestPortStatsFirstAnswer(t *testing.T) {
	first := captured(t)
	later := strings.ReplaceAll(first, "-packets: ", "-packets: 9")
	checkPorts(t, "two answers", PortStats(first+later), capturedPorts)
	if p := PortStats(later)[0]; p == capturedPorts[0] {
		t.Fatalf("the later answer's port 0 is the first's (%+v): the test checks nothing", p)
	}
}

// Every loss counter adds to Drops. The captured ports lost nothing: the
// answer is edited, port 0 losing on receive and port 1 on transmit.
func TestPortStatsDrops(t *testing.T) {
	text := captured(t)
	i := strings.Index(text, "NIC statistics for port 1")
	port0 := strings.NewReplacer("RX-missed: 0 ", "RX-missed: 3 ", "RX-errors: 0", "RX-errors: 1", "RX-nombuf:  0", "RX-nombuf:  2")
	port1 := strings.NewReplacer("TX-errors: 0 ", "TX-errors: 4 ")
	got := PortStats(port0.Replace(text[:i]) + port1.Replace(text[i:]))
	p0, p1 := capturedPorts[0], capturedPorts[1]
	p0.RxMissed, p0.RxErrors, p0.RxNombuf, p1.TxErrors = 3, 1, 2, 4
	checkPorts(t, "edited", got, map[int]Port{0: p0, 1: p1})
	if got[0].Drops() != 6 || got[1].Drops() != 4 {
		t.Errorf("drops %d and %d, want 6 and 4", got[0].Drops(), got[1].Drops())
	}
}
