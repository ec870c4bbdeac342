#!/usr/bin/env bash
# dgraph.sh builds and runs a small local Dgraph cluster for kg's distributed
# backend (graph/dgraphstore): one zero and two alphas, each alpha its own
# shard group, all bound to 127.0.0.1 only.
#
#   scripts/dgraph.sh build       build the pinned server (cached by go.sum hash); prints the binary path
#   scripts/dgraph.sh bin         print the cached binary path (fails if not built)
#   scripts/dgraph.sh start DIR   start zero + 2 alphas with data under DIR; prints the alpha gRPC addresses
#   scripts/dgraph.sh stop DIR    stop the cluster started in DIR
#   scripts/dgraph.sh kill-alpha DIR I    crash alpha I (0 or 1) with SIGKILL
#   scripts/dgraph.sh start-alpha DIR I   start it again on its data
#
# The restart test of graph/dgraphstore uses the last two; it finds the
# cluster directory through KG_DGRAPH_DIR.
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

# start_alpha DIR I: start alpha I (0 or 1) of the cluster in DIR. Alpha I
# listens on 7080+I (internal), 8080+I (HTTP) and 9080+I (gRPC). Queries
# are cut off after 60 s, so that a runaway query on a shared machine fails
# instead of eating its memory.
start_alpha() {
	local dir=$1 i=$2 bin
	bin=$(binpath)
	(cd "$dir" && exec "$bin" alpha --bindall=false --my=127.0.0.1:$((7080 + i)) \
		--zero=127.0.0.1:5080 -o "$i" \
		--security "whitelist=127.0.0.1" --telemetry "reports=false;sentry=false;" --cache "size-mb=256" \
		--limit "query-timeout=60s;" \
		-p "$dir/p$i" -w "$dir/w$i" --tmp "$dir/t$i" >>"$dir/alpha$i.log" 2>&1) &
	echo $! >"$dir/alpha$i.pid"
	wait_health "http://127.0.0.1:$((8080 + i))/health" "alpha$i" "$dir/alpha$i.log"
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
	if compgen -G "$dir/*.pid" >/dev/null; then
		echo "dgraph.sh: $dir holds a running cluster; stop it first" >&2
		exit 1
	fi
	(cd "$dir" && exec "$bin" zero --bindall=false --my=127.0.0.1:5080 \
		--telemetry "reports=false;sentry=false;" -w "$dir/zw" >>"$dir/zero.log" 2>&1) &
	echo $! >"$dir/zero.pid"
	wait_health http://127.0.0.1:6080/health zero "$dir/zero.log"
	# One alpha after the other so that each gets its own group: zero puts
	# a new alpha in a group with fewer than --replicas (default 1) members.
	start_alpha "$dir" 0
	start_alpha "$dir" 1
	echo "127.0.0.1:9080,127.0.0.1:9081"
}

# stop_pid FILE: stop the process in a pid file, SIGKILL after 10 s.
stop_pid() {
	local f=$1 pid
	pid=$(cat "$f")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$f"
}

stop() {
	local dir=${1:?usage: dgraph.sh stop DIR} f
	if ! compgen -G "$dir/*.pid" >/dev/null; then
		echo "dgraph.sh: no cluster recorded in $dir" >&2
		return 0
	fi
	# Alphas first, then zero.
	for f in "$dir"/alpha*.pid "$dir"/zero.pid; do
		[[ -f "$f" ]] && stop_pid "$f"
	done
	return 0
}

# kill_alpha DIR I: crash alpha I (SIGKILL), as a machine failure would.
kill_alpha() {
	local dir=${1:?usage: dgraph.sh kill-alpha DIR I} i=${2:?alpha index} pid
	pid=$(cat "$dir/alpha$i.pid")
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	rm -f "$dir/alpha$i.pid"
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
kill-alpha) kill_alpha "${2:-}" "${3:-}" ;;
start-alpha)
	d=$(cd "${2:?usage: dgraph.sh start-alpha DIR I}" && pwd)
	start_alpha "$d" "${3:?alpha index}"
	;;
*)
	echo "usage: dgraph.sh build | bin | start DIR | stop DIR | kill-alpha DIR I | start-alpha DIR I" >&2
	exit 2
	;;
esac
