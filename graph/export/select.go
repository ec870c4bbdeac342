package export

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kg/graph"
)

// Selection is the slice of the graph to export. The zero Selection is the
// whole graph. Node filters (Types, Since/Until, Doc, Top, Around) choose
// nodes; edge filters (Relations, MinWeight, Since/Until, Doc) choose
// edges; an edge is written only when both its endpoints are chosen.
// Nodes left without edges are kept.
type Selection struct {
	Types     []graph.EntityType   // entity types to keep; empty: all
	Relations []graph.RelationType // relation types to keep; empty: all
	MinWeight float64              // edges lighter than this are dropped
	// Top keeps the Top nodes of highest degree (ties by ID) among those the
	// other node filters keep; 0 keeps all.
	Top int
	// Doc keeps what one document contributed: the entities it mentions
	// and the relations it supplies evidence for.
	Doc string
	// Since and Until keep nodes and edges whose publication dates
	// [First, Last] meet the range. Dates are YYYY, YYYY-MM or YYYY-MM-DD;
	// Until includes the whole year or month it names. Records without a
	// date are dropped when either is set.
	Since, Until string
	// Around starts from the entities named Around (by ID, or by name or
	// alias through Reader.EntitiesByName) and keeps the nodes within Depth
	// hops (0 to 3; 0 means 1), at most Limit nodes (0 means 5000), through
	// edges the Types, Relations and MinWeight filters allow.
	Around string
	Depth  int
	Limit  int
}

// DefaultAroundLimit caps the nodes of an Around selection.
const DefaultAroundLimit = 5000

// Validate checks the selection's values.
func (s *Selection) Validate() error {
	for _, d := range []string{s.Since, s.Until} {
		if d != "" && !validDate(d) {
			return fmt.Errorf("%w: date %q is not YYYY, YYYY-MM or YYYY-MM-DD", graph.ErrInvalid, d)
		}
	}
	if s.Since != "" && s.Until != "" && s.Until < s.Since && !strings.HasPrefix(s.Since, s.Until) {
		return fmt.Errorf("%w: until %s is before since %s", graph.ErrInvalid, s.Until, s.Since)
	}
	if s.Top < 0 || s.Limit < 0 || s.MinWeight < 0 {
		return fmt.Errorf("%w: top, limit and min-weight must not be negative", graph.ErrInvalid)
	}
	if s.Depth < 0 || s.Depth > 3 {
		return fmt.Errorf("%w: depth %d is not between 0 and 3", graph.ErrInvalid, s.Depth)
	}
	return nil
}

func validDate(d string) bool {
	parts := strings.Split(d, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return false
	}
	for i, p := range parts {
		if i > 0 && len(p) != 2 {
			return false
		}
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}

// nodeFiltered reports whether the selection restricts nodes (other than
// through Around, which builds its own node list).
func (s *Selection) nodeFiltered() bool {
	return len(s.Types) > 0 || s.Since != "" || s.Until != "" || s.Doc != "" || s.Top > 0
}

// dated reports whether a record with publication dates [first, last]
// meets the selection's date range.
func (s *Selection) dated(first, last string) bool {
	if s.Since == "" && s.Until == "" {
		return true
	}
	if first == "" {
		return false
	}
	if last == "" {
		last = first
	}
	if s.Since != "" && last < s.Since {
		return false
	}
	// A date that starts with Until lies within it ("2021-03-01" is in
	// "2021"); "\xff" sorts after every date character.
	if s.Until != "" && first > s.Until+"\xff" {
		return false
	}
	return true
}

// keepsNode applies the selection's per-node filters (all but Top, Doc and
// Around).
func (s *Selection) keepsNode(e *graph.Entity) bool {
	if len(s.Types) > 0 && !slices.Contains(s.Types, e.Type) {
		return false
	}
	return s.dated(e.First, e.Last)
}

// keepsEdge applies the selection's per-edge filters (all but Doc).
func (s *Selection) keepsEdge(r *graph.Relation) bool {
	if len(s.Relations) > 0 && !slices.Contains(s.Relations, r.Type) {
		return false
	}
	if r.Weight < s.MinWeight {
		return false
	}
	return s.dated(r.First, r.Last)
}

// idSet is a compact set of entity IDs. Entity IDs are "e" and 16 hex
// digits of a SHA-256 (graph.EntityID): they are collected as uint64s (8
// bytes each) and, at the first lookup, moved into an open-addressing hash
// table at most half full (16 bytes per ID), indexed by the ID's own low
// bits since they are already a hash. Lookups run twice per exported edge;
// a binary search over a million sorted IDs cost 900 ns each, the table a
// few cache misses. Other IDs, which the model allows but kg does not
// produce, go to a map.
type idSet struct {
	nums    []uint64
	table   []uint64 // 0 is an empty slot; ID 0 is kept in hasZero
	count   int      // IDs in table
	hasZero bool
	other   map[string]struct{}
}

func (s *idSet) add(id string) {
	if v, ok := parseID(id); ok {
		if s.table != nil {
			s.insert(v)
			return
		}
		s.nums = append(s.nums, v)
		return
	}
	if s.other == nil {
		s.other = make(map[string]struct{})
	}
	s.other[id] = struct{}{}
}

// build moves nums into the hash table.
func (s *idSet) build() {
	size := 16
	for size < 2*(len(s.nums)+1) {
		size *= 2
	}
	s.table = make([]uint64, size)
	s.count = 0
	for _, v := range s.nums {
		s.insert(v)
	}
	s.nums = nil
}

func (s *idSet) insert(v uint64) {
	if v == 0 {
		s.hasZero = true
		return
	}
	if (s.count+1)*2 > len(s.table) {
		old := s.table
		s.nums = make([]uint64, 0, len(old))
		for _, x := range old {
			if x != 0 {
				s.nums = append(s.nums, x)
			}
		}
		s.nums = append(s.nums, v)
		s.table = nil
		s.build()
		return
	}
	mask := uint64(len(s.table) - 1)
	for i := v & mask; ; i = (i + 1) & mask {
		switch s.table[i] {
		case v:
			return
		case 0:
			s.table[i] = v
			s.count++
			return
		}
	}
}

func (s *idSet) has(id string) bool {
	if v, ok := parseID(id); ok {
		if s.table == nil {
			s.build()
		}
		if v == 0 {
			return s.hasZero
		}
		mask := uint64(len(s.table) - 1)
		for i := v & mask; ; i = (i + 1) & mask {
			switch s.table[i] {
			case v:
				return true
			case 0:
				return false
			}
		}
	}
	_, ok := s.other[id]
	return ok
}

// len is the number of IDs added (duplicates counted until the table is
// built).
func (s *idSet) len() int {
	n := len(s.nums) + s.count + len(s.other)
	if s.hasZero {
		n++
	}
	return n
}

// parseID reads an ID of the form graph.EntityID makes: "e" and 16
// lower-case hex digits. It runs twice per exported edge, so it is a plain
// loop.
func parseID(id string) (uint64, bool) {
	if len(id) != 17 || id[0] != 'e' {
		return 0, false
	}
	var v uint64
	for i := 1; i < 17; i++ {
		c := id[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// topHeap keeps the n best (degree, ID) pairs; its root is the worst kept.
type topHeap []topEntry

type topEntry struct {
	degree int64
	id     string
}

// better orders by degree descending, then ID ascending.
func (a topEntry) better(b topEntry) bool {
	if a.degree != b.degree {
		return a.degree > b.degree
	}
	return a.id < b.id
}

func (h topHeap) Len() int           { return len(h) }
func (h topHeap) Less(i, j int) bool { return h[j].better(h[i]) }
func (h topHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topHeap) Push(x any)        { *h = append(*h, x.(topEntry)) }
func (h *topHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer adds e if it is among the n best seen so far.
func (h *topHeap) offer(e topEntry, n int) {
	if h.Len() < n {
		heap.Push(h, e)
		return
	}
	if e.better((*h)[0]) {
		(*h)[0] = e
		heap.Fix(h, 0)
	}
}

// sliceSource is a selection over in-memory nodes and relations. It holds
// pointers into the caller's slices, which must not change meanwhile.
type sliceSource struct {
	nodeList []*graph.Entity
	edgeList []*graph.Relation
}

// newSliceSource applies sel (without Doc and Around) to nodes and rels,
// sorts the result and drops duplicates.
func newSliceSource(nodes []graph.Entity, rels []graph.Relation, sel *Selection) *sliceSource {
	kept := make([]*graph.Entity, 0, len(nodes))
	for i := range nodes {
		if sel.keepsNode(&nodes[i]) {
			kept = append(kept, &nodes[i])
		}
	}
	if sel.Top > 0 && len(kept) > sel.Top {
		slices.SortFunc(kept, func(a, b *graph.Entity) int {
			if (topEntry{a.Degree, a.ID}).better(topEntry{b.Degree, b.ID}) {
				return -1
			}
			return 1
		})
		kept = kept[:sel.Top]
	}
	byID := func(a, b *graph.Entity) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(kept, byID) {
		slices.SortFunc(kept, byID)
	}
	kept = slices.CompactFunc(kept, func(a, b *graph.Entity) bool { return a.ID == b.ID })
	set := make(map[string]struct{}, len(kept))
	for _, e := range kept {
		set[e.ID] = struct{}{}
	}
	has := func(id string) bool { _, ok := set[id]; return ok }
	edges := make([]*graph.Relation, 0, len(rels))
	for i := range rels {
		r := &rels[i]
		if sel.keepsEdge(r) && has(r.From) && has(r.To) {
			edges = append(edges, r)
		}
	}
	if !slices.IsSortedFunc(edges, relCompare) {
		slices.SortFunc(edges, relCompare)
	}
	edges = slices.CompactFunc(edges, func(a, b *graph.Relation) bool { return relCompare(a, b) == 0 })
	return &sliceSource{nodeList: kept, edgeList: edges}
}

// relCompare orders relations by From, Type, To, as EachRelation does.
func relCompare(a, b *graph.Relation) int {
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	return strings.Compare(a.To, b.To)
}

func (s *sliceSource) nodes(ctx context.Context, fn func(*graph.Entity) error) error {
	for i, e := range s.nodeList {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (s *sliceSource) edges(ctx context.Context, fn func(*graph.Relation) error) error {
	for i, r := range s.edgeList {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// readerSource streams a selection from a Reader. admitted is nil when
// every node is selected.
type readerSource struct {
	r        graph.Reader
	sel      *Selection
	admitted *idSet
}

// newSource prepares the selection sel over r: an in-memory source for
// Around, else a streaming one, with one pass over the entities to build
// the admitted set when node filters are set.
func newSource(ctx context.Context, r graph.Reader, sel *Selection) (source, error) {
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	if sel.Around != "" {
		return aroundSource(ctx, r, sel)
	}
	src := &readerSource{r: r, sel: sel}
	if !sel.nodeFiltered() {
		return src, nil
	}
	if sel.Doc != "" {
		if _, err := r.Document(ctx, sel.Doc); err != nil {
			return nil, fmt.Errorf("export doc %s: %w", sel.Doc, err)
		}
	}
	set := &idSet{}
	var top topHeap
	err := r.EachEntity(ctx, func(e *graph.Entity) error {
		if !sel.keepsNode(e) {
			return nil
		}
		if sel.Doc != "" {
			ok, err := mentionedIn(ctx, r, e, sel.Doc)
			if err != nil || !ok {
				return err
			}
		}
		if sel.Top > 0 {
			top.offer(topEntry{e.Degree, e.ID}, sel.Top)
			return nil
		}
		set.add(e.ID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export select: %w", err)
	}
	for _, t := range top {
		set.add(t.id)
	}
	src.admitted = set
	return src, nil
}

// mentionedIn reports whether document doc mentions entity e. The Reader
// has no per-document index of entities, so this asks for the entity's
// documents; e.Docs bounds how many there are.
func mentionedIn(ctx context.Context, r graph.Reader, e *graph.Entity, doc string) (bool, error) {
	dms, err := r.EntityDocuments(ctx, e.ID, int(e.Docs)+1)
	if err != nil {
		if errors.Is(err, graph.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	for _, dm := range dms {
		if dm.Doc == doc {
			return true, nil
		}
	}
	return false, nil
}

// supportedBy reports whether document doc supplies evidence for rel.
func supportedBy(ctx context.Context, r graph.Reader, rel *graph.Relation, doc string) (bool, error) {
	ev, err := r.Evidence(ctx, rel.Key(), 0)
	if err != nil {
		if errors.Is(err, graph.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	for i := range ev {
		if ev[i].Doc == doc {
			return true, nil
		}
	}
	return false, nil
}

func (s *readerSource) nodes(ctx context.Context, fn func(*graph.Entity) error) error {
	return s.r.EachEntity(ctx, func(e *graph.Entity) error {
		if s.admitted != nil && !s.admitted.has(e.ID) {
			return nil
		}
		return fn(e)
	})
}

func (s *readerSource) edges(ctx context.Context, fn func(*graph.Relation) error) error {
	return s.r.EachRelation(ctx, func(rel *graph.Relation) error {
		if !s.sel.keepsEdge(rel) {
			return nil
		}
		if s.admitted != nil && (!s.admitted.has(rel.From) || !s.admitted.has(rel.To)) {
			return nil
		}
		if s.sel.Doc != "" {
			ok, err := supportedBy(ctx, s.r, rel, s.sel.Doc)
			if err != nil || !ok {
				return err
			}
		}
		return fn(rel)
	})
}

// aroundSource resolves sel.Around to seed entities and asks the Reader for
// the subgraph around them; the other filters then apply in memory.
func aroundSource(ctx context.Context, r graph.Reader, sel *Selection) (source, error) {
	var seeds []string
	if e, err := r.Entity(ctx, sel.Around); err == nil {
		seeds = []string{e.ID}
	} else if !errors.Is(err, graph.ErrNotFound) && !errors.Is(err, graph.ErrInvalid) {
		return nil, fmt.Errorf("export around %q: %w", sel.Around, err)
	} else {
		es, err := r.EntitiesByName(ctx, sel.Around, sel.Types...)
		if err != nil {
			return nil, fmt.Errorf("export around %q: %w", sel.Around, err)
		}
		for _, e := range es {
			seeds = append(seeds, e.ID)
		}
	}
	depth := sel.Depth
	if depth == 0 {
		depth = 1
	}
	limit := sel.Limit
	if limit == 0 {
		limit = DefaultAroundLimit
	}
	sg, err := r.Subgraph(ctx, seeds, graph.SubgraphQuery{
		Filter: graph.Filter{Relations: sel.Relations, Types: sel.Types, MinWeight: sel.MinWeight},
		Depth:  depth,
		Limit:  limit,
	})
	if err != nil {
		return nil, fmt.Errorf("export around %q: %w", sel.Around, err)
	}
	// The seeds are kept whatever their type; the remaining filters apply
	// to what the traversal found.
	rest := *sel
	rest.Around, rest.Doc, rest.Types = "", "", nil
	ss := newSliceSource(sg.Nodes, sg.Relations, &rest)
	if sel.Doc == "" {
		return ss, nil
	}
	return docFilter(ctx, r, ss, sel.Doc)
}

// docFilter restricts an in-memory source to what document doc contributed.
func docFilter(ctx context.Context, r graph.Reader, ss *sliceSource, doc string) (source, error) {
	if _, err := r.Document(ctx, doc); err != nil {
		return nil, fmt.Errorf("export doc %s: %w", doc, err)
	}
	out := &sliceSource{}
	keep := make(map[string]bool)
	for _, e := range ss.nodeList {
		ok, err := mentionedIn(ctx, r, e, doc)
		if err != nil {
			return nil, fmt.Errorf("export doc %s: %w", doc, err)
		}
		if ok {
			keep[e.ID] = true
			out.nodeList = append(out.nodeList, e)
		}
	}
	for _, rel := range ss.edgeList {
		if !keep[rel.From] || !keep[rel.To] {
			continue
		}
		ok, err := supportedBy(ctx, r, rel, doc)
		if err != nil {
			return nil, fmt.Errorf("export doc %s: %w", doc, err)
		}
		if ok {
			out.edgeList = append(out.edgeList, rel)
		}
	}
	return out, nil
}
