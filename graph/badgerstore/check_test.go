package badgerstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// testDoc builds a deterministic pseudo-random document: entities from a
// pool of pool names, relations among them with evidence, sometimes a date,
// aliases and attributes. nrel relations.
func testDoc(seed int64, id string, pool, nent, nrel int) *graph.Contribution {
	rng := rand.New(rand.NewSource(seed))
	c := &graph.Contribution{Doc: graph.Document{ID: id, Source: "test/" + id + ".txt", Hash: fmt.Sprintf("h%d", seed), Size: 1000}}
	if rng.Intn(3) > 0 {
		c.Doc.Date = fmt.Sprintf("202%d-0%d-1%d", rng.Intn(5), 1+rng.Intn(9), rng.Intn(10))
	}
	seen := map[string]bool{}
	var ids []string
	for len(ids) < nent {
		k := rng.Intn(pool)
		t := graph.EntityTypes[k%len(graph.EntityTypes)]
		name := fmt.Sprintf("实体%d号", k)
		if rng.Intn(4) == 0 {
			name = fmt.Sprintf("实体%d号 ", k) // same entity, another surface form
		}
		ec := graph.EntityContribution{Type: t, Name: name}
		if seen[ec.ID()] {
			continue
		}
		seen[ec.ID()] = true
		if rng.Intn(5) == 0 {
			ec.Aliases = []string{fmt.Sprintf("别名%d", rng.Intn(pool))}
		}
		if rng.Intn(7) == 0 {
			ec.Attrs = map[string]string{"level": fmt.Sprint(rng.Intn(3))}
		}
		for range 1 + rng.Intn(3) {
			s := rng.Intn(900)
			ec.Spans = append(ec.Spans, graph.Span{Start: s, End: s + 4})
		}
		c.Entities = append(c.Entities, ec)
		ids = append(ids, ec.ID())
	}
	for range nrel {
		a, b := ids[rng.Intn(len(ids))], ids[rng.Intn(len(ids))]
		if a == b {
			continue
		}
		rt := graph.RelationTypes[rng.Intn(len(graph.RelationTypes))]
		s := rng.Intn(900)
		c.Relations = append(c.Relations, graph.RelationContribution{
			From: a, To: b, Type: rt, Weight: float64(1+rng.Intn(4)) / 2,
			Evidence: []graph.Evidence{{Sentence: strings.Repeat("句", 10+rng.Intn(30)), Start: s, End: s + 30, Rule: "r" + fmt.Sprint(rng.Intn(3))}},
		})
	}
	return c
}

// rawDump lists every live key and value of the store.
func rawDump(t testing.TB, s *Store) string {
	t.Helper()
	var b strings.Builder
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%q %s\n", it.Item().Key(), hex.EncodeToString(v))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkInvariants recomputes the whole graph from the contribution records
// and compares it with everything stored: entity and relation records,
// mentions, per-document relation records, name and rank indexes, counters.
// It also checks that no journal is left.
func checkInvariants(t testing.TB, s *Store) {
	t.Helper()
	w := s.newWtx()
	defer w.discard()
	// Rebuild into an empty overlay: pretend nothing is stored.
	want := &wtx{s: s, rd: w.rd, puts: map[string]op{}, ents: map[string]*entState{}, rels: map[graph.RelationKey]*relState{}, cnt: map[string]int64{}}
	stored := map[string][]byte{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			stored[string(it.Item().KeyCopy(nil))] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for k := range stored {
		if k[0] == pDoc {
			docs = append(docs, k[1:len(k)-1])
		}
		if k[0] == pJournal || k[0] == pJCommit {
			t.Errorf("journal key %q left", k)
		}
	}
	sort.Strings(docs)
	for _, d := range docs {
		r, _, err := w.loadRecord(d)
		if err != nil || r == nil {
			t.Fatalf("record of %s: %v", d, err)
		}
		// Entities and relations start from nothing in the rebuild.
		ents, rels := r.applied()
		for _, a := range ents {
			if _, ok := want.ents[a.id]; !ok {
				want.ents[a.id] = &entState{}
				if st, _ := w.entity(a.id); st != nil && st.rec != nil {
					want.ents[a.id].rec = &entRec{Type: a.typ, Curated: st.rec.Curated}
				}
			}
		}
		for _, a := range rels {
			if _, ok := want.rels[a.key]; !ok {
				want.rels[a.key] = &relState{}
			}
		}
		if err := want.addRecord(r, +1); err != nil {
			t.Fatal(err)
		}
		want.cnt["docs"]++
		if err := want.putRecord(r, 0); err != nil {
			t.Fatal(err)
		}
	}
	for k := range stored {
		if k[0] == pCounter {
			want.puts[k] = op{del: true} // the rebuild counts from zero
		}
	}
	if err := want.finish(); err != nil {
		t.Fatal(err)
	}
	expect := map[string][]byte{}
	for k, o := range want.puts {
		if !o.del {
			expect[k] = o.val
		}
	}
	for k, v := range stored {
		switch k[0] {
		case pMeta, pCurate:
			continue
		}
		ev, ok := expect[k]
		if !ok {
			t.Errorf("stored key %q is not supported by any document", k)
			continue
		}
		if !bytes.Equal(ev, v) && !(len(ev) == 0 && len(v) == 0) {
			t.Errorf("key %q: stored %x, recomputed %x", k, v, ev)
		}
	}
	for k := range expect {
		if _, ok := stored[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	// Degree is the number of incident relations.
	deg := map[string]int64{}
	for k := range stored {
		if k[0] == pOut {
			parts, _ := splitStrs([]byte(k), 3)
			deg[parts[0]]++
			deg[parts[2]]++
		}
	}
	for k, v := range stored {
		if k[0] == pEntity {
			r, err := decodeEnt(v)
			if err != nil {
				t.Fatal(err)
			}
			id := k[1 : len(k)-1]
			if r.Degree != deg[id] {
				t.Errorf("entity %s degree %d, has %d relations", id, r.Degree, deg[id])
			}
		}
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ne, nr int64
	for k := range stored {
		switch k[0] {
		case pEntity:
			ne++
		case pOut:
			nr++
		}
	}
	if st.Entities != ne || st.Relations != nr || st.Documents != int64(len(docs)) {
		t.Errorf("stats %+v; stored %d docs, %d entities, %d relations", st, len(docs), ne, nr)
	}
}

func TestInvariantsCatchDamage(t *testing.T) {
	// The checker itself must fail on a store that lost part of a document.
	s := openT(t, Options{})
	ctx := context.Background()
	for i := range 5 {
		if err := s.Apply(ctx, testDoc(int64(i), fmt.Sprintf("d%d", i), 30, 8, 12)); err != nil {
			t.Fatal(err)
		}
	}
	var victim []byte
	s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pRelDoc}})
		defer it.Close()
		it.Rewind()
		victim = it.Item().KeyCopy(nil)
		return nil
	})
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(victim) }); err != nil {
		t.Fatal(err)
	}
	ft := &fakeT{TB: t}
	checkInvariants(ft, s)
	if !ft.failed {
		t.Fatal("checkInvariants did not notice a missing evidence record")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

func openT(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
