package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kg/extract/source"
	"kg/graph"
	"kg/graph/badgerstore"
	"kg/seeds"
)

// cli runs the command line in-process.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = runEnv(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// ingestCorpus copies sample documents from the embedded seeds corpus into
// dir and returns their paths.
func ingestCorpus(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	var paths []string
	for _, n := range names {
		b, err := fs.ReadFile(seeds.Corpus(), n)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

const (
	docShanghai = "reg_shanghai_sci_tech_center_2020.txt"
	docBeijing  = "reg_beijing_intl_sci_tech_center_2024.txt"
	docArticle  = "000_ad5bc89167431ed4.txt"
)

func ingestStats(t *testing.T, db string) graph.Stats {
	t.Helper()
	code, out, errOut := cli(t, "stats", "--db", db, "--json")
	if code != exitOK {
		t.Fatalf("kg stats: exit %d: %s", code, errOut)
	}
	var st graph.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("kg stats --json: %v: %s", err, out)
	}
	return st
}

func ingestDump(t *testing.T, db string) string {
	t.Helper()
	code, out, errOut := cli(t, "dump", "--db", db)
	if code != exitOK {
		t.Fatalf("kg dump: exit %d: %s", code, errOut)
	}
	return out
}

func ingestDocx(t *testing.T, paras ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p><w:r><w:t>" + p + "</w:t></w:r></w:p>")
	}
	w.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIngest(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docShanghai, docArticle)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "notice.html"), []byte(`<html><head><title>关于支持国家实验室建设的通知</title></head><body>
<p>重庆市人民政府关于支持国家实验室建设的通知</p><p>支持金凤实验室聚焦生命健康领域开展研究，推动西部（重庆）科学城建设。</p></body></html>`), 0o644)
	os.WriteFile(filepath.Join(sub, "measures.docx"), ingestDocx(t, "关于促进人工智能产业发展的若干措施", "一、支持重庆人工智能研究院聚焦人工智能开展研究。"), 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden.txt"), []byte("隐藏文件不应被读取。"), 0o644)
	os.WriteFile(filepath.Join(dir, "picture.png"), []byte("\x89PNG\r\n"), 0o644)

	db := filepath.Join(t.TempDir(), "db")
	code, stdout, stderr := cli(t, "ingest", "--db", db, dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing (messages go to stderr)", stdout)
	}
	if !strings.Contains(stderr, "ingested 4 files (0 failed)") || !strings.Contains(stderr, "store: 4 documents") {
		t.Errorf("summary missing or wrong:\n%s", stderr)
	}
	st := ingestStats(t, db)
	if st.Documents != 4 || st.Entities == 0 || st.Relations == 0 {
		t.Errorf("stats = %+v, want 4 documents with entities and relations", st)
	}

	// The documents carry what the files state, under the ID of their
	// absolute path.
	s, err := badgerstore.Open(db, badgerstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src, _ := source.SourcePath(filepath.Join(dir, docShanghai))
	d, err := s.Document(context.Background(), graph.DocumentID(src))
	if err != nil {
		t.Fatalf("document of %s: %v", src, err)
	}
	want := graph.Document{ID: graph.DocumentID(src), Title: "上海市推进科技创新中心建设条例", Source: src, Date: "2020-01-20", Issuer: "上海市人民代表大会"}
	if d.ID != want.ID || d.Title != want.Title || d.Source != want.Source || d.Date != want.Date || d.Issuer != want.Issuer {
		t.Errorf("document = %+v\nwant        %+v", d, want)
	}
	b, _ := os.ReadFile(filepath.Join(dir, docShanghai))
	if d.Size != int64(len([]rune(string(b)))) || len(d.Hash) != 64 {
		t.Errorf("size %d, hash %q: want %d characters and a SHA-256", d.Size, d.Hash, len([]rune(string(b))))
	}
	html, err := s.Document(context.Background(), graph.DocumentID(filepath.ToSlash(filepath.Join(sub, "notice.html"))))
	if err != nil || html.Title != "关于支持国家实验室建设的通知" {
		t.Errorf("html document = %+v, %v", html, err)
	}
}

// TestIngestBadInputs: a binary file, an empty file, undecodable bytes and
// a path that does not exist each cost one line on stderr; the good files
// are ingested and the exit code is 3.
func TestIngestBadInputs(t *testing.T) {
	dir := t.TempDir()
	good := ingestCorpus(t, dir, docArticle)[0]
	bad := map[string][]byte{
		"binary.txt":      []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00"),
		"empty.md":        nil,
		"undecodable.txt": {0x81, 0x30, 0xFF, 0xFE, 0x80, 0x80, 0xA0, 0xA1, 0xFF, 0x85, 0x90, 0xFD},
		"broken.docx":     []byte("PK\x03\x04 not a zip"),
	}
	for name, b := range bad {
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	missing := filepath.Join(t.TempDir(), "missing.txt")
	db := filepath.Join(t.TempDir(), "db")

	code, _, stderr := cli(t, "ingest", "--db", db, "--workers", "3", dir, missing)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitPartial, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, name := range append([]string{missing}, "binary.txt", "empty.md", "undecodable.txt", "broken.docx") {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, name) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is named on %d lines of stderr, want 1:\n%s", name, n, stderr)
		}
	}
	if !strings.Contains(stderr, "ingested 1 files (5 failed)") || !strings.Contains(stderr, "5 of 6 inputs failed") {
		t.Errorf("stderr lacks the summary:\n%s", stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
		t.Errorf("stderr has a stack trace:\n%s", stderr)
	}
	if st := ingestStats(t, db); st.Documents != 1 {
		t.Errorf("store holds %d documents, want 1 (%s)", st.Documents, good)
	}

	// Nothing ingested at all is a failure, not a partial success.
	code, _, stderr = cli(t, "ingest", "--db", db, missing)
	if code != exitFailed || !strings.Contains(stderr, "none of the 1 files was ingested") {
		t.Errorf("only a missing file: exit %d, stderr:\n%s", code, stderr)
	}
	// And the document already in the store is still there.
	if st := ingestStats(t, db); st.Documents != 1 {
		t.Errorf("store holds %d documents after a failed ingest, want 1", st.Documents)
	}
}

// TestIngestDeterministic: the same files give the same store whatever the
// number of workers, and ingesting them again changes nothing.
func TestIngestDeterministic(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docShanghai, docBeijing, docArticle)
	db1 := filepath.Join(t.TempDir(), "db")
	db2 := filepath.Join(t.TempDir(), "db")
	if code, _, stderr := cli(t, "ingest", "--db", db1, "--workers", "1", dir); code != exitOK {
		t.Fatalf("ingest 1: exit %d: %s", code, stderr)
	}
	if code, _, stderr := cli(t, "ingest", "--db", db2, "--workers", "4", dir); code != exitOK {
		t.Fatalf("ingest 2: exit %d: %s", code, stderr)
	}
	d1, d2 := ingestDump(t, db1), ingestDump(t, db2)
	if d1 != d2 {
		t.Errorf("dumps differ between 1 and 4 workers (%d and %d bytes)", len(d1), len(d2))
	}
	if strings.Count(d1, "\n") < 50 {
		t.Errorf("dump has only %d lines: too little extracted to compare", strings.Count(d1, "\n"))
	}
	if code, _, stderr := cli(t, "ingest", "--db", db1, dir); code != exitOK {
		t.Fatalf("re-ingest: exit %d: %s", code, stderr)
	}
	if d := ingestDump(t, db1); d != d1 {
		t.Errorf("re-ingesting the same files changed the dump")
	}
}

// TestIngestKeepsExisting: a later ingest of other files adds to the store;
// a file named twice is ingested once.
func TestIngestKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	paths := ingestCorpus(t, dir, docShanghai, docArticle)
	db := filepath.Join(t.TempDir(), "db")
	if code, _, stderr := cli(t, "ingest", "--db", db, paths[0]); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr := cli(t, "ingest", "--db", db, paths[1], paths[1], dir+"/./"+docArticle)
	if code != exitOK || !strings.Contains(stderr, "ingested 1 files") {
		t.Fatalf("exit %d, want one file ingested: %s", code, stderr)
	}
	if st := ingestStats(t, db); st.Documents != 2 {
		t.Errorf("store holds %d documents, want 2", st.Documents)
	}
}

func TestIngestTitleDate(t *testing.T) {
	dir := t.TempDir()
	p := ingestCorpus(t, dir, docArticle)[0]
	db := filepath.Join(t.TempDir(), "db")
	code, _, stderr := cli(t, "ingest", "--db", db, "--title", "科技创新七论", "--date", "2021-05-20", p)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	d := ingestDump(t, db)
	if !strings.Contains(d, `"title":"科技创新七论"`) || !strings.Contains(d, `"date":"2021-05-20"`) {
		t.Errorf("dump lacks the given title and date:\n%.500s", d)
	}
}

func TestIngestUsage(t *testing.T) {
	dir := t.TempDir()
	p := ingestCorpus(t, dir, docArticle)[0]
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no paths", nil, "no file or directory"},
		{"title with two files", []string{"--title", "x", p, p}, "single file"},
		{"date on a directory", []string{"--date", "2021-01-01", dir}, "single file"},
		{"bad date", []string{"--date", "2021年5月", p}, "YYYY-MM-DD"},
		{"zero workers", []string{"--workers", "0", p}, "--workers"},
		{"unknown flag", []string{"--nope", p}, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"ingest", "--db", filepath.Join(t.TempDir(), "db")}, tc.args...)
			code, _, stderr := cli(t, args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
	code, _, stderr := cli(t, "ingest", "--db", filepath.Join(t.TempDir(), "db"), t.TempDir())
	if code != exitFailed || !strings.Contains(stderr, "no files to ingest") {
		t.Errorf("empty directory: exit %d, stderr %q", code, stderr)
	}
}

// TestIngestLockedStore: a store held by another process is a failure with
// one line, before any work.
func TestIngestLockedStore(t *testing.T) {
	dir := t.TempDir()
	p := ingestCorpus(t, dir, docArticle)[0]
	db := filepath.Join(t.TempDir(), "db")
	s, err := badgerstore.Open(db, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code, _, stderr := cli(t, "ingest", "--db", db, p)
	if code != exitFailed || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "in use") {
		t.Errorf("exit %d, stderr %q; want 1 and one line saying the store is in use", code, stderr)
	}
}

// failingApplyStore is the real store with a write failure injected after a
// number of successful Applies, as a full disk would cause.
type failingApplyStore struct {
	graph.Store
	ok    int32
	calls atomic.Int32
}

var errApplyDiskFull = errors.New("no space left on device")

func (f *failingApplyStore) Apply(ctx context.Context, c *graph.Contribution) error {
	if f.calls.Add(1) > f.ok {
		return errApplyDiskFull
	}
	return f.Store.Apply(ctx, c)
}

// TestIngestStoreFailure: the first store error stops the ingest, is
// returned, and no document is applied after it.
func TestIngestStoreFailure(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docShanghai, docBeijing, docArticle)
	for i := 0; i < 5; i++ {
		os.WriteFile(filepath.Join(dir, "copy"+string(rune('a'+i))+".txt"), []byte("国家实验室聚焦人工智能。"), 0o644)
	}
	x, closeX, err := newExtractor()
	if err != nil {
		t.Fatal(err)
	}
	defer closeX()
	s, err := badgerstore.Open(filepath.Join(t.TempDir(), "db"), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs := &failingApplyStore{Store: s, ok: 2}
	var stderr bytes.Buffer
	sum, err := ingest(context.Background(), &stderr, fs, x, ingestOptions{workers: 2, paths: []string{dir}})
	if !errors.Is(err, errApplyDiskFull) {
		t.Fatalf("ingest error = %v, want the store's", err)
	}
	if calls := fs.calls.Load(); calls != 3 {
		t.Errorf("Apply called %d times, want 3 (two ok, one failing, then stop)", calls)
	}
	if sum.files != 2 {
		t.Errorf("summary counts %d files, want 2", sum.files)
	}
	if st, _ := s.Stats(context.Background()); st.Documents != 2 {
		t.Errorf("store holds %d documents, want the 2 applied before the failure", st.Documents)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// failingBulkStore is the real store whose BulkLoad fails after a number
// of documents, as a full disk would cause.
type failingBulkStore struct {
	*badgerstore.Store
	ok int
}

func (f *failingBulkStore) BulkLoad(ctx context.Context, gen func(yield func(*graph.Contribution) error) error) error {
	n := 0
	return f.Store.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error {
		return gen(func(c *graph.Contribution) error {
			if n++; n > f.ok {
				return errApplyDiskFull
			}
			return yield(c)
		})
	})
}

// TestIngestBulkFailure: a failure during the bulk load of a new store is
// returned and stops the ingest; kg ingest then removes the store it created.
func TestIngestBulkFailure(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docShanghai, docBeijing, docArticle)
	x, closeX, err := newExtractor()
	if err != nil {
		t.Fatal(err)
	}
	defer closeX()
	s, err := badgerstore.Open(filepath.Join(t.TempDir(), "db"), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var stderr bytes.Buffer
	sum, err := ingest(context.Background(), &stderr, &failingBulkStore{Store: s, ok: 1}, x,
		ingestOptions{workers: 2, paths: []string{dir}, bulk: true})
	if !errors.Is(err, errApplyDiskFull) || !sum.bulk {
		t.Fatalf("ingest = %+v, %v; want the store's error from a bulk load", sum, err)
	}
	if sum.files != 1 {
		t.Errorf("summary counts %d files, want 1", sum.files)
	}
}

// TestIngestBulkSameAsApply: filling a new store in bulk gives the same
// graph as applying the documents one by one.
func TestIngestBulkSameAsApply(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docShanghai, docBeijing, docArticle)
	x, closeX, err := newExtractor()
	if err != nil {
		t.Fatal(err)
	}
	defer closeX()
	var dumps []string
	for _, bulk := range []bool{true, false} {
		s, err := badgerstore.Open(filepath.Join(t.TempDir(), "db"), badgerstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := ingest(context.Background(), io.Discard, s, x, ingestOptions{workers: 2, paths: []string{dir}, bulk: bulk})
		if err != nil || sum.bulk != bulk || sum.files != 3 {
			t.Fatalf("bulk=%v: ingest = %+v, %v", bulk, sum, err)
		}
		var b strings.Builder
		if err := graph.Dump(context.Background(), s, &b); err != nil {
			t.Fatal(err)
		}
		s.Close()
		dumps = append(dumps, b.String())
	}
	if dumps[0] != dumps[1] {
		t.Errorf("bulk load and Apply give different graphs (%d and %d bytes of dump)", len(dumps[0]), len(dumps[1]))
	}
}

// TestIngestRemovesIncompleteNewStore: when an ingest that created the
// store fails, the store directory is emptied (a half bulk-loaded store
// would not open); a store that existed before is never touched.
func TestIngestRemovesIncompleteNewStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	if !noStore(db) {
		t.Fatal("a missing directory is not reported as no store")
	}
	os.MkdirAll(filepath.Join(db, "sub"), 0o755)
	os.WriteFile(filepath.Join(db, "000001.vlog"), []byte("x"), 0o644)
	if noStore(db) {
		t.Fatal("a directory with files is reported as no store")
	}
	if err := emptyDir(db); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(db); err != nil || len(entries) != 0 {
		t.Errorf("after emptyDir: %v, %v; want an empty directory", entries, err)
	}
}

// TestIngestProgress: on a terminal a progress bar is drawn (files,
// characters, entities), and per-file errors still get a line of their own;
// when stderr is not a terminal (every other test) nothing but the errors
// and the summary is written.
func TestIngestProgress(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docArticle, docShanghai)
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644)
	x, closeX, err := newExtractor()
	if err != nil {
		t.Fatal(err)
	}
	defer closeX()
	s, err := badgerstore.Open(filepath.Join(t.TempDir(), "db"), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer func(d time.Duration) { barThrottle = d }(barThrottle)
	barThrottle = 0 // draw on every file
	var out bytes.Buffer
	if _, err := ingest(context.Background(), &out, s, x, ingestOptions{workers: 1, paths: []string{dir}, progress: true}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"ingest ", " chars (", " entities", "files", "\rkg ingest: " + filepath.Join(dir, "empty.txt") + ": source: no text\n", "\ringested 2 files (1 failed)"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output lacks %q:\n%q", want, got)
		}
	}
	if isTerminal(&out) {
		t.Error("a buffer is taken for a terminal")
	}
}

// cancelAfterStore is the real store whose Apply cancels the ingest's
// context after a number of documents, as Ctrl-C would.
type cancelAfterStore struct {
	graph.Store
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfterStore) Apply(ctx context.Context, contrib *graph.Contribution) error {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return c.Store.Apply(ctx, contrib)
}

// TestIngestCancel: an interrupted ingest returns the context's error,
// leaves its goroutines behind it, and what was applied stays applied.
func TestIngestCancel(t *testing.T) {
	dir := t.TempDir()
	ingestCorpus(t, dir, docShanghai, docBeijing, docArticle)
	for i := 0; i < 20; i++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("extra%02d.txt", i)), []byte("国家实验室聚焦人工智能。"), 0o644)
	}
	x, closeX, err := newExtractor()
	if err != nil {
		t.Fatal(err)
	}
	defer closeX()
	s, err := badgerstore.Open(filepath.Join(t.TempDir(), "db"), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := &cancelAfterStore{Store: s, n: 2, cancel: cancel}
	sum, err := ingest(ctx, io.Discard, st, x, ingestOptions{workers: 2, paths: []string{dir}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ingest = %+v, %v; want context.Canceled", sum, err)
	}
	if n, _ := s.Stats(context.Background()); n.Documents < 1 || n.Documents > 2 || sum.failed != 0 {
		t.Errorf("store holds %d documents and %d failed; want 1 or 2 applied and no failures counted", n.Documents, sum.failed)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the ingest, %d before", n, before)
	}
}
