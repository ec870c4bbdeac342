package dgraphstore

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// step is one predicate a traversal follows: a relation type in one
// direction (out: From to To, the stored edge; in: its @reverse).
type step struct {
	typ graph.RelationType
	out bool
}

func (st step) pred() string {
	if st.out {
		return relPred(st.typ)
	}
	return "~" + relPred(st.typ)
}

// steps lists the predicates f lets a traversal follow among the relation
// types in use. Undirected types are followed both ways whatever the
// direction, as their one stored edge stands for both.
func steps(f *graph.Filter, inUse []graph.RelationType) []step {
	allowed := map[graph.RelationType]bool{}
	for _, t := range f.Relations {
		allowed[t] = true
	}
	var out []step
	for _, t := range inUse {
		if len(allowed) > 0 && !allowed[t] {
			continue
		}
		if t.Undirected() || f.Direction != graph.In {
			out = append(out, step{t, true})
		}
		if t.Undirected() || f.Direction != graph.Out {
			out = append(out, step{t, false})
		}
	}
	return out
}

// relTypesOf returns the types f allows among those in use.
func relTypesOf(f *graph.Filter, inUse []graph.RelationType) []graph.RelationType {
	if len(f.Relations) == 0 {
		return inUse
	}
	want := map[graph.RelationType]bool{}
	for _, t := range f.Relations {
		want[t] = true
	}
	var out []graph.RelationType
	for _, t := range inUse {
		if want[t] {
			out = append(out, t)
		}
	}
	return out
}

// facetFilter is the @facets directive that drops edges lighter than min.
// The w facet holds the weight in micro-units (an integer, so Dgraph keeps
// one facet type and compares exactly).
func facetFilter(min float64) string {
	if min <= 0 {
		return ""
	}
	return " @facets(ge(w, " + strconv.FormatInt(toMicro(min), 10) + "))"
}

const edgeFacets = " @facets(w, n, f, l)"

// edgeWire is the far end of an edge with the edge's facets.
type edgeWire struct {
	ID   string  `json:"e.id"`
	Type string  `json:"e.type"`
	W    float64 `json:"w"`
	N    int64   `json:"n"`
	F    string  `json:"f"`
	L    string  `json:"l"`
}

// nodeWire is an entity with its edges, keyed by predicate.
type nodeWire struct {
	entWire
	Edges map[string][]edgeWire `json:"-"`
}

// decodeNodes decodes nodes whose edges are returned under predicate names,
// with facets as "pred|facet" keys inside each edge object.
func decodeNodes(raw []map[string]any) ([]nodeWire, error) {
	out := make([]nodeWire, 0, len(raw))
	for _, m := range raw {
		var n nodeWire
		n.UID, _ = m["uid"].(string)
		n.ID, _ = m["e.id"].(string)
		n.Type, _ = m["e.type"].(string)
		n.Name, _ = m["e.name"].(string)
		n.Attrs, _ = m["e.attrs"].(string)
		n.First, _ = m["e.first"].(string)
		n.Last, _ = m["e.last"].(string)
		n.Mentions = num(m["e.mentions"])
		n.Docs = num(m["e.docs"])
		n.Degree = num(m["e.degree"])
		if as, ok := m["e.aliases"].([]any); ok {
			for _, a := range as {
				if s, ok := a.(string); ok {
					n.Aliases = append(n.Aliases, s)
				}
			}
		}
		for k, v := range m {
			if !strings.HasPrefix(k, "rel.") && !strings.HasPrefix(k, "~rel.") {
				continue
			}
			list, ok := v.([]any)
			if !ok {
				continue
			}
			if n.Edges == nil {
				n.Edges = map[string][]edgeWire{}
			}
			for _, x := range list {
				em, ok := x.(map[string]any)
				if !ok {
					continue
				}
				var e edgeWire
				e.ID, _ = em["e.id"].(string)
				e.Type, _ = em["e.type"].(string)
				e.W = fromMicro(num(em[k+"|w"]))
				e.N = num(em[k+"|n"])
				f, _ := em[k+"|f"].(string)
				l, _ := em[k+"|l"].(string)
				e.F, e.L = unfacetDate(f), unfacetDate(l)
				n.Edges[k] = append(n.Edges[k], e)
			}
		}
		out = append(out, n)
	}
	return out, nil
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// predType maps a predicate name back to its relation type.
func predType(pred string, inUse []graph.RelationType) (graph.RelationType, bool) {
	pred = strings.TrimPrefix(pred, "~")
	for _, t := range inUse {
		if relPred(t) == pred {
			return t, true
		}
	}
	return "", false
}

// ball is a set of nodes and the edges among them that a filter allows (in
// stored direction), as fillClosure reads them.
type ball struct {
	nodes map[string]*graph.Entity
	edges []graph.Relation
}

func relLess(a, b graph.RelationKey) bool {
	if a.From != b.From {
		return a.From < b.From
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.To < b.To
}

func subgraphOf(nodes []*graph.Entity, rels []graph.Relation, truncated bool) *graph.Subgraph {
	sg := &graph.Subgraph{Nodes: make([]graph.Entity, len(nodes)), Relations: rels, Truncated: truncated}
	for i, n := range nodes {
		sg.Nodes[i] = *n
	}
	return sg
}

// Neighbors returns the neighbourhood of an entity.
func (s *Store) Neighbors(ctx context.Context, id string, q graph.NeighborQuery) (*graph.Subgraph, error) {
	if q.Depth < 1 || q.Depth > 3 {
		return nil, fmt.Errorf("neighbors of %s: %w: depth %d not in 1..3", id, graph.ErrInvalid, q.Depth)
	}
	limit, err := pageLimit(q.Limit, 50, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("neighbors of %s: %w", id, err)
	}
	var sg *graph.Subgraph
	err = s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		inUse, err := s.relTypes(ctx, txn)
		if err != nil {
			return err
		}
		nodes, trunc, err := expandLayers(ctx, txn, []string{id}, &q.Filter, q.Depth, limit, inUse)
		if err != nil {
			return err
		}
		rels, err := fillClosure(ctx, txn, nodes, &q.Filter, inUse)
		if err != nil {
			return err
		}
		sg = subgraphOf(nodes, walked(id, rels, q.Filter.Direction), trunc)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("neighbors of %s: %w", id, err)
	}
	return sg, nil
}

// walked keeps, of the edges among a neighbourhood (in order), the ones the
// expansion walked: from a node to one a hop further from start, in a
// direction dir allows. A node's distance within the neighbourhood is its
// layer in the expansion, as every node of the layers before the last is in
// it; so this gives the Badger store's answer, which keeps the edges as it
// walks them.
func walked(start string, rels []graph.Relation, dir graph.Direction) []graph.Relation {
	fwd := func(r *graph.Relation) bool { return r.Type.Undirected() || dir != graph.In }   // From to To
	back := func(r *graph.Relation) bool { return r.Type.Undirected() || dir != graph.Out } // To to From
	adj := map[string][]string{}
	for i := range rels {
		r := &rels[i]
		if fwd(r) {
			adj[r.From] = append(adj[r.From], r.To)
		}
		if back(r) {
			adj[r.To] = append(adj[r.To], r.From)
		}
	}
	dist := map[string]int{start: 0}
	for front := []string{start}; len(front) > 0; {
		var next []string
		for _, u := range front {
			for _, v := range adj[u] {
				if _, ok := dist[v]; !ok {
					dist[v] = dist[u] + 1
					next = append(next, v)
				}
			}
		}
		front = next
	}
	out := []graph.Relation{}
	for i := range rels {
		r := &rels[i]
		df, okf := dist[r.From]
		dt, okt := dist[r.To]
		if okf && okt && (fwd(r) && dt == df+1 || back(r) && df == dt+1) {
			out = append(out, *r)
		}
	}
	return out
}

// Subgraph returns the seeds and the nodes within q.Depth hops of them.
func (s *Store) Subgraph(ctx context.Context, seeds []string, q graph.SubgraphQuery) (*graph.Subgraph, error) {
	if q.Depth < 0 || q.Depth > 3 {
		return nil, fmt.Errorf("subgraph: %w: depth %d not in 0..3", graph.ErrInvalid, q.Depth)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("subgraph: %w: no seeds", graph.ErrInvalid)
	}
	limit, err := pageLimit(q.Limit, 500, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("subgraph: %w", err)
	}
	seedSet := map[string]bool{}
	var uniq []string
	for _, id := range seeds {
		if !seedSet[id] {
			seedSet[id] = true
			uniq = append(uniq, id)
		}
	}
	trunc := false
	if len(uniq) > limit {
		trunc = true
		sort.Strings(uniq)
		uniq = uniq[:limit]
	}
	var sg *graph.Subgraph
	err = s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		inUse, err := s.relTypes(ctx, txn)
		if err != nil {
			return err
		}
		nodes, t, err := expandLayers(ctx, txn, uniq, &q.Filter, q.Depth, limit-min(len(seedSet), limit), inUse)
		if err != nil {
			return err
		}
		rels, err := fillClosure(ctx, txn, nodes, &q.Filter, inUse)
		if err != nil {
			return err
		}
		sg = subgraphOf(nodes, rels, trunc || t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("subgraph: %w", err)
	}
	return sg, nil
}

// edgesOf fetches the edges of one entity that f allows, with the other
// endpoint's ID and type, as relations. other, when not empty, restricts the
// far end to that entity.
func edgesOf(ctx context.Context, txn *dgo.Txn, id string, f *graph.Filter, inUse []graph.RelationType, other string) (*nodeWire, []graph.Relation, error) {
	st := steps(f, inUse)
	ff := facetFilter(f.MinWeight)
	var b strings.Builder
	b.WriteString("query q($id: string, $o: string) {\n")
	farFilter := ""
	if other != "" {
		b.WriteString(" O as var(func: eq(e.id, $o))\n")
		farFilter = " @filter(uid(O))"
	} else if tf := typeFilter("e.type", f.Types); tf != "" {
		farFilter = " @filter(" + tf + ")"
	}
	b.WriteString(" n(func: eq(e.id, $id)) {\n  " + entFields + "\n")
	for _, s := range st {
		fmt.Fprintf(&b, "  %s%s%s%s { e.id e.type }\n", s.pred(), farFilter, ff, edgeFacets)
	}
	b.WriteString(" }\n}")
	var r struct {
		N []map[string]any `json:"n"`
	}
	if err := queryInto(ctx, txn, b.String(), map[string]string{"$id": id, "$o": other}, &r); err != nil {
		return nil, nil, err
	}
	if len(r.N) == 0 {
		return nil, nil, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
	}
	nodes, err := decodeNodes(r.N)
	if err != nil {
		return nil, nil, err
	}
	n := &nodes[0]
	var rels []graph.Relation
	for pred, es := range n.Edges {
		t, ok := predType(pred, inUse)
		if !ok {
			continue
		}
		out := !strings.HasPrefix(pred, "~")
		for _, x := range es {
			r := graph.Relation{Type: t, Weight: x.W, Docs: x.N, First: x.F, Last: x.L}
			if out {
				r.From, r.To = id, x.ID
			} else {
				r.From, r.To = x.ID, id
			}
			rels = append(rels, r)
		}
	}
	return n, rels, nil
}

// EntityRelations returns up to limit relations of an entity, heaviest
// first, then by type and other endpoint.
func (s *Store) EntityRelations(ctx context.Context, id string, f graph.Filter, limit int) ([]graph.Relation, error) {
	var out []graph.Relation
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		inUse, err := s.relTypes(ctx, txn)
		if err != nil {
			return err
		}
		_, rels, err := edgesOf(ctx, txn, id, &f, inUse, "")
		if err != nil {
			return err
		}
		other := func(r *graph.Relation) string {
			if r.From == id {
				return r.To
			}
			return r.From
		}
		sort.Slice(rels, func(i, j int) bool {
			a, b := &rels[i], &rels[j]
			if a.Weight != b.Weight {
				return a.Weight > b.Weight
			}
			if a.Type != b.Type {
				return a.Type < b.Type
			}
			if other(a) != other(b) {
				return other(a) < other(b)
			}
			return a.From < b.From
		})
		if limit > 0 && len(rels) > limit {
			rels = rels[:limit]
		}
		out = rels
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("relations of %s: %w", id, err)
	}
	return out, nil
}

// RelationsBetween returns every relation joining a and b, by type, the
// ones from a first.
func (s *Store) RelationsBetween(ctx context.Context, a, b string) ([]graph.Relation, error) {
	var out []graph.Relation
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		if _, err := getEntity(ctx, txn, b); err != nil {
			return fmt.Errorf("entity %s: %w", b, err)
		}
		inUse, err := s.relTypes(ctx, txn)
		if err != nil {
			return err
		}
		_, rels, err := edgesOf(ctx, txn, a, &graph.Filter{}, inUse, b)
		if err != nil {
			return err
		}
		out = rels
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("relations between %s and %s: %w", a, b, err)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := &out[i], &out[j]
		if x.Type != y.Type {
			return x.Type < y.Type
		}
		return x.From == a && y.From != a
	})
	return out, nil
}
