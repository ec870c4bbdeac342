package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runDump(ctx context.Context, e *env, args []string) error {
	return errors.New("dump: not implemented yet")
}
