package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"kg/extract"
	"kg/extract/eval"
	"kg/graph"
)

const evalUsage = `--gold PREFIX FILE [--gold PREFIX FILE]... [--json] [--verbose] [--targets]
       kg eval --gold-dir DIR --corpus DIR [--json] [--verbose] [--targets]

Extracts each FILE into a fresh temporary store and scores what the store
holds against the gold annotation PREFIX.entities.tsv / PREFIX.relations.tsv
(see the gold GUIDELINES.md): precision, recall and F1 per entity type,
micro-averaged, and per relation type. Several pairs are pooled. With
--gold-dir, every NAME.entities.tsv in DIR is paired with NAME.txt in the
--corpus directory. --verbose lists false positives and misses; --targets
fails (exit 1) when the pooled scores miss the quality targets.`

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

type evalOptions struct {
	gold      []string
	files     []string
	goldDir   string
	corpusDir string
	json      bool
	verbose   bool
	targets   bool
}

func runEval(ctx context.Context, e *env, args []string) error {
	var o evalOptions
	fs := newFlags(e, "eval", evalUsage)
	var gold stringsFlag
	fs.Var(&gold, "gold", "gold `prefix` (repeat, one per FILE)")
	fs.StringVar(&o.goldDir, "gold-dir", "", "`directory` of NAME.entities.tsv gold files")
	fs.StringVar(&o.corpusDir, "corpus", "", "`directory` of NAME.txt texts, with --gold-dir")
	fs.BoolVar(&o.json, "json", false, "print the scores as JSON on stdout")
	fs.BoolVar(&o.verbose, "verbose", false, "list false positives and misses")
	fs.BoolVar(&o.targets, "targets", false, "fail when the pooled scores miss the quality targets")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	o.gold, o.files = gold, files
	pairs, err := o.pairs()
	if err != nil {
		return err
	}
	x, closeX, err := newExtractor()
	if err != nil {
		return err
	}
	defer closeX()
	total := &eval.Result{}
	for _, p := range pairs {
		r, err := evalOne(ctx, x, p.gold, p.file)
		if err != nil {
			return err
		}
		total.Add(r)
	}
	if o.json {
		if err := eval.WriteJSON(e.stdout, total, o.verbose); err != nil {
			return err
		}
	} else {
		eval.WriteText(e.stdout, total, o.verbose)
	}
	if failed := eval.CheckTargets(total); o.targets && len(failed) > 0 {
		return fmt.Errorf("targets missed: %s", strings.Join(failed, "; "))
	}
	return nil
}

type evalPair struct{ gold, file string }

func (o *evalOptions) pairs() ([]evalPair, error) {
	if o.goldDir != "" {
		if len(o.gold) > 0 || len(o.files) > 0 {
			return nil, usagef("--gold-dir takes no --gold and no FILE")
		}
		if o.corpusDir == "" {
			return nil, usagef("--gold-dir needs --corpus DIR")
		}
		names, err := filepath.Glob(filepath.Join(o.goldDir, "*.entities.tsv"))
		if err != nil {
			return nil, usagef("--gold-dir %s: %v", o.goldDir, err)
		}
		sort.Strings(names)
		var out []evalPair
		for _, n := range names {
			prefix := strings.TrimSuffix(n, ".entities.tsv")
			out = append(out, evalPair{prefix, filepath.Join(o.corpusDir, filepath.Base(prefix)+".txt")})
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no *.entities.tsv in %s", o.goldDir)
		}
		return out, nil
	}
	if len(o.gold) == 0 {
		return nil, usagef("no --gold PREFIX given")
	}
	if len(o.gold) != len(o.files) {
		return nil, usagef("%d --gold prefixes but %d files: give one FILE per --gold", len(o.gold), len(o.files))
	}
	out := make([]evalPair, len(o.gold))
	for i := range o.gold {
		out[i] = evalPair{o.gold[i], o.files[i]}
	}
	return out, nil
}

// evalOne ingests file into a temporary store, the way kg ingest does, and
// scores what the store then holds: so the store's merging of names and
// aliases is part of what is measured.
func evalOne(ctx context.Context, x *extract.Extractor, goldPrefix, file string) (*eval.Result, error) {
	g, err := eval.LoadGold(goldPrefix)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kg-eval-")
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer os.RemoveAll(dir)
	c, _, err := readAndExtract(ctx, x, file, ingestOptions{})
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, dir, false)
	if err != nil {
		return nil, err
	}
	p, err := applyAndRead(ctx, st, c)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("eval %s: %w", file, err)
	}
	return eval.Score(g, p), nil
}

func applyAndRead(ctx context.Context, st graph.Store, c *graph.Contribution) (*eval.Prediction, error) {
	if err := st.Apply(ctx, c); err != nil {
		return nil, err
	}
	return eval.FromReader(ctx, st)
}
