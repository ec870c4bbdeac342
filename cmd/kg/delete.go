package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"kg/extract/source"
	"kg/graph"
)

func runDelete(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "delete", "[--db DIR] DOC...\n\nDOC is a document id or the source path it was ingested from.")
	db := dbFlag(e, fs)
	docs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return usagef("no document given")
	}
	// Deleting needs a store to delete from: do not create one.
	if entries, err := os.ReadDir(*db); errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0 {
		return storeError(*db, graph.ErrNotFound)
	}
	s, err := openStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	failed := 0
	for _, arg := range docs {
		id, err := findDocument(ctx, s, arg)
		if err == nil {
			err = s.Delete(ctx, id)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed++
			msg := oneLine(err.Error())
			if errors.Is(err, graph.ErrNotFound) {
				msg = "no such document"
			}
			if len(docs) == 1 {
				return fmt.Errorf("%s: %s", arg, msg)
			}
			fmt.Fprintf(e.stderr, "kg delete: %s: %s\n", arg, msg)
			continue
		}
		fmt.Fprintf(e.stderr, "deleted %s\n", id)
	}
	switch {
	case failed == 0:
		return nil
	case failed == len(docs):
		return fmt.Errorf("none of the %d documents was deleted", len(docs))
	}
	return &partialError{failed: failed, total: len(docs)}
}

// findDocument resolves a document argument: an ID, else a source path as
// given at ingest (also tried cleaned and slash-separated, and as the ID
// ingest derives from it).
func findDocument(ctx context.Context, s graph.Reader, arg string) (string, error) {
	if _, err := s.Document(ctx, arg); err == nil {
		return arg, nil
	} else if !errors.Is(err, graph.ErrNotFound) {
		return "", err
	}
	clean := filepath.ToSlash(filepath.Clean(arg))
	srcs := []string{arg, clean}
	// kg ingest names a document by the absolute path of its file, so a
	// relative path given here is resolved the same way.
	if abs, err := source.SourcePath(arg); err == nil {
		srcs = append(srcs, abs)
	}
	for _, src := range srcs {
		id := graph.DocumentID(src)
		if _, err := s.Document(ctx, id); err == nil {
			return id, nil
		}
	}
	// Documents given an explicit ID keep their source only in the record.
	after := ""
	for {
		page, err := s.Documents(ctx, after, 1000)
		if err != nil {
			return "", err
		}
		for _, d := range page.Documents {
			if slices.Contains(srcs, d.Source) {
				return d.ID, nil
			}
		}
		if page.Next == "" {
			return "", fmt.Errorf("document %s: %w", arg, graph.ErrNotFound)
		}
		after = page.Next
	}
}
