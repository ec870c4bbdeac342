#!/usr/bin/env bash
# test.sh runs kg's whole test suite on a fresh machine: it installs the
# packages the tests use (when run as root and they are missing), builds and
# starts a loopback Dgraph test cluster for the distributed backend, runs
# go vet and the tests, and stops the cluster.
#
#   bash scripts/test.sh            everything
#   KG_NO_DGRAPH=1 bash scripts/test.sh   skip the Dgraph cluster (its tests skip)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages the tests use; each test skips with a message without its tool.
#   libxml2-utils    xmllint validates GEXF exports against the RELAX NG schema
#   python3-networkx an independent reader for GEXF, GraphML and node-link JSON
#   python3-igraph   a second independent reader for GraphML
#   poppler-utils    pdftotext, for ingesting PDF files
#   chromium         a real browser for the query page test
#   curl             health checks of the Dgraph test cluster
pkgs=(libxml2-utils python3-networkx python3-igraph poppler-utils chromium curl)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "test.sh: installing ${missing[*]}" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "test.sh: not root, so not installing ${missing[*]}; the tests that need them skip" >&2
	fi
fi

# Dgraph cluster for graph/dgraphstore and kg migrate: 1 zero + 2 alphas (two
# shard groups) on 127.0.0.1 only. The server build is cached by go.sum hash
# under ${XDG_CACHE_HOME:-$HOME/.cache}/kg; cold it takes 5-10 minutes.
if [ -z "${KG_NO_DGRAPH:-}" ] && [ -z "${KG_DGRAPH:-}" ]; then
	if scripts/dgraph.sh build >/dev/null; then
		KG_DGRAPH_DIR=$(mktemp -d)
		export KG_DGRAPH_DIR
		trap 'scripts/dgraph.sh stop "$KG_DGRAPH_DIR" || true; rm -rf "$KG_DGRAPH_DIR"' EXIT
		if KG_DGRAPH=$(scripts/dgraph.sh start "$KG_DGRAPH_DIR"); then
			export KG_DGRAPH
		else
			echo "test.sh: the Dgraph test cluster did not start; its tests skip" >&2
			unset KG_DGRAPH
		fi
	else
		echo "test.sh: the Dgraph server could not be built; its tests skip" >&2
	fi
fi

go vet ./...
# One pass with the race detector over everything: the store's readers run
# beside its writer, the server answers during ingests, ingest runs workers
# beside one writer. About five minutes on two cores.
go test -count=1 -timeout 30m -race ./...
