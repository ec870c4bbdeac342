package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runExport(ctx context.Context, e *env, args []string) error {
	return errors.New("export: not implemented yet")
}
