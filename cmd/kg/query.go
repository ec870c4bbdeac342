package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"kg/schema"
)

const queryUsage = `[--db DIR] [-var name=value ...] [--operation NAME] QUERY

Runs one GraphQL query against the store, without a server, and prints the
JSON response. QUERY is the query text, @FILE to read it from a file, or -
for stdin. A -var value that is valid JSON (a number, true, a list) is
passed as such, anything else as a string: -var id=重庆大学 -var first=5.
The store is opened read-only, so a running kg serve without a token may
hold it at the same time. Mutations are not available here.`

type queryOptions struct {
	db     string
	vars   []string
	op     string
	query  string
	indent bool
}

func runQuery(ctx context.Context, e *env, args []string) error {
	var o queryOptions
	fs := newFlags(e, "query", queryUsage)
	db := dbFlag(e, fs)
	fs.Var((*multiFlag)(&o.vars), "var", "variable `name=value` (repeatable)")
	fs.StringVar(&o.op, "operation", "", "operation `name`, when the query has several")
	compact := fs.Bool("compact", false, "print the response on one line")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch len(rest) {
	case 0:
		return usagef("no query given")
	case 1:
	default:
		return usagef("one query at a time (got %d arguments; quote the query)", len(rest))
	}
	o.db, o.indent = *db, !*compact
	if o.query, err = queryText(e, rest[0]); err != nil {
		return err
	}
	vars, err := parseVars(o.vars)
	if err != nil {
		return err
	}
	spec, err := parseStoreSpec(o.db)
	if err != nil {
		return err
	}
	st, err := spec.open(ctx, true, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := schema.NewExecutor(st)
	if err != nil {
		return err
	}
	resp := x.Do(ctx, schema.Request{Query: o.query, Variables: vars, OperationName: o.op}, schema.ReadOnly)
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if o.indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(resp); err != nil {
		return fmt.Errorf("write the response: %w", err)
	}
	if len(resp.Errors) > 0 {
		first := resp.Errors[0]
		code, _ := first.Extensions["code"].(string)
		more := ""
		if n := len(resp.Errors) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more)", n)
		}
		return fmt.Errorf("%s: %s%s", code, first.Message, more)
	}
	return nil
}

// queryText resolves the QUERY argument: text, @file or - for stdin.
func queryText(e *env, arg string) (string, error) {
	var b []byte
	var err error
	switch {
	case arg == "-":
		b, err = io.ReadAll(io.LimitReader(e.stdin, schema.DefaultLimits.MaxBodyBytes))
	case strings.HasPrefix(arg, "@"):
		b, err = os.ReadFile(arg[1:])
	default:
		return arg, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the query: %w", err)
	}
	return string(b), nil
}

// parseVars turns -var name=value flags into GraphQL variables.
func parseVars(flags []string) (map[string]any, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	vars := make(map[string]any, len(flags))
	for _, f := range flags {
		name, val, ok := strings.Cut(f, "=")
		name = strings.TrimPrefix(strings.TrimSpace(name), "$")
		if !ok || name == "" {
			return nil, usagef("-var %q is not name=value", f)
		}
		var v any
		if err := json.Unmarshal([]byte(val), &v); err != nil {
			v = val
		}
		vars[name] = v
	}
	return vars, nil
}
