// Package paths enumerates the simple paths between two entities of a graph
// reader: every shortest path first, then longer ones, up to a depth. The
// store contract answers one shortest path natively; analysts asking "how is
// A connected to B" want the alternatives as well, and this package builds
// them from the reader's adjacency lists.
//
// The search is bounded three ways: by the number of paths asked for, by
// the maximum length, and by the number of adjacency lists it may read
// (Options.MaxExpansions). It checks the context between reads. When the
// expansion budget runs out it returns the paths found so far with
// Result.Truncated set; paths through a hub whose list was cut at
// Options.FanOut are not found.
package paths

import (
	"context"
	"fmt"
	"slices"

	"kg/graph"
)

// Reader is the part of graph.Reader the search needs.
type Reader interface {
	Entity(ctx context.Context, id string) (*graph.Entity, error)
	EntityRelations(ctx context.Context, id string, f graph.Filter, limit int) ([]graph.Relation, error)
}

// Options bound a search. Zero fields take the defaults noted.
type Options struct {
	Filter        graph.Filter // relation types, direction and weight of usable edges
	MaxDepth      int          // longest path, in edges; default 4
	First         int          // paths to return; default 10
	FanOut        int          // relations read per node, heaviest first; default 1000
	MaxExpansions int          // adjacency lists read in all; default 20,000
	// Parallel lists a chain of entities once per combination of the
	// relations joining its neighbours (A -CO_OCCURS- B and A -LOCATED_IN-
	// B make two paths). Without it each chain is listed once, through
	// the heaviest relation of each step.
	Parallel bool
}

// Result holds the paths, shortest first. Within one length, paths follow
// the store's order of each node's relations: heaviest first.
type Result struct {
	Paths     []graph.Path
	Truncated bool // the expansion budget ran out before the search ended
}

type edge struct {
	rel   graph.Relation
	other string
}

type searcher struct {
	r      Reader
	opt    Options
	adj    map[adjKey][]edge
	reads  int
	cutoff bool
}

type adjKey struct {
	id  string
	dir graph.Direction
}

// errBudget stops a search whose expansion budget ran out.
var errBudget = fmt.Errorf("%w: path expansion budget", graph.ErrLimit)

// All returns up to opt.First simple paths from one entity to another.
// Unknown entities are graph.ErrNotFound; no path is an empty Result.
func All(ctx context.Context, r Reader, from, to string, opt Options) (Result, error) {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = 4
	}
	if opt.First <= 0 {
		opt.First = 10
	}
	if opt.FanOut <= 0 {
		opt.FanOut = 1000
	}
	if opt.MaxExpansions <= 0 {
		opt.MaxExpansions = 20_000
	}
	s := &searcher{r: r, opt: opt, adj: map[adjKey][]edge{}}
	start, err := r.Entity(ctx, from)
	if err != nil {
		return Result{}, fmt.Errorf("paths from %s: %w", from, err)
	}
	end, err := r.Entity(ctx, to)
	if err != nil {
		return Result{}, fmt.Errorf("paths to %s: %w", to, err)
	}
	if from == to {
		return Result{Paths: []graph.Path{{Nodes: []graph.Entity{*start}}}}, nil
	}
	dist, err := s.distances(ctx, to)
	if err != nil && err != errBudget {
		return Result{}, err
	}
	d0, ok := dist[from]
	if !ok {
		return Result{Truncated: s.cutoff}, nil
	}
	nodes := map[string]*graph.Entity{from: start, to: end}
	var out []graph.Path
	for length := d0; length <= opt.MaxDepth && len(out) < opt.First; length++ {
		onPath := map[string]bool{from: true}
		var rels []graph.Relation
		seq := []string{from}
		var walk func(u string, left int) error
		walk = func(u string, left int) error {
			if len(out) >= opt.First {
				return nil
			}
			if left == 0 {
				if u == to {
					p, err := s.materialise(ctx, seq, rels, nodes)
					if err != nil {
						return err
					}
					out = append(out, p)
				}
				return nil
			}
			if u == to {
				return nil
			}
			adj, err := s.edges(ctx, u, opt.Filter.Direction)
			if err != nil {
				return err
			}
			for _, e := range adj {
				if onPath[e.other] {
					continue
				}
				if d, ok := dist[e.other]; !ok || d > left-1 {
					continue
				}
				onPath[e.other] = true
				seq = append(seq, e.other)
				rels = append(rels, e.rel)
				err := walk(e.other, left-1)
				seq = seq[:len(seq)-1]
				rels = rels[:len(rels)-1]
				delete(onPath, e.other)
				if err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(from, length); err != nil {
			if err == errBudget {
				return Result{Paths: out, Truncated: true}, nil
			}
			return Result{}, err
		}
	}
	return Result{Paths: out, Truncated: s.cutoff}, nil
}

// distances is a breadth-first search backwards from the target, up to
// MaxDepth edges: dist[v] is the fewest edges from v to the target. The
// walk from the source then only steps where the target is still in reach.
func (s *searcher) distances(ctx context.Context, target string) (map[string]int, error) {
	back := graph.Both
	switch s.opt.Filter.Direction {
	case graph.Out:
		back = graph.In
	case graph.In:
		back = graph.Out
	}
	dist := map[string]int{target: 0}
	frontier := []string{target}
	for d := 1; d <= s.opt.MaxDepth && len(frontier) > 0; d++ {
		var next []string
		for _, u := range frontier {
			adj, err := s.edges(ctx, u, back)
			if err != nil {
				if err == errBudget {
					s.cutoff = true
				}
				return dist, err
			}
			for _, e := range adj {
				if _, seen := dist[e.other]; !seen {
					dist[e.other] = d
					next = append(next, e.other)
				}
			}
		}
		// The last layer's own edges are never needed: a node at distance
		// MaxDepth can only start a path of MaxDepth edges.
		if d == s.opt.MaxDepth {
			break
		}
		frontier = next
	}
	return dist, nil
}

// edges returns u's usable edges in direction dir, reading them once.
func (s *searcher) edges(ctx context.Context, u string, dir graph.Direction) ([]edge, error) {
	k := adjKey{u, dir}
	if adj, ok := s.adj[k]; ok {
		return adj, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.reads >= s.opt.MaxExpansions {
		s.cutoff = true
		return nil, errBudget
	}
	s.reads++
	f := s.opt.Filter
	f.Direction = dir
	rels, err := s.r.EntityRelations(ctx, u, f, s.opt.FanOut)
	if err != nil {
		return nil, fmt.Errorf("relations of %s: %w", u, err)
	}
	adj := make([]edge, 0, len(rels))
	seen := map[string]bool{}
	for _, rel := range rels {
		other := rel.To
		if rel.To == u {
			other = rel.From
		}
		if other == u || (!s.opt.Parallel && seen[other]) {
			continue
		}
		seen[other] = true // rels come heaviest first: the first is kept
		adj = append(adj, edge{rel: rel, other: other})
	}
	s.adj[k] = adj
	return adj, nil
}

// materialise turns a walk into a graph.Path, reading the entities it has
// not seen yet.
func (s *searcher) materialise(ctx context.Context, seq []string, rels []graph.Relation, nodes map[string]*graph.Entity) (graph.Path, error) {
	p := graph.Path{Nodes: make([]graph.Entity, len(seq)), Relations: slices.Clone(rels)}
	for i, id := range seq {
		e, ok := nodes[id]
		if !ok {
			var err error
			if e, err = s.r.Entity(ctx, id); err != nil {
				return graph.Path{}, fmt.Errorf("path node %s: %w", id, err)
			}
			nodes[id] = e
		}
		p.Nodes[i] = *e
	}
	return p, nil
}
