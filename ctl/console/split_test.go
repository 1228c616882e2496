package console

import (
	"fmt"
	"reflect"
	"testing"
)

// splitAll feeds the chunks as successive reads (the last followed by an
// idle read) and returns the keys of each read.
func splitAll(chunks ...string) [][]string {
	var s splitter
	var out [][]string
	for _, c := range chunks {
		out = append(out, strs(s.split([]byte(c), false)))
	}
	return append(out, strs(s.split(nil, true)))
}

func strs(keys [][]byte) []string {
	out := []string{}
	for _, k := range keys {
		out = append(out, string(k))
	}
	return out
}

func TestSplit(t *testing.T) {
	none := []string{}
	tests := []struct {
		name   string
		chunks []string
		want   [][]string // keys per read, the idle read last
	}{
		{"typed key", []string{"s"}, [][]string{{"s"}, none}},
		{"pasted line with newline (CR, as terminals send it)",
			[]string{"sec 1;status\r"}, [][]string{{"sec 1;status", "\r"}, none}},
		{"pasted line with LF", []string{"status\n"}, [][]string{{"status", "\n"}, none}},
		{"CR LF is one Enter", []string{"status\r\n"}, [][]string{{"status", "\r"}, none}},
		{"three-line block, in order",
			[]string{"sec 1;component 2 classifier nic0 ring0\rsec 1;flush\rsec 1;status\r"},
			[][]string{{"sec 1;component 2 classifier nic0 ring0", "\r", "sec 1;flush", "\r", "sec 1;status", "\r"}, none}},
		{"block cut across reads",
			[]string{"sec 1;fl", "ush\rsta", "tus\r"},
			[][]string{{"sec 1;fl"}, {"ush", "\r", "sta"}, {"tus", "\r"}, none}},
		{"empty line in a block", []string{"a\r\rb\r"}, [][]string{{"a", "\r", "\r", "b", "\r"}, none}},
		{"arrow keys whole", []string{"\x1b[A\x1b[B"}, [][]string{{"\x1b[A", "\x1b[B"}, none}},
		{"arrow key cut after ESC", []string{"\x1b", "[D"}, [][]string{none, {"\x1b[D"}, none}},
		{"arrow key cut after ESC [", []string{"ab\x1b[", "Cx"}, [][]string{{"ab"}, {"\x1b[C", "x"}, none}},
		{"CSI with parameters cut", []string{"\x1b[1;5", "C"}, [][]string{none, {"\x1b[1;5C"}, none}},
		{"delete key", []string{"\x1b[3~"}, [][]string{{"\x1b[3~"}, none}},
		{"SS3 keys", []string{"\x1bOP\x1bOA"}, [][]string{{"\x1bOP", "\x1bOA"}, none}},
		{"SS3 cut", []string{"\x1bO", "H"}, [][]string{none, {"\x1bOH"}, none}},
		{"Linux console F1", []string{"\x1b[[A"}, [][]string{{"\x1b[[A"}, none}},
		{"lone Escape, nothing after", []string{"\x1b"}, [][]string{none, {"\x1b"}}},
		{"Escape then Enter", []string{"\x1b\r"}, [][]string{{"\x1b", "\r"}, none}},
		{"Alt+b", []string{"\x1bb"}, [][]string{{"\x1bb"}, none}},
		{"control keys one by one", []string{"ab\x01\x7f\tc\x04"},
			[][]string{{"ab", "\x01", "\x7f", "\t", "c", "\x04"}, none}},
		{"UTF-8 cut", []string{"caf\xc3", "\xa9\r"}, [][]string{{"caf"}, {"\xc3\xa9", "\r"}, none}},
		{"UTF-8 cut, nothing after", []string{"\xe2\x82"}, [][]string{none, {"\xe2\x82"}}},
		{"unknown CSI kept whole", []string{"\x1b[1;3A"}, [][]string{{"\x1b[1;3A"}, none}},
	}
	for _, tc := range tests {
		got := splitAll(tc.chunks...)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q: got %q, want %q", tc.name, tc.chunks, got, tc.want)
		}
	}
}

func TestSplitBracketedPaste(t *testing.T) {
	none := []string{}
	tests := []struct {
		name   string
		chunks []string
		want   [][]string
	}{
		{"pasted line", []string{"\x1b[200~sec 1;status\r\x1b[201~"},
			[][]string{{"sec 1;status", "\r"}, none}},
		{"pasted block, LF line ends",
			[]string{"\x1b[200~sec 1;flush\nsec 1;status\nstatus\n\x1b[201~"},
			[][]string{{"sec 1;flush", "\r", "sec 1;status", "\r", "status", "\r"}, none}},
		{"CR LF in a paste is one Enter, also across reads",
			[]string{"\x1b[200~a\r\nb\r", "\nc\x1b[201~"},
			[][]string{{"a", "\r", "b", "\r"}, {"c"}, none}},
		{"tab is a space, control bytes and ESC dropped",
			[]string{"\x1b[200~sec\t1;\x04st\x1batus\x1b[201~"},
			[][]string{{"sec 1;status"}, none}},
		{"end marker cut across reads",
			[]string{"\x1b[200~status\x1b[20", "1~\r"},
			[][]string{{"status"}, {"\r"}, none}},
		{"start marker cut across reads",
			[]string{"\x1b[20", "0~ls\x1b[201~"},
			[][]string{none, {"ls"}, none}},
		{"paste without its end yet waits even when idle",
			[]string{"\x1b[200~sta\x1b[2"},
			[][]string{{"sta"}, none}},
		{"keys typed after the paste are keys",
			[]string{"\x1b[200~x\x1b[201~\x1b[D\t"},
			[][]string{{"x", "\x1b[D", "\t"}, none}},
	}
	for _, tc := range tests {
		got := splitAll(tc.chunks...)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q: got %q, want %q", tc.name, tc.chunks, got, tc.want)
		}
	}
}

// Whatever the cut, a stream gives the same keys as when it comes in one
// read (text runs aside, which a cut splits into several runs).
func TestSplitAnyCut(t *testing.T) {
	stream := "ab\x1b[A\x1b[1;5Cé\x1b[200~x\ty\r\nz\x1b[201~\x1bOP\r"
	join := func(keys [][]string) []string {
		var out []string
		text := ""
		for _, read := range keys {
			for _, k := range read {
				if k[0] >= 0x20 && k[0] != 0x7f {
					text += k
					continue
				}
				if text != "" {
					out = append(out, text)
					text = ""
				}
				out = append(out, k)
			}
		}
		if text != "" {
			out = append(out, text)
		}
		return out
	}
	want := join(splitAll(stream))
	for i := 1; i < len(stream); i++ {
		for j := i + 1; j < len(stream); j++ {
			got := join(splitAll(stream[:i], stream[i:j], stream[j:]))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("cut at %d,%d: got %q, want %q", i, j, got, want)
			}
		}
	}
	if fmt.Sprint(want) != fmt.Sprint([]string{"ab", "\x1b[A", "\x1b[1;5C", "éx y", "\r", "z", "\x1bOP", "\r"}) {
		t.Fatalf("keys of the whole stream: %q", want)
	}
}
