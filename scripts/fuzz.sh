#!/usr/bin/env bash
# scripts/fuzz.sh TIME PKG:TARGET...: runs each Go fuzz target for TIME
# (15s, 10m) and prints how many inputs it ran. A failure stops it, with the
# fuzzer's output: the failing input is in PKG/testdata/fuzz/TARGET/, where
# `go test` replays it from then on (commit it with the fix).
set -uo pipefail

GO=${GO:-go}
time=$1
shift
for t in "$@"; do
	pkg=${t%%:*} fn=${t#*:}
	log=$(mktemp)
	# -fuzzminimizetime: minimizing each new input (60 s by default) stops
	# the workers; at 10 s a 30 s run still did half the inputs it does at
	# 1 s. A crashing input is kept all the same, minimized or not.
	"$GO" test -run '^$' -fuzz "^${fn}\$" -fuzztime "$time" -fuzzminimizetime "${FUZZ_MINIMIZE:-1s}" "$pkg" >"$log" 2>&1
	rc=$?
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		cat "$log"
		rm -f "$log"
		echo "fuzz: FAIL $fn ($pkg) after ${execs#execs: } inputs" >&2
		exit 1
	fi
	rm -f "$log"
	echo "fuzz: ok $fn ($pkg): ${execs#execs: } inputs in $time"
done
