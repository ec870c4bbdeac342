package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// EntityType is the kind of an entity. The five types of the extraction
// guidelines are defined below; the set is open, a store accepts any
// non-empty lower-case type name.
type EntityType string

// The entity types of the extraction guidelines.
const (
	Platform    EntityType = "platform"
	Field       EntityType = "field"
	Institution EntityType = "institution"
	Region      EntityType = "region"
	Measure     EntityType = "measure"
)

// EntityTypes lists the known entity types in a fixed order.
var EntityTypes = []EntityType{Platform, Field, Institution, Region, Measure}

// RelationType is the kind of a relation. The set is open like EntityType's.
type RelationType string

// The relation types of the extraction guidelines, plus CO_OCCURS.
const (
	FocusesOn RelationType = "FOCUSES_ON" // platform or institution -> field
	ReliesOn  RelationType = "RELIES_ON"  // platform or measure -> institution or platform
	LocatedIn RelationType = "LOCATED_IN" // platform or institution -> region
	Involves  RelationType = "INVOLVES"   // measure -> platform, field or institution
	PartOf    RelationType = "PART_OF"    // measure -> measure
	CoOccurs  RelationType = "CO_OCCURS"  // entities named in one sentence; undirected
)

// RelationTypes lists the known relation types in a fixed order.
var RelationTypes = []RelationType{FocusesOn, ReliesOn, LocatedIn, Involves, PartOf, CoOccurs}

// Undirected reports whether relations of type t have no direction. Such
// relations are stored with From < To (by ID) so that each pair is one edge.
func (t RelationType) Undirected() bool { return t == CoOccurs }

// Document is one source text.
type Document struct {
	ID     string `json:"id"`               // stable: DocumentID(source) unless given
	Title  string `json:"title,omitempty"`  // first heading, or given
	Source string `json:"source,omitempty"` // path or URL the text came from
	Hash   string `json:"hash"`             // hex SHA-256 of the decoded text
	Issuer string `json:"issuer,omitempty"` // issuing body, where the text states it
	Date   string `json:"date,omitempty"`   // publication date, YYYY-MM-DD, or ""
	Region string `json:"region,omitempty"` // the document's own place (本市, 我市)
	Size   int64  `json:"size"`             // length of the decoded text in characters
}

// Entity is a node of the graph. Mentions, Docs, Degree, First and Last are
// maintained by the store from the contributions that support the entity.
type Entity struct {
	ID       string            `json:"id"`
	Type     EntityType        `json:"type"`
	Name     string            `json:"name"`              // canonical name
	Aliases  []string          `json:"aliases,omitempty"` // other surface forms, sorted, without Name
	Attrs    map[string]string `json:"attrs,omitempty"`
	Mentions int64             `json:"mentions"`        // mentions over all documents
	Docs     int64             `json:"docs"`            // documents that mention it
	Degree   int64             `json:"degree"`          // distinct relations incident to it, all types
	First    string            `json:"first,omitempty"` // earliest publication date of its documents
	Last     string            `json:"last,omitempty"`  // latest publication date of its documents
}

// Relation is an edge of the graph. Weight is the sum of the weights its
// documents contributed (for CO_OCCURS, the number of sentences). Evidence is
// filled only by the reads that say so.
type Relation struct {
	From     string       `json:"from"`
	To       string       `json:"to"`
	Type     RelationType `json:"type"`
	Weight   float64      `json:"weight"`
	Docs     int64        `json:"docs"`
	First    string       `json:"first,omitempty"`
	Last     string       `json:"last,omitempty"`
	Evidence []Evidence   `json:"evidence,omitempty"`
}

// Key returns the relation's identity.
func (r *Relation) Key() RelationKey { return RelationKey{From: r.From, Type: r.Type, To: r.To} }

// RelationKey identifies a relation: at most one relation of each type joins
// two entities (for undirected types, From < To).
type RelationKey struct {
	From string       `json:"from"`
	Type RelationType `json:"type"`
	To   string       `json:"to"`
}

// ID returns a stable identifier for the relation, usable as an edge id in
// exports.
func (k RelationKey) ID() string {
	return hashID("r", string(k.Type)+"\x00"+k.From+"\x00"+k.To)
}

// Canonical returns k with the endpoints ordered for undirected types.
func (k RelationKey) Canonical() RelationKey {
	if k.Type.Undirected() && k.To < k.From {
		k.From, k.To = k.To, k.From
	}
	return k
}

// Evidence is one supporting mention of a relation.
type Evidence struct {
	Doc      string `json:"doc"`
	Sentence string `json:"sentence"`
	Start    int    `json:"start"` // character offset into the original text
	End      int    `json:"end"`
	Rule     string `json:"rule"` // the extraction rule that produced it
}

// Span is a mention of an entity: character offsets into the original text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// EntityID returns the stable ID of the entity with the given type and name:
// the same for every surface form that normalises alike.
func EntityID(t EntityType, name string) string {
	return entityIDNorm(t, Normalize(name))
}

// entityIDNorm is EntityID of a name already normalised.
func entityIDNorm(t EntityType, norm string) string {
	return hashID("e", string(t)+"\x00"+norm)
}

// DocumentID returns the stable ID of a document read from source (a path
// or URL). Callers pass a cleaned, slash-separated path so that the same file
// keeps its ID across runs.
func DocumentID(source string) string {
	return hashID("d", source)
}

// hashID is prefix + the first 16 hex digits of SHA-256(s). With 64 bits,
// the chance of any collision among ten million IDs is about 3e-6.
func hashID(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + hex.EncodeToString(sum[:8])
}

// Contribution is everything one document adds to the graph. Apply replaces
// the document's previous contribution with it as one atomic step.
type Contribution struct {
	Doc       Document
	Entities  []EntityContribution
	Relations []RelationContribution
}

// EntityContribution is one document's share of an entity.
type EntityContribution struct {
	Type    EntityType
	Name    string   // canonical name; the entity ID is EntityID(Type, Name)
	Aliases []string // surface forms seen in this document
	Attrs   map[string]string
	Spans   []Span // mentions in this document; Mentions += len(Spans)
}

// ID returns the entity ID this contribution is for.
func (c *EntityContribution) ID() string { return EntityID(c.Type, c.Name) }

// RelationContribution is one document's share of a relation. From and To
// are entity IDs; both must be among the contribution's entities.
type RelationContribution struct {
	From     string
	To       string
	Type     RelationType
	Weight   float64
	Evidence []Evidence // Doc may be left empty: the store fills it in
}

// Validate checks a contribution for the mistakes a store must refuse:
// empty IDs or names, relations whose endpoints the document does not
// contribute, evidence offsets out of order.
func (c *Contribution) Validate() error {
	if c.Doc.ID == "" {
		return fmt.Errorf("%w: document without id", ErrInvalid)
	}
	ids := make(map[string]bool, len(c.Entities))
	for i := range c.Entities {
		e := &c.Entities[i]
		n := Normalize(e.Name)
		if e.Type == "" || n == "" {
			return fmt.Errorf("%w: entity %d of document %s has no type or name", ErrInvalid, i, c.Doc.ID)
		}
		ids[entityIDNorm(e.Type, n)] = true // as e.ID(), without normalising twice
	}
	for i := range c.Relations {
		r := &c.Relations[i]
		if r.Type == "" {
			return fmt.Errorf("%w: relation %d of document %s has no type", ErrInvalid, i, c.Doc.ID)
		}
		if !ids[r.From] || !ids[r.To] {
			return fmt.Errorf("%w: relation %s %s->%s of document %s names an entity it does not contribute",
				ErrInvalid, r.Type, r.From, r.To, c.Doc.ID)
		}
		if r.From == r.To {
			return fmt.Errorf("%w: relation %s of document %s is a self-loop on %s", ErrInvalid, r.Type, c.Doc.ID, r.From)
		}
		for _, ev := range r.Evidence {
			if ev.Start < 0 || ev.End < ev.Start {
				return fmt.Errorf("%w: evidence offsets [%d,%d) of document %s", ErrInvalid, ev.Start, ev.End, c.Doc.ID)
			}
		}
	}
	return nil
}
