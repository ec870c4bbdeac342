package extract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kg/extract/jieba"
	"kg/graph"
	"kg/seeds"
)

// TestGoldenFull extracts testdata/<case>.txt with the gojieba segmenter, as
// kg ingest does, and compares everything the contribution holds with
// testdata/<case>.full.golden: every entity with its aliases, attributes and
// spans, every relation (CO_OCCURS too) with its weight and each evidence's
// offsets and rule, and a digest of the evidence sentences. TestGolden's
// files are the readable summary; these catch any change at all, such as a
// change meant to make extraction faster. -update rewrites them.
func TestGoldenFull(t *testing.T) {
	seg := newSegmenter(t)
	x, err := New(Options{Segmenter: seg})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := x.Extract(context.Background(), graph.Document{ID: name}, string(data))
			if err != nil {
				t.Fatal(err)
			}
			got := fullDump(c)
			checkGolden(t, filepath.Join("testdata", name+".full.golden"), got, "TestGoldenFull")
		})
	}
}

// fullDump writes a contribution one line per entity and relation, in its
// own (sorted) order, names in place of IDs.
func fullDump(c *graph.Contribution) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "doc\t%s\t%s\t%d\t%s\n", c.Doc.ID, c.Doc.Region, c.Doc.Size, c.Doc.Hash)
	names := map[string]string{}
	for _, e := range c.Entities {
		names[graph.EntityID(e.Type, e.Name)] = string(e.Type) + ":" + e.Name
		var spans []string
		for _, s := range e.Spans {
			spans = append(spans, fmt.Sprintf("%d-%d", s.Start, s.End))
		}
		fmt.Fprintf(&b, "E\t%s\t%s\t%s\t%v\t%s\n", e.Type, e.Name, strings.Join(e.Aliases, "|"), e.Attrs, strings.Join(spans, " "))
	}
	sents := sha256.New()
	for _, r := range c.Relations {
		var evs []string
		for _, ev := range r.Evidence {
			evs = append(evs, fmt.Sprintf("%d-%d:%s", ev.Start, ev.End, ev.Rule))
			fmt.Fprintf(sents, "%s\x00%s\x00", ev.Doc, ev.Sentence)
		}
		fmt.Fprintf(&b, "R\t%s\t%s\t%s\t%g\t%s\n", r.Type, names[r.From], names[r.To], r.Weight, strings.Join(evs, " "))
	}
	fmt.Fprintf(&b, "sentences\t%x\n", sents.Sum(nil))
	return b.Bytes()
}

// newSegmenter loads gojieba with the seeds lexicon's names as user words,
// as kg ingest does.
func newSegmenter(tb testing.TB) *jieba.Segmenter {
	words, err := seeds.UserWords()
	if err != nil {
		tb.Fatal(err)
	}
	uw := make([]jieba.Word, len(words))
	for i, w := range words {
		uw[i] = jieba.Word{Text: w.Text, Tag: w.Tag, Freq: w.Freq}
	}
	seg, err := jieba.New(uw)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(seg.Close)
	return seg
}
