package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runIngest(ctx context.Context, e *env, args []string) error {
	return errors.New("ingest: not implemented yet")
}
