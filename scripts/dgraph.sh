#!/usr/bin/env bash
# dgraph.sh builds and runs a small local Dgraph cluster for kg's distributed
# backend (graph/dgraphstore): one zero and two alphas, each alpha its own
# shard group, all bound to 127.0.0.1 only.
#
#   scripts/dgraph.sh build       build the pinned server (cached by go.sum hash); prints the binary path
#   scripts/dgraph.sh bin         print the cached binary path (fails if not built)
#   scripts/dgraph.sh start DIR   start zero + 2 alphas with data under DIR; prints the alpha gRPC addresses
#   scripts/dgraph.sh stop DIR    stop the cluster started in DIR
#
# Tests find the cluster through KG_DGRAPH, e.g.
#   export KG_DGRAPH=$(scripts/dgraph.sh start /tmp/kg-dgraph)
#
# The server is built from scripts/dgraph/go.mod, a module separate from kg so
# its dependency tree never enters kg's go.sum. The binary is never committed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mod="$here/dgraph"

binpath() {
	local hash
	hash=$(cat "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-16)
	echo "${XDG_CACHE_HOME:-$HOME/.cache}/kg/dgraph-$hash/dgraph"
}

build() {
	local bin
	bin=$(binpath)
	if [[ -x "$bin" ]]; then
		echo "$bin"
		return
	fi
	mkdir -p "$(dirname "$bin")"
	echo "building Dgraph into $bin (several minutes cold)" >&2
	(cd "$mod" && go build -o "$bin.tmp" github.com/dgraph-io/dgraph/v25/dgraph)
	mv "$bin.tmp" "$bin"
	echo "$bin"
}

# wait_health URL NAME LOG: poll an HTTP health endpoint for up to 60 s.
wait_health() {
	local url=$1 name=$2 log=$3 i
	for i in $(seq 1 120); do
		if curl -fsS "$url" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	echo "dgraph.sh: $name did not become healthy at $url; last log lines:" >&2
	tail -n 20 "$log" >&2 || true
	return 1
}

start() {
	local dir=${1:?usage: dgraph.sh start DIR} bin
	bin=$(binpath)
	if [[ ! -x "$bin" ]]; then
		echo "dgraph.sh: $bin not built; run scripts/dgraph.sh build" >&2
		exit 1
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [[ -f "$dir/pids" ]]; then
		echo "dgraph.sh: $dir/pids exists; stop the cluster first" >&2
		exit 1
	fi
	local tele='reports=false;sentry=false;'
	(cd "$dir" && exec "$bin" zero --bindall=false --my=127.0.0.1:5080 \
		--telemetry "$tele" -w "$dir/zw" >"$dir/zero.log" 2>&1) &
	echo $! >>"$dir/pids"
	wait_health http://127.0.0.1:6080/health zero "$dir/zero.log"

	local i
	for i in 0 1; do
		(cd "$dir" && exec "$bin" alpha --bindall=false --my=127.0.0.1:$((7080 + i)) \
			--zero=127.0.0.1:5080 -o "$i" \
			--security "whitelist=127.0.0.1" --telemetry "$tele" --cache "size-mb=256" \
			-p "$dir/p$i" -w "$dir/w$i" --tmp "$dir/t$i" >"$dir/alpha$i.log" 2>&1) &
		echo $! >>"$dir/pids"
		# Start the alphas one after the other so that each gets its own
		# group: zero assigns a new alpha to a group with fewer than
		# --replicas members, and the default is one replica.
		wait_health "http://127.0.0.1:$((8080 + i))/health" "alpha$i" "$dir/alpha$i.log"
	done
	echo "127.0.0.1:9080,127.0.0.1:9081"
}

stop() {
	local dir=${1:?usage: dgraph.sh stop DIR} pid
	if [[ ! -f "$dir/pids" ]]; then
		echo "dgraph.sh: no cluster recorded in $dir" >&2
		return 0
	fi
	# Alphas first, then zero: reverse order of start.
	for pid in $(tac "$dir/pids"); do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $(tac "$dir/pids"); do
		for _ in $(seq 1 40); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.25
		done
		kill -9 "$pid" 2>/dev/null || true
	done
	rm -f "$dir/pids"
}

case "${1:-}" in
build) build ;;
bin)
	b=$(binpath)
	[[ -x "$b" ]] || { echo "dgraph.sh: $b not built" >&2; exit 1; }
	echo "$b"
	;;
start) start "${2:-}" ;;
stop) stop "${2:-}" ;;
*)
	echo "usage: dgraph.sh build | bin | start DIR | stop DIR" >&2
	exit 2
	;;
esac
