package dgraphstore

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dgraph-io/dgo/v250/protos/api"

	"kg/graph"
	"kg/graph/badgerstore"
)

// TestRDFRoundTrip exports a Badger store as N-Quads, loads them with
// Dgraph's own RDF parser into the test cluster, and reads the result back
// through this package: the dumps must be identical.
func TestRDFRoundTrip(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	b, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, c := range corpus(15, 5) {
		if err := b.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var schema, quads bytes.Buffer
	if err := WriteRDFSchema(ctx, b, &schema); err != nil {
		t.Fatal(err)
	}
	if err := WriteRDF(ctx, b, &quads); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(schema.String(), "rel.FOCUSES_ON: [uid] @reverse @count .") {
		t.Fatalf("schema lacks the relation predicates:\n%.500s", schema.String())
	}
	// The export must load into an empty cluster: drop kg's own meta node.
	if err := s.dg.Alter(ctx, &api.Operation{DropAll: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.dg.Alter(ctx, &api.Operation{Schema: schema.String()}); err != nil {
		t.Fatalf("load schema: %v", err)
	}
	if _, err := s.dg.NewTxn().Mutate(ctx, &api.Mutation{SetNquads: quads.Bytes(), CommitNow: true}); err != nil {
		t.Fatalf("load N-Quads: %v", err)
	}
	loaded := connect(t)
	diffDumps(t, dumpOf(t, loaded), dumpOf(t, b))

	// The search keys came along: a prefix search finds what Badger finds.
	for _, text := range []string{"重庆", "人", "大学区"} {
		q := graph.SearchQuery{Text: text}
		got, err := loaded.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := b.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Entities) == 0 || len(got.Entities) != len(want.Entities) {
			t.Errorf("search %q: %d entities, Badger %d", text, len(got.Entities), len(want.Entities))
		}
	}
}
