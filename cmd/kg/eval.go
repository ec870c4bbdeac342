package main

import (
	"context"
	"errors"
)

// TODO(owner of this subcommand): replace this placeholder.
func runEval(ctx context.Context, e *env, args []string) error {
	return errors.New("eval: not implemented yet")
}
