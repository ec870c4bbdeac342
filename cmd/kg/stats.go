package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"text/tabwriter"

	"kg/graph"
)

type statsOptions struct {
	db   string
	json bool
}

func runStats(ctx context.Context, e *env, args []string) error {
	var o statsOptions
	fs := newFlags(e, "stats", "[--db DIR] [--json]")
	db := dbFlag(e, fs)
	fs.BoolVar(&o.json, "json", false, "print the counts as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	o.db = *db
	s, err := openStore(ctx, o.db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read counts: %w", err)
	}
	if o.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	return printStats(e, &st)
}

// printStats writes the counts as a table: known types in the model's
// order, then any others by name; zero counts of known types are shown.
func printStats(e *env, st *graph.Stats) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "documents\t%12d\n", st.Documents)
	fmt.Fprintf(tw, "entities\t%12d\n", st.Entities)
	for _, t := range typeOrder(graph.EntityTypes, st.ByType) {
		fmt.Fprintf(tw, "  %s\t%12d\n", t, st.ByType[t])
	}
	fmt.Fprintf(tw, "relations\t%12d\n", st.Relations)
	for _, t := range typeOrder(graph.RelationTypes, st.ByRel) {
		fmt.Fprintf(tw, "  %s\t%12d\n", t, st.ByRel[t])
	}
	return tw.Flush()
}

func typeOrder[T ~string](known []T, counts map[T]int64) []T {
	out := slices.Clone(known)
	var extra []T
	for t := range counts {
		if !slices.Contains(known, t) {
			extra = append(extra, t)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}
