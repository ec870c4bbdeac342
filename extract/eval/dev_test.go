package eval_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kg/extract"
	"kg/extract/eval"
	"kg/graph"
)

// devDocs are the development documents with gold in ../shared/gold.
var devDocs = []string{"000_ad5bc89167431ed4", "bj_sci_center_reg_2024_ch2", "gd_gwr_2026_sci"}

func sharedDir(t testing.TB) string {
	dir := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "gold", "GUIDELINES.md")); err != nil {
		t.Skip("../shared not found")
	}
	return dir
}

// TestDevelopmentTargets extracts the development documents and fails when
// the pooled scores fall under the targets.
func TestDevelopmentTargets(t *testing.T) {
	dir := sharedDir(t)
	x, err := extract.New(extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := &eval.Result{}
	for _, name := range devDocs {
		text, err := os.ReadFile(filepath.Join(dir, "corpus", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := eval.LoadGold(filepath.Join(dir, "gold", name))
		if err != nil {
			t.Fatal(err)
		}
		c, err := x.Extract(context.Background(), graph.Document{ID: graph.DocumentID(name), Source: name}, string(text))
		if err != nil {
			t.Fatal(err)
		}
		total.Add(eval.Score(g, eval.FromContribution(c)))
	}
	var b strings.Builder
	eval.WriteText(&b, total, os.Getenv("KG_EVAL_VERBOSE") != "")
	t.Log("\n" + b.String())
	for _, f := range eval.CheckTargets(total) {
		t.Error(f)
	}
}

func ExampleNorm() {
	fmt.Println(eval.Norm("西部（重庆） 科学城 AI"))
	// Output: 西部(重庆)科学城ai
}
