package graph

import "context"

// Direction selects which edges of a node a traversal follows.
type Direction int

const (
	Both Direction = iota // outgoing and incoming
	Out                   // From == node
	In                    // To == node
)

func (d Direction) String() string {
	switch d {
	case Out:
		return "OUT"
	case In:
		return "IN"
	default:
		return "BOTH"
	}
}

// Filter restricts the edges and nodes a traversal may use. The zero Filter
// allows everything.
type Filter struct {
	Relations []RelationType // empty: all relation types
	Direction Direction
	Types     []EntityType // empty: all entity types (the start node is always allowed)
	MinWeight float64      // edges lighter than this are skipped
}

// NeighborQuery asks for the neighbourhood of one entity.
type NeighborQuery struct {
	Filter
	Depth int // 1 to 3
	Limit int // maximum number of nodes besides the start; 0 means 50
}

// PathQuery asks for a shortest path between two entities.
type PathQuery struct {
	Filter
	MaxDepth int // maximum number of edges, 1 to 8; 0 means 4
}

// SubgraphQuery asks for the graph around a set of seed entities.
type SubgraphQuery struct {
	Filter
	Depth int // 0 to 3: 0 is the seeds and the edges among them
	Limit int // node cap; 0 means 500
}

// Subgraph is a closed set of nodes and edges: every edge's endpoints are in
// Nodes. Relations carry no Evidence. Truncated is set when a limit cut the
// answer short.
type Subgraph struct {
	Nodes     []Entity   `json:"nodes"`
	Relations []Relation `json:"relations"`
	Truncated bool       `json:"truncated"`
}

// Path is a chain of entities joined by relations: len(Relations) ==
// len(Nodes)-1, and Relations[i] joins Nodes[i] and Nodes[i+1] in either
// direction.
type Path struct {
	Nodes     []Entity   `json:"nodes"`
	Relations []Relation `json:"relations"`
}

// SearchMode says how Search matches names.
type SearchMode int

const (
	Prefix    SearchMode = iota // normalised name or alias starts with the text
	Substring                   // normalised name or alias contains the text
)

// SearchQuery asks for entities by part of a name or alias.
type SearchQuery struct {
	Text  string
	Mode  SearchMode
	Types []EntityType // empty: all types
	After string       // cursor from a previous page; "" for the first
	Limit int          // 0 means 20
}

// EntityOrder is the order of an entity listing.
type EntityOrder int

const (
	ByMentions EntityOrder = iota // most mentioned first, then by ID
	ByDegree                      // highest degree first, then by ID
	ByName                        // normalised name, then by ID
	ByDocs                        // most documents first, then by ID
)

// EntityQuery asks for a page of entities.
type EntityQuery struct {
	Type  EntityType // "" for all types
	Order EntityOrder
	After string // cursor from a previous page; "" for the first
	Limit int    // 0 means 20
}

// EntityPage is one page of an entity listing or search. Next is the cursor
// of the following page, "" when there is none.
type EntityPage struct {
	Entities []Entity
	Next     string
}

// DocumentPage is one page of documents in ID order.
type DocumentPage struct {
	Documents []Document
	Next      string
}

// Stats counts what the graph holds.
type Stats struct {
	Documents int64                  `json:"documents"`
	Entities  int64                  `json:"entities"`
	Relations int64                  `json:"relations"`
	ByType    map[EntityType]int64   `json:"entitiesByType"`
	ByRel     map[RelationType]int64 `json:"relationsByType"`
}

// Reader answers questions about the graph. Implementations are safe for
// concurrent use, also while a Writer applies documents; each call sees one
// consistent state of the graph. Errors are ErrNotFound, ErrInvalid,
// ErrClosed, ErrCorrupt or the context's error, wrapped with context.
type Reader interface {
	// Entity returns the entity with the given ID.
	Entity(ctx context.Context, id string) (*Entity, error)
	// EntitiesByName returns the entities whose canonical name or an alias
	// normalises to Normalize(name), of the given types (all if none), in
	// ID order. None found is ErrNotFound.
	EntitiesByName(ctx context.Context, name string, types ...EntityType) ([]Entity, error)
	// Search pages through entities matching a prefix or substring.
	Search(ctx context.Context, q SearchQuery) (EntityPage, error)
	// Entities pages through entities in the given order.
	Entities(ctx context.Context, q EntityQuery) (EntityPage, error)

	// Neighbors returns the start entity and the nodes within q.Depth hops,
	// closer nodes first, heaviest connecting edge first, then by ID; and
	// the edges the traversal walked: for each returned node, every edge
	// the filter allows (relation type, weight, direction taken from the
	// nearer node) that joins it to a returned node one hop closer to the
	// start; in (From, Type, To) order. The answer is closed (no edge has a
	// missing end). Edges between nodes at the same distance, or back
	// against the filter's direction, are not included: Subgraph returns
	// every edge among a set of nodes.
	Neighbors(ctx context.Context, id string, q NeighborQuery) (*Subgraph, error)
	// ShortestPath returns a shortest path from one entity to another that
	// the filter allows (bidirectional BFS; among equal lengths, the one
	// whose node IDs are smallest in order). No path is ErrNotFound.
	ShortestPath(ctx context.Context, from, to string, q PathQuery) (*Path, error)
	// Subgraph returns the seeds and the nodes within q.Depth hops of any of
	// them, breadth first, and the edges among them, with at most q.Limit
	// nodes (Truncated when more were reachable).
	Subgraph(ctx context.Context, seeds []string, q SubgraphQuery) (*Subgraph, error)

	// Relation returns one relation, without evidence.
	Relation(ctx context.Context, k RelationKey) (*Relation, error)
	// RelationsBetween returns every relation joining a and b in either
	// direction, without evidence, ordered by type then direction.
	RelationsBetween(ctx context.Context, a, b string) ([]Relation, error)
	// EntityRelations returns up to limit relations incident to an entity,
	// heaviest first, then by type and other endpoint.
	EntityRelations(ctx context.Context, id string, f Filter, limit int) ([]Relation, error)
	// Evidence returns up to limit pieces of evidence of a relation, ordered
	// by document ID then offset. limit <= 0 means all.
	Evidence(ctx context.Context, k RelationKey, limit int) ([]Evidence, error)

	// Document returns one document.
	Document(ctx context.Context, id string) (*Document, error)
	// Documents pages through documents in ID order.
	Documents(ctx context.Context, after string, limit int) (DocumentPage, error)
	// EntityDocuments returns the IDs of up to limit documents that mention
	// an entity, in ID order; with their spans.
	EntityDocuments(ctx context.Context, id string, limit int) ([]DocMentions, error)

	// Stats counts documents, entities and relations.
	Stats(ctx context.Context) (Stats, error)

	// EachEntity calls fn for every entity in ID order, in constant memory.
	// An error from fn stops the iteration and is returned.
	EachEntity(ctx context.Context, fn func(*Entity) error) error
	// EachRelation calls fn for every relation (without evidence) ordered by
	// From, Type, To, in constant memory.
	EachRelation(ctx context.Context, fn func(*Relation) error) error
}

// DocMentions is the mentions of one entity in one document.
type DocMentions struct {
	Doc   string `json:"doc"`
	Spans []Span `json:"spans"`
}

// Writer changes the graph one document at a time. A store allows one
// Writer call at a time; readers run concurrently.
type Writer interface {
	// Apply makes c the whole contribution of c.Doc.ID: whatever an earlier
	// version of the document contributed is retracted and c added, as one
	// atomic step that survives a crash at any point. Applying the same
	// contribution twice leaves the store as after the first.
	Apply(ctx context.Context, c *Contribution) error
	// Delete retracts everything a document contributed and the document
	// itself. Entities and relations supported by no other document
	// disappear. An unknown ID is ErrNotFound.
	Delete(ctx context.Context, docID string) error
}

// Curator records analysts' corrections. They are stored apart from the
// documents' contributions and survive re-ingest: a contribution's entities
// are resolved through them at Apply time.
type Curator interface {
	// Merge folds the entities from into the entity into: their names become
	// aliases of into, their mentions, relations and evidence move to it,
	// and later contributions that name them land on into.
	Merge(ctx context.Context, into string, from []string) error
	// AddAlias adds a surface form to an entity. Later contributions that
	// name an entity of the same type by that alias land on it.
	AddAlias(ctx context.Context, id, alias string) error
}

// Store is the whole contract a backend implements.
type Store interface {
	Reader
	Writer
	Curator
	Close() error
}
