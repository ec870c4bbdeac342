package extract_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kg/extract"
	"kg/extract/eval"
	"kg/graph"
)

// heldoutDocs are corpus documents annotated for this project in
// testdata/heldout (following the gold GUIDELINES.md, not the official gold).
// The extraction rules were not tuned while reading them, so their score is a
// check that the rules generalise.
var heldoutDocs = []string{"cq_gwr_2026_sci", "sc_gwr_2025_sci", "sh_sci_center_reg_2020_ch4"}

// Floors a little under the pooled held-out scores reached when the test was
// last raised (entities F1 0.956, relations F1 0.968; floors 0.93): a drop below them is a
// regression on text the rules were not written for.
const (
	heldoutEntityF1   = 0.93
	heldoutRelationF1 = 0.93
)

// TestHeldout extracts the held-out documents from ../shared/corpus and
// fails when the pooled F1 falls under the floors. Set KG_EVAL_VERBOSE to list
// false positives and misses.
func TestHeldout(t *testing.T) {
	corpus := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("../shared/corpus not found")
	}
	x, err := extract.New(extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := &eval.Result{}
	for _, name := range heldoutDocs {
		text, err := os.ReadFile(filepath.Join(corpus, name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := eval.LoadGold(filepath.Join("testdata", "heldout", name))
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
	if f1 := total.EntityMicro().F1(); f1 < heldoutEntityF1 {
		t.Errorf("held-out entity F1 %.3f < floor %.3f", f1, heldoutEntityF1)
	}
	if f1 := total.RelationMicro().F1(); f1 < heldoutRelationF1 {
		t.Errorf("held-out relation F1 %.3f < floor %.3f", f1, heldoutRelationF1)
	}
}
