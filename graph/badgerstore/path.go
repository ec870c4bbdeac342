package badgerstore

import (
	"context"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

func reverse(f graph.Filter) graph.Filter {
	switch f.Direction {
	case graph.Out:
		f.Direction = graph.In
	case graph.In:
		f.Direction = graph.Out
	}
	return f
}

// ShortestPath finds a shortest path by bidirectional breadth-first search,
// expanding the smaller frontier one whole layer at a time. Among the
// shortest paths it returns the one whose node IDs are smallest position by
// position: it marks the nodes that lie on some shortest path and walks
// them greedily from the start.
func (s *Store) ShortestPath(ctx context.Context, from, to string, q graph.PathQuery) (*graph.Path, error) {
	maxDepth := q.MaxDepth
	if maxDepth == 0 {
		maxDepth = 4
	}
	if maxDepth < 1 || maxDepth > 8 {
		return nil, fmt.Errorf("path: %w: max depth %d not in 1..8", graph.ErrInvalid, q.MaxDepth)
	}
	var path *graph.Path
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		path, err = shortestPath(ctx, newReader(txn), from, to, q.Filter, maxDepth)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("path %s to %s: %w", from, to, err)
	}
	return path, nil
}

func shortestPath(ctx context.Context, r *reader, from, to string, f graph.Filter, maxDepth int) (*graph.Path, error) {
	start, err := r.entity(from)
	if err != nil {
		return nil, err
	}
	end, err := r.entity(to)
	if err != nil {
		return nil, err
	}
	if start == nil || end == nil {
		id := from
		if start != nil {
			id = to
		}
		return nil, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
	}
	if from == to {
		return &graph.Path{Nodes: []graph.Entity{*start}, Relations: []graph.Relation{}}, nil
	}
	types := typeSet(f.Types)
	passable := func(id string) (bool, error) {
		if id == from || id == to || types == nil {
			return true, nil
		}
		_, ok, err := r.allowed(id, types)
		return ok, err
	}
	fwd, bwd := f, reverse(f)
	distF := map[string]int{from: 0}
	distB := map[string]int{to: 0}
	// predF holds, for each node the forward search reached, every node of
	// the layer before with an edge to it (the shortest-path DAG), noted
	// while the layers are read so that marking the nodes on shortest
	// paths reads no adjacency again.
	predF := map[string][]string{}
	frontF, frontB := []string{from}, []string{to}
	kf, kb := 0, 0
	best := -1
	for best < 0 && kf+kb < maxDepth {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(frontF) == 0 || len(frontB) == 0 {
			break
		}
		forward := len(frontF) <= len(frontB)
		front, dist, other, filt, k := frontF, distF, distB, &fwd, kf
		if !forward {
			front, dist, other, filt, k = frontB, distB, distF, &bwd, kb
		}
		var next []string
		for _, u := range front {
			if err := r.edges(u, filt, func(e *edge) error {
				if d, seen := dist[string(e.otherB)]; seen {
					if forward && d == k+1 {
						v := e.other()
						predF[v] = append(predF[v], u)
					}
					return nil
				}
				v := e.other()
				ok, err := passable(v)
				if err != nil || !ok {
					return err
				}
				dist[v] = k + 1
				next = append(next, v)
				if forward {
					predF[v] = append(predF[v], u)
				}
				if d, met := other[v]; met && (best < 0 || k+1+d < best) {
					best = k + 1 + d
				}
				return nil
			}); err != nil {
				return nil, err
			}
		}
		if forward {
			frontF, kf = next, kf+1
		} else {
			frontB, kb = next, kb+1
		}
	}
	if best < 0 || best > maxDepth {
		return nil, fmt.Errorf("no path within %d steps: %w", maxDepth, graph.ErrNotFound)
	}
	L := best
	// good: forward-explored nodes that lie on some shortest path.
	good := map[string]bool{}
	layer := map[int][]string{}
	maxLayer := 0
	for v, d := range distF {
		if db, ok := distB[v]; ok && d+db == L {
			good[v] = true
			layer[d] = append(layer[d], v)
			maxLayer = max(maxLayer, d)
		}
	}
	for d := maxLayer; d > 0; d-- {
		for _, v := range layer[d] {
			for _, u := range predF[v] {
				if !good[u] {
					good[u] = true
					layer[d-1] = append(layer[d-1], u)
				}
			}
		}
	}
	onPath := func(w string, pos int) bool {
		if db, ok := distB[w]; ok && db == L-pos {
			return true
		}
		df, ok := distF[w]
		return ok && df == pos && good[w]
	}
	p := &graph.Path{Nodes: []graph.Entity{*start}}
	u := from
	for pos := 1; pos <= L; pos++ {
		var bestNext string
		var bestRel *graph.Relation
		if err := r.edges(u, &fwd, func(e *edge) error {
			w := e.other()
			if !onPath(w, pos) {
				return nil
			}
			if bestNext != "" && w > bestNext {
				return nil
			}
			rel, err := e.relation()
			if err != nil {
				return err
			}
			if bestNext == "" || w < bestNext || heavier(&rel, bestRel) {
				bestNext, bestRel = w, &rel
			}
			return nil
		}); err != nil {
			return nil, err
		}
		if bestNext == "" {
			return nil, fmt.Errorf("%w: path reconstruction lost its way at %s", graph.ErrCorrupt, u)
		}
		n, err := r.entity(bestNext)
		if err != nil || n == nil {
			return nil, fmt.Errorf("%w: entity %s vanished", graph.ErrCorrupt, bestNext)
		}
		p.Nodes = append(p.Nodes, *n)
		p.Relations = append(p.Relations, *bestRel)
		u = bestNext
	}
	return p, nil
}

// heavier orders parallel relations: heaviest, then by type, then From.
func heavier(a, b *graph.Relation) bool {
	if a.Weight != b.Weight {
		return a.Weight > b.Weight
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.From < b.From
}
