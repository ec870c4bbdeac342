package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes, stable for scripts.
const (
	exitOK      = 0 // success
	exitFailed  = 1 // the command failed; nothing or not everything was done
	exitUsage   = 2 // bad flags or arguments
	exitPartial = 3 // some inputs were rejected, the others were processed
)

// env is what a subcommand gets: its arguments and the process's streams.
// Output for machines goes to stdout; messages for people go to stderr.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands is the table of subcommands. Each lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"stats":   {"counts of documents, entities and relations by type", runStats},
		"dump":    {"the whole graph as deterministic JSON lines", runDump},
		"delete":  {"retract a document (by id or source path)", runDelete},
		"ingest":  {"extract documents into the graph", runIngest},
		"eval":    {"score extraction against gold annotations", runEval},
		"export":  {"export the graph (gexf, graphml, csv, json, ...)", runExport},
		"query":   {"run one GraphQL query against the store", runQuery},
		"serve":   {"serve GraphQL over HTTP", runServe},
		"demo":    {"ingest the bundled sample corpus and serve it", runDemo},
		"migrate": {"copy the graph to another store (e.g. Badger to Dgraph)", runMigrate},
	}
}

// usageError marks an error as the user's: exit code 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// partialError marks a run where some inputs failed: exit code 3.
type partialError struct{ failed, total int }

func (p *partialError) Error() string {
	return fmt.Sprintf("%d of %d inputs failed", p.failed, p.total)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: osGetenv}, args)
}

func runEnv(ctx context.Context, e *env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(e.stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "kg: unknown command %q (run \"kg help\")\n", args[0])
		return exitUsage
	}
	err := c.run(ctx, e, args[1:])
	var ue *usageError
	var pe *partialError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "kg %s: %s\n", args[0], ue.msg)
		return exitUsage
	case errors.As(err, &pe):
		fmt.Fprintf(e.stderr, "kg %s: %s\n", args[0], pe)
		return exitPartial
	default:
		fmt.Fprintf(e.stderr, "kg %s: %s\n", args[0], oneLine(err.Error()))
		return exitFailed
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "kg: a knowledge graph of Chinese policy documents")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: kg COMMAND [flags] [args]")
	fmt.Fprintln(w)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every command takes --db DIR (default $KG_DB, else ./kg-data), or --store")
	fmt.Fprintln(w, "badger:DIR (the same) or --store dgraph:HOST:PORT[,HOST:PORT...] for a Dgraph cluster.")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 failed, 2 bad usage, 3 some inputs failed.")
}

// newFlags returns a FlagSet for a subcommand that reports errors instead of
// exiting, and prints its usage to stderr.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("kg "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: kg %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Flags may
// follow positional arguments (kg ingest a.txt --db x).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
