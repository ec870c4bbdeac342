package dgraphstore

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"kg/graph"
)

// schemaVersion is the version of the DQL schema and node layout below. Open
// applies the schema (additive and idempotent in Dgraph) and then records the
// version on the cluster's meta node; a cluster that records another version
// is refused with graph.ErrVersion instead of being misread.
const schemaVersion = 1

// The node layout. Every node has a dgraph.type so that `uid * *` deletes
// remove all of its predicates.
//
//	Entity      e.id (the stable graph.EntityID, @upsert: two writers that
//	            create the same entity at once conflict and one retries, so
//	            the cluster never holds it twice), e.type, the materialised
//	            fields (e.name, e.aliases, e.attrs, e.mentions, e.docs,
//	            e.degree, e.first, e.last) and e.agg: the counts of names,
//	            aliases, attribute values and dates over its documents, from
//	            which the materialised fields follow whatever order documents
//	            came and went in. e.keys holds the normalised name and aliases
//	            (exact for EntitiesByName and prefix ranges, trigram for
//	            substring regexps of three or more characters); e.grams holds
//	            their one- and two-character substrings, which a trigram index
//	            cannot answer. e.norm (exact) orders the by-name listing; the
//	            int indexes order the count listings.
//	rel.<TYPE>  one uid predicate per relation type, from the From entity to
//	            the To entity (undirected types stored From < To), with
//	            @reverse so traversals follow incoming edges natively and
//	            @count. Facets: w (weight in micro-units, an
//	            integer like the sums it comes from), n (documents), f and l (first and
//	            last date as yyyymmdd integers, because Dgraph would turn a
//	            date-like string facet into a datetime).
//	Relation    one node per relation, r.id = RelationKey.ID() (@upsert),
//	            r.key = from, type and to joined by \x01, for the (From, Type, To) order of
//	            EachRelation, r.agg with the weight and date counts.
//	Document    d.id (@upsert) and the document's fields; d.raw is the
//	            contribution as given (Merge and AddAlias re-apply it),
//	            d.res how it was resolved through the curation records (what
//	            Apply and Delete retract).
//	Mention     one per (entity, document): m.entity (uid, @reverse),
//	            m.doc, m.spans. EntityDocuments and Merge read them.
//	Support     one per (relation, document): s.rid, s.doc, s.evidence.
//	            Evidence reads them.
//	RelType     rt.name (@upsert), rt.pred: the relation types in use, so
//	            that readers know which rel.* predicates to ask for.
//	Merged      cm.from (@upsert) -> cm.into: curation, survives re-ingest.
//	Alias       ca.key = type and normalised alias joined by \x01 (@upsert)
//	            -> ca.entity: where contributions naming it land.
//	Curated     cl.entity, cl.alias: the curated aliases of an entity, kept
//	            apart from the Alias nodes as a merge moves them to another
//	            entity while its Alias nodes keep resolving.
//	Meta        kg.meta = "schema", kg.version.
const baseSchema = `
e.id: string @index(exact) @upsert .
e.type: string @index(exact) .
e.name: string .
e.norm: string @index(exact) .
e.keys: [string] @index(exact, trigram) .
e.grams: [string] @index(exact) .
e.aliases: [string] .
e.attrs: string .
e.agg: string .
e.mentions: int @index(int) .
e.docs: int @index(int) .
e.degree: int @index(int) .
e.first: string .
e.last: string .

r.id: string @index(exact) @upsert .
r.key: string @index(exact) .
r.type: string @index(exact) .
r.from: string .
r.to: string .
r.weight: float .
r.docs: int .
r.first: string .
r.last: string .
r.agg: string .

d.id: string @index(exact) @upsert .
d.title: string .
d.source: string .
d.hash: string .
d.issuer: string .
d.date: string .
d.region: string .
d.size: int .
d.raw: string .
d.res: string .

m.entity: uid @reverse .
m.doc: string @index(exact) .
m.spans: string .

s.rid: string @index(exact) .
s.doc: string @index(exact) .
s.evidence: string .

rt.name: string @index(exact) @upsert .
rt.pred: string .

cm.from: string @index(exact) @upsert .
cm.into: string @index(exact) .

ca.key: string @index(exact) @upsert .
ca.entity: string @index(exact) .

cl.entity: string @index(exact) .
cl.alias: string .

kg.meta: string @index(exact) @upsert .
kg.version: int .

type Entity {
	e.id
	e.type
	e.name
	e.norm
	e.keys
	e.grams
	e.aliases
	e.attrs
	e.agg
	e.mentions
	e.docs
	e.degree
	e.first
	e.last
}

type Relation {
	r.id
	r.key
	r.type
	r.from
	r.to
	r.weight
	r.docs
	r.first
	r.last
	r.agg
}

type Document {
	d.id
	d.title
	d.source
	d.hash
	d.issuer
	d.date
	d.region
	d.size
	d.raw
	d.res
}

type Mention {
	m.entity
	m.doc
	m.spans
}

type Support {
	s.rid
	s.doc
	s.evidence
}

type RelType {
	rt.name
	rt.pred
}

type Merged {
	cm.from
	cm.into
}

type Alias {
	ca.key
	ca.entity
}

type Curated {
	cl.entity
	cl.alias
}

type Meta {
	kg.meta
	kg.version
}
`

// plainRelType is a relation type that can be used in a predicate name as is.
var plainRelType = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// relPred returns the predicate that holds relations of type t. Types with
// characters a predicate name cannot carry are hex-encoded.
func relPred(t graph.RelationType) string {
	if plainRelType.MatchString(string(t)) {
		return "rel." + string(t)
	}
	return fmt.Sprintf("rel.x%x", string(t))
}

// relPredSchema is the schema line of a relation predicate.
func relPredSchema(pred string) string {
	return pred + ": [uid] @reverse @count ."
}

// relKeySep separates the fields of r.key. It sorts below every character of
// a relation type the store accepts, so the byte order of keys is the order
// of (From, Type, To).
const relKeySep = "\x01"

func relSortKey(k graph.RelationKey) string {
	return k.From + relKeySep + string(k.Type) + relKeySep + k.To
}

// validType reports whether an entity or relation type can be stored:
// non-empty, valid UTF-8, no control characters below 0x02 (NUL and the
// key separator).
func validType(t string) bool {
	if t == "" || !utf8.ValidString(t) {
		return false
	}
	return !strings.ContainsAny(t, "\x00\x01")
}
