#!/usr/bin/env bash
# Installs what spp-go needs on Debian 12, as root, and sets up hugepages.
# Idempotent: it does nothing that is already done.
set -euo pipefail

need=()
# tmux: the shell's terminal tests; tcpdump: reads back the captures tests write;
# graphviz: dot renders the shell's topo as SVG; etcd-server: the agent's
# tests start Debian's etcd on loopback ports of their own.
for p in libdpdk-dev dpdk-dev dpdk pkg-config gcc tmux tcpdump graphviz etcd-server; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${need[@]}" >/dev/null
	# The package starts etcd on 127.0.0.1:2379, where spp agent runs its
	# embedded one: the tests only need the binary.
	if [[ " ${need[*]} " == *" etcd-server "* ]]; then
		systemctl disable --now etcd >/dev/null 2>&1 || true
	fi
fi

# 512 x 2 MiB hugepages: a primary, two secondaries and a testpmd "VM".
pages=$(cat /proc/sys/vm/nr_hugepages)
if [ "$pages" -lt 512 ]; then
	echo 512 > /proc/sys/vm/nr_hugepages
fi
mkdir -p /dev/hugepages
mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages
got=$(cat /proc/sys/vm/nr_hugepages)
if [ "$got" -lt 512 ]; then
	echo "deps: only $got hugepages could be reserved (want 512)" >&2
	exit 1
fi
