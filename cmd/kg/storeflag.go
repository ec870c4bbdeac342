package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"kg/graph"
	"kg/graph/dgraphstore"
)

// A store spec names where the graph lives:
//
//	badger:DIR                    the embedded Badger store in DIR (the default)
//	dgraph:HOST:PORT[,HOST:PORT]  a Dgraph cluster, by its alphas' gRPC addresses
//	DIR                           same as badger:DIR
//
// A directory whose name starts with "badger:" or "dgraph:" is written
// ./badger:... to keep it a directory.
type storeSpec struct {
	kind  string // "badger" or "dgraph"
	dir   string
	addrs []string
}

func (sp storeSpec) String() string {
	if sp.kind == "dgraph" {
		return "dgraph:" + strings.Join(sp.addrs, ",")
	}
	return sp.dir
}

// parseStoreSpec parses a --store (or --db) value.
func parseStoreSpec(s string) (storeSpec, error) {
	switch {
	case strings.HasPrefix(s, "dgraph:"):
		rest := strings.TrimPrefix(s, "dgraph:")
		addrs := dgraphstore.ParseAddrs(rest)
		if len(addrs) == 0 {
			return storeSpec{}, usagef("store %q: no Dgraph address (want dgraph:HOST:PORT[,HOST:PORT...])", s)
		}
		for _, a := range addrs {
			host, port, err := net.SplitHostPort(a)
			if err != nil || host == "" || port == "" {
				return storeSpec{}, usagef("store %q: %q is not HOST:PORT", s, a)
			}
		}
		return storeSpec{kind: "dgraph", addrs: addrs}, nil
	case strings.HasPrefix(s, "badger:"):
		dir := strings.TrimPrefix(s, "badger:")
		if dir == "" {
			return storeSpec{}, usagef("store %q: no directory (want badger:DIR)", s)
		}
		return storeSpec{kind: "badger", dir: dir}, nil
	case s == "":
		return storeSpec{}, usagef("empty store (want badger:DIR or dgraph:HOST:PORT)")
	}
	return storeSpec{kind: "badger", dir: s}, nil
}

// open opens the store the spec names. Dgraph has no read-only mode to ask
// for: readOnly only matters to Badger, where it lets a reader share the
// directory and refuses a missing store.
func (sp storeSpec) open(ctx context.Context, readOnly bool, log *slog.Logger) (graph.Store, error) {
	if sp.kind != "dgraph" {
		return openStoreLog(ctx, sp.dir, readOnly, log)
	}
	s, err := dgraphstore.Open(ctx, sp.addrs, dgraphstore.Options{Logger: log})
	if err != nil {
		if errors.Is(err, graph.ErrVersion) {
			return nil, fmt.Errorf("Dgraph cluster at %s holds a kg schema of another version: %v", sp, err)
		}
		return nil, fmt.Errorf("open Dgraph cluster at %s: %v", sp, oneLine(err.Error()))
	}
	return s, nil
}
