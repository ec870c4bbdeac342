package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"kg/extract"
	"kg/extract/source"
	"kg/graph"
	"kg/graph/export"
	"kg/schema"
)

const serveUsage = `[--db DIR] [--addr 127.0.0.1:8080] [--token-file F] [--cors-origin O ...]

Serves the graph over GraphQL: POST /graphql (JSON), GET /graphql?query=
(queries only), a query page for browsers at / and /graphql, and
GET /healthz. Mutations (ingest, deleteDocument, mergeEntities, addAlias)
are enabled only with --token-file and then need the header
"Authorization: Bearer <token>". Without a token the store is opened
read-only, so kg query and kg stats can read it at the same time.
--db also takes dgraph:HOST:PORT to serve a Dgraph cluster. --cache-mb N
answers a repeated query (same text and variables) from memory until the
next mutation; no other process can write a Badger store that kg serve
holds, so the answers stay exact.

Garbage collection: a request allocates its answer and little else that
lives on, over a live heap of mostly Badger's caches, so kg serve lets the
heap grow to 5 times the live heap between collections (--gc-percent 400,
against Go's default of 100) and bounds it with a soft limit
(--memory-limit-mb 1024) past which the collector runs more often. The
GOGC and GOMEMLIMIT environment variables, when set, replace these
defaults; the flags, when given, win over both.`

type serveOptions struct {
	db        string
	addr      string
	tokenFile string
	origins   []string
	timeout   time.Duration
	maxCost   int
	cacheMB   int
	verbose   bool
	gc        gcFlags
}

// The collector settings of kg serve. With 32 clients asking the demo graph
// for a depth-1 neighbourhood, the server spent about 0.27 ms of CPU per
// request at Go's default of 100 and 0.19 ms at 400, and grew from 40 to
// 67 MiB (scripts/bench-graphql.sh demo measures both settings).
const (
	defaultGCPercent  = 400
	defaultMemLimitMB = 1024
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runServe(ctx context.Context, e *env, args []string) error {
	var o serveOptions
	fs := newFlags(e, "serve", serveUsage)
	db := dbFlag(e, fs)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen `address` (host:port; port 0 picks a free one)")
	fs.StringVar(&o.tokenFile, "token-file", "", "`file` holding the bearer token that enables mutations")
	fs.Var((*multiFlag)(&o.origins), "cors-origin", "allow cross-origin requests from this `origin` (repeatable; * for any)")
	fs.DurationVar(&o.timeout, "timeout", schema.DefaultLimits.Timeout, "time limit of one request")
	fs.IntVar(&o.maxCost, "max-cost", schema.DefaultLimits.MaxCost, "cost limit of one query (fields, multiplied by page sizes)")
	fs.IntVar(&o.cacheMB, "cache-mb", 0, "keep up to this many `MiB` of answers and serve repeated queries from them (Badger stores only)")
	fs.BoolVar(&o.verbose, "v", false, "log refused requests to stderr")
	o.gc.register(fs, defaultGCPercent, defaultMemLimitMB)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	o.db = *db
	if o.timeout <= 0 || o.maxCost <= 0 {
		return usagef("--timeout and --max-cost must be positive")
	}
	if o.cacheMB < 0 {
		return usagef("--cache-mb must not be negative")
	}
	if err := o.gc.parsed(fs); err != nil {
		return err
	}
	defer o.gc.apply(e)()
	token := ""
	if o.tokenFile != "" {
		if token, err = readToken(e, o.tokenFile); err != nil {
			return err
		}
	}
	spec, err := parseStoreSpec(o.db)
	if err != nil {
		return err
	}
	// The cache is sound only when this process is the store's one writer:
	// Badger's directory lock guarantees it; a Dgraph cluster has other
	// clients.
	if o.cacheMB > 0 && spec.kind == "dgraph" {
		return usagef("--cache-mb needs a Badger store: a Dgraph cluster can change under the cache")
	}
	st, err := spec.open(ctx, token == "", nil)
	if err != nil {
		return err
	}
	defer st.Close()

	opts := []schema.Option{
		schema.WithLimits(schema.Limits{Timeout: o.timeout, MaxCost: o.maxCost}),
		schema.WithCORSOrigins(o.origins...),
	}
	if o.verbose {
		opts = append(opts, schema.WithLogger(slog.New(slog.NewTextHandler(e.stderr, nil))))
	}
	if o.cacheMB > 0 {
		opts = append(opts, schema.WithResultCache(int64(o.cacheMB)<<20))
	}
	if token != "" {
		x, closeX, err := newExtractor()
		if err != nil {
			return err
		}
		defer closeX()
		opts = append(opts, schema.WithToken(token), schema.WithMutations(st, &textIngester{st: st, x: x}))
	}
	h, err := schema.NewHandler(st, opts...)
	if err != nil {
		return err
	}
	h.Mount("/export", export.NewHandler(st))
	return serveHTTP(ctx, e, o.addr, o.timeout, h, func(url string) {
		mut := "mutations disabled (no --token-file)"
		if token != "" {
			mut = "mutations enabled with the bearer token"
		}
		fmt.Fprintf(e.stderr, "kg serve: %s on %s; %s\n", spec, url, mut)
	})
}

// readToken reads a bearer token from a file: its first line, trimmed. A
// file others can read is accepted with a warning.
func readToken(e *env, path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	tok, _, _ := strings.Cut(string(b), "\n")
	tok = strings.TrimSpace(tok)
	if len(tok) < 16 {
		return "", usagef("the token in %s is shorter than 16 characters", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(e.stderr, "kg serve: warning: %s can be read by other users (chmod 600 it)\n", path)
	}
	return tok, nil
}

// serveHTTP serves h on addr until ctx is cancelled (SIGINT or SIGTERM),
// then shuts down gracefully: requests in flight get ten seconds to finish.
// ready is called with the URL once the listener is bound. timeout is the
// handler's per-request limit; a client gets half a minute more to read
// the answer before the connection is dropped.
func serveHTTP(ctx context.Context, e *env, addr string, timeout time.Duration, h http.Handler, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       time.Minute, // a 4 MiB body on a slow link
		WriteTimeout:      time.Minute + timeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.NewTextHandler(io.Discard, nil), slog.LevelError),
	}
	ready("http://" + ln.Addr().String() + "/graphql")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintln(e.stderr, "kg: stopped")
	return nil
}

// textIngester is the ingest mutation's extractor: it extracts a posted
// text with the same extractor and metadata reading as kg ingest and
// applies it to the store.
type textIngester struct {
	st graph.Writer
	x  *extract.Extractor
}

func (ti *textIngester) Ingest(ctx context.Context, text, title, date, src string) (string, error) {
	sum := sha256.Sum256([]byte(text))
	hash := hex.EncodeToString(sum[:])
	if src == "" {
		// Without a source, the same text posted twice is one document.
		src = "graphql:" + hash[:16]
	}
	meta := source.MetaOf(text, src)
	d := graph.Document{
		ID:     graph.DocumentID(src),
		Title:  meta.Title,
		Source: src,
		Hash:   hash,
		Issuer: meta.Issuer,
		Date:   meta.Date,
		Size:   int64(utf8.RuneCountInString(text)),
	}
	if title != "" {
		d.Title = title
	}
	if date != "" {
		d.Date = date
	}
	c, err := ti.x.Extract(ctx, d, text)
	if err != nil {
		return "", fmt.Errorf("extract %s: %w", src, err)
	}
	if err := ti.st.Apply(ctx, c); err != nil {
		return "", fmt.Errorf("store %s: %w", src, err)
	}
	return d.ID, nil
}
