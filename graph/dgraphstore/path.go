package dgraphstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// numPaths is how many shortest paths ShortestPath asks Dgraph for. The
// contract wants, among the shortest paths, the one whose node IDs are
// smallest position by position; when fewer than numPaths paths of the
// shortest length come back they are all there are and the choice is made
// among them. Otherwise the store falls back to an exact search over the
// nodes within that length (see exactPath).
const numPaths = 16

// ShortestPath returns a shortest path from one entity to another, found by
// DQL's shortest over the predicates the filter allows.
func (s *Store) ShortestPath(ctx context.Context, from, to string, q graph.PathQuery) (*graph.Path, error) {
	maxDepth := q.MaxDepth
	if maxDepth == 0 {
		maxDepth = 4
	}
	if maxDepth < 1 || maxDepth > 8 {
		return nil, fmt.Errorf("path: %w: max depth %d not in 1..8", graph.ErrInvalid, q.MaxDepth)
	}
	var p *graph.Path
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		inUse, err := s.relTypes(ctx, txn)
		if err != nil {
			return err
		}
		p, err = shortestPath(ctx, txn, from, to, &q.Filter, maxDepth, inUse)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("path %s to %s: %w", from, to, err)
	}
	return p, nil
}

func shortestPath(ctx context.Context, txn *dgo.Txn, from, to string, f *graph.Filter, maxDepth int, inUse []graph.RelationType) (*graph.Path, error) {
	st := steps(f, inUse)
	ff := facetFilter(f.MinWeight)
	nodeFilter := ""
	if tf := typeFilter("e.type", f.Types); tf != "" {
		// The ends are always passable, whatever their type.
		nodeFilter = " @filter(" + tf + " OR uid(A, B))"
	}
	var b strings.Builder
	b.WriteString("query q($from: string, $to: string) {\n A as var(func: eq(e.id, $from))\n B as var(func: eq(e.id, $to))\n")
	set := "A, B"
	if len(st) > 0 && from != to {
		fmt.Fprintf(&b, " P as shortest(from: uid(A), to: uid(B), numpaths: %d, depth: %d) {\n", numPaths, maxDepth)
		for _, s := range st {
			fmt.Fprintf(&b, "  %s%s%s\n", s.pred(), ff, nodeFilter)
		}
		// The var of a shortest block lists uids in path order, and uid()
		// filters need them sorted: a root block sorts them.
		b.WriteString(" }\n S as var(func: uid(A, B, P))\n")
		set = "S"
	}
	fmt.Fprintf(&b, " n(func: uid(%s)) {\n  %s\n", set, entFields)
	for _, t := range relTypesOf(f, inUse) {
		fmt.Fprintf(&b, "  %s @filter(uid(%s))%s%s { e.id }\n", relPred(t), set, ff, edgeFacets)
	}
	b.WriteString(" }\n}")
	var r struct {
		N    []map[string]any `json:"n"`
		Path []map[string]any `json:"_path_"`
	}

	if err := queryInto(ctx, txn, b.String(), map[string]string{"$from": from, "$to": to}, &r); err != nil {
		return nil, err
	}
	bl, byUID, err := ballOf(r.N, inUse)
	if err != nil {
		return nil, err
	}
	for _, id := range []string{from, to} {
		if bl.nodes[id] == nil {
			return nil, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
		}
	}
	if from == to {
		return &graph.Path{Nodes: []graph.Entity{*bl.nodes[from]}, Relations: []graph.Relation{}}, nil
	}
	var cands [][]string
	L := -1
	for _, p := range r.Path {
		ids, ok := pathIDs(p, byUID)
		if !ok {
			continue
		}
		switch n := len(ids) - 1; {
		case L < 0 || n < L:
			L, cands = n, [][]string{ids}
		case n == L:
			cands = append(cands, ids)
		}
	}
	if L < 0 {
		return nil, fmt.Errorf("no path within %d steps: %w", maxDepth, graph.ErrNotFound)
	}
	if len(cands) >= numPaths {
		// There may be more shortest paths than Dgraph listed.
		return exactPath(ctx, txn, from, to, f, L, inUse)
	}
	sort.Slice(cands, func(i, j int) bool { return idsLess(cands[i], cands[j]) })
	return bl.pathAlong(cands[0], f)
}

func idsLess(a, b []string) bool {
	for i := range a {
		if i >= len(b) {
			return false
		}
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// ballOf decodes nodes with their edges among themselves.
func ballOf(raw []map[string]any, inUse []graph.RelationType) (*ball, map[string]string, error) {
	nodes, err := decodeNodes(raw)
	if err != nil {
		return nil, nil, err
	}
	bl := &ball{nodes: map[string]*graph.Entity{}}
	byUID := map[string]string{}
	for i := range nodes {
		n := &nodes[i]
		e, err := n.entity()
		if err != nil {
			return nil, nil, err
		}
		bl.nodes[e.ID] = &e
		byUID[n.UID] = e.ID
		for pred, es := range n.Edges {
			t, ok := predType(pred, inUse)
			if !ok {
				continue
			}
			for _, x := range es {
				bl.edges = append(bl.edges, graph.Relation{From: e.ID, To: x.ID, Type: t,
					Weight: x.W, Docs: x.N, First: x.F, Last: x.L})
			}
		}
	}
	sort.Slice(bl.edges, func(i, j int) bool { return relLess(bl.edges[i].Key(), bl.edges[j].Key()) })
	return bl, byUID, nil
}

// pathIDs reads one of DQL's _path_ answers: nested objects, each holding
// its uid and the predicate that leads to the next.
func pathIDs(p map[string]any, byUID map[string]string) ([]string, bool) {
	var ids []string
	for cur := p; cur != nil; {
		uid, _ := cur["uid"].(string)
		id, ok := byUID[uid]
		if !ok {
			return nil, false
		}
		ids = append(ids, id)
		var next map[string]any
		for k, v := range cur {
			if strings.HasPrefix(k, "rel.") || strings.HasPrefix(k, "~rel.") {
				switch x := v.(type) {
				case map[string]any:
					next = x
				case []any:
					if len(x) > 0 {
						next, _ = x[0].(map[string]any)
					}
				}
			}
		}
		cur = next
	}
	return ids, true
}

// pathAlong builds the Path through ids, choosing between parallel relations
// the heaviest, then by type, then by From, as the Badger store does.
func (b *ball) pathAlong(ids []string, f *graph.Filter) (*graph.Path, error) {
	adjs := b.adjacency(f)
	p := &graph.Path{Nodes: []graph.Entity{*b.nodes[ids[0]]}}
	for i := 1; i < len(ids); i++ {
		u, w := ids[i-1], ids[i]
		var best *graph.Relation
		for _, a := range adjs[u] {
			if a.other != w {
				continue
			}
			if best == nil || heavier(a.rel, best) {
				best = a.rel
			}
		}
		n := b.nodes[w]
		if best == nil || n == nil {
			return nil, fmt.Errorf("%w: path step %s to %s has no edge", graph.ErrCorrupt, u, w)
		}
		p.Nodes = append(p.Nodes, *n)
		p.Relations = append(p.Relations, *best)
	}
	return p, nil
}

func heavier(a, b *graph.Relation) bool {
	if a.Weight != b.Weight {
		return a.Weight > b.Weight
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.From < b.From
}

// exactPath chooses among all shortest paths of length L when there are too
// many for Dgraph to list: it loads the nodes within L hops of from (one DQL
// request, as for Neighbors), computes the distances on both sides and walks
// greedily from the start through the smallest IDs that stay on a shortest
// path.
func exactPath(ctx context.Context, txn *dgo.Txn, from, to string, f *graph.Filter, L int, inUse []graph.RelationType) (*graph.Path, error) {
	g := *f
	bl, err := loadBallThrough(ctx, txn, from, to, &g, L, inUse)
	if err != nil {
		return nil, err
	}
	adjs := bl.adjacency(f)
	rev := *f
	switch f.Direction {
	case graph.Out:
		rev.Direction = graph.In
	case graph.In:
		rev.Direction = graph.Out
	}
	radjs := bl.adjacency(&rev)
	distB := map[string]int{to: 0}
	front := []string{to}
	for d := 1; d <= L && len(front) > 0; d++ {
		var next []string
		for _, u := range front {
			for _, a := range radjs[u] {
				if _, seen := distB[a.other]; !seen {
					distB[a.other] = d
					next = append(next, a.other)
				}
			}
		}
		front = next
	}
	ids := []string{from}
	u := from
	for pos := 1; pos <= L; pos++ {
		bestNext := ""
		for _, a := range adjs[u] {
			if d, ok := distB[a.other]; ok && d == L-pos && (bestNext == "" || a.other < bestNext) {
				bestNext = a.other
			}
		}
		if bestNext == "" {
			return nil, fmt.Errorf("%w: path reconstruction lost its way at %s", graph.ErrCorrupt, u)
		}
		ids = append(ids, bestNext)
		u = bestNext
	}
	return bl.pathAlong(ids, f)
}

// loadBallThrough is loadBall from one seed whose type filter always lets
// the target through.
func loadBallThrough(ctx context.Context, txn *dgo.Txn, from, to string, f *graph.Filter, depth int, inUse []graph.RelationType) (*ball, error) {
	return loadBallFilter(ctx, txn, []string{from}, f, depth, inUse, to)
}
