package main

import (
	"context"
	"fmt"

	"kg/graph"
)

func runDump(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dump", "[--db DIR]")
	db := dbFlag(e, fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	s, err := openStore(ctx, *db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := graph.Dump(ctx, s, e.stdout); err != nil {
		return fmt.Errorf("dump %s: %w", *db, err)
	}
	return nil
}
