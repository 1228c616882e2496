#!/usr/bin/env bash
# make demo-agent: VMs plugged and unplugged through etcd (docs/agent.md).
# Starts the node of etc/agent.toml (spp up: spp serve, the daemons, two
# test VMs waiting on their sockets, spp agent with its embedded etcd),
# then, as an orchestrator would: binds vm1 and vm2 (spp port bind), shows
# the slots and spp_vf 1's components and classifier table, injects frames
# into nic0 (4 to vm1, 3 to vm2, 2 to nobody) and checks that each VM got
# exactly its own; unbinds vm1 (vm2 alone gets traffic), then vm2 (the
# classifier and the merger are gone: nothing runs), binds vm1 again and
# checks once more. Exit status 0 when every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
HOST=host1
API=http://127.0.0.1:7777
LOG=log
fails=0

spp() { "$BIN/spp" "$@"; }
say() { printf '\n=== %s\n' "$*"; }
status() { curl -sf -X POST "$API/spp/v1/secondaries/$1/batch" -d '{"commands":[{"command":"status"}]}'; }
# tx PORT: what spp_vf 1 sent to the port (a VM: what the VM got); 0 when unused.
tx() { status 1 | jq "[.info.ports[] | select(.port==\"$1\") | .tx] | add // 0"; }
running() { status 1 | jq -r '[.info.core[] | select(.type!="unuse") | .name] | join(" ")'; }
show() {
	spp port list --host "$HOST"
	spp --api "$API" -c "sec 1;status" | grep -v '^spp: attached'
	echo "spp_vf 1 runs: $(running)"
}
check() { # what got want
	if [ "$2" = "$3" ]; then echo "ok: $1: $2"; else echo "FAIL: $1: $2, want $3"; fails=$((fails + 1)); fi
}
inject=0
# traffic WANT1 WANT2: inject the capture once more, check what each VM got.
traffic() {
	local a0 a1 b0 b1
	a0=$(tx vhost0) a1=$(tx vhost1)
	cp "$LOG/spp-rx0.pcap" "$LOG/spp-rx$((inject + 1)).pcap"
	inject=$((inject + 1))
	spp --api "$API" -c "sec 9;component 6 none" -c "sec 9;component 6 forward pcap$inject nic0" -c "sec 9;flush" | grep -v '^spp: attached' || true
	sleep 2
	b0=$(tx vhost0) b1=$(tx vhost1)
	check "vm1 got" $((b0 - a0)) "$1"
	check "vm2 got" $((b1 - a1)) "$2"
}

mkdir -p "$LOG"
rm -f "$LOG"/spp-rx[1-9].pcap "$LOG"/spp-tx[1-9].pcap "$LOG/demo-agent.in"
# spp up's shell reads a fifo that only this script holds open: whenever
# the script ends, the shell reads EOF and the node stops with it (no
# helper process of ours outlives the script).
mkfifo "$LOG/demo-agent.in"
"$BIN/spp" up etc/agent.toml <"$LOG/demo-agent.in" >"$LOG/demo-agent.up" 2>&1 &
UP=$!
exec 4>"$LOG/demo-agent.in"
rm -f "$LOG/demo-agent.in"
trap '"$BIN/spp" down etc/agent.toml >/dev/null 2>&1 || true; exec 4>&-; wait $UP 2>/dev/null || true' EXIT
for _ in $(seq 120); do
	grep -q "node is up" "$LOG/demo-agent.up" 2>/dev/null && break
	if ! kill -0 $UP 2>/dev/null; then cat "$LOG/demo-agent.up"; exit 1; fi
	sleep 1
done
cat "$LOG/demo-agent.up"

say "bind vm1 and vm2 (spp port bind: etcd, then the agent wires them)"
spp port bind --host "$HOST" p1 52:54:00:00:00:01
spp port bind --host "$HOST" p2 52:54:00:00:00:02
for _ in $(seq 60); do
	[ "$(status 1 | jq '[.info.ports[] | select(.link=="up")] | length')" = 2 ] &&
		grep -q "packet forwarding - ports=1" "$LOG/vm1.log" && grep -q "packet forwarding - ports=1" "$LOG/vm2.log" && break
	sleep 1
done
show
say "traffic: 4 frames to vm1, 3 to vm2, 2 to nobody"
traffic 4 3

say "unbind vm1: vm2 still gets its frames"
spp port unbind --host "$HOST" p1
show
traffic 0 3

say "unbind vm2, the last: the classifier and the merger go with it"
spp port unbind --host "$HOST" p2
show
check "spp_vf 1 runs" "[$(running)]" "[]"

say "bind vm1 again"
spp port bind --host "$HOST" p1 52:54:00:00:00:01
for _ in $(seq 60); do
	[ "$(status 1 | jq '[.info.ports[] | select(.port=="vhost0" and .link=="up")] | length')" = 1 ] && break
	sleep 1
done
show
traffic 4 0
spp port unbind --host "$HOST" p1

say "stopping the node"
"$BIN/spp" down etc/agent.toml
trap - EXIT
exec 4>&-
wait $UP || true
if [ "$fails" -gt 0 ]; then
	echo "demo-agent: $fails check(s) failed"
	exit 1
fi
echo "demo-agent: every VM got exactly its own traffic"
