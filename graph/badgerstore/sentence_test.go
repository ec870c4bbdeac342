package badgerstore

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// sentenceDoc is a document whose one long sentence is the evidence of
// three relations, and a second sentence of one more.
func sentenceDoc(id string, sentences ...string) *graph.Contribution {
	c := &graph.Contribution{Doc: graph.Document{ID: id, Title: id, Date: "2024-01-02"}}
	for _, n := range []string{"甲部", "乙部", "丙部", "丁部"} {
		c.Entities = append(c.Entities, graph.EntityContribution{Type: graph.EntityTypes[0], Name: n, Spans: []graph.Span{{Start: 1, End: 3}}})
	}
	id0 := func(i int) string { return c.Entities[i].ID() }
	for i, s := range sentences {
		ev := []graph.Evidence{{Sentence: s, Start: 10 * i, End: 10*i + 5, Rule: "co"}}
		c.Relations = append(c.Relations,
			graph.RelationContribution{From: id0(0), To: id0(1 + i%3), Type: graph.RelationTypes[0], Weight: 1, Evidence: ev},
			graph.RelationContribution{From: id0(1), To: id0(2), Type: graph.RelationTypes[0], Weight: 1, Evidence: ev},
			graph.RelationContribution{From: id0(2), To: id0(3), Type: graph.RelationTypes[0], Weight: 1, Evidence: ev})
	}
	return c
}

// storedSentences lists the t keys' values and reports whether any w or c
// value holds a sentence's text.
func storedSentences(t *testing.T, s *Store, texts []string) (got []string, copied bool) {
	t.Helper()
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			switch it.Item().Key()[0] {
			case pSentence:
				got = append(got, string(v))
			case pRelDoc, pContrib:
				for _, s := range texts {
					copied = copied || bytes.Contains(v, []byte(s))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, copied
}

func TestSentencesStoredOnce(t *testing.T) {
	ctx := context.Background()
	long := "国务院关于加快科技成果转化的若干意见，由科学技术部会同有关部门组织实施。"
	short := "第二句话。"
	for _, tc := range []struct {
		name string
		load func(*Store, *graph.Contribution) error
	}{
		{"apply", func(s *Store, c *graph.Contribution) error { return s.Apply(ctx, c) }},
		{"bulk", func(s *Store, c *graph.Contribution) error {
			return s.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return yield(c) })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openT(t, Options{})
			c := sentenceDoc("d1", long, short, long)
			if err := tc.load(s, c); err != nil {
				t.Fatal(err)
			}
			got, copied := storedSentences(t, s, []string{long, short})
			if want := []string{long, short}; !reflect.DeepEqual(got, want) {
				t.Errorf("sentences stored %q, want %q (each once, in text order)", got, want)
			}
			if copied {
				t.Error("a relation or contribution record holds a sentence's text")
			}
			// Evidence gives back every sentence as applied.
			for _, rc := range c.Relations {
				k := graph.RelationKey{From: rc.From, Type: rc.Type, To: rc.To}
				ev, err := s.Evidence(ctx, k, 0)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, e := range ev {
					want := rc.Evidence[0]
					want.Doc = "d1"
					found = found || e == want
					if e.Sentence != long && e.Sentence != short {
						t.Errorf("evidence sentence %q", e.Sentence)
					}
				}
				if !found {
					t.Errorf("evidence of %v: %+v lacks %+v", k, ev, rc.Evidence[0])
				}
			}
			checkInvariants(t, s)
		})
	}
	t.Run("replace and delete", func(t *testing.T) {
		s := openT(t, Options{})
		if err := s.Apply(ctx, sentenceDoc("d1", long, short)); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, sentenceDoc("d1", short)); err != nil {
			t.Fatal(err)
		}
		if got, _ := storedSentences(t, s, nil); !reflect.DeepEqual(got, []string{short}) {
			t.Errorf("after replace, sentences %q, want only %q", got, short)
		}
		checkInvariants(t, s)
		if err := s.Delete(ctx, "d1"); err != nil {
			t.Fatal(err)
		}
		if got, _ := storedSentences(t, s, nil); len(got) != 0 {
			t.Errorf("after delete, sentences %q left", got)
		}
	})
}
