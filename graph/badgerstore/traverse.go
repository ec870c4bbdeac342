package badgerstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// edge is one relation seen from one of its endpoints, decoded lazily: a
// traversal looks at the other endpoint of every edge but decodes the
// weight and dates of few, so nothing is allocated until asked for.
type edge struct {
	r      *reader
	item   *badger.Item
	id     string // the endpoint the edge is seen from
	rt     []byte // valid during the callback only
	otherB []byte // valid during the callback only
	out    bool   // id is the From end
	rec    *relRec
}

// other returns the other endpoint (allocating; index maps with
// string(e.otherB) to avoid that).
func (e *edge) other() string { return string(e.otherB) }

func (e *edge) key() graph.RelationKey {
	o := e.other()
	if e.out {
		return graph.RelationKey{From: e.id, Type: graph.RelationType(e.rt), To: o}
	}
	return graph.RelationKey{From: o, Type: graph.RelationType(e.rt), To: e.id}
}

func (e *edge) record() (*relRec, error) {
	if e.rec != nil {
		return e.rec, nil
	}
	v, err := e.item.ValueCopy(e.r.buf[:0])
	if err != nil {
		return nil, err
	}
	e.r.buf = v
	e.rec, err = decodeRelRead(v)
	return e.rec, err
}

// weight returns the edge's weight in micro-units.
func (e *edge) weight() (int64, error) {
	rec, err := e.record()
	if err != nil {
		return 0, err
	}
	return rec.Weight, nil
}

// relation returns the edge as a Relation, without evidence.
func (e *edge) relation() (graph.Relation, error) {
	rec, err := e.record()
	if err != nil {
		return graph.Relation{}, err
	}
	return rec.relation(e.key()), nil
}

// reader wraps a read transaction with a cache of entity lookups, for the
// traversals.
type reader struct {
	txn  *badger.Txn
	ents map[string]*graph.Entity // nil value: absent
	buf  []byte                   // reused for relation values
}

func newReader(txn *badger.Txn) *reader {
	return &reader{txn: txn, ents: map[string]*graph.Entity{}}
}

func (r *reader) entity(id string) (*graph.Entity, error) {
	if e, ok := r.ents[id]; ok {
		return e, nil
	}
	e, err := getEnt(r.txn, id)
	if err != nil {
		return nil, err
	}
	r.ents[id] = e
	return e, nil
}

var coOccurs = []byte(graph.CoOccurs)

// edges calls fn for every edge of id that f allows, not checking entity
// types. Directed edges follow f.Direction; undirected ones go both ways.
// The edge passed to fn is reused: fn copies what it keeps.
func (r *reader) edges(id string, f *graph.Filter, fn func(e *edge) error) error {
	minW := toMicro(f.MinWeight)
	e := &edge{r: r, id: id}
	scan := func(table byte, out bool) error {
		var prefixes [][]byte
		if len(f.Relations) == 0 {
			prefixes = [][]byte{key(table, id)}
		} else {
			for _, rt := range f.Relations {
				prefixes = append(prefixes, key(table, id, string(rt)))
			}
		}
		skip := len(key(table, id))
		for _, p := range prefixes {
			it := r.txn.NewIterator(badger.IteratorOptions{Prefix: p})
			for it.Rewind(); it.Valid(); it.Next() {
				k := it.Item().Key()[skip:]
				i := bytes.IndexByte(k, sepString)
				if i < 0 || len(k) < i+2 || k[len(k)-1] != sepString {
					it.Close()
					return fmt.Errorf("%w: adjacency key", graph.ErrCorrupt)
				}
				rt, other := k[:i], k[i+1:len(k)-1]
				undirected := bytes.Equal(rt, coOccurs)
				if !undirected && f.Direction != graph.Both && (f.Direction == graph.Out) != out {
					continue
				}
				*e = edge{r: r, id: id, item: it.Item(), rt: rt, otherB: other, out: out}
				if f.MinWeight > 0 {
					w, err := e.weight()
					if err != nil {
						it.Close()
						return err
					}
					if w < minW {
						continue
					}
				}
				if err := fn(e); err != nil {
					it.Close()
					return err
				}
			}
			it.Close()
		}
		return nil
	}
	if err := scan(pOut, true); err != nil {
		return err
	}
	return scan(pIn, false)
}

// allowed reports whether a node may be visited under a type filter.
func (r *reader) allowed(id string, types map[string]bool) (*graph.Entity, bool, error) {
	e, err := r.entity(id)
	if err != nil || e == nil {
		return nil, false, err
	}
	return e, types == nil || types[string(e.Type)], nil
}

// walk is one edge a traversal followed, kept until its far end is chosen
// or dropped: from is the frontier node it was seen from.
type walk struct {
	from string
	rt   graph.RelationType
	out  bool // from is the relation's From end
	rec  *relRec
}

func (w *walk) relation(to string) graph.Relation {
	if w.out {
		return w.rec.relation(graph.RelationKey{From: w.from, Type: w.rt, To: to})
	}
	return w.rec.relation(graph.RelationKey{From: to, Type: w.rt, To: w.from})
}

// cand is a node a layer may add: its heaviest connecting edge's weight and,
// when the caller wants them, every edge that reached it from the frontier.
type cand struct {
	w     int64
	walks []walk
}

// relTypes interns relation type names, so keeping a walked edge does not
// allocate its type.
type relTypes map[string]graph.RelationType

func (m relTypes) of(b []byte) graph.RelationType {
	if t, ok := m[string(b)]; ok {
		return t
	}
	t := graph.RelationType(b)
	m[string(t)] = t
	return t
}

// expand is a breadth-first expansion from seeds: per layer, candidates
// ordered by heaviest connecting edge, then ID; at most limit nodes besides
// the seeds. It returns the visited nodes in order and whether the limit cut
// the answer short. With walked non-nil it also appends the edges the
// expansion followed into the nodes it added: for each added node, every
// edge f allows from a node of the previous layer to it (the adjacency the
// layer read anyway, so this costs no extra reads).
func (r *reader) expand(ctx context.Context, seeds []string, f *graph.Filter, depth, limit int, walked *[]graph.Relation) ([]*graph.Entity, bool, error) {
	types := typeSet(f.Types)
	visited := map[string]bool{}
	var nodes []*graph.Entity
	for _, id := range seeds {
		if visited[id] {
			continue
		}
		e, err := r.entity(id)
		if err != nil {
			return nil, false, err
		}
		if e == nil {
			return nil, false, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
		}
		visited[id] = true
		nodes = append(nodes, e)
	}
	frontier := slices.Clone(seeds)
	added := 0
	rts := relTypes{}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		best := map[string]*cand{}
		for _, id := range frontier {
			if err := r.edges(id, f, func(e *edge) error {
				if visited[string(e.otherB)] {
					return nil
				}
				w, err := e.weight()
				if err != nil {
					return err
				}
				c := best[string(e.otherB)]
				if c == nil {
					c = &cand{w: w}
					best[e.other()] = c
				} else if w > c.w {
					c.w = w
				}
				if walked != nil {
					c.walks = append(c.walks, walk{from: id, rt: rts.of(e.rt), out: e.out, rec: e.rec})
				}
				return nil
			}); err != nil {
				return nil, false, err
			}
		}
		cands := make([]string, 0, len(best))
		for id := range best {
			cands = append(cands, id)
		}
		sort.Slice(cands, func(i, j int) bool {
			a, b := cands[i], cands[j]
			if wa, wb := best[a].w, best[b].w; wa != wb {
				return wa > wb
			}
			return a < b
		})
		frontier = frontier[:0:0]
		for _, id := range cands {
			e, ok, err := r.allowed(id, types)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				continue
			}
			if added == limit {
				return nodes, true, nil
			}
			visited[id] = true
			nodes = append(nodes, e)
			frontier = append(frontier, id)
			added++
			if walked != nil {
				for i := range best[id].walks {
					*walked = append(*walked, best[id].walks[i].relation(id))
				}
			}
		}
	}
	return nodes, false, nil
}

// closure returns the edges among nodes that f's relation types and weight
// allow, in (From, Type, To) order.
func (r *reader) closure(nodes []*graph.Entity, f *graph.Filter) ([]graph.Relation, error) {
	in := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		in[n.ID] = true
	}
	all := *f
	all.Direction = graph.Out
	var rels []graph.Relation
	for _, n := range nodes {
		// Out edges only (plus undirected ones seen from either end, kept
		// once by From): each edge is found once, from its From.
		if err := r.edges(n.ID, &all, func(e *edge) error {
			if !e.out || !in[string(e.otherB)] {
				return nil
			}
			rel, err := e.relation()
			if err != nil {
				return err
			}
			rels = append(rels, rel)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	sort.Slice(rels, func(i, j int) bool { return relKeyLess(rels[i].Key(), rels[j].Key()) })
	return rels, nil
}

func subgraphOf(nodes []*graph.Entity, rels []graph.Relation, truncated bool) *graph.Subgraph {
	sg := &graph.Subgraph{Nodes: make([]graph.Entity, len(nodes)), Relations: rels, Truncated: truncated}
	for i, n := range nodes {
		sg.Nodes[i] = *n
	}
	if sg.Relations == nil {
		sg.Relations = []graph.Relation{}
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
		return nil, err
	}
	var sg *graph.Subgraph
	err = s.view(ctx, func(txn *badger.Txn) error {
		r := newReader(txn)
		// The walked edges, not the closure: closing the set would read
		// the adjacency of every returned node, and neighbours are mostly
		// hubs. Subgraph is the query for the edges among them.
		var rels []graph.Relation
		nodes, trunc, err := r.expand(ctx, []string{id}, &q.Filter, q.Depth, limit, &rels)
		if err != nil {
			return err
		}
		sort.Slice(rels, func(i, j int) bool { return relKeyLess(rels[i].Key(), rels[j].Key()) })
		sg = subgraphOf(nodes, rels, trunc)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("neighbors of %s: %w", id, err)
	}
	return sg, nil
}

// Subgraph returns the graph around seeds.
func (s *Store) Subgraph(ctx context.Context, seeds []string, q graph.SubgraphQuery) (*graph.Subgraph, error) {
	if q.Depth < 0 || q.Depth > 3 {
		return nil, fmt.Errorf("subgraph: %w: depth %d not in 0..3", graph.ErrInvalid, q.Depth)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("subgraph: %w: no seeds", graph.ErrInvalid)
	}
	limit, err := pageLimit(q.Limit, 500, 1<<20)
	if err != nil {
		return nil, err
	}
	var sg *graph.Subgraph
	err = s.view(ctx, func(txn *badger.Txn) error {
		r := newReader(txn)
		seedSet := map[string]bool{}
		for _, id := range seeds {
			seedSet[id] = true
		}
		trunc := false
		if len(seedSet) > limit {
			trunc = true
			uniq := make([]string, 0, len(seedSet))
			for id := range seedSet {
				uniq = append(uniq, id)
			}
			sort.Strings(uniq)
			seeds = uniq[:limit]
		}
		nodes, t, err := r.expand(ctx, seeds, &q.Filter, q.Depth, limit-min(len(seedSet), limit), nil)
		if err != nil {
			return err
		}
		rels, err := r.closure(nodes, &q.Filter)
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

// EntityRelations returns the relations of an entity, heaviest first.
func (s *Store) EntityRelations(ctx context.Context, id string, f graph.Filter, limit int) ([]graph.Relation, error) {
	var out []graph.Relation
	err := s.view(ctx, func(txn *badger.Txn) error {
		r := newReader(txn)
		if e, err := r.entity(id); err != nil || e == nil {
			if err == nil {
				err = fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
			}
			return err
		}
		types := typeSet(f.Types)
		type ranked struct {
			rel   graph.Relation
			other string
		}
		var rs []ranked
		if err := r.edges(id, &f, func(e *edge) error {
			if types != nil {
				if _, ok, err := r.allowed(e.other(), types); err != nil || !ok {
					return err
				}
			}
			rel, err := e.relation()
			if err != nil {
				return err
			}
			rs = append(rs, ranked{rel, e.other()})
			return nil
		}); err != nil {
			return err
		}
		sort.Slice(rs, func(i, j int) bool {
			a, b := &rs[i], &rs[j]
			if a.rel.Weight != b.rel.Weight {
				return a.rel.Weight > b.rel.Weight
			}
			if a.rel.Type != b.rel.Type {
				return a.rel.Type < b.rel.Type
			}
			if a.other != b.other {
				return a.other < b.other
			}
			return a.rel.From < b.rel.From
		})
		for i := range rs {
			if limit > 0 && len(out) == limit {
				break
			}
			out = append(out, rs[i].rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("relations of %s: %w", id, err)
	}
	return out, nil
}

// RelationsBetween returns every relation joining a and b.
func (s *Store) RelationsBetween(ctx context.Context, a, b string) ([]graph.Relation, error) {
	var out []graph.Relation
	err := s.view(ctx, func(txn *badger.Txn) error {
		r := newReader(txn)
		for _, id := range []string{a, b} {
			if e, err := r.entity(id); err != nil || e == nil {
				if err == nil {
					err = fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
				}
				return err
			}
		}
		return r.edges(a, &graph.Filter{}, func(e *edge) error {
			if string(e.otherB) != b {
				return nil
			}
			rel, err := e.relation()
			if err == nil {
				out = append(out, rel)
			}
			return err
		})
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
