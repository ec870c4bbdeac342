package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"kg/extract"
	"kg/extract/source"
	"kg/graph"
)

const ingestUsage = `[--db DIR] [--workers N] [--title T] [--date YYYY-MM-DD] [--memory-limit-mb N] PATH...

Reads .txt, .md, .html/.htm, .docx and .pdf files (PDF needs pdftotext from
poppler-utils) and directories of them (recursively, skipping hidden files),
extracts entities and relations and adds them to the store. A file ingested
again replaces its earlier version; a document is identified by its absolute
path. --title and --date override what is read from a single file.

Memory: a soft limit of 512 MiB (--memory-limit-mb) makes the garbage
collector work harder as the heap nears it, which keeps a 100 MB corpus
under 1 GB resident at no cost in time; 0 removes it. GOGC and GOMEMLIMIT,
when set, replace the defaults (--gc-percent 100, Go's own), and the
flags win over both.`

type ingestOptions struct {
	db       string
	workers  int
	title    string
	date     string
	paths    []string
	progress bool // draw a progress bar (stderr is a terminal)
	bulk     bool // fill an empty store with BulkLoad rather than Apply
}

// bulkLoader is a store that fills an empty store faster than Apply does
// (badgerstore.Store). While it runs, the store is not consistent; a
// failure leaves a store that will not open, which runIngest removes when
// it created the store.
type bulkLoader interface {
	BulkLoad(ctx context.Context, gen func(yield func(*graph.Contribution) error) error) error
}

// storeEmpty reports whether st holds no document and no entity.
func storeEmpty(ctx context.Context, st graph.Writer) bool {
	r, ok := st.(graph.Reader)
	if !ok {
		return false
	}
	n, err := r.Stats(ctx)
	return err == nil && n.Documents == 0 && n.Entities == 0
}

// ingestMemLimitMB is kg ingest's default soft memory limit. Without one,
// a 100 MB corpus peaked at 0.88-0.90 GB resident: the live heap reaches
// about 450 MB while Badger builds the store's tables, and the collector's
// default target lets the heap grow to twice that. With the limit the same
// ingest took the same time and peaked at 0.52-0.64 GB (BENCHMARKS.md).
const ingestMemLimitMB = 512

func runIngest(ctx context.Context, e *env, args []string) error {
	var o ingestOptions
	fs := newFlags(e, "ingest", ingestUsage)
	db := dbFlag(e, fs)
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "files read and extracted in parallel")
	fs.StringVar(&o.title, "title", "", "document title, for a single file")
	fs.StringVar(&o.date, "date", "", "publication date YYYY-MM-DD, for a single file")
	var gc gcFlags
	gc.register(fs, 100, ingestMemLimitMB)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := gc.parsed(fs); err != nil {
		return err
	}
	defer gc.apply(e)()
	o.db, o.paths, o.progress, o.bulk = *db, paths, isTerminal(e.stderr), true
	if err := o.check(); err != nil {
		return err
	}
	fresh := noStore(o.db)

	// The store first: a locked or damaged store fails before the
	// dictionaries load.
	s, err := openStore(ctx, o.db, false)
	if err != nil {
		return err
	}
	x, closeX, err := newExtractor()
	if err != nil {
		s.Close()
		return err
	}
	defer closeX()
	sum, err := ingest(ctx, e.stderr, s, x, o)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	if err != nil {
		if sum.bulk && fresh {
			// A bulk load that did not finish leaves a store that will not
			// open; this run created it, so nothing is lost by removing it.
			if rerr := emptyDir(o.db); rerr == nil {
				return fmt.Errorf("%w (the new store at %s was incomplete and has been removed)", err, o.db)
			}
		}
		return err
	}
	switch {
	case sum.files == 0 && sum.failed == 0:
		return fmt.Errorf("no files to ingest in %s (want .%s files)", strings.Join(o.paths, ", "), strings.Join(source.Formats, ", ."))
	case sum.failed == 0:
		return nil
	case sum.files == 0:
		return fmt.Errorf("none of the %d files was ingested", sum.failed)
	}
	return &partialError{failed: sum.failed, total: sum.files + sum.failed}
}

func (o *ingestOptions) check() error {
	if len(o.paths) == 0 {
		return usagef("no file or directory given")
	}
	if o.workers < 1 || o.workers > 256 {
		return usagef("--workers must be between 1 and 256, not %d", o.workers)
	}
	if o.date != "" {
		if _, err := time.Parse("2006-01-02", o.date); err != nil {
			return usagef("--date %q is not a date YYYY-MM-DD", o.date)
		}
	}
	if o.title != "" || o.date != "" {
		if len(o.paths) != 1 {
			return usagef("--title and --date apply to a single file, not %d paths", len(o.paths))
		}
		if fi, err := os.Stat(o.paths[0]); err == nil && fi.IsDir() {
			return usagef("--title and --date apply to a single file, not the directory %s", o.paths[0])
		}
	}
	return nil
}

// noStore reports whether dir does not exist or is empty: a store created
// by this run.
func noStore(dir string) bool {
	entries, err := os.ReadDir(dir)
	return errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0
}

// emptyDir removes what dir holds, keeping dir.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// ingestSummary counts what an ingest did. Entities and relations are
// counted per document, as extracted; the store merges them across
// documents.
type ingestSummary struct {
	bulk                bool // loaded into an empty store with BulkLoad
	files, failed       int
	chars               int64
	entities, relations int64
	elapsed             time.Duration
}

type ingestJob struct {
	seq  int
	path string
	err  error // the walk could not read this path
}

type ingestResult struct {
	seq   int
	path  string
	c     *graph.Contribution
	chars int64
	err   error // this file failed; the others go on
}

// ingest reads, extracts and applies every file under o.paths, in the shape
// of Badger's Stream: one goroutine walks the paths, o.workers goroutines
// read and extract, and the calling goroutine is the only writer. The writer
// applies documents in walk order (a small reordering buffer), so two
// ingests of the same files leave the same store whatever the scheduling.
//
// Channel sizes: jobs holds one path per worker, so a worker that finishes
// finds the next path waiting; results holds one contribution per worker, so
// workers rarely wait while the writer applies. What bounds memory is the
// window: at most 4 × workers documents are between the walk and the store
// (being read, extracted, queued or waiting for an earlier, slower file),
// each holding one document's contribution; one document's text is held per
// worker at a time.
//
// A per-file failure is reported as one line on w and the others go on. A
// store failure cancels everything and is returned.
func ingest(ctx context.Context, w io.Writer, st graph.Writer, x *extract.Extractor, o ingestOptions) (ingestSummary, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	jobs := make(chan ingestJob, o.workers)
	results := make(chan ingestResult, o.workers)
	window := make(chan struct{}, 4*o.workers)
	var found atomic.Int64 // files the walk has found so far
	var walked atomic.Bool // the walk is over: found is the total
	var walkErr error

	go func() {
		defer close(jobs)
		seen := map[string]bool{} // a file named twice is ingested once
		seq := 0
		walkErr = source.Walk(ctx, o.paths, func(path string, err error) error {
			if err == nil {
				src, serr := source.SourcePath(path)
				if serr == nil && seen[src] {
					return nil
				}
				seen[src] = true
			}
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			jobs <- ingestJob{seq: seq, path: path, err: err}
			seq++
			found.Add(1)
			return nil
		})
		walked.Store(true)
	}()

	var wg sync.WaitGroup
	for i := 0; i < o.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := ingestResult{seq: j.seq, path: j.path, err: j.err}
				if r.err == nil {
					r.c, r.chars, r.err = readAndExtract(ctx, x, j.path, o)
				} else {
					r.err = fmt.Errorf("%s: %w", j.path, r.err)
				}
				results <- r // the writer drains results until they are closed
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var sum ingestSummary
	var fatal error
	bar := newIngestBar(w, o.progress)
	report := func(err error) {
		bar.clear()
		fmt.Fprintf(w, "kg ingest: %s\n", oneLine(err.Error()))
	}
	apply := func(r ingestResult, put func(*graph.Contribution) error) {
		if fatal != nil || ctx.Err() != nil {
			return // stopping: what is left is neither ingested nor failed
		}
		err := r.err
		if err == nil {
			if perr := put(r.c); perr != nil {
				// ErrInvalid: the store refused this contribution before
				// changing anything; the others can go on.
				if !errors.Is(perr, graph.ErrInvalid) {
					fatal = fmt.Errorf("store %s: %w", r.path, perr)
					cancel()
					return
				}
				err = fmt.Errorf("%s: extraction produced an invalid contribution: %w", r.path, perr)
			}
		}
		if err != nil {
			sum.failed++
			report(err)
		} else {
			sum.files++
			sum.chars += r.chars
			sum.entities += int64(len(r.c.Entities))
			sum.relations += int64(len(r.c.Relations))
		}
		bar.update(&sum, time.Since(start), walked.Load(), found.Load())
	}
	// write drains results in walk order, passing each contribution to put.
	// It always drains to the end, so that no worker is left blocked.
	write := func(put func(*graph.Contribution) error) error {
		pending := map[int]ingestResult{}
		next := 0
		for r := range results {
			pending[r.seq] = r
			for {
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				apply(r, put)
				<-window
			}
		}
		return fatal
	}
	applyOne := func(c *graph.Contribution) error { return st.Apply(ctx, c) }

	bl, ok := st.(bulkLoader)
	if ok && o.bulk && storeEmpty(ctx, st) {
		called := false
		err := bl.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error {
			called = true
			return write(yield)
		})
		switch {
		case !called && errors.Is(err, graph.ErrInvalid):
			// Not empty after all (curation records): apply one by one.
			write(applyOne)
		case called:
			sum.bulk = true
			if err != nil && fatal == nil && ctx.Err() == nil {
				fatal = fmt.Errorf("store: %w", err)
			}
		case err != nil:
			fatal = fmt.Errorf("store: %w", err)
			cancel()
			write(func(*graph.Contribution) error { return fatal })
		}
	} else {
		write(applyOne)
	}
	bar.finish()
	sum.elapsed = time.Since(start)
	switch {
	case fatal != nil:
		return sum, fatal
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case walkErr != nil:
		return sum, walkErr
	}
	printSummary(ctx, w, st, &sum)
	return sum, nil
}

// readAndExtract reads one file and extracts its contribution.
func readAndExtract(ctx context.Context, x *extract.Extractor, path string, o ingestOptions) (*graph.Contribution, int64, error) {
	doc, err := source.Read(ctx, path)
	if err != nil {
		return nil, 0, err
	}
	if o.title != "" {
		doc.Title = o.title
	}
	if o.date != "" {
		doc.Date = o.date
	}
	c, err := extractDocument(ctx, x, doc)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return c, c.Doc.Size, nil
}

// extractDocument turns a read document into its contribution: the
// graph.Document (ID from the source path, hash and size of the decoded
// text, the metadata read) and what the extractor finds. Commands that get
// text some other way (serve's ingest mutation, demo's embedded corpus) fill
// a source.Document and call this, so that every document is identified and
// described alike.
func extractDocument(ctx context.Context, x *extract.Extractor, doc *source.Document) (*graph.Contribution, error) {
	sum := sha256.Sum256([]byte(doc.Text))
	d := graph.Document{
		ID:     graph.DocumentID(doc.Source),
		Title:  doc.Title,
		Source: doc.Source,
		Date:   doc.Date,
		Issuer: doc.Issuer,
		Hash:   hex.EncodeToString(sum[:]),
		Size:   int64(utf8.RuneCountInString(doc.Text)),
	}
	return x.Extract(ctx, d, doc.Text)
}

// printSummary writes what was done and what the store now holds.
func printSummary(ctx context.Context, w io.Writer, st graph.Writer, s *ingestSummary) {
	secs := s.elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(s.chars) / secs
	}
	fmt.Fprintf(w, "ingested %d files (%d failed): %s characters, %s entities, %s relations in %.1fs (%s characters/s)\n",
		s.files, s.failed, thousands(s.chars), thousands(s.entities), thousands(s.relations), secs, thousands(int64(rate)))
	if r, ok := st.(graph.Reader); ok {
		if n, err := r.Stats(ctx); err == nil {
			fmt.Fprintf(w, "store: %s documents, %s entities, %s relations\n",
				thousands(n.Documents), thousands(n.Entities), thousands(n.Relations))
		}
	}
}

// thousands formats n with comma separators: 1234567 -> 1,234,567.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// barThrottle is the least time between two drawings of the progress bar.
var barThrottle = 100 * time.Millisecond

// ingestBar is the progress bar on a terminal; without one, its methods do
// nothing. Only the writer goroutine calls it.
type ingestBar struct {
	bar    *progressbar.ProgressBar
	maxSet bool
}

func newIngestBar(w io.Writer, show bool) *ingestBar {
	if !show {
		return &ingestBar{}
	}
	return &ingestBar{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("ingest"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("files"),
		progressbar.OptionShowIts(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(barThrottle),
		// No spinner ticker: its goroutine reads the bar's state without the
		// bar's lock (a data race in progressbar v3.19.1) and runs until
		// Finish. The spinner then turns as files are done.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(20),
	)}
}

func (b *ingestBar) update(s *ingestSummary, elapsed time.Duration, walked bool, found int64) {
	if b.bar == nil {
		return
	}
	if walked && !b.maxSet {
		b.bar.ChangeMax64(found)
		b.maxSet = true
	}
	rate := int64(0)
	if secs := elapsed.Seconds(); secs > 0 {
		rate = int64(float64(s.chars) / secs)
	}
	b.bar.Describe(fmt.Sprintf("ingest %s chars (%s/s) %s entities", thousands(s.chars), thousands(rate), thousands(s.entities)))
	b.bar.Add(1)
}

func (b *ingestBar) clear() {
	if b.bar != nil {
		b.bar.Clear()
	}
}

func (b *ingestBar) finish() {
	if b.bar != nil {
		b.bar.Finish()
	}
}
