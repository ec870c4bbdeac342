package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runDelete(ctx context.Context, e *env, args []string) error {
	return errors.New("delete: not implemented yet")
}
