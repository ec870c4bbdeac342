package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runQuery(ctx context.Context, e *env, args []string) error {
	return errors.New("query: not implemented yet")
}
