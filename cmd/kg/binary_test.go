package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kg/seeds"
)

// TestCopiedBinary builds kg, copies the binary to a directory of its own
// and runs an ingest with an empty HOME, GOPATH and GOMODCACHE: the
// segmenter's dictionaries must come from the binary itself, not from the
// Go module cache of the machine that built it. Once with a home directory
// (the dictionaries are cached there) and once with none at all.
func TestCopiedBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the kg binary")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build kg with")
	}
	build := filepath.Join(t.TempDir(), "kg")
	// -trimpath: gojieba's default dictionary paths, computed from its
	// source file's path at build time, then point nowhere, so a fall back
	// on them would fail here even on the machine that built kg.
	out, err := exec.Command(gobin, "build", "-trimpath", "-o", build, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	elsewhere := t.TempDir()
	bin := filepath.Join(elsewhere, "kg")
	b, err := os.ReadFile(build)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(build)

	doc := filepath.Join(elsewhere, "doc.txt")
	text, err := fs.ReadFile(seeds.Corpus(), docShanghai)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(doc, text, 0o644)

	home := t.TempDir()
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		home string
	}{
		{"empty home", home},
		{"no home", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "db")
			cmd := exec.Command(bin, "ingest", "--db", db, doc)
			cmd.Dir = elsewhere
			cmd.Env = []string{
				"HOME=" + tc.home, "GOPATH=" + empty, "GOMODCACHE=" + empty,
				"TMPDIR=" + t.TempDir(), "PATH=/nonexistent",
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("kg ingest: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "ingested 1 files (0 failed)") {
				t.Errorf("kg ingest output:\n%s", out)
			}
			stats := exec.Command(bin, "stats", "--db", db, "--json")
			stats.Env = cmd.Env
			out, err = stats.CombinedOutput()
			if err != nil || !strings.Contains(string(out), `"documents": 1`) {
				t.Errorf("kg stats: %v\n%s", err, out)
			}
			if entries, _ := os.ReadDir(empty); len(entries) != 0 {
				t.Errorf("kg wrote into GOPATH/GOMODCACHE: %v", entries)
			}
		})
	}
	// With a home directory the dictionaries are cached under it.
	if m, _ := filepath.Glob(filepath.Join(home, ".cache", "kg", "jieba-*", "jieba.dict.utf8")); len(m) != 1 {
		t.Errorf("dictionaries not cached under HOME/.cache/kg: %v", m)
	}
}
