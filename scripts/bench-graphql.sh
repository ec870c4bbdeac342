#!/usr/bin/env bash
# bench-graphql.sh: GraphQL over HTTP with wrk, on the demo graph and on the
# 1,000,000-entity synthetic graph, next to the same queries in-process.
#
#   scripts/bench-graphql.sh [demo|synth|all]     (default all)
#
# Needs wrk (apt-get install wrk). Each wrk run lasts $DURATION (default 8s);
# the whole script about 3 minutes plus, the first time, building the
# synthetic store (several minutes; it is kept in $KG_BENCH_DIR, default
# /tmp/kg-bench-graphql, and reused). Output: markdown tables on stdout.
# Run it on an idle machine: wrk, the server and the Go runtime share the
# cores, and numbers from a busy machine say little.
set -euo pipefail

what=${1:-all}
DURATION=${DURATION:-8s}
BENCH_DIR=${KG_BENCH_DIR:-/tmp/kg-bench-graphql}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
SERVER=""
cleanup() {
	if [[ -n $SERVER ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
	rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "bench-graphql: wrk not found (apt-get install wrk)" >&2; exit 1; }
cd "$ROOT"
go build -o "$WORK/kg" ./cmd/kg
go build -o "$WORK/bench" ./scripts/bench-graphql

cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("KG_BODY")
-- Count answers that are not 200 or carry GraphQL errors.
local bad = 0
function response(status, headers, body)
	if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
	io.write(string.format("BAD %d\n", bad))
end
LUA

# to_ms converts a wrk latency (12.3us, 4.5ms, 1.2s) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# serve DB [FLAGS...]: starts kg serve on a free port and sets URL.
serve() {
	local log="$WORK/serve.log" db=$1
	shift
	# env execs kg, so $! is the server's pid; SERVE_ENV sets its environment.
	env ${SERVE_ENV:-} "$WORK/kg" serve --db "$db" --addr 127.0.0.1:0 "$@" 2>"$log" &
	SERVER=$!
	for _ in $(seq 1 200); do
		URL=$(grep -o 'http://127.0.0.1:[0-9]*/graphql' "$log" || true)
		[[ -n $URL ]] && curl -fs "${URL%graphql}healthz" >/dev/null && return 0
		sleep 0.1
	done
	echo "bench-graphql: kg serve did not start: $(cat "$log")" >&2
	exit 1
}

# serve_floor ANSWER_FILE: starts bench-graphql floor (net/http decoding
# the request and writing a fixed answer) on a free port and sets URL.
serve_floor() {
	local log="$WORK/floor.log"
	"$WORK/bench" floor -answer "$1" 2>"$log" &
	SERVER=$!
	for _ in $(seq 1 200); do
		URL=$(grep -o 'http://127.0.0.1:[0-9]*/graphql' "$log" || true)
		[[ -n $URL ]] && return 0
		sleep 0.1
	done
	echo "bench-graphql: the floor server did not start: $(cat "$log")" >&2
	exit 1
}

stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

CLK_TCK=$(getconf CLK_TCK)
# server_ticks: user+system CPU time of the kg serve process, in clock ticks.
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }

# bench NAME QUERY VARS_JSON: one wrk run per connection count, one table row each.
bench() {
	local name=$1 body
	body=$(printf '{"query": %s, "variables": %s}' "$(printf '%s' "$2" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')" "$3")
	# One request first: fail loudly if the query does not answer.
	if ! curl -fs "$URL" -H 'Content-Type: application/json' -d "$body" | grep -q '"data"'; then
		echo "bench-graphql: $name does not answer" >&2
		exit 1
	fi
	for c in 1 32; do
		# One wrk thread drives all the connections (WRK_THREADS changes
		# that): on the demo graph it drove 10,000-11,400 req/s of typed
		# depth-1 queries, about what two threads drive, and a second
		# thread mostly competes with the server for the two cores, which
		# shows up as tail latency of the load generator (the section
		# "wrk with two threads" shows both).
		local t=$(( c < 2 ? 1 : ${WRK_THREADS:-1} ))
		local out cpu0 cpu1
		cpu0=$(server_ticks)
		out=$(KG_BODY=$body wrk -t"$t" -c"$c" -d"$DURATION" --latency -s "$WORK/post.lua" "$URL")
		cpu1=$(server_ticks)
		local rps p50 p99 bad n cpu
		rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
		p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
		p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
		bad=$(awk '$1 == "BAD" {print $2}' <<<"$out")
		n=$(awk '/requests in/ {print $1}' <<<"$out")
		# CPU time the server spent per request: unlike req/s, it hardly
		# depends on what else runs on the machine.
		cpu=$(awk -v d=$((cpu1 - cpu0)) -v n="$n" -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", d * 1000 / hz / n }')
		echo "| $name | $c | $rps | ${p50}ms | ${p99}ms | ${cpu}ms | $bad |"
	done
}

header() {
	echo
	echo "### $1"
	echo
	echo "HTTP (wrk, $DURATION per row, ${SERVER_NAME:-kg serve} on 127.0.0.1):"
	echo
	echo "| query | connections | req/s | p50 | p99 | server CPU per request | bad answers |"
	echo "|---|---|---|---|---|---|---|"
}

NEIGHBORS='query($id: ID!, $d: Int) { neighbors(id: $id, depth: $d, first: 50) { nodes { id name type } relations { type weight from { id } to { id } } } }'
NEIGHBORS_JSON='query($id: ID!, $d: Int) { neighbors(id: $id, depth: $d, first: 50) { asJSON } }'
ENTITY='query($n: String!) { entity(name: $n) { id name type mentionCount degree } }'
PATHQUERY='query($a: ID!, $b: ID!) { path(from: $a, to: $b) { length nodes { id name } relations { type } } }'

json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$1"; }

run_graph() { # TITLE DB MID_ID MID_NAME FAR_ID
	local title=$1 db=$2 mid=$3 midname=$4 far=$5 jmid jfar
	jmid=$(json_str "$mid")
	jfar=$(json_str "$far")
	header "$title"
	serve "$db"
	bench 'entity(name:)' "$ENTITY" "{\"n\": $(json_str "$midname")}"
	bench 'neighbors(depth:1, first:50)' "$NEIGHBORS" "{\"id\": $jmid, \"d\": 1}"
	bench 'neighbors(depth:2, first:50)' "$NEIGHBORS" "{\"id\": $jmid, \"d\": 2}"
	bench 'neighbors(depth:1, first:50) { asJSON }' "$NEIGHBORS_JSON" "{\"id\": $jmid, \"d\": 1}"
	bench 'path' "$PATHQUERY" "{\"a\": $jmid, \"b\": $jfar}"
	stop
	echo
	echo "In-process, same store and queries (store call alone, and GraphQL without HTTP):"
	echo
	"$WORK/bench" inproc -db "$db" -mid "$mid" -far "$far" -duration "${DURATION%s}s"
}

echo "## GraphQL benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $what == demo || $what == all ]]; then
	mkdir -p "$WORK/corpus"
	cp seeds/corpus/*.txt "$WORK/corpus/"
	"$WORK/kg" ingest --db "$WORK/demo" "$WORK/corpus" 2>"$WORK/ingest.log" >/dev/null
	ids=$("$WORK/kg" query --compact --db "$WORK/demo" '{ a: entity(name: "国家重点实验室") { id } b: entity(name: "集成电路") { id } }')
	mid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["a"]["id"])' "$ids")
	far=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["b"]["id"])' "$ids")
	run_graph "Demo graph (the six sample documents: $(tail -1 "$WORK/ingest.log" | sed 's/^store: //'); 国家重点实验室, path to 集成电路)" \
		"$WORK/demo" "$mid" "国家重点实验室" "$far"
	# What net/http alone costs per request: the same request decoded and
	# kg's answer to it written, nothing resolved.
	"$WORK/kg" query --compact --db "$WORK/demo" -var n=国家重点实验室 "$ENTITY" >"$WORK/entity.json"
	SERVER_NAME="bench-graphql floor" header "net/http alone: the entity(name:) request decoded and kg's answer to it written back"
	serve_floor "$WORK/entity.json"
	bench 'entity(name:), fixed answer' "$ENTITY" "{\"n\": $(json_str "国家重点实验室")}"
	stop
	# On 2 cores, a server running on both cores fights wrk's threads for
	# them and its tail shows the operating system's time slices; with one
	# core each, the server's own latency shows.
	header "Demo graph, wrk with two threads (four busy threads on two cores)"
	serve "$WORK/demo"
	WRK_THREADS=2 bench 'neighbors(depth:1, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 1}"
	WRK_THREADS=2 bench 'neighbors(depth:2, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 2}"
	stop
	header "Demo graph with GOMAXPROCS=1 for kg serve (one core for the server, the other for wrk)"
	SERVE_ENV=GOMAXPROCS=1 serve "$WORK/demo"
	bench 'entity(name:)' "$ENTITY" "{\"n\": $(json_str "国家重点实验室")}"
	bench 'neighbors(depth:1, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 1}"
	bench 'neighbors(depth:2, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 2}"
	stop
	header "Demo graph with kg serve --gc-percent 100 (Go's default collector setting; kg serve's default is 400)"
	serve "$WORK/demo" --gc-percent 100
	bench 'neighbors(depth:1, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 1}"
	bench 'neighbors(depth:2, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 2}"
	stop
	header "Demo graph with kg serve --cache-mb 64 (every request after the first is a cache hit)"
	serve "$WORK/demo" --cache-mb 64
	bench 'neighbors(depth:1, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 1}"
	bench 'neighbors(depth:2, first:50)' "$NEIGHBORS" "{\"id\": $(json_str "$mid"), \"d\": 2}"
	stop
fi

if [[ $what == synth || $what == all ]]; then
	mkdir -p "$BENCH_DIR"
	"$WORK/bench" synth -db "$BENCH_DIR/synth"
	picked=$("$WORK/bench" pick -db "$BENCH_DIR/synth")
	mid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["MidID"])' "$picked")
	midname=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["MidName"])' "$picked")
	far=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["FarID"])' "$picked")
	run_graph "Synthetic graph (1,000,000 entities, 5,000,000 relations; entity $picked)" "$BENCH_DIR/synth" "$mid" "$midname" "$far"
fi
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
