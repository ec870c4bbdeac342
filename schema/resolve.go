package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"

	"kg/graph"
	"kg/schema/paths"
)

// resolver holds one resolver method per field. Every method calls the
// graph reader (or, for mutations, the editor and ingester) and nothing
// else, and starts by checking the request's context so that a timed-out
// request stops at the next field.
type resolver struct {
	r       graph.Reader
	cfg     *config
	lim     Limits
	writeMu *sync.Mutex // one write at a time: the store's Writer contract
}

// relation is the source value of a Relation field: the relation and, when
// the enclosing answer already holds them, its endpoints.
type relation struct {
	graph.Relation
	from, to *graph.Entity
}

// subgraph is the source value of a Subgraph field.
type subgraph struct {
	sg   *graph.Subgraph
	rels []any
}

type entityConn struct {
	page graph.EntityPage
	typ  graph.EntityType
}

type count struct {
	key any
	n   int64
}

// --- argument helpers ---

func ctxErr(p graphql.ResolveParams) error {
	if p.Context == nil {
		return nil
	}
	return coded(p.Context.Err())
}

func argString(p graphql.ResolveParams, name string) (string, bool) {
	s, ok := p.Args[name].(string)
	return s, ok
}

func argInt(p graphql.ResolveParams, name string, def int) int {
	if v, ok := p.Args[name].(int); ok {
		return v
	}
	return def
}

// argFirst reads a page size: negative is BAD_INPUT, above MaxFirst is
// clamped (a client asking for "everything" gets the largest page).
func (res *resolver) argFirst(p graphql.ResolveParams, name string, def int) (int, error) {
	n := argInt(p, name, def)
	if n < 0 {
		return 0, errorf(CodeBadInput, "%s must not be negative, got %d", name, n)
	}
	return min(n, res.lim.MaxFirst), nil
}

func argRelTypes(p graphql.ResolveParams, name string) []graph.RelationType {
	l, _ := p.Args[name].([]any)
	out := make([]graph.RelationType, 0, len(l))
	for _, v := range l {
		if t, ok := v.(graph.RelationType); ok {
			out = append(out, t)
		}
	}
	return out
}

func argEntityTypes(p graphql.ResolveParams, name string) []graph.EntityType {
	l, _ := p.Args[name].([]any)
	out := make([]graph.EntityType, 0, len(l))
	for _, v := range l {
		if t, ok := v.(graph.EntityType); ok {
			out = append(out, t)
		}
	}
	return out
}

func argDirection(p graphql.ResolveParams) graph.Direction {
	d, _ := p.Args["direction"].(graph.Direction)
	return d
}

func argFilter(p graphql.ResolveParams) graph.Filter {
	f := graph.Filter{
		Relations: argRelTypes(p, "relations"),
		Direction: argDirection(p),
		Types:     argEntityTypes(p, "types"),
	}
	if w, ok := p.Args["minWeight"].(float64); ok {
		f.MinWeight = w
	}
	return f
}

var idPattern = regexp.MustCompile(`^e[0-9a-f]{16}$`)

// entityRef resolves an argument that is an entity ID or a name. IDs are
// taken as they are (the store reports unknown ones); anything else is
// looked up by name and the most mentioned entity of that name wins.
func (res *resolver) entityRef(ctx context.Context, ref string) (string, error) {
	if idPattern.MatchString(ref) {
		return ref, nil
	}
	if strings.TrimSpace(ref) == "" {
		return "", errorf(CodeBadInput, "empty entity id or name")
	}
	e, err := res.byName(ctx, ref, nil)
	if err != nil {
		return "", err
	}
	return e.ID, nil
}

func (res *resolver) byName(ctx context.Context, name string, t *graph.EntityType) (*graph.Entity, error) {
	var types []graph.EntityType
	if t != nil {
		types = []graph.EntityType{*t}
	}
	es, err := res.r.EntitiesByName(ctx, name, types...)
	if errors.Is(err, graph.ErrNotFound) || (err == nil && len(es) == 0) {
		return nil, errorf(CodeNotFound, "no entity named %q", name)
	}
	if err != nil {
		return nil, coded(err)
	}
	best := &es[0]
	for i := range es[1:] {
		e := &es[i+1]
		if e.Mentions > best.Mentions {
			best = e
		}
	}
	return best, nil
}

func (res *resolver) entity(ctx context.Context, id string) (*graph.Entity, error) {
	e, err := res.r.Entity(ctx, id)
	if err != nil {
		return nil, coded(err)
	}
	return e, nil
}

// --- Query ---

func (res *resolver) queryEntity(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	id, hasID := argString(p, "id")
	name, hasName := argString(p, "name")
	switch {
	case hasID == hasName:
		return nil, errorf(CodeBadInput, "entity needs exactly one of id and name")
	case hasID:
		e, err := res.r.Entity(p.Context, id)
		if errors.Is(err, graph.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, coded(err)
		}
		return e, nil
	default:
		var t *graph.EntityType
		if v, ok := p.Args["type"].(graph.EntityType); ok {
			t = &v
		}
		e, err := res.byName(p.Context, name, t)
		var ce *Error
		if errors.As(err, &ce) && ce.Code == CodeNotFound {
			return nil, nil
		}
		return e, err
	}
}

func (res *resolver) querySearch(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	text, _ := argString(p, "text")
	if graph.Normalize(text) == "" {
		return nil, errorf(CodeBadInput, "search text is empty")
	}
	first, err := res.argFirst(p, "first", 20)
	if err != nil || first == 0 {
		return []any{}, err
	}
	mode, _ := p.Args["mode"].(graph.SearchMode)
	page, err := res.r.Search(p.Context, graph.SearchQuery{
		Text: text, Mode: mode, Types: argEntityTypes(p, "types"), Limit: first,
	})
	if err != nil {
		return nil, coded(err)
	}
	return entityList(page.Entities), nil
}

func (res *resolver) queryEntities(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	first, err := res.argFirst(p, "first", 20)
	if err != nil {
		return nil, err
	}
	t, _ := p.Args["type"].(graph.EntityType)
	order, _ := p.Args["orderBy"].(graph.EntityOrder)
	after, _ := argString(p, "after")
	if first == 0 {
		return &entityConn{typ: t}, nil
	}
	page, err := res.r.Entities(p.Context, graph.EntityQuery{Type: t, Order: order, After: after, Limit: first})
	if err != nil {
		return nil, coded(err)
	}
	return &entityConn{page: page, typ: t}, nil
}

func (res *resolver) queryNeighbors(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	ref, _ := argString(p, "id")
	depth := argInt(p, "depth", 1)
	if depth < 1 {
		return nil, errorf(CodeBadInput, "depth must be at least 1, got %d", depth)
	}
	if depth > 3 {
		return nil, errorf(CodeLimit, "depth is at most 3, got %d", depth)
	}
	first, err := res.argFirst(p, "first", 50)
	if err != nil {
		return nil, err
	}
	id, err := res.entityRef(p.Context, ref)
	if err != nil {
		return nil, err
	}
	q := graph.NeighborQuery{Filter: argFilter(p), Depth: depth, Limit: first}
	if first == 0 {
		// The store reads Limit 0 as its default; no neighbours is the
		// entity alone.
		e, err := res.entity(p.Context, id)
		if err != nil {
			return nil, err
		}
		return res.newSubgraph(&graph.Subgraph{Nodes: []graph.Entity{*e}}), nil
	}
	sg, err := res.r.Neighbors(p.Context, id, q)
	if err != nil {
		return nil, coded(err)
	}
	return res.newSubgraph(sg), nil
}

func (res *resolver) pathArgs(p graphql.ResolveParams, maxDepthCap int) (from, to string, q graph.PathQuery, err error) {
	fromRef, _ := argString(p, "from")
	toRef, _ := argString(p, "to")
	depth := argInt(p, "maxDepth", 4)
	if depth < 1 {
		return "", "", q, errorf(CodeBadInput, "maxDepth must be at least 1, got %d", depth)
	}
	if depth > maxDepthCap {
		return "", "", q, errorf(CodeLimit, "maxDepth is at most %d, got %d", maxDepthCap, depth)
	}
	if from, err = res.entityRef(p.Context, fromRef); err != nil {
		return
	}
	if to, err = res.entityRef(p.Context, toRef); err != nil {
		return
	}
	q = graph.PathQuery{
		Filter:   graph.Filter{Relations: argRelTypes(p, "relations"), Direction: argDirection(p)},
		MaxDepth: depth,
	}
	return from, to, q, nil
}

func (res *resolver) queryPath(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	from, to, q, err := res.pathArgs(p, 8)
	if err != nil {
		return nil, err
	}
	path, err := res.r.ShortestPath(p.Context, from, to, q)
	if errors.Is(err, graph.ErrNotFound) {
		// No path, or no such entity: only the second is an error.
		for _, id := range []string{from, to} {
			if _, err := res.entity(p.Context, id); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	if err != nil {
		return nil, coded(err)
	}
	return path, nil
}

func (res *resolver) queryPaths(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	from, to, q, err := res.pathArgs(p, 6)
	if err != nil {
		return nil, err
	}
	first, err := res.argFirst(p, "first", 10)
	if err != nil || first == 0 {
		return []any{}, err
	}
	parallel, _ := p.Args["parallel"].(bool)
	out, err := paths.All(p.Context, res.r, from, to, paths.Options{
		Filter: q.Filter, MaxDepth: q.MaxDepth, First: first, MaxExpansions: res.lim.MaxPathExpansions, Parallel: parallel,
	})
	if err != nil {
		return nil, coded(err)
	}
	l := make([]any, len(out.Paths))
	for i := range out.Paths {
		l[i] = &out.Paths[i]
	}
	return l, nil
}

func (res *resolver) querySubgraph(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	refs, _ := p.Args["ids"].([]any)
	if len(refs) > res.lim.MaxFirst {
		return nil, errorf(CodeLimit, "at most %d seed ids, got %d", res.lim.MaxFirst, len(refs))
	}
	depth := argInt(p, "depth", 1)
	if depth < 0 {
		return nil, errorf(CodeBadInput, "depth must not be negative, got %d", depth)
	}
	if depth > 3 {
		return nil, errorf(CodeLimit, "depth is at most 3, got %d", depth)
	}
	limit := argInt(p, "limit", 500)
	if limit < 1 {
		return nil, errorf(CodeBadInput, "limit must be at least 1, got %d", limit)
	}
	limit = min(limit, res.lim.MaxNodes)
	seeds := make([]string, 0, len(refs))
	for _, r := range refs {
		ref, _ := r.(string)
		id, err := res.entityRef(p.Context, ref)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(seeds, id) {
			seeds = append(seeds, id)
		}
	}
	if len(seeds) == 0 {
		return res.newSubgraph(&graph.Subgraph{}), nil
	}
	f := graph.Filter{Relations: argRelTypes(p, "relations"), Types: argEntityTypes(p, "types")}
	sg, err := res.r.Subgraph(p.Context, seeds, graph.SubgraphQuery{Filter: f, Depth: depth, Limit: limit})
	if err != nil {
		return nil, coded(err)
	}
	return res.newSubgraph(sg), nil
}

func (res *resolver) queryRelations(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	fromRef, _ := argString(p, "from")
	toRef, _ := argString(p, "to")
	from, err := res.entityRef(p.Context, fromRef)
	if err != nil {
		return nil, err
	}
	to, err := res.entityRef(p.Context, toRef)
	if err != nil {
		return nil, err
	}
	rels, err := res.r.RelationsBetween(p.Context, from, to)
	if err != nil {
		return nil, coded(err)
	}
	out := make([]any, len(rels))
	for i := range rels {
		out[i] = &relation{Relation: rels[i]}
	}
	return out, nil
}

func (res *resolver) queryDocuments(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	first, err := res.argFirst(p, "first", 20)
	if err != nil {
		return nil, err
	}
	after, _ := argString(p, "after")
	if first == 0 {
		return &graph.DocumentPage{}, nil
	}
	page, err := res.r.Documents(p.Context, after, first)
	if err != nil {
		return nil, coded(err)
	}
	return &page, nil
}

func (res *resolver) queryDocument(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	id, _ := argString(p, "id")
	d, err := res.r.Document(p.Context, id)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, coded(err)
	}
	return d, nil
}

func (res *resolver) queryStats(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	st, err := res.r.Stats(p.Context)
	if err != nil {
		return nil, coded(err)
	}
	return &st, nil
}

func entityList(es []graph.Entity) []any {
	out := make([]any, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}

// --- Entity ---

func srcEntity(p graphql.ResolveParams) *graph.Entity { e, _ := p.Source.(*graph.Entity); return e }

func (res *resolver) entityID(p graphql.ResolveParams) (any, error)   { return srcEntity(p).ID, nil }
func (res *resolver) entityName(p graphql.ResolveParams) (any, error) { return srcEntity(p).Name, nil }
func (res *resolver) entityType(p graphql.ResolveParams) (any, error) { return srcEntity(p).Type, nil }
func (res *resolver) entityAliases(p graphql.ResolveParams) (any, error) {
	a := srcEntity(p).Aliases
	if a == nil {
		return []string{}, nil
	}
	return a, nil
}
func (res *resolver) entityMentions(p graphql.ResolveParams) (any, error) {
	return int(srcEntity(p).Mentions), nil
}
func (res *resolver) entityDocs(p graphql.ResolveParams) (any, error) {
	return int(srcEntity(p).Docs), nil
}
func (res *resolver) entityDegree(p graphql.ResolveParams) (any, error) {
	return int(srcEntity(p).Degree), nil
}
func (res *resolver) entityFirst(p graphql.ResolveParams) (any, error) {
	return optString(srcEntity(p).First), nil
}
func (res *resolver) entityLast(p graphql.ResolveParams) (any, error) {
	return optString(srcEntity(p).Last), nil
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (res *resolver) entityRelations(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	e := srcEntity(p)
	first, err := res.argFirst(p, "first", 50)
	if err != nil || first == 0 {
		return []any{}, err
	}
	f := graph.Filter{Relations: argRelTypes(p, "types"), Direction: argDirection(p)}
	if w, ok := p.Args["minWeight"].(float64); ok {
		f.MinWeight = w
	}
	rels, err := res.r.EntityRelations(p.Context, e.ID, f, first)
	if errors.Is(err, graph.ErrNotFound) {
		// A query reads the store more than once; a write in between
		// removed the entity, and with it its relations.
		return []any{}, nil
	}
	if err != nil {
		return nil, coded(err)
	}
	out := make([]any, len(rels))
	for i := range rels {
		r := &relation{Relation: rels[i]}
		if r.From == e.ID {
			r.from = e
		} else if r.To == e.ID {
			r.to = e
		}
		out[i] = r
	}
	return out, nil
}

func (res *resolver) entityDocuments(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	first, err := res.argFirst(p, "first", 20)
	if err != nil || first == 0 {
		return []any{}, err
	}
	dm, err := res.r.EntityDocuments(p.Context, srcEntity(p).ID, first)
	if err != nil {
		return nil, coded(err)
	}
	out := make([]any, 0, len(dm))
	for _, m := range dm {
		d, err := res.r.Document(p.Context, m.Doc)
		if errors.Is(err, graph.ErrNotFound) {
			continue // deleted since the mention index was read
		}
		if err != nil {
			return nil, coded(err)
		}
		out = append(out, d)
	}
	return out, nil
}

// --- Relation ---

func srcRelation(p graphql.ResolveParams) *relation { r, _ := p.Source.(*relation); return r }

func (res *resolver) relationID(p graphql.ResolveParams) (any, error) {
	return srcRelation(p).Key().ID(), nil
}
func (res *resolver) relationType(p graphql.ResolveParams) (any, error) {
	return srcRelation(p).Type, nil
}
func (res *resolver) relationWeight(p graphql.ResolveParams) (any, error) {
	return srcRelation(p).Weight, nil
}
func (res *resolver) relationDocs(p graphql.ResolveParams) (any, error) {
	return int(srcRelation(p).Docs), nil
}
func (res *resolver) relationFirst(p graphql.ResolveParams) (any, error) {
	return optString(srcRelation(p).First), nil
}
func (res *resolver) relationLast(p graphql.ResolveParams) (any, error) {
	return optString(srcRelation(p).Last), nil
}

func (res *resolver) relationFromID(p graphql.ResolveParams) (any, error) {
	return srcRelation(p).From, nil
}
func (res *resolver) relationToID(p graphql.ResolveParams) (any, error) {
	return srcRelation(p).To, nil
}

func (res *resolver) relationFrom(p graphql.ResolveParams) (any, error) {
	r := srcRelation(p)
	if r.from != nil {
		return r.from, nil
	}
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	return res.entity(p.Context, r.From)
}

func (res *resolver) relationTo(p graphql.ResolveParams) (any, error) {
	r := srcRelation(p)
	if r.to != nil {
		return r.to, nil
	}
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	return res.entity(p.Context, r.To)
}

func (res *resolver) relationEvidence(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	first, err := res.argFirst(p, "first", 5)
	if err != nil || first == 0 {
		return []any{}, err
	}
	ev, err := res.r.Evidence(p.Context, srcRelation(p).Key(), first)
	if errors.Is(err, graph.ErrNotFound) {
		return []any{}, nil // removed by a write since the relation was read
	}
	if err != nil {
		return nil, coded(err)
	}
	out := make([]any, len(ev))
	for i := range ev {
		out[i] = &ev[i]
	}
	return out, nil
}

// --- Evidence ---

func srcEvidence(p graphql.ResolveParams) *graph.Evidence {
	e, _ := p.Source.(*graph.Evidence)
	return e
}

func (res *resolver) evidenceDocument(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	d, err := res.r.Document(p.Context, srcEvidence(p).Doc)
	if err != nil {
		return nil, coded(err)
	}
	return d, nil
}
func (res *resolver) evidenceDocumentID(p graphql.ResolveParams) (any, error) {
	return srcEvidence(p).Doc, nil
}
func (res *resolver) evidenceSentence(p graphql.ResolveParams) (any, error) {
	return srcEvidence(p).Sentence, nil
}
func (res *resolver) evidenceStart(p graphql.ResolveParams) (any, error) {
	return srcEvidence(p).Start, nil
}
func (res *resolver) evidenceEnd(p graphql.ResolveParams) (any, error) {
	return srcEvidence(p).End, nil
}
func (res *resolver) evidenceRule(p graphql.ResolveParams) (any, error) {
	return srcEvidence(p).Rule, nil
}

// --- Document ---

func srcDocument(p graphql.ResolveParams) *graph.Document {
	d, _ := p.Source.(*graph.Document)
	return d
}

func (res *resolver) documentID(p graphql.ResolveParams) (any, error) { return srcDocument(p).ID, nil }
func (res *resolver) documentTitle(p graphql.ResolveParams) (any, error) {
	return srcDocument(p).Title, nil
}
func (res *resolver) documentSource(p graphql.ResolveParams) (any, error) {
	return srcDocument(p).Source, nil
}
func (res *resolver) documentHash(p graphql.ResolveParams) (any, error) {
	return srcDocument(p).Hash, nil
}
func (res *resolver) documentIssuer(p graphql.ResolveParams) (any, error) {
	return optString(srcDocument(p).Issuer), nil
}
func (res *resolver) documentDate(p graphql.ResolveParams) (any, error) {
	return optString(srcDocument(p).Date), nil
}
func (res *resolver) documentRegion(p graphql.ResolveParams) (any, error) {
	return optString(srcDocument(p).Region), nil
}
func (res *resolver) documentSize(p graphql.ResolveParams) (any, error) {
	return int(srcDocument(p).Size), nil
}

// --- Path ---

func srcPath(p graphql.ResolveParams) *graph.Path { x, _ := p.Source.(*graph.Path); return x }

func (res *resolver) pathLength(p graphql.ResolveParams) (any, error) {
	return len(srcPath(p).Relations), nil
}
func (res *resolver) pathNodes(p graphql.ResolveParams) (any, error) {
	return entityList(srcPath(p).Nodes), nil
}
func (res *resolver) pathRelations(p graphql.ResolveParams) (any, error) {
	path := srcPath(p)
	byID := make(map[string]*graph.Entity, len(path.Nodes))
	for i := range path.Nodes {
		byID[path.Nodes[i].ID] = &path.Nodes[i]
	}
	out := make([]any, len(path.Relations))
	for i := range path.Relations {
		r := path.Relations[i]
		out[i] = &relation{Relation: r, from: byID[r.From], to: byID[r.To]}
	}
	return out, nil
}

// --- Subgraph ---

// newSubgraph caps the relations at MaxEdges (marking the answer
// truncated) and keeps it closed: a relation whose endpoint is not among the
// nodes is dropped, whatever the store returned.
func (res *resolver) newSubgraph(sg *graph.Subgraph) *subgraph {
	byID := make(map[string]*graph.Entity, len(sg.Nodes))
	for i := range sg.Nodes {
		byID[sg.Nodes[i].ID] = &sg.Nodes[i]
	}
	kept := sg.Relations[:0:0]
	rels := make([]any, 0, min(len(sg.Relations), res.lim.MaxEdges))
	for _, r := range sg.Relations {
		from, to := byID[r.From], byID[r.To]
		if from == nil || to == nil {
			continue
		}
		if len(kept) == res.lim.MaxEdges {
			sg.Truncated = true
			break
		}
		kept = append(kept, r)
		rels = append(rels, &relation{Relation: r, from: from, to: to})
	}
	sg.Relations = kept
	return &subgraph{sg: sg, rels: rels}
}

func srcSubgraph(p graphql.ResolveParams) *subgraph { s, _ := p.Source.(*subgraph); return s }

func (res *resolver) subgraphNodes(p graphql.ResolveParams) (any, error) {
	return entityList(srcSubgraph(p).sg.Nodes), nil
}
func (res *resolver) subgraphRelations(p graphql.ResolveParams) (any, error) {
	return srcSubgraph(p).rels, nil
}
func (res *resolver) subgraphTruncated(p graphql.ResolveParams) (any, error) {
	return srcSubgraph(p).sg.Truncated, nil
}

func (res *resolver) subgraphJSON(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	f, _ := p.Args["format"].(GraphFormat)
	if f == "" {
		f = NodeLink
	}
	layout, _ := p.Args["layout"].(bool)
	var b bytes.Buffer
	if err := res.cfg.encode(&b, f, srcSubgraph(p).sg, layout); err != nil {
		return nil, coded(err)
	}
	return json.RawMessage(b.Bytes()), nil
}

// --- connections and stats ---

func srcEntityConn(p graphql.ResolveParams) *entityConn { c, _ := p.Source.(*entityConn); return c }

func (res *resolver) entityConnNodes(p graphql.ResolveParams) (any, error) {
	return entityList(srcEntityConn(p).page.Entities), nil
}
func (res *resolver) entityConnCursor(p graphql.ResolveParams) (any, error) {
	return optString(srcEntityConn(p).page.Next), nil
}
func (res *resolver) entityConnMore(p graphql.ResolveParams) (any, error) {
	return srcEntityConn(p).page.Next != "", nil
}
func (res *resolver) entityConnTotal(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	st, err := res.r.Stats(p.Context)
	if err != nil {
		return nil, coded(err)
	}
	if t := srcEntityConn(p).typ; t != "" {
		return int(st.ByType[t]), nil
	}
	return int(st.Entities), nil
}

func srcDocConn(p graphql.ResolveParams) *graph.DocumentPage {
	d, _ := p.Source.(*graph.DocumentPage)
	return d
}

func (res *resolver) documentConnNodes(p graphql.ResolveParams) (any, error) {
	docs := srcDocConn(p).Documents
	out := make([]any, len(docs))
	for i := range docs {
		out[i] = &docs[i]
	}
	return out, nil
}
func (res *resolver) documentConnCursor(p graphql.ResolveParams) (any, error) {
	return optString(srcDocConn(p).Next), nil
}
func (res *resolver) documentConnMore(p graphql.ResolveParams) (any, error) {
	return srcDocConn(p).Next != "", nil
}

func srcStats(p graphql.ResolveParams) *graph.Stats { s, _ := p.Source.(*graph.Stats); return s }

func (res *resolver) statsDocuments(p graphql.ResolveParams) (any, error) {
	return int(srcStats(p).Documents), nil
}
func (res *resolver) statsEntities(p graphql.ResolveParams) (any, error) {
	return int(srcStats(p).Entities), nil
}
func (res *resolver) statsRelations(p graphql.ResolveParams) (any, error) {
	return int(srcStats(p).Relations), nil
}

// statsByType lists the known types in their fixed order, zero counts
// included, so clients see every type.
func (res *resolver) statsByType(p graphql.ResolveParams) (any, error) {
	st := srcStats(p)
	var out []any
	for _, t := range graph.EntityTypes {
		out = append(out, &count{key: t, n: st.ByType[t]})
	}
	return out, nil
}

func (res *resolver) statsByRel(p graphql.ResolveParams) (any, error) {
	st := srcStats(p)
	var out []any
	for _, t := range graph.RelationTypes {
		out = append(out, &count{key: t, n: st.ByRel[t]})
	}
	return out, nil
}

func (res *resolver) countKey(p graphql.ResolveParams) (any, error) {
	c, _ := p.Source.(*count)
	return c.key, nil
}
func (res *resolver) countValue(p graphql.ResolveParams) (any, error) {
	c, _ := p.Source.(*count)
	return int(c.n), nil
}
