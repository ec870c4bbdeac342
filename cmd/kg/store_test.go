package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
	"kg/graph/badgerstore"
)

// kg runs the command line in-process with the given store directory.
func kg(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = runEnv(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func contribution(id, source string, names ...string) *graph.Contribution {
	c := &graph.Contribution{Doc: graph.Document{ID: id, Source: source, Hash: "h" + id, Date: "2024-01-02"}}
	for i, n := range names {
		t := graph.Field
		if i == 0 {
			t = graph.Platform
		}
		c.Entities = append(c.Entities, graph.EntityContribution{Type: t, Name: n, Spans: []graph.Span{{Start: i, End: i + 1}}})
		if i > 0 {
			c.Relations = append(c.Relations, graph.RelationContribution{
				From: graph.EntityID(graph.Platform, names[0]), To: graph.EntityID(t, n), Type: graph.FocusesOn, Weight: 1,
			})
		}
	}
	return c
}

// testStore builds a store in a temporary directory and closes it.
func testStore(t *testing.T, cs ...*graph.Contribution) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	s, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := s.Apply(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func sampleStore(t *testing.T) string {
	return testStore(t,
		contribution("doc-a", "corpus/a.txt", "西部(重庆)科学城", "人工智能", "集成电路"),
		contribution("doc-b", "corpus/b.txt", "天府实验室", "人工智能"),
	)
}

// oneLineErr checks the failure contract: exit 1, one line on stderr that
// contains want, nothing on stdout, no stack trace.
func oneLineErr(t *testing.T, code int, stdout, stderr, want string) {
	t.Helper()
	if code != exitFailed {
		t.Errorf("exit code %d, want %d (stderr %q)", code, exitFailed, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr is not one line: %q", stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not say %q", stderr, want)
	}
	if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
		t.Errorf("stderr has a stack trace: %q", stderr)
	}
}

func TestStoreErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing-here")
	empty := t.TempDir()

	notStore := t.TempDir()
	os.WriteFile(filepath.Join(notStore, "notes.txt"), []byte("hello"), 0o644)

	garbage := sampleStore(t)
	files, _ := os.ReadDir(garbage)
	for _, f := range files {
		if f.Name() == "LOCK" {
			continue
		}
		junk := bytes.Repeat([]byte("garbage!"), 4096)
		if err := os.WriteFile(filepath.Join(garbage, f.Name()), junk, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	manifestOnly := sampleStore(t)
	if err := os.WriteFile(filepath.Join(manifestOnly, "MANIFEST"), []byte("not a manifest at all"), 0o644); err != nil {
		t.Fatal(err)
	}

	version := sampleStore(t)
	db, err := badger.Open(badger.DefaultOptions(version).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("!v"), []byte{0, 0, 0, 99}) }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	locked := sampleStore(t)
	holder, err := badgerstore.Open(locked, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })

	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"missing", missing, "no kg store at " + missing + " (run kg ingest first)"},
		{"empty", empty, "no kg store at " + empty + " (run kg ingest first)"},
		{"not a store", notStore, "is damaged or not a kg store"},
		{"garbage", garbage, "is damaged or not a kg store"},
		{"bad manifest", manifestOnly, "is damaged or not a kg store"},
		{"version", version, "was written by another version of kg"},
		{"locked", locked, "is in use by another process"},
	}
	for _, tc := range tests {
		for _, cmd := range [][]string{{"stats"}, {"dump"}, {"delete", "doc-a"}} {
			t.Run(tc.name+"/"+cmd[0], func(t *testing.T) {
				args := append(append([]string{}, cmd...), "--db", tc.dir)
				code, out, errs := kg(t, args...)
				oneLineErr(t, code, out, errs, tc.want)
				if !strings.HasPrefix(errs, "kg "+cmd[0]+": ") {
					t.Errorf("stderr %q does not name the command", errs)
				}
			})
		}
	}
	// Reading a missing store must not create it.
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a read of a missing store created %s", missing)
	}
}

func TestOpenStoreReadOnlyShares(t *testing.T) {
	dir := sampleStore(t)
	ctx := context.Background()
	a, err := openStore(ctx, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := openStore(ctx, dir, true)
	if err != nil {
		t.Fatalf("second read-only open: %v", err)
	}
	defer b.Close()
	if _, err := openStore(ctx, dir, false); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("writable open beside readers: %v", err)
	}
	if err := a.Apply(ctx, contribution("x", "", "a")); err == nil {
		t.Errorf("a read-only store accepted a write")
	}
}
