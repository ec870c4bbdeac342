package graphtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"kg/graph"
)

// Opener returns a new, empty store; the caller's t.Cleanup closes it.
type Opener func(t testing.TB) graph.Store

// TestAll runs the whole conformance suite against the stores open returns.
func TestAll(t *testing.T, open func(t testing.TB) graph.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Stats", testStats},
		{"Entity", testEntity},
		{"EntitiesByName", testEntitiesByName},
		{"Search", testSearch},
		{"Entities", testEntities},
		{"Relations", testRelations},
		{"Evidence", testEvidence},
		{"Documents", testDocuments},
		{"EntityDocuments", testEntityDocuments},
		{"Neighbors", testNeighbors},
		{"ShortestPath", testShortestPath},
		{"Subgraph", testSubgraph},
		{"Each", testEach},
		{"Idempotent", testIdempotent},
		{"Replace", testReplace},
		{"Delete", testDelete},
		{"DeleteAll", testDeleteAll},
		{"OrderIndependent", testOrderIndependent},
		{"Invalid", testInvalid},
		{"Closed", testClosed},
		{"Merge", testMerge},
		{"AddAlias", testAddAlias},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

func fixtureStore(t *testing.T, open Opener) graph.Store {
	t.Helper()
	s := open(t)
	for _, c := range fixture() {
		if err := s.Apply(context.Background(), c); err != nil {
			t.Fatalf("apply %s: %v", c.Doc.ID, err)
		}
	}
	return s
}

func dump(t testing.TB, s graph.Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := graph.Dump(context.Background(), s, &b); err != nil {
		t.Fatalf("dump: %v", err)
	}
	return b.String()
}

func ids(es []graph.Entity) []string {
	out := make([]string, len(es))
	for i := range es {
		out[i] = es[i].ID
	}
	return out
}

func names(es []graph.Entity) []string {
	out := make([]string, len(es))
	for i := range es {
		out[i] = es[i].Name
	}
	return out
}

func relStrings(rs []graph.Relation) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s-%s->%s w=%g", r.From, r.Type, r.To, r.Weight)
	}
	return out
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}

func testStats(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 0 || st.Entities != 0 || st.Relations != 0 {
		t.Errorf("empty store stats = %+v", st)
	}
	for _, c := range fixture() {
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	st, err = s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "counts", [3]int64{st.Documents, st.Entities, st.Relations}, [3]int64{3, 8, 8})
	eq(t, "by type", st.ByType, map[graph.EntityType]int64{
		graph.Platform: 2, graph.Region: 2, graph.Field: 2, graph.Institution: 1, graph.Measure: 1,
	})
	eq(t, "by relation", st.ByRel, map[graph.RelationType]int64{
		graph.FocusesOn: 3, graph.LocatedIn: 3, graph.CoOccurs: 1, graph.Involves: 1,
	})
}

func testEntity(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	tests := []struct {
		id   string
		want graph.Entity
	}{
		{idCity, graph.Entity{ID: idCity, Type: graph.Platform, Name: nCity, Aliases: []string{"科学城", nCityW},
			Mentions: 4, Docs: 2, Degree: 5, First: "2023-01-10", Last: "2024-05-01"}},
		{idAI, graph.Entity{ID: idAI, Type: graph.Field, Name: nAI, Mentions: 3, Docs: 3, Degree: 2,
			First: "2023-01-10", Last: "2024-05-01"}},
		{idCD, graph.Entity{ID: idCD, Type: graph.Region, Name: nCD, Mentions: 1, Docs: 1, Degree: 1}},
		{idCQ, graph.Entity{ID: idCQ, Type: graph.Region, Name: nCQ, Mentions: 2, Docs: 1, Degree: 2,
			First: "2023-01-10", Last: "2023-01-10"}},
	}
	for _, tc := range tests {
		t.Run(tc.want.Name, func(t *testing.T) {
			got, err := s.Entity(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "entity", *got, tc.want)
		})
	}
	_, err := s.Entity(ctx, "e0000000000000000")
	wantErr(t, err, graph.ErrNotFound)
}

func testEntitiesByName(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	tests := []struct {
		name  string
		types []graph.EntityType
		want  []string
		err   error
	}{
		{name: nCity, want: []string{idCity}},
		{name: "西部〔重庆〕科学城", want: []string{idCity}},
		{name: " 西部（重庆）科学城 ", want: []string{idCity}},
		{name: "科学城", want: []string{idCity}},
		{name: "科学城", types: []graph.EntityType{graph.Platform, graph.Field}, want: []string{idCity}},
		{name: "科学城", types: []graph.EntityType{graph.Region}, err: graph.ErrNotFound},
		{name: "重庆", want: []string{idCQ}},
		{name: "重", err: graph.ErrNotFound},
		{name: "  ", err: graph.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.EntitiesByName(ctx, tc.name, tc.types...)
			if tc.err != nil {
				wantErr(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "ids", ids(got), tc.want)
		})
	}
}

// pages collects every page of a paged listing.
func pages(t *testing.T, next func(after string) (graph.EntityPage, error)) [][]string {
	t.Helper()
	var out [][]string
	after := ""
	for i := 0; ; i++ {
		if i > 100 {
			t.Fatal("paging does not end")
		}
		p, err := next(after)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, names(p.Entities))
		if p.Next == "" {
			return out
		}
		after = p.Next
	}
}

func testSearch(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	tests := []struct {
		name string
		q    graph.SearchQuery
		want [][]string
	}{
		{"prefix", graph.SearchQuery{Text: "重庆"}, [][]string{{nCQ, nCQU}}},
		{"prefix normalised", graph.SearchQuery{Text: "西部（"}, [][]string{{nCity}}},
		{"prefix alias", graph.SearchQuery{Text: "科学"}, [][]string{{nCity}}},
		{"substring", graph.SearchQuery{Text: "重庆", Mode: graph.Substring}, [][]string{{nCity, nCQ, nCQU}}},
		{"substring paged", graph.SearchQuery{Text: "重庆", Mode: graph.Substring, Limit: 1},
			[][]string{{nCity}, {nCQ}, {nCQU}}},
		{"substring once per entity", graph.SearchQuery{Text: "科学城", Mode: graph.Substring}, [][]string{{nCity}}},
		{"substring typed", graph.SearchQuery{Text: "重庆", Mode: graph.Substring, Types: []graph.EntityType{graph.Region, graph.Institution}},
			[][]string{{nCQ, nCQU}}},
		{"paged exactly", graph.SearchQuery{Text: "重庆", Limit: 2}, [][]string{{nCQ, nCQU}}},
		{"none", graph.SearchQuery{Text: "北京"}, [][]string{{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pages(t, func(after string) (graph.EntityPage, error) {
				q := tc.q
				q.After = after
				return s.Search(ctx, q)
			})
			eq(t, "pages", got, tc.want)
		})
	}
	_, err := s.Search(ctx, graph.SearchQuery{Text: "重庆", After: "not a cursor!"})
	wantErr(t, err, graph.ErrInvalid)
}

func testEntities(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	tests := []struct {
		name string
		q    graph.EntityQuery
		want [][]string
	}{
		// Mentions: city 4, AI 3, 重庆 2, the rest 1 (by ID).
		{"mentions", graph.EntityQuery{Order: graph.ByMentions, Limit: 3},
			[][]string{{nCity, nAI, nCQ}, {nTalent, nTF, nCQU}, {nIC, nCD}}},
		// Degree: city 5, AI 2, 重庆 2, 重庆大学 2, 天府 2, then 1.
		{"degree", graph.EntityQuery{Order: graph.ByDegree},
			[][]string{{nCity, nTF, nCQU, nAI, nCQ, nTalent, nIC, nCD}}},
		{"docs", graph.EntityQuery{Order: graph.ByDocs},
			[][]string{{nAI, nCity, nTalent, nTF, nCQU, nIC, nCQ, nCD}}},
		{"name", graph.EntityQuery{Order: graph.ByName, Limit: 5},
			[][]string{sortByNorm(nAI, nTalent, nTF, nCD, nCity, nIC, nCQ, nCQU)[:5], sortByNorm(nAI, nTalent, nTF, nCD, nCity, nIC, nCQ, nCQU)[5:]}},
		{"typed", graph.EntityQuery{Type: graph.Field, Order: graph.ByMentions}, [][]string{{nAI, nIC}}},
		{"typed none", graph.EntityQuery{Type: "nosuchtype", Order: graph.ByMentions}, [][]string{{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pages(t, func(after string) (graph.EntityPage, error) {
				q := tc.q
				q.After = after
				return s.Entities(ctx, q)
			})
			eq(t, "pages", got, tc.want)
		})
	}
}

func sortByNorm(ns ...string) []string {
	slices.SortFunc(ns, func(a, b string) int { return strings.Compare(graph.Normalize(a), graph.Normalize(b)) })
	return ns
}

func testRelations(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	r, err := s.Relation(ctx, graph.RelationKey{From: idCity, Type: graph.FocusesOn, To: idAI})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "relation", *r, graph.Relation{From: idCity, To: idAI, Type: graph.FocusesOn, Weight: 3, Docs: 2,
		First: "2023-01-10", Last: "2024-05-01"})
	// Undirected: either order names the one stored relation, From < To.
	for _, k := range []graph.RelationKey{{From: idCity, Type: graph.CoOccurs, To: idCQU}, {From: idCQU, Type: graph.CoOccurs, To: idCity}} {
		r, err := s.Relation(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "co-occurrence", [2]string{r.From, r.To}, [2]string{idCQU, idCity})
	}
	_, err = s.Relation(ctx, graph.RelationKey{From: idAI, Type: graph.FocusesOn, To: idCity})
	wantErr(t, err, graph.ErrNotFound)

	between, err := s.RelationsBetween(ctx, idCity, idCQU)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "between", relStrings(between), []string{idCQU + "-CO_OCCURS->" + idCity + " w=1"})
	between, err = s.RelationsBetween(ctx, idTalent, idCity)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "between", relStrings(between), []string{idTalent + "-INVOLVES->" + idCity + " w=1"})

	tests := []struct {
		name  string
		f     graph.Filter
		limit int
		want  []string
	}{
		{"all", graph.Filter{}, 0, []string{
			idCity + "-FOCUSES_ON->" + idAI + " w=3",
			idCQU + "-CO_OCCURS->" + idCity + " w=1",
			idCity + "-FOCUSES_ON->" + idIC + " w=1",
			idTalent + "-INVOLVES->" + idCity + " w=1",
			idCity + "-LOCATED_IN->" + idCQ + " w=1",
		}},
		{"limit", graph.Filter{}, 2, []string{
			idCity + "-FOCUSES_ON->" + idAI + " w=3",
			idCQU + "-CO_OCCURS->" + idCity + " w=1",
		}},
		{"in", graph.Filter{Direction: graph.In}, 0, []string{
			idCQU + "-CO_OCCURS->" + idCity + " w=1",
			idTalent + "-INVOLVES->" + idCity + " w=1",
		}},
		{"types", graph.Filter{Types: []graph.EntityType{graph.Field}}, 0, []string{
			idCity + "-FOCUSES_ON->" + idAI + " w=3",
			idCity + "-FOCUSES_ON->" + idIC + " w=1",
		}},
		{"min weight", graph.Filter{MinWeight: 2}, 0, []string{idCity + "-FOCUSES_ON->" + idAI + " w=3"}},
		{"relation type", graph.Filter{Relations: []graph.RelationType{graph.LocatedIn, graph.Involves}}, 0, []string{
			idTalent + "-INVOLVES->" + idCity + " w=1",
			idCity + "-LOCATED_IN->" + idCQ + " w=1",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.EntityRelations(ctx, idCity, tc.f, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "relations", relStrings(got), tc.want)
		})
	}
	_, err = s.EntityRelations(ctx, "e0000000000000000", graph.Filter{}, 0)
	wantErr(t, err, graph.ErrNotFound)
}

func testEvidence(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	k := graph.RelationKey{From: idCity, Type: graph.FocusesOn, To: idAI}
	ev, err := s.Evidence(ctx, k, 0)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, e := range ev {
		docs = append(docs, e.Doc)
		if e.Sentence == "" || e.Rule != "test.FOCUSES_ON" {
			t.Errorf("evidence %+v lost its sentence or rule", e)
		}
	}
	eq(t, "evidence docs", docs, []string{"d1", "d2"})
	ev, err = s.Evidence(ctx, k, 1)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "limited", len(ev), 1)
	ev, err = s.Evidence(ctx, graph.RelationKey{From: idCity, Type: graph.CoOccurs, To: idCQU}, 0)
	if err != nil || len(ev) != 1 || ev[0].Doc != "d1" || ev[0].Start != 40 {
		t.Errorf("undirected evidence = %+v, %v", ev, err)
	}
	_, err = s.Evidence(ctx, graph.RelationKey{From: idAI, Type: graph.FocusesOn, To: idCity}, 0)
	wantErr(t, err, graph.ErrNotFound)
}

func testDocuments(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	d, err := s.Document(ctx, "d2")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "document", *d, doc2().Doc)
	_, err = s.Document(ctx, "d9")
	wantErr(t, err, graph.ErrNotFound)
	var got []string
	after := ""
	for {
		p, err := s.Documents(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Documents {
			got = append(got, d.ID)
		}
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	eq(t, "documents", got, []string{"d1", "d2", "d3"})
}

func testEntityDocuments(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	got, err := s.EntityDocuments(ctx, idCity, 0)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "mentions", got, []graph.DocMentions{
		{Doc: "d1", Spans: []graph.Span{{Start: 0, End: 9}, {Start: 40, End: 49}}},
		{Doc: "d2", Spans: []graph.Span{{Start: 0, End: 9}, {Start: 28, End: 31}}},
	})
	got, err = s.EntityDocuments(ctx, idAI, 2)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "limited", len(got), 2)
	_, err = s.EntityDocuments(ctx, "e0000000000000000", 0)
	wantErr(t, err, graph.ErrNotFound)
}

// relKeys renders relations as "From Type To" in the order given.
func relKeys(rels []graph.Relation) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = r.From + " " + string(r.Type) + " " + r.To
	}
	return out
}

func testNeighbors(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	k := func(from string, rt graph.RelationType, to string) string {
		c := graph.RelationKey{From: from, Type: rt, To: to}.Canonical()
		return c.From + " " + string(rt) + " " + c.To
	}
	var (
		cityAI     = k(idCity, graph.FocusesOn, idAI)
		cityIC     = k(idCity, graph.FocusesOn, idIC)
		cityCQ     = k(idCity, graph.LocatedIn, idCQ)
		cityCQU    = k(idCity, graph.CoOccurs, idCQU)
		talentCity = k(idTalent, graph.Involves, idCity)
		cquCQ      = k(idCQU, graph.LocatedIn, idCQ)
		tfCD       = k(idTF, graph.LocatedIn, idCD)
		tfAI       = k(idTF, graph.FocusesOn, idAI)
	)
	// The relations are the edges the traversal walked, from a node to one
	// a hop further out: at depth 1 from 科学城, 重庆大学 LOCATED_IN 重庆
	// joins two neighbours and is left out; going out from 重庆大学, 科学城
	// LOCATED_IN 重庆 joins two nodes of the first layer and is left out.
	tests := []struct {
		name      string
		start     string
		q         graph.NeighborQuery
		nodes     []string
		rels      []string
		truncated bool
	}{
		{"depth 1", idCity, graph.NeighborQuery{Depth: 1},
			[]string{idCity, idAI, idTalent, idCQU, idIC, idCQ}, []string{cityAI, cityIC, cityCQ, cityCQU, talentCity}, false},
		{"out", idCity, graph.NeighborQuery{Depth: 1, Filter: graph.Filter{Direction: graph.Out}},
			[]string{idCity, idAI, idCQU, idIC, idCQ}, []string{cityAI, cityIC, cityCQ, cityCQU}, false},
		{"in", idCity, graph.NeighborQuery{Depth: 1, Filter: graph.Filter{Direction: graph.In}},
			[]string{idCity, idTalent, idCQU}, []string{talentCity, cityCQU}, false},
		{"min weight", idCity, graph.NeighborQuery{Depth: 1, Filter: graph.Filter{MinWeight: 2}},
			[]string{idCity, idAI}, []string{cityAI}, false},
		{"types", idCity, graph.NeighborQuery{Depth: 1, Filter: graph.Filter{Types: []graph.EntityType{graph.Field}}},
			[]string{idCity, idAI, idIC}, []string{cityAI, cityIC}, false},
		{"relation types", idCity, graph.NeighborQuery{Depth: 1, Filter: graph.Filter{Relations: []graph.RelationType{graph.CoOccurs}}},
			[]string{idCity, idCQU}, []string{cityCQU}, false},
		{"limit", idCity, graph.NeighborQuery{Depth: 1, Limit: 2},
			[]string{idCity, idAI, idTalent}, []string{cityAI, talentCity}, true},
		{"depth 2", idCD, graph.NeighborQuery{Depth: 2},
			[]string{idCD, idTF, idAI}, []string{tfCD, tfAI}, false},
		{"depth 3", idCD, graph.NeighborQuery{Depth: 3},
			[]string{idCD, idTF, idAI, idCity}, []string{tfCD, tfAI, cityAI}, false},
		{"depth 2 out", idCQU, graph.NeighborQuery{Depth: 2, Filter: graph.Filter{Direction: graph.Out}},
			[]string{idCQU, idCity, idCQ, idAI, idIC}, []string{cquCQ, cityCQU, cityAI, cityIC}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sg, err := s.Neighbors(ctx, tc.start, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "nodes", ids(sg.Nodes), tc.nodes)
			got := relKeys(sg.Relations)
			if !slices.IsSortedFunc(sg.Relations, func(a, b graph.Relation) int { return keyCmp(a.Key(), b.Key()) }) {
				t.Errorf("relations not in (From, Type, To) order: %v", got)
			}
			want := slices.Clone(tc.rels)
			slices.Sort(got)
			slices.Sort(want)
			eq(t, "relations", got, want)
			eq(t, "truncated", sg.Truncated, tc.truncated)
			checkClosed(t, sg)
		})
	}
	_, err := s.Neighbors(ctx, idCity, graph.NeighborQuery{Depth: 0})
	wantErr(t, err, graph.ErrInvalid)
	_, err = s.Neighbors(ctx, idCity, graph.NeighborQuery{Depth: 4})
	wantErr(t, err, graph.ErrInvalid)
	_, err = s.Neighbors(ctx, "e0000000000000000", graph.NeighborQuery{Depth: 1})
	wantErr(t, err, graph.ErrNotFound)
}

func keyCmp(a, b graph.RelationKey) int {
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	return strings.Compare(a.To, b.To)
}

// checkClosed checks that every edge's endpoints are among the nodes.
func checkClosed(t *testing.T, sg *graph.Subgraph) {
	t.Helper()
	in := map[string]bool{}
	for _, n := range sg.Nodes {
		if in[n.ID] {
			t.Errorf("node %s listed twice", n.ID)
		}
		in[n.ID] = true
	}
	for _, r := range sg.Relations {
		if !in[r.From] || !in[r.To] {
			t.Errorf("edge %s-%s->%s leaves the subgraph", r.From, r.Type, r.To)
		}
		if len(r.Evidence) != 0 {
			t.Errorf("edge %s carries evidence", r.Key())
		}
	}
}

func testShortestPath(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	tests := []struct {
		name     string
		from, to string
		q        graph.PathQuery
		nodes    []string
		err      error
	}{
		{"same", idCQ, idCQ, graph.PathQuery{}, []string{idCQ}, nil},
		{"one hop", idCity, idAI, graph.PathQuery{}, []string{idCity, idAI}, nil},
		{"three hops", idCQU, idTF, graph.PathQuery{}, []string{idCQU, idCity, idAI, idTF}, nil},
		{"reverse", idTF, idCQU, graph.PathQuery{}, []string{idTF, idAI, idCity, idCQU}, nil},
		// 重庆大学 to 人工智能: via 科学城 (CO_OCCURS) or 重庆 then 科学城 is
		// longer; 2 hops through the city.
		{"smallest ids", idCQ, idAI, graph.PathQuery{}, []string{idCQ, idCity, idAI}, nil},
		{"too deep", idCQU, idTF, graph.PathQuery{MaxDepth: 2}, nil, graph.ErrNotFound},
		{"directed", idCQU, idTF, graph.PathQuery{Filter: graph.Filter{Direction: graph.Out}}, nil, graph.ErrNotFound},
		{"directed ok", idTalent, idAI, graph.PathQuery{Filter: graph.Filter{Direction: graph.Out}}, []string{idTalent, idCity, idAI}, nil},
		{"undirected in", idCQU, idCity, graph.PathQuery{Filter: graph.Filter{Direction: graph.In, Relations: []graph.RelationType{graph.CoOccurs}}},
			[]string{idCQU, idCity}, nil},
		{"undirected out", idCity, idCQU, graph.PathQuery{Filter: graph.Filter{Direction: graph.Out, Relations: []graph.RelationType{graph.CoOccurs}}},
			[]string{idCity, idCQU}, nil},
		{"directed in", idCQ, idCQU, graph.PathQuery{Filter: graph.Filter{Direction: graph.In}},
			[]string{idCQ, idCQU}, nil},
		{"directed in only", idCQ, idAI, graph.PathQuery{Filter: graph.Filter{Direction: graph.In}}, nil, graph.ErrNotFound},
		{"types", idCQ, idAI, graph.PathQuery{Filter: graph.Filter{Types: []graph.EntityType{graph.Institution}}}, nil, graph.ErrNotFound},
		{"relation types", idCity, idCD, graph.PathQuery{Filter: graph.Filter{Relations: []graph.RelationType{graph.FocusesOn}}}, nil, graph.ErrNotFound},
		{"missing", idCity, "e0000000000000000", graph.PathQuery{}, nil, graph.ErrNotFound},
		{"bad depth", idCity, idAI, graph.PathQuery{MaxDepth: 9}, nil, graph.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ShortestPath(ctx, tc.from, tc.to, tc.q)
			if tc.err != nil {
				wantErr(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "path", ids(p.Nodes), tc.nodes)
			if len(p.Relations) != len(p.Nodes)-1 {
				t.Fatalf("%d relations for %d nodes", len(p.Relations), len(p.Nodes))
			}
			for i, r := range p.Relations {
				a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
				if !(r.From == a && r.To == b || r.From == b && r.To == a) {
					t.Errorf("relation %d %s does not join %s and %s", i, r.Key(), a, b)
				}
			}
		})
	}
}

func testSubgraph(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	tests := []struct {
		name      string
		seeds     []string
		q         graph.SubgraphQuery
		nodes     []string
		rels      int
		truncated bool
	}{
		{"seeds only", []string{idCity, idAI, idCD}, graph.SubgraphQuery{}, []string{idCity, idAI, idCD}, 1, false},
		{"depth 1", []string{idCD, idCQU}, graph.SubgraphQuery{Depth: 1}, []string{idCD, idCQU, idTF, idCity, idCQ}, 4, false},
		{"cap", []string{idCD, idCQU}, graph.SubgraphQuery{Depth: 2, Limit: 4}, []string{idCD, idCQU, idTF, idCity}, 2, true},
		{"depth 3", []string{idCD}, graph.SubgraphQuery{Depth: 3}, []string{idCD, idTF, idAI, idCity}, 3, false},
		{"everything", []string{idCD, idCQU}, graph.SubgraphQuery{Depth: 2, Limit: 100},
			[]string{idCD, idCQU, idTF, idCity, idCQ, idAI, idTalent, idIC}, 8, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sg, err := s.Subgraph(ctx, tc.seeds, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "nodes", ids(sg.Nodes), tc.nodes)
			eq(t, "relation count", len(sg.Relations), tc.rels)
			eq(t, "truncated", sg.Truncated, tc.truncated)
			checkClosed(t, sg)
		})
	}
	_, err := s.Subgraph(ctx, []string{"e0000000000000000"}, graph.SubgraphQuery{})
	wantErr(t, err, graph.ErrNotFound)
	_, err = s.Subgraph(ctx, []string{idCity}, graph.SubgraphQuery{Depth: 4})
	wantErr(t, err, graph.ErrInvalid)
}

func testEach(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	var ents []string
	if err := s.EachEntity(ctx, func(e *graph.Entity) error { ents = append(ents, e.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	eq(t, "entities", ents, []string{idTalent, idTF, idCQU, idAI, idCity, idIC, idCQ, idCD})
	var keys []graph.RelationKey
	if err := s.EachRelation(ctx, func(r *graph.Relation) error {
		if len(r.Evidence) != 0 {
			t.Errorf("EachRelation gave evidence")
		}
		keys = append(keys, r.Key())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 8 || !slices.IsSortedFunc(keys, func(a, b graph.RelationKey) int {
		return strings.Compare(a.From+"\x00"+string(a.Type)+"\x00"+a.To, b.From+"\x00"+string(b.Type)+"\x00"+b.To)
	}) {
		t.Errorf("relations not in (From, Type, To) order: %v", keys)
	}
	stop := errors.New("stop")
	n := 0
	err := s.EachEntity(ctx, func(*graph.Entity) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachEntity did not stop on error: %v after %d", err, n)
	}
}

func testIdempotent(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	before := dump(t, s)
	for _, c := range fixture() {
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if after := dump(t, s); after != before {
		t.Errorf("re-applying changed the dump:\n%s\nvs\n%s", before, after)
	}
	st, _ := s.Stats(ctx)
	eq(t, "documents", st.Documents, int64(3))
}

func testReplace(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	// d2 now only says that 人才计划 supports 集成电路.
	c := &graph.Contribution{
		Doc: graph.Document{ID: "d2", Hash: "h2b", Date: "2024-06-01"},
		Entities: []graph.EntityContribution{
			ent(graph.Field, nIC, 3),
			ent(graph.Measure, nTalent, 9),
		},
		Relations: []graph.RelationContribution{rel(graph.Involves, idTalent, idIC, 2, 0, "人才计划支持集成电路。")},
	}
	if err := s.Apply(ctx, c); err != nil {
		t.Fatal(err)
	}
	city, err := s.Entity(ctx, idCity)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "city", *city, graph.Entity{ID: idCity, Type: graph.Platform, Name: nCity, Mentions: 2, Docs: 1, Degree: 3,
		First: "2023-01-10", Last: "2023-01-10"})
	r, err := s.Relation(ctx, graph.RelationKey{From: idCity, Type: graph.FocusesOn, To: idAI})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "weight", r.Weight, 2.0)
	_, err = s.Relation(ctx, graph.RelationKey{From: idCity, Type: graph.FocusesOn, To: idIC})
	wantErr(t, err, graph.ErrNotFound)
	ic, err := s.Entity(ctx, idIC)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "ic", [3]any{ic.Degree, ic.First, ic.Mentions}, [3]any{int64(1), "2024-06-01", int64(1)})

	// The same graph built directly dumps the same bytes.
	fresh := open(t)
	for _, c2 := range []*graph.Contribution{doc1(), c, doc3()} {
		if err := fresh.Apply(ctx, c2); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := dump(t, s), dump(t, fresh); a != b {
		t.Errorf("replaced store and fresh store differ:\n%s\nvs\n%s", a, b)
	}
}

func testDelete(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	if err := s.Delete(ctx, "d1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Entity(ctx, idCQ)
	wantErr(t, err, graph.ErrNotFound)
	_, err = s.Entity(ctx, idCQU)
	wantErr(t, err, graph.ErrNotFound)
	_, err = s.EntitiesByName(ctx, nCQU)
	wantErr(t, err, graph.ErrNotFound)
	city, err := s.Entity(ctx, idCity)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "city", *city, graph.Entity{ID: idCity, Type: graph.Platform, Name: nCityW, Aliases: []string{"科学城"},
		Mentions: 2, Docs: 1, Degree: 3, First: "2024-05-01", Last: "2024-05-01"})
	r, err := s.Relation(ctx, graph.RelationKey{From: idCity, Type: graph.FocusesOn, To: idAI})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "relation", *r, graph.Relation{From: idCity, To: idAI, Type: graph.FocusesOn, Weight: 1, Docs: 1,
		First: "2024-05-01", Last: "2024-05-01"})
	ev, err := s.Evidence(ctx, r.Key(), 0)
	if err != nil || len(ev) != 1 || ev[0].Doc != "d2" {
		t.Errorf("evidence after delete = %+v, %v", ev, err)
	}
	st, _ := s.Stats(ctx)
	eq(t, "counts", [3]int64{st.Documents, st.Entities, st.Relations}, [3]int64{2, 6, 5})
	eq(t, "regions", st.ByType[graph.Region], int64(1))
	if _, ok := st.ByRel[graph.CoOccurs]; ok && st.ByRel[graph.CoOccurs] != 0 {
		t.Errorf("CO_OCCURS count = %d after its only document went", st.ByRel[graph.CoOccurs])
	}
	wantErr(t, s.Delete(ctx, "d1"), graph.ErrNotFound)

	fresh := open(t)
	for _, c := range []*graph.Contribution{doc2(), doc3()} {
		if err := fresh.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := dump(t, s), dump(t, fresh); a != b {
		t.Errorf("after delete:\n%s\nwithout the document:\n%s", a, b)
	}
}

func testDeleteAll(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	for _, id := range []string{"d2", "d1", "d3"} {
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 0 || st.Entities != 0 || st.Relations != 0 {
		t.Errorf("stats after deleting everything = %+v", st)
	}
	for tp, n := range st.ByType {
		if n != 0 {
			t.Errorf("%s count %d", tp, n)
		}
	}
	for tp, n := range st.ByRel {
		if n != 0 {
			t.Errorf("%s count %d", tp, n)
		}
	}
	if d := dump(t, s); d != "" {
		t.Errorf("dump after deleting everything:\n%s", d)
	}
	p, err := s.Entities(ctx, graph.EntityQuery{Order: graph.ByDegree})
	if err != nil || len(p.Entities) != 0 {
		t.Errorf("entities after deleting everything: %v, %v", names(p.Entities), err)
	}
	sp, err := s.Search(ctx, graph.SearchQuery{Text: "", Mode: graph.Substring})
	if err != nil || len(sp.Entities) != 0 {
		t.Errorf("search after deleting everything: %v, %v", names(sp.Entities), err)
	}
}

func testOrderIndependent(t *testing.T, open Opener) {
	ctx := context.Background()
	a := fixtureStore(t, open)
	b := open(t)
	for _, c := range []*graph.Contribution{doc3(), doc2(), doc1(), doc2()} {
		if err := b.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if x, y := dump(t, a), dump(t, b); x != y {
		t.Errorf("application order changed the graph:\n%s\nvs\n%s", x, y)
	}
}

func testInvalid(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	bad := []*graph.Contribution{
		{},
		{Doc: graph.Document{ID: "x"}, Entities: []graph.EntityContribution{{Type: graph.Field}}},
		{Doc: graph.Document{ID: "x"}, Entities: []graph.EntityContribution{ent(graph.Field, nAI)},
			Relations: []graph.RelationContribution{{From: idAI, To: idCity, Type: graph.FocusesOn}}},
	}
	for i, c := range bad {
		if err := s.Apply(ctx, c); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("bad contribution %d: %v, want ErrInvalid", i, err)
		}
	}
	wantErr(t, s.Delete(ctx, "nope"), graph.ErrNotFound)
	st, _ := s.Stats(ctx)
	if st.Documents != 0 || st.Entities != 0 {
		t.Errorf("refused contributions left %+v", st)
	}
}

func testClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Entity(ctx, idCity)
	wantErr(t, err, graph.ErrClosed)
	wantErr(t, s.Apply(ctx, doc1()), graph.ErrClosed)
	_, err = s.Stats(ctx)
	wantErr(t, err, graph.ErrClosed)
}

func testMerge(t *testing.T, open Opener) {
	ctx := context.Background()
	s := fixtureStore(t, open)
	// An analyst decides 重庆大学 is the same institution as 西部(重庆)科学城.
	if err := s.Merge(ctx, idCity, []string{idCQU}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		_, err := s.Entity(ctx, idCQU)
		if !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("%s: merged-away entity: %v", when, err)
		}
		city, err := s.Entity(ctx, idCity)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(city.Aliases, nCQU) {
			t.Errorf("%s: aliases %v lack %s", when, city.Aliases, nCQU)
		}
		eq(t, when+": mentions", city.Mentions, int64(5))
		// The CO_OCCURS edge joined the two: it is gone; 重庆大学's
		// LOCATED_IN 重庆 is the city's, which had one already (weight 2 now).
		r, err := s.Relation(ctx, graph.RelationKey{From: idCity, Type: graph.LocatedIn, To: idCQ})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, when+": merged weight", r.Weight, 2.0)
		ev, _ := s.Evidence(ctx, r.Key(), 0)
		eq(t, when+": merged evidence", len(ev), 2)
		eq(t, when+": degree", city.Degree, int64(4))
		got, err := s.EntitiesByName(ctx, nCQU)
		if err != nil || len(got) != 1 || got[0].ID != idCity {
			t.Errorf("%s: by old name: %v, %v", when, ids(got), err)
		}
		st, _ := s.Stats(ctx)
		eq(t, when+": counts", [2]int64{st.Entities, st.Relations}, [2]int64{7, 6})
	}
	check("after merge")
	merged := dump(t, s)
	// Re-ingesting the document must not bring 重庆大学 back.
	if err := s.Apply(ctx, doc1()); err != nil {
		t.Fatal(err)
	}
	check("after re-apply")
	if d := dump(t, s); d != merged {
		t.Errorf("re-applying a merged document changed the graph:\n%s\nvs\n%s", merged, d)
	}
	// Delete and apply again: still lands on the city.
	if err := s.Delete(ctx, "d1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, doc1()); err != nil {
		t.Fatal(err)
	}
	check("after delete and re-apply")
	wantErr(t, s.Merge(ctx, idCity, []string{"e0000000000000000"}), graph.ErrNotFound)
	wantErr(t, s.Merge(ctx, "e0000000000000000", []string{idCity}), graph.ErrNotFound)
}

func testAddAlias(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if err := s.Apply(ctx, doc3()); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAlias(ctx, idAI, "AI"); err != nil {
		t.Fatal(err)
	}
	got, err := s.EntitiesByName(ctx, "ai")
	if err != nil || len(got) != 1 || got[0].ID != idAI {
		t.Fatalf("by curated alias: %v, %v", ids(got), err)
	}
	eq(t, "aliases", got[0].Aliases, []string{"AI"})
	// A later document naming the field "AI" lands on 人工智能.
	c := &graph.Contribution{
		Doc:      graph.Document{ID: "d4", Hash: "h4"},
		Entities: []graph.EntityContribution{ent(graph.Field, "AI", 0), ent(graph.Platform, nTF, 5)},
		Relations: []graph.RelationContribution{
			rel(graph.FocusesOn, graph.EntityID(graph.Platform, nTF), graph.EntityID(graph.Field, "AI"), 1, 0, "天府实验室做AI。"),
		},
	}
	if err := s.Apply(ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err = s.Entity(ctx, graph.EntityID(graph.Field, "AI"))
	wantErr(t, err, graph.ErrNotFound)
	ai, err := s.Entity(ctx, idAI)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "docs", ai.Docs, int64(2))
	r, err := s.Relation(ctx, graph.RelationKey{From: idTF, Type: graph.FocusesOn, To: idAI})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "weight", r.Weight, 4.0)
	// An alias added after the fact pulls in what was already there.
	c2 := &graph.Contribution{
		Doc:      graph.Document{ID: "d5", Hash: "h5"},
		Entities: []graph.EntityContribution{ent(graph.Region, "蓉城", 0)},
	}
	if err := s.Apply(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAlias(ctx, idCD, "蓉城"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Entity(ctx, graph.EntityID(graph.Region, "蓉城"))
	wantErr(t, err, graph.ErrNotFound)
	cd, err := s.Entity(ctx, idCD)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "chengdu", [2]any{cd.Docs, cd.Aliases}, [2]any{int64(2), []string{"蓉城"}})
	// Curated aliases survive re-ingest of everything.
	for _, c := range []*graph.Contribution{doc3(), c, c2} {
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cd2, _ := s.Entity(ctx, idCD)
	eq(t, "chengdu again", *cd2, *cd)
	wantErr(t, s.AddAlias(ctx, "e0000000000000000", "x"), graph.ErrNotFound)
	wantErr(t, s.AddAlias(ctx, idCD, "  "), graph.ErrInvalid)
}
