package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalDevelopmentGold runs kg eval on the development gold documents
// and fails when the pooled scores miss the quality targets.
func TestEvalDevelopmentGold(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "gold", "GUIDELINES.md")); err != nil {
		t.Skip("../shared not found")
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"eval", "--json", "--targets",
		"--gold-dir", filepath.Join(shared, "gold"), "--corpus", filepath.Join(shared, "corpus")},
		strings.NewReader(""), &stdout, &stderr)
	var out struct {
		EntityMicro struct{ F1 float64 } `json:"entityMicro"`
		Failed      []string             `json:"failedTargets"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("entity micro-F1 %.3f", out.EntityMicro.F1)
	if code != exitOK || len(out.Failed) > 0 {
		t.Errorf("exit %d, targets missed: %v\n%s", code, out.Failed, stderr.String())
	}
}

func TestEvalUsage(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"eval", "--gold", "a"},
		{"eval", "--gold-dir", "x"},
		{"eval", "--gold-dir", "x", "--corpus", "y", "file.txt"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr.String())
		}
	}
}

// TestEvalPairs scores one hand-made gold file against a short text through
// a real store: one entity found, one missed, one false positive.
func TestEvalPairs(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "doc.txt")
	if err := os.WriteFile(text, []byte("加快建设重庆大学和西南大学。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gold := filepath.Join(dir, "doc")
	ents := "type\tname\taliases\trequired\ninstitution\t重庆大学\t\t1\ninstitution\t北京大学\t\t1\nregion\t重庆\t\t1\n"
	if err := os.WriteFile(gold+".entities.tsv", []byte(ents), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"eval", "--json", "--verbose", "--gold", gold, text},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var out struct {
		Entities map[string]struct{ TP, FP, FN int } `json:"entities"`
		Misses   []struct{ Text string }             `json:"misses"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	inst := out.Entities["institution"]
	if inst.TP != 1 || inst.FN != 1 || inst.FP != 1 {
		t.Errorf("institution scores %+v, want 1 TP (重庆大学), 1 FN (北京大学), 1 FP (西南大学)", inst)
	}
	if len(out.Misses) == 0 || out.Misses[0].Text != "北京大学" {
		t.Errorf("misses %+v", out.Misses)
	}
}
