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
