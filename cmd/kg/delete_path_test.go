package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeleteByRelativePath checks that a document ingested by a relative
// path can be deleted by the same relative path: ingest names documents by
// their absolute path, and delete must resolve the argument the same way.
func TestDeleteByRelativePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "重庆市人民政府关于建设西部（重庆）科学城的决定\n\n一是依托重庆大学建设国家重点实验室，聚焦人工智能、集成电路等领域。\n"
	for _, name := range []string{"a.txt", "b.txt"} {
		body := text
		if name == "b.txt" {
			body = strings.Replace(text, "人工智能", "生物医药", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, "docs", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	db := filepath.Join(dir, "db")
	if code, _, stderr := runKG(t, "ingest", "--db", db, "docs"); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runKG(t, "delete", "--db", db, "docs/a.txt"); code != exitOK {
		t.Fatalf("delete docs/a.txt: exit %d: %s", code, stderr)
	}
	code, out, stderr := runKG(t, "stats", "--db", db, "--json")
	if code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"documents": 1`) && !strings.Contains(out, `"documents":1`) {
		t.Fatalf("after deleting one of two documents, stats say: %s", out)
	}
	if code, _, _ := runKG(t, "delete", "--db", db, "docs/a.txt"); code == exitOK {
		t.Fatal("deleting docs/a.txt twice succeeded")
	}
}
