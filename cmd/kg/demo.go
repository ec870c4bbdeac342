package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"kg/extract/source"
	"kg/graph/export"
	"kg/schema"
	"kg/seeds"
)

const demoUsage = `[--addr 127.0.0.1:8080] [--gc-percent 400] [--memory-limit-mb 1024]

Ingests the sample corpus built into kg (six Chinese science-and-technology
policy documents) into a temporary store and serves it like kg serve,
printing the URL and example queries. The store is removed on exit
(Ctrl-C). --gc-percent and --memory-limit-mb set the garbage collector as
for kg serve.`

// demoQuery is an example the demo prints and the query page links to.
type demoQuery struct {
	title string
	query string
}

// demoQueries are analysts' questions that the sample corpus answers.
var demoQueries = []demoQuery{
	{"Which fields do the national key laboratories focus on?",
		`{ entity(name: "国家重点实验室") { name relations(types: [FOCUSES_ON], direction: OUT) { to { name } weight evidence(first: 1) { sentence } } } }`},
	{"How is 两江协同创新区 connected to 集成电路, and which sentences say so?",
		`{ paths(from: "两江协同创新区", to: "集成电路", maxDepth: 3, first: 3) { length nodes { name type } relations { type evidence(first: 1) { sentence document { title } } } } }`},
	{"What is around 西部(重庆)科学城 (two hops, as graph JSON)?",
		`{ neighbors(id: "西部(重庆)科学城", depth: 2, first: 30) { truncated nodes { name type } asJSON(format: NODE_LINK) } }`},
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", demoUsage)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	var gc gcFlags
	gc.register(fs, defaultGCPercent, defaultMemLimitMB)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if err := gc.parsed(fs); err != nil {
		return err
	}
	defer gc.apply(e)()
	dir, err := os.MkdirTemp("", "kg-demo-")
	if err != nil {
		return fmt.Errorf("temporary store: %w", err)
	}
	defer os.RemoveAll(dir)
	st, err := openStore(ctx, dir, false)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(e.stderr, "kg demo: loading the segmenter and the lexicon…")
	x, closeX, err := newExtractor()
	if err != nil {
		return err
	}
	defer closeX()
	start := time.Now()
	n, err := ingestSamples(ctx, &textIngester{st: st, x: x}, seeds.Corpus())
	if err != nil {
		return err
	}
	sum, err := st.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read counts: %w", err)
	}
	fmt.Fprintf(e.stderr, "kg demo: ingested %d sample documents in %.1fs: %s entities, %s relations (store in %s, removed on exit)\n",
		n, time.Since(start).Seconds(), thousands(sum.Entities), thousands(sum.Relations), dir)
	h, err := schema.NewHandler(st)
	if err != nil {
		return err
	}
	h.Mount("/export", export.NewHandler(st))
	return serveHTTP(ctx, e, *addr, schema.DefaultLimits.Timeout, h, func(u string) { printDemo(e, u) })
}

// ingestSamples extracts every .txt file of corpus into the store, in name
// order, with the file's name as its source.
func ingestSamples(ctx context.Context, ing *textIngester, corpus fs.FS) (int, error) {
	names, err := fs.Glob(corpus, "*.txt")
	if err != nil {
		return 0, fmt.Errorf("sample corpus: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := fs.ReadFile(corpus, name)
		if err != nil {
			return 0, fmt.Errorf("sample corpus: %w", err)
		}
		text, _, err := source.Decode(b)
		if err != nil {
			return 0, fmt.Errorf("sample corpus %s: %w", name, err)
		}
		if _, err := ing.Ingest(ctx, text, "", "", path.Join("seeds/corpus", name)); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}

// printDemo tells people where to look: the page, then each example as a
// link that runs it and as a curl command. It goes to stdout: it is the
// demo's output.
func printDemo(e *env, graphqlURL string) {
	base := strings.TrimSuffix(graphqlURL, "graphql")
	w := e.stdout
	fmt.Fprintf(w, "\nkg demo is serving the sample graph.\n\n  query page:  %s\n  GraphQL:     %s\n\nExample queries (open the link, or run the curl command):\n", base, graphqlURL)
	for i, q := range demoQueries {
		b, _ := json.Marshal(map[string]string{"query": q.query})
		body := strings.ReplaceAll(string(b), `'`, `'\''`)
		fmt.Fprintf(w, "\n%d. %s\n   %s\n   %s#run&query=%s\n   curl -s %s -H 'Content-Type: application/json' -d '%s'\n",
			i+1, q.title, q.query, base, url.QueryEscape(q.query), graphqlURL, body)
	}
	fmt.Fprintln(w, "\nPress Ctrl-C to stop; the temporary store is then removed.")
}
