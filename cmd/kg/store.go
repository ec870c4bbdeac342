package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"kg/graph"
	"kg/graph/badgerstore"
)

// openStore opens the store in dir for the subcommands. Read-only commands
// (readOnly) need an existing store. Its errors are one line, fit for
// stderr.
func openStore(ctx context.Context, dir string, readOnly bool) (graph.Store, error) {
	return openStoreLog(ctx, dir, readOnly, nil)
}

// openStoreLog is openStore with a logger for Badger and recovery messages.
func openStoreLog(ctx context.Context, dir string, readOnly bool, log *slog.Logger) (graph.Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sp, err := parseStoreSpec(dir)
	if err != nil {
		return nil, err
	}
	if sp.kind == "dgraph" {
		return sp.open(ctx, readOnly, log)
	}
	dir = sp.dir // badger:DIR is DIR
	s, err := badgerstore.Open(dir, badgerstore.Options{ReadOnly: readOnly, Logger: log})
	if err == nil {
		return s, nil
	}
	return nil, storeError(dir, err)
}

// storeError turns an Open error into the message a user can act on.
func storeError(dir string, err error) error {
	switch {
	case errors.Is(err, graph.ErrNotFound):
		return fmt.Errorf("no kg store at %s (run kg ingest first)", dir)
	case errors.Is(err, graph.ErrLocked):
		return fmt.Errorf("kg store at %s is in use by another process (a running kg serve or ingest?)", dir)
	case errors.Is(err, graph.ErrVersion):
		return fmt.Errorf("kg store at %s was written by another version of kg: %v", dir, err)
	case errors.Is(err, graph.ErrCorrupt):
		return fmt.Errorf("kg store at %s is damaged or not a kg store: %v", dir, err)
	}
	return fmt.Errorf("open kg store at %s: %w", dir, err)
}
