package dgraphstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// adjacencyBlock is the DQL body that lists, for each node of a block, the
// edges a traversal under f may follow (with their weight facet) and the
// far node's ID and type. The facet and type filters run in Dgraph.
func adjacencyBlock(f *graph.Filter, inUse []graph.RelationType) string {
	nodeFilter := ""
	if tf := typeFilter("e.type", f.Types); tf != "" {
		nodeFilter = " @filter(" + tf + ")"
	}
	ff := facetFilter(f.MinWeight)
	var b strings.Builder
	for _, s := range steps(f, inUse) {
		fmt.Fprintf(&b, "  %s%s%s @facets(w) { e.id e.type }\n", s.pred(), ff, nodeFilter)
	}
	return b.String()
}

// expandLayers is the breadth-first expansion of the Badger store (per
// layer, candidates by heaviest connecting edge, then ID; at most limit
// nodes besides the seeds) with one DQL request per layer: the request
// fetches the filtered edges of the whole frontier at once. Only the nodes
// a layer adds form the next frontier, so a neighbourhood that fills its
// limit in the first layer never reads the second. The nodes come back
// with ID and type only (see fillClosure).
func expandLayers(ctx context.Context, txn *dgo.Txn, seeds []string, f *graph.Filter, depth, limit int, inUse []graph.RelationType) ([]*graph.Entity, bool, error) {
	adj := adjacencyBlock(f, inUse)
	layer := func(ids []string, withAdj bool) ([]nodeWire, error) {
		body := "uid e.id e.type\n"
		if withAdj {
			body += adj
		}
		var r struct {
			N []map[string]any `json:"n"`
		}
		if err := queryInto(ctx, txn, "{ n(func: eq(e.id, "+dqlList(ids)+")) {\n"+body+"} }", nil, &r); err != nil {
			return nil, err
		}
		return decodeNodes(r.N)
	}
	first, err := layer(seeds, depth > 0 && adj != "")
	if err != nil {
		return nil, false, err
	}
	byID := map[string]*nodeWire{}
	for i := range first {
		byID[first[i].ID] = &first[i]
	}
	visited := map[string]bool{}
	var nodes []*graph.Entity
	for _, id := range seeds {
		n := byID[id]
		if n == nil {
			return nil, false, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
		}
		if !visited[id] {
			visited[id] = true
			nodes = append(nodes, &graph.Entity{ID: id, Type: graph.EntityType(n.Type)})
		}
	}
	front := first
	added := 0
	for d := 1; d <= depth && len(front) > 0; d++ {
		best := map[string]int64{}
		types := map[string]graph.EntityType{}
		for i := range front {
			for _, es := range front[i].Edges {
				for _, e := range es {
					if visited[e.ID] {
						continue
					}
					w := toMicro(e.W)
					if old, ok := best[e.ID]; !ok || w > old {
						best[e.ID] = w
					}
					types[e.ID] = graph.EntityType(e.Type)
				}
			}
		}
		cands := make([]string, 0, len(best))
		for id := range best {
			cands = append(cands, id)
		}
		sort.Slice(cands, func(i, j int) bool {
			x, y := cands[i], cands[j]
			if best[x] != best[y] {
				return best[x] > best[y]
			}
			return x < y
		})
		var next []string
		for _, id := range cands {
			if added == limit {
				return nodes, true, nil
			}
			visited[id] = true
			nodes = append(nodes, &graph.Entity{ID: id, Type: types[id]})
			next = append(next, id)
			added++
		}
		if d == depth || len(next) == 0 {
			break
		}
		if front, err = layer(next, true); err != nil {
			return nil, false, err
		}
	}
	return nodes, false, nil
}

// fillClosure reads the whole entities of nodes (in place) and the edges
// among them that f's relation types and weight allow, in (From, Type, To)
// order, in one DQL request.
func fillClosure(ctx context.Context, txn *dgo.Txn, nodes []*graph.Entity, f *graph.Filter, inUse []graph.RelationType) ([]graph.Relation, error) {
	if len(nodes) == 0 {
		return []graph.Relation{}, nil
	}
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	ff := facetFilter(f.MinWeight)
	var b strings.Builder
	b.WriteString("{\n N as var(func: eq(e.id, " + dqlList(ids) + "))\n n(func: uid(N)) {\n  " + entFields + "\n")
	for _, t := range relTypesOf(f, inUse) {
		fmt.Fprintf(&b, "  %s @filter(uid(N))%s%s { e.id }\n", relPred(t), ff, edgeFacets)
	}
	b.WriteString(" }\n}")
	var r struct {
		N []map[string]any `json:"n"`
	}
	if err := queryInto(ctx, txn, b.String(), nil, &r); err != nil {
		return nil, err
	}
	bl, _, err := ballOf(r.N, inUse)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		e := bl.nodes[n.ID]
		if e == nil {
			return nil, fmt.Errorf("%w: entity %s vanished within a snapshot", graph.ErrCorrupt, n.ID)
		}
		*n = *e
	}
	if bl.edges == nil {
		return []graph.Relation{}, nil
	}
	return bl.edges, nil
}
