package dgraphstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// TestTraversalsMatchBadger applies one synthetic graph (hubs, many equally
// short paths, all relation types) to both backends and asks both the same
// random neighbourhood, subgraph and path questions under various filters:
// the answers must be identical, ties included.
func TestTraversalsMatchBadger(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	b, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cs := synthGraph(600, 3)
	for _, c := range cs {
		if err := b.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	if err := b.EachEntity(ctx, func(e *graph.Entity) error { ids = append(ids, e.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	filters := []graph.Filter{
		{},
		{Direction: graph.Out},
		{Direction: graph.In, MinWeight: 2},
		{Relations: []graph.RelationType{graph.CoOccurs, graph.FocusesOn}},
		{Types: []graph.EntityType{graph.Platform, graph.Field, graph.Region}},
	}
	same := func(what string, got, want any, gerr, werr error) {
		t.Helper()
		if (gerr == nil) != (werr == nil) || (werr != nil && !errors.Is(gerr, graph.ErrNotFound) && errors.Is(werr, graph.ErrNotFound)) {
			t.Fatalf("%s: dgraph error %v, badger error %v", what, gerr, werr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s differs:\n dgraph %+v\n badger %+v", what, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range 60 {
		f := filters[i%len(filters)]
		a, z := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		nq := graph.NeighborQuery{Filter: f, Depth: 1 + i%3, Limit: []int{5, 30, 200}[i%3]}
		g1, e1 := s.Neighbors(ctx, a, nq)
		g2, e2 := b.Neighbors(ctx, a, nq)
		same(fmt.Sprintf("neighbors %s %+v", a, nq), g1, g2, e1, e2)

		pq := graph.PathQuery{Filter: f, MaxDepth: 2 + i%4}
		p1, e1 := s.ShortestPath(ctx, a, z, pq)
		p2, e2 := b.ShortestPath(ctx, a, z, pq)
		same(fmt.Sprintf("path %s %s %+v", a, z, pq), p1, p2, e1, e2)

		sq := graph.SubgraphQuery{Filter: f, Depth: i % 3, Limit: []int{3, 40}[i%2]}
		s1, e1 := s.Subgraph(ctx, []string{a, z}, sq)
		s2, e2 := b.Subgraph(ctx, []string{a, z}, sq)
		same(fmt.Sprintf("subgraph %s %s %+v", a, z, sq), s1, s2, e1, e2)

		r1, e1 := s.EntityRelations(ctx, a, f, 10)
		r2, e2 := b.EntityRelations(ctx, a, f, 10)
		same(fmt.Sprintf("relations of %s %+v", a, f), r1, r2, e1, e2)
	}
}
