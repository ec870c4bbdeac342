package paths

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// The test graph: a square with a diagonal, one doubled edge and a tail.
//
//	A ──CO_OCCURS── B ── C
//	│  └LOCATED_IN─┘     │
//	│                    │
//	D ───────────────── E ── F        G (alone)
//	 └──────── C ───────┘   (D-C diagonal)
//
// A to C: A-B-C and A-D-C (length 2), then A-D-E-C (3).
func newGraph(t testing.TB) (*badgerstore.Store, map[string]string) {
	t.Helper()
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	names := []string{"A", "B", "C", "D", "E", "F", "G"}
	ids := map[string]string{}
	c := graph.Contribution{Doc: graph.Document{ID: "d1", Hash: strings.Repeat("0", 64)}}
	for i, n := range names {
		ec := graph.EntityContribution{Type: graph.Platform, Name: "平台" + n, Spans: []graph.Span{{Start: i, End: i + 1}}}
		ids[n] = ec.ID()
		c.Entities = append(c.Entities, ec)
	}
	edge := func(a, typ, b string, w float64) {
		from, to := ids[a], ids[b]
		k := graph.RelationKey{From: from, Type: graph.RelationType(typ), To: to}.Canonical()
		c.Relations = append(c.Relations, graph.RelationContribution{From: k.From, To: k.To, Type: k.Type, Weight: w,
			Evidence: []graph.Evidence{{Sentence: a + b, Start: 0, End: 2, Rule: "test"}}})
	}
	edge("A", "CO_OCCURS", "B", 1)
	edge("A", "LOCATED_IN", "B", 2)
	edge("B", "RELIES_ON", "C", 1)
	edge("A", "RELIES_ON", "D", 1)
	edge("D", "RELIES_ON", "E", 1)
	edge("E", "RELIES_ON", "C", 1)
	edge("D", "RELIES_ON", "C", 1)
	edge("E", "RELIES_ON", "F", 1)
	if err := st.Apply(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return st, ids
}

// chains renders paths as "A-B-C" strings.
func chains(ps []graph.Path) []string {
	var out []string
	for _, p := range ps {
		var b strings.Builder
		for i, n := range p.Nodes {
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteString(strings.TrimPrefix(n.Name, "平台"))
		}
		out = append(out, b.String())
	}
	return out
}

func TestAll(t *testing.T) {
	st, ids := newGraph(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		from, to string
		opt      Options
		want     []string
	}{
		{"shortest first, then longer", "A", "C", Options{}, []string{"A-B-C", "A-D-C", "A-D-E-C"}},
		{"max depth", "A", "C", Options{MaxDepth: 2}, []string{"A-B-C", "A-D-C"}},
		{"first", "A", "C", Options{First: 1}, []string{"A-B-C"}},
		{"parallel relations", "A", "C", Options{MaxDepth: 2, Parallel: true}, []string{"A-B-C", "A-B-C", "A-D-C"}},
		{"direction out", "A", "C", Options{Filter: graph.Filter{Direction: graph.Out, Relations: []graph.RelationType{graph.ReliesOn}}}, []string{"A-D-C", "A-D-E-C"}},
		{"direction in finds nothing", "A", "C", Options{Filter: graph.Filter{Direction: graph.In}}, nil},
		{"relation filter", "A", "C", Options{Filter: graph.Filter{Relations: []graph.RelationType{graph.LocatedIn, graph.ReliesOn}}, MaxDepth: 2}, []string{"A-B-C", "A-D-C"}},
		{"longer only", "A", "F", Options{}, []string{"A-D-E-F", "A-B-C-E-F", "A-D-C-E-F"}},
		{"no path", "A", "G", Options{}, nil},
		{"self", "A", "A", Options{}, []string{"A"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := All(ctx, st, ids[tc.from], ids[tc.to], tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := chains(res.Paths)
			if !slices.Equal(got, tc.want) {
				t.Errorf("paths %q, want %q", got, tc.want)
			}
			for _, p := range res.Paths {
				if len(p.Relations) != len(p.Nodes)-1 {
					t.Errorf("path %v has %d relations", chains([]graph.Path{p}), len(p.Relations))
				}
				for i, r := range p.Relations {
					a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
					if !(r.From == a && r.To == b || r.From == b && r.To == a) {
						t.Errorf("relation %d of %v does not join its nodes", i, chains([]graph.Path{p}))
					}
				}
			}
		})
	}
}

func TestAllBounds(t *testing.T) {
	st, ids := newGraph(t)
	t.Run("unknown entity", func(t *testing.T) {
		_, err := All(context.Background(), st, ids["A"], "e0000000000000000", Options{})
		if !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
	t.Run("expansion budget", func(t *testing.T) {
		res, err := All(context.Background(), st, ids["A"], ids["F"], Options{MaxExpansions: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Truncated {
			t.Errorf("not truncated: %q", chains(res.Paths))
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := All(ctx, st, ids["A"], ids["F"], Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	})
}

// BenchmarkAll measures the search on a ladder graph whose number of paths
// grows with its length.
func BenchmarkAll(b *testing.B) {
	for _, rungs := range []int{4, 16} {
		b.Run(fmt.Sprint("rungs=", rungs), func(b *testing.B) {
			st, err := badgerstore.Open(b.TempDir(), badgerstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			c := graph.Contribution{Doc: graph.Document{ID: "d", Hash: strings.Repeat("0", 64)}}
			id := func(side string, i int) string { return graph.EntityID(graph.Field, fmt.Sprintf("%s%d", side, i)) }
			for i := 0; i < rungs; i++ {
				for _, side := range []string{"L", "R"} {
					c.Entities = append(c.Entities, graph.EntityContribution{Type: graph.Field, Name: fmt.Sprintf("%s%d", side, i), Spans: []graph.Span{{Start: 0, End: 1}}})
				}
			}
			add := func(a, b string) {
				k := graph.RelationKey{From: a, Type: graph.CoOccurs, To: b}.Canonical()
				c.Relations = append(c.Relations, graph.RelationContribution{From: k.From, To: k.To, Type: k.Type, Weight: 1})
			}
			for i := 0; i < rungs; i++ {
				add(id("L", i), id("R", i))
				if i > 0 {
					add(id("L", i-1), id("L", i))
					add(id("R", i-1), id("R", i))
				}
			}
			if err := st.Apply(context.Background(), &c); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := All(context.Background(), st, id("L", 0), id("R", rungs-1), Options{MaxDepth: 6, First: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
