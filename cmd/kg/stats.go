package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runStats(ctx context.Context, e *env, args []string) error {
	return errors.New("stats: not implemented yet")
}
