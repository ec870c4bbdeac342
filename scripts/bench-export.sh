#!/bin/sh
# bench-export.sh: kg export (GEXF, node-link JSON) of a synthetic graph
# against networkx reading the node-link JSON and writing GEXF, in one run.
#
# usage: scripts/bench-export.sh [big|medium|small] [WORKDIR]
#
#   big     1,000,000 entities, 5,000,000 relations (synth.Big)
#   medium  100,000 entities, 500,000 relations
#   small   10,000 entities, 50,000 relations
#
# The store is built once into WORKDIR/db-SCALE (kept for later runs).
# Each measured step is its own process under /usr/bin/time -v, so wall time
# and peak RSS are that step's alone. Set SKIP_NETWORKX=1 to skip networkx
# (at the big scale it needs many GB of memory). Set BASELINE=/path/to/kg to
# run another build of kg (say the previous commit's, built from a git
# worktree) alternately with this one on the same store, and print the
# ratios: on a shared machine only such same-run ratios mean much.
set -eu
scale=${1:-big}
work=${2:-${TMPDIR:-/tmp}/kg-bench-export}
cd "$(dirname "$0")/.."
mkdir -p "$work"
db="$work/db-$scale"

echo "== building kg and the $scale store ($db)"
go build -o "$work/kg" ./cmd/kg
KG_BENCH_EXPORT_DB="$db" KG_BENCH_EXPORT_SCALE="$scale" \
	go test -count=1 -run '^TestBuildBenchStore$' -timeout 0 -v ./graph/export | grep -E 'built|already|FAIL|ok' || true

# measure NAME OUTFILE CMD...: runs CMD under /usr/bin/time -v and prints
# wall seconds, peak RSS and output MB/s.
measure() {
	name=$1 out=$2
	shift 2
	/usr/bin/time -v "$@" 2>"$work/time.$name" >/dev/null || { cat "$work/time.$name"; exit 1; }
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.$name")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.$name")
	cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$work/time.$name")
	size=$(stat -c %s "$out")
	mbs=$(awk -v b="$size" -v s="$wall" 'BEGIN {printf "%.1f", b/1e6/(s>0?s:1e-9)}')
	printf '%-18s wall %8.2f s  CPU %8.2f s  peak RSS %6s MB  output %8.1f MB  %7s MB/s\n' "$name" "$wall" "$cpu" "$rss" "$(awk -v b="$size" 'BEGIN{printf "%.1f", b/1e6}')" "$mbs"
	eval "wall_$name=$wall cpu_$name=$cpu"
}

echo "== kg export ($scale)"
if [ -n "${BASELINE:-}" ]; then
	# Baseline and this build alternate, twice each, so that a change of
	# load hits both; ratios are of the sums.
	for round in 1 2; do
		for f in gexf json; do
			measure "base_${f}_$round" "$work/base.$f" "$BASELINE" export --db "$db" --format $f -o "$work/base.$f"
			measure "kg_${f}_$round" "$work/kg.$f" "$work/kg" export --db "$db" --format $f -o "$work/kg.$f"
		done
	done
	# sum2 A B prints the sum of the variables named A and B.
	sum2() { eval "awk -v a=\"\$$1\" -v b=\"\$$2\" 'BEGIN {print a + b}'"; }
	for f in gexf json; do
		awk -v f=$f -v bw="$(sum2 wall_base_${f}_1 wall_base_${f}_2)" -v kw="$(sum2 wall_kg_${f}_1 wall_kg_${f}_2)" \
			-v bc="$(sum2 cpu_base_${f}_1 cpu_base_${f}_2)" -v kc="$(sum2 cpu_kg_${f}_1 cpu_kg_${f}_2)" \
			'BEGIN {printf "%s: this build / baseline: wall %.2fx, CPU %.2fx\n", f, kw / bw, kc / bc}'
	done
	cmp -s "$work/base.gexf" "$work/kg.gexf" && echo "gexf output identical to the baseline's" || echo "gexf output differs from the baseline's"
	cmp -s "$work/base.json" "$work/kg.json" && echo "json output identical to the baseline's" || echo "json output differs from the baseline's"
	rm -f "$work/base.gexf" "$work/base.json"
fi
measure kg_gexf "$work/kg.gexf" "$work/kg" export --db "$db" --format gexf -o "$work/kg.gexf"
measure kg_json "$work/kg.json" "$work/kg" export --db "$db" --format json -o "$work/kg.json"
# Up to 10,000 nodes the default export includes the layout; networkx
# computes none, so measure without it too.
measure kg_gexf_nolayout "$work/kg-nl.gexf" "$work/kg" export --db "$db" --format gexf --layout=false -o "$work/kg-nl.gexf"

# Peak RSS above counts the pages of Badger's memory-mapped table files
# that the scan touched and has not yet given back (kg export releases them
# every 32768 records; an older kg kept them all). Sample the split once:
# RssAnon is the memory the export itself holds, RssFile the mapped store
# pages plus kg's own text.
"$work/kg" export --db "$db" --format gexf -o "$work/kg-split.gexf" &
pid=$!
maxa=0 maxf=0
while kill -0 "$pid" 2>/dev/null; do
	a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
	f=$(awk '/^RssFile/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
	[ -n "$a" ] && [ "$a" -gt "$maxa" ] && maxa=$a
	[ -n "$f" ] && [ "$f" -gt "$maxf" ] && maxf=$f
	sleep 0.2
done
wait "$pid"
echo "kg_gexf peak RssAnon $((maxa / 1024)) MB, peak RssFile (mapped store pages and kg's text) $((maxf / 1024)) MB"

if [ "${SKIP_NETWORKX:-0}" = 1 ]; then
	exit 0
fi
py=""
for p in $(which -a python3 2>/dev/null) /usr/bin/python3; do
	if "$p" -c 'import networkx' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
	echo "no python3 with networkx; skipping the baseline"
	exit 0
fi
echo "== networkx $("$py" -c 'import networkx; print(networkx.__version__)') ($py): read node-link JSON, write GEXF"
cat >"$work/nx.py" <<'PY'
import json, sys
import networkx as nx
from networkx.readwrite import json_graph
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
try:
    g = json_graph.node_link_graph(d, edges="edges")
except TypeError:
    g = json_graph.node_link_graph(d, link="edges")
del d
# node-link lists are JSON values GEXF cannot type; networkx would write
# them as strings anyway.
for _, a in g.nodes(data=True):
    a["aliases"] = "|".join(a.get("aliases", []))
nx.write_gexf(g, sys.argv[2])
PY
measure nx_json_to_gexf "$work/nx.gexf" "$py" "$work/nx.py" "$work/kg.json" "$work/nx.gexf"
# The machine may be shared: CPU time (user+sys) is the steadier measure.
awk -v a="$wall_nx_json_to_gexf" -v b="$wall_kg_gexf" -v c="$wall_kg_gexf_nolayout" \
	-v ca="$cpu_nx_json_to_gexf" -v cb="$cpu_kg_gexf" -v cc="$cpu_kg_gexf_nolayout" \
	'BEGIN {printf "networkx / kg GEXF: wall %.1fx, CPU %.1fx (kg default export); wall %.1fx, CPU %.1fx (kg --layout=false)\n", a/b, ca/cb, a/c, ca/cc}'
