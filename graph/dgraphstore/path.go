package dgraphstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// ShortestPath returns a shortest path from one entity to another. A
// bidirectional search, one DQL request per layer, finds its length L (see
// pathLength); then one more DQL request marks, for each position 0..L, the
// nodes that lie on some shortest path, and the path is walked from the
// start through the smallest IDs among them, which is the contract's choice
// among equally short paths (the Badger store's).
//
// DQL's shortest was the first design; it is not used because its
// k-shortest search (to find the smallest IDs among equal paths) ran for
// minutes and took gigabytes on a graph with hubs, and even a single
// shortest crossed Dgraph's million-edge query limit there.
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

// reversed is f with Out and In swapped: the filter of a walk from the end.
func reversed(f *graph.Filter) *graph.Filter {
	r := *f
	switch f.Direction {
	case graph.Out:
		r.Direction = graph.In
	case graph.In:
		r.Direction = graph.Out
	}
	return &r
}

func (st step) back() step { return step{st.typ, !st.out} }

func shortestPath(ctx context.Context, txn *dgo.Txn, from, to string, f *graph.Filter, maxDepth int, inUse []graph.RelationType) (*graph.Path, error) {
	var r struct {
		Ends []struct {
			UID string `json:"uid"`
			ID  string `json:"e.id"`
		} `json:"ends"`
	}
	if err := queryInto(ctx, txn, `query q($from: string, $to: string) { ends(func: eq(e.id, [$from, $to])) { uid e.id } }`,
		map[string]string{"$from": from, "$to": to}, &r); err != nil {
		return nil, err
	}
	uids := map[string]string{}
	for _, e := range r.Ends {
		uids[e.ID] = e.UID
	}
	for _, id := range []string{from, to} {
		if uids[id] == "" {
			return nil, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
		}
	}
	if from == to {
		e, err := getEntity(ctx, txn, from)
		if err != nil {
			return nil, err
		}
		return &graph.Path{Nodes: []graph.Entity{*e}, Relations: []graph.Relation{}}, nil
	}
	L, err := pathLength(ctx, txn, uids[from], uids[to], from, to, f, maxDepth, inUse)
	if err != nil {
		return nil, err
	}
	if L < 0 {
		return nil, fmt.Errorf("no path within %d steps: %w", maxDepth, graph.ErrNotFound)
	}
	return smallestPath(ctx, txn, from, to, f, L, inUse)
}

// pathLength is the length of a shortest path, or -1 if there is none
// within maxDepth, found by bidirectional breadth-first search as the Badger
// store does: each DQL request expands the smaller of the two frontiers by
// one whole layer (the filters evaluated in Dgraph, only the new uids sent
// back), and the search stops at the layer where the sides meet.
func pathLength(ctx context.Context, txn *dgo.Txn, fromUID, toUID, from, to string, f *graph.Filter, maxDepth int, inUse []graph.RelationType) (int, error) {
	ff := facetFilter(f.MinWeight)
	nodeFilter := ""
	if tf := typeFilter("e.type", f.Types); tf != "" {
		// The ends are always passable, whatever their type.
		nodeFilter = " @filter(" + tf + " OR eq(e.id, " + dqlList([]string{from, to}) + "))"
	}
	fwd, bwd := steps(f, inUse), steps(reversed(f), inUse)
	if len(fwd) == 0 {
		return -1, nil
	}
	distF := map[string]int{fromUID: 0}
	distB := map[string]int{toUID: 0}
	frontF, frontB := []string{fromUID}, []string{toUID}
	kf, kb := 0, 0
	for kf+kb < maxDepth && len(frontF) > 0 && len(frontB) > 0 {
		forward := len(frontF) <= len(frontB)
		front, dist, other, st, k := frontF, distF, distB, fwd, kf
		if !forward {
			front, dist, other, st, k = frontB, distB, distF, bwd, kb
		}
		var q strings.Builder
		fmt.Fprintf(&q, "{\n var(func: uid(%s)) {\n", strings.Join(front, ", "))
		var vs []string
		for i, s := range st {
			v := fmt.Sprintf("N%d", i)
			fmt.Fprintf(&q, "  %s as %s%s%s\n", v, s.pred(), ff, nodeFilter)
			vs = append(vs, v)
		}
		fmt.Fprintf(&q, " }\n n(func: uid(%s)) { uid }\n}", strings.Join(vs, ", "))
		var r struct {
			N []struct {
				UID string `json:"uid"`
			} `json:"n"`
		}
		if err := queryInto(ctx, txn, q.String(), nil, &r); err != nil {
			return 0, err
		}
		best := -1
		var next []string
		for _, n := range r.N {
			if _, seen := dist[n.UID]; seen {
				continue
			}
			dist[n.UID] = k + 1
			next = append(next, n.UID)
			if d, met := other[n.UID]; met && (best < 0 || k+1+d < best) {
				best = k + 1 + d
			}
		}
		if best >= 0 {
			return best, nil
		}
		if forward {
			frontF, kf = next, kf+1
		} else {
			frontB, kb = next, kb+1
		}
	}
	return -1, nil
}

// smallestPath finds, among the paths of length L (the shortest) from from
// to to, the one whose node IDs are smallest position by position, in one
// DQL request that meets in the middle, as a bidirectional search does:
//
//   - F1..Fa are the nodes within 1..a steps of from (a = ceil(L/2)) and
//     T1..Tb those within 1..b steps back from to (b = L-a), expanding the
//     newest layer along the allowed predicates, with the facet and type
//     filters;
//   - the nodes within a of from and b of to are exactly the middles of the
//     shortest paths (no node can be closer on both sides); call them G[a];
//   - G[k-1] is the nodes of Fk-1 with an edge into G[k], and G[k+1] the
//     nodes of Tb-(k+1-a) with an edge from G[k]: position by position,
//     the nodes on some shortest path.
//
// Each G[k] comes back with its edges into G[k+1], so the client walks from
// from taking the smallest next ID, and picks among parallel relations the
// heaviest, then by type, then by From.
func smallestPath(ctx context.Context, txn *dgo.Txn, from, to string, f *graph.Filter, L int, inUse []graph.RelationType) (*graph.Path, error) {
	fwd := steps(f, inUse)
	bwd := steps(reversed(f), inUse)
	ff := facetFilter(f.MinWeight)
	nodeFilter := ""
	if tf := typeFilter("e.type", f.Types); tf != "" {
		nodeFilter = " @filter(" + tf + " OR eq(e.id, " + dqlList([]string{from, to}) + "))"
	}
	a := (L + 1) / 2
	bb := L - a
	if L == 1 {
		a, bb = 0, 0 // from and to are all there is
	}
	var q strings.Builder
	q.WriteString("query q($from: string, $to: string) {\n F0 as var(func: eq(e.id, $from))\n T0 as var(func: eq(e.id, $to))\n")
	// within[side][k]: the vars whose union is the nodes within k steps.
	expand := func(side string, st []step, layers int) [][]string {
		within := [][]string{{side + "0"}}
		newest := []string{side + "0"}
		for k := 1; k <= layers; k++ {
			fmt.Fprintf(&q, " var(func: uid(%s)) {\n", strings.Join(newest, ", "))
			newest = nil
			for i, s := range st {
				v := fmt.Sprintf("%s%d_%d", side, k, i)
				fmt.Fprintf(&q, "  %s as %s%s%s\n", v, s.pred(), ff, nodeFilter)
				newest = append(newest, v)
			}
			q.WriteString(" }\n")
			within = append(within, append(append([]string(nil), within[k-1]...), newest...))
		}
		return within
	}
	fw := expand("F", fwd, a)
	tw := expand("T", bwd, bb)
	g := make([]string, L+1) // the var naming G[k]
	g[0], g[L] = "F0", "T0"
	if L > 1 {
		g[a] = fmt.Sprintf("G%d", a)
		fmt.Fprintf(&q, " %s as var(func: uid(%s)) @filter(uid(%s))\n", g[a], strings.Join(fw[a], ", "), strings.Join(tw[bb], ", "))
	}
	// Towards from: predecessors (against the walk) within k steps.
	for k := a - 1; k >= 1; k-- {
		var vs []string
		fmt.Fprintf(&q, " var(func: uid(%s)) {\n", g[k+1])
		for i, s := range fwd {
			v := fmt.Sprintf("P%d_%d", k, i)
			fmt.Fprintf(&q, "  %s as %s%s @filter(uid(%s))\n", v, s.back().pred(), ff, strings.Join(fw[k], ", "))
			vs = append(vs, v)
		}
		q.WriteString(" }\n")
		g[k] = fmt.Sprintf("G%d", k)
		fmt.Fprintf(&q, " %s as var(func: uid(%s))\n", g[k], strings.Join(vs, ", "))
	}
	// Towards to: successors within the remaining steps of to.
	for k := a + 1; k <= L-1 && L > 1; k++ {
		var vs []string
		fmt.Fprintf(&q, " var(func: uid(%s)) {\n", g[k-1])
		for i, s := range fwd {
			v := fmt.Sprintf("S%d_%d", k, i)
			fmt.Fprintf(&q, "  %s as %s%s @filter(uid(%s))\n", v, s.pred(), ff, strings.Join(tw[L-k], ", "))
			vs = append(vs, v)
		}
		q.WriteString(" }\n")
		g[k] = fmt.Sprintf("G%d", k)
		fmt.Fprintf(&q, " %s as var(func: uid(%s))\n", g[k], strings.Join(vs, ", "))
	}
	for k := 0; k < L; k++ {
		fmt.Fprintf(&q, " g%d(func: uid(%s)) {\n  %s\n", k, g[k], entFields)
		for _, s := range fwd {
			fmt.Fprintf(&q, "  %s @filter(uid(%s))%s%s { e.id }\n", s.pred(), g[k+1], ff, edgeFacets)
		}
		q.WriteString(" }\n")
	}
	fmt.Fprintf(&q, " g%d(func: uid(T0)) {\n  %s\n }\n}", L, entFields)

	var raw map[string][]map[string]any
	if err := queryInto(ctx, txn, q.String(), map[string]string{"$from": from, "$to": to}, &raw); err != nil {
		return nil, err
	}
	layers := make([]map[string]*nodeWire, L+1)
	for k := 0; k <= L; k++ {
		ns, err := decodeNodes(raw[fmt.Sprintf("g%d", k)])
		if err != nil {
			return nil, err
		}
		layers[k] = map[string]*nodeWire{}
		for i := range ns {
			layers[k][ns[i].ID] = &ns[i]
		}
	}
	p := &graph.Path{}
	u := from
	for k := 0; ; k++ {
		n := layers[k][u]
		if n == nil {
			return nil, fmt.Errorf("%w: path walk lost its way at %s (step %d of %d)", graph.ErrCorrupt, u, k, L)
		}
		e, err := n.entity()
		if err != nil {
			return nil, err
		}
		p.Nodes = append(p.Nodes, e)
		if k == L {
			break
		}
		var next string
		var best *graph.Relation
		preds := make([]string, 0, len(n.Edges))
		for pred := range n.Edges {
			preds = append(preds, pred)
		}
		sort.Strings(preds)
		for _, pred := range preds {
			t, ok := predType(pred, inUse)
			if !ok {
				continue
			}
			out := !strings.HasPrefix(pred, "~")
			for _, x := range n.Edges[pred] {
				if layers[k+1][x.ID] == nil {
					continue
				}
				rel := graph.Relation{Type: t, Weight: x.W, Docs: x.N, First: x.F, Last: x.L}
				if out {
					rel.From, rel.To = u, x.ID
				} else {
					rel.From, rel.To = x.ID, u
				}
				if next == "" || x.ID < next {
					next, best = x.ID, &rel
				} else if x.ID == next && heavier(&rel, best) {
					best = &rel
				}
			}
		}
		if best == nil {
			return nil, fmt.Errorf("%w: path walk found no edge from %s (step %d of %d)", graph.ErrCorrupt, u, k, L)
		}
		p.Relations = append(p.Relations, *best)
		u = next
	}
	return p, nil
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

func heavier(a, b *graph.Relation) bool {
	if a.Weight != b.Weight {
		return a.Weight > b.Weight
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.From < b.From
}
