package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runServe(ctx context.Context, e *env, args []string) error {
	return errors.New("serve: not implemented yet")
}
