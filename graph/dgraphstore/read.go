package dgraphstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// entFields are the predicates an Entity is read from.
const entFields = `uid e.id e.type e.name e.aliases e.attrs e.mentions e.docs e.degree e.first e.last`

// entWire is an entity node as Dgraph returns it.
type entWire struct {
	UID      string   `json:"uid"`
	ID       string   `json:"e.id"`
	Type     string   `json:"e.type"`
	Name     string   `json:"e.name"`
	Aliases  []string `json:"e.aliases"`
	Attrs    string   `json:"e.attrs"`
	Mentions int64    `json:"e.mentions"`
	Docs     int64    `json:"e.docs"`
	Degree   int64    `json:"e.degree"`
	First    string   `json:"e.first"`
	Last     string   `json:"e.last"`
	Norm     string   `json:"e.norm"`
	Keys     []string `json:"e.keys"`
}

func (w *entWire) entity() (graph.Entity, error) {
	e := graph.Entity{
		ID: w.ID, Type: graph.EntityType(w.Type), Name: w.Name,
		Mentions: w.Mentions, Docs: w.Docs, Degree: w.Degree, First: w.First, Last: w.Last,
	}
	if len(w.Aliases) > 0 {
		e.Aliases = append([]string(nil), w.Aliases...)
		sort.Strings(e.Aliases)
	}
	if w.Attrs != "" {
		if err := json.Unmarshal([]byte(w.Attrs), &e.Attrs); err != nil {
			return e, fmt.Errorf("%w: attributes of %s: %v", graph.ErrCorrupt, w.ID, err)
		}
	}
	return e, nil
}

func entities(ws []entWire) ([]graph.Entity, error) {
	out := make([]graph.Entity, 0, len(ws))
	for i := range ws {
		e, err := ws[i].entity()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// relWire is a relation node as Dgraph returns it.
type relWire struct {
	UID    string  `json:"uid"`
	ID     string  `json:"r.id"`
	Key    string  `json:"r.key"`
	Type   string  `json:"r.type"`
	From   string  `json:"r.from"`
	To     string  `json:"r.to"`
	Weight float64 `json:"r.weight"`
	Docs   int64   `json:"r.docs"`
	First  string  `json:"r.first"`
	Last   string  `json:"r.last"`
}

const relFields = `uid r.id r.key r.type r.from r.to r.weight r.docs r.first r.last`

func (w *relWire) relation() graph.Relation {
	return graph.Relation{From: w.From, To: w.To, Type: graph.RelationType(w.Type),
		Weight: w.Weight, Docs: w.Docs, First: w.First, Last: w.Last}
}

// pageLimit applies a default and a cap to a page size, as the Badger store
// does, so both backends page alike.
func pageLimit(n, def, max int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("%w: negative limit", graph.ErrInvalid)
	case n == 0:
		return def, nil
	case n > max:
		return max, nil
	}
	return n, nil
}

// Entity returns the entity with the given ID.
func (s *Store) Entity(ctx context.Context, id string) (*graph.Entity, error) {
	var e *graph.Entity
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var err error
		e, err = getEntity(ctx, txn, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", id, err)
	}
	return e, nil
}

func getEntity(ctx context.Context, txn *dgo.Txn, id string) (*graph.Entity, error) {
	var out struct {
		E []entWire `json:"e"`
	}
	if err := queryInto(ctx, txn, `query q($id: string) { e(func: eq(e.id, $id)) { `+entFields+` } }`,
		map[string]string{"$id": id}, &out); err != nil {
		return nil, err
	}
	if len(out.E) == 0 {
		return nil, graph.ErrNotFound
	}
	e, err := out.E[0].entity()
	return &e, err
}

func typeFilter(pred string, types []graph.EntityType) string {
	if len(types) == 0 {
		return ""
	}
	ts := make([]string, len(types))
	for i, t := range types {
		ts[i] = string(t)
	}
	return `eq(` + pred + `, ` + dqlList(ts) + `)`
}

// EntitiesByName returns the entities a normalised name or alias matches.
func (s *Store) EntitiesByName(ctx context.Context, name string, types ...graph.EntityType) ([]graph.Entity, error) {
	norm := graph.Normalize(name)
	if norm == "" {
		return nil, fmt.Errorf("entities named %q: %w: empty name", name, graph.ErrInvalid)
	}
	filter := ""
	if f := typeFilter("e.type", types); f != "" {
		filter = "@filter(" + f + ")"
	}
	var out []graph.Entity
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var r struct {
			E []entWire `json:"e"`
		}
		q := `query q($n: string) { e(func: eq(e.keys, $n), orderasc: e.id) ` + filter + ` { ` + entFields + ` } }`
		if err := queryInto(ctx, txn, q, map[string]string{"$n": norm}, &r); err != nil {
			return err
		}
		var err error
		out, err = entities(r.E)
		return err
	})
	if err == nil && len(out) == 0 {
		err = graph.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("entities named %q: %w", name, err)
	}
	return out, nil
}

// searchCursor is the position after the last entity of a search page: its
// matching name, type and ID.
type searchCursor struct {
	Norm string `json:"n"`
	Type string `json:"t"`
	ID   string `json:"i"`
}

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(c string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || json.Unmarshal(b, v) != nil {
		return fmt.Errorf("%w: bad cursor", graph.ErrInvalid)
	}
	return nil
}

// maxRune bounds a prefix range: every string that starts with p sorts
// before p+maxRune.
const maxRune = "\U0010FFFF"

// Search pages through entities whose normalised name or alias starts with
// (Prefix) or contains (Substring) the normalised text, in the order of the
// matching name, then type, then ID; an entity matching by several names is
// listed once, at its smallest matching name (the Badger store's order).
//
// Candidates come from the indexes: a range of the exact index for
// prefixes, the gram index for substrings of one or two characters and a
// trigram regular expression for longer ones. The page is cut client side.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) (graph.EntityPage, error) {
	var page graph.EntityPage
	limit, err := pageLimit(q.Limit, 20, 1000)
	if err != nil {
		return page, fmt.Errorf("search: %w", err)
	}
	text := graph.Normalize(q.Text)
	var cur *searchCursor
	if q.After != "" {
		cur = new(searchCursor)
		if err := decodeCursor(q.After, cur); err != nil {
			return page, fmt.Errorf("search: %w", err)
		}
	}
	matches := func(n string) bool {
		if q.Mode == graph.Prefix {
			return strings.HasPrefix(n, text)
		}
		return strings.Contains(n, text)
	}
	vars := map[string]string{}
	var root string
	var filters []string
	switch {
	case q.Mode == graph.Prefix && text != "":
		lo := text
		if cur != nil && cur.Norm > lo {
			lo = cur.Norm
		}
		vars["$lo"], vars["$hi"] = lo, text+maxRune
		root = `ge(e.keys, $lo)`
		filters = append(filters, `lt(e.keys, $hi)`)
	case q.Mode == graph.Substring && text != "" && utf8.RuneCountInString(text) <= 2:
		vars["$g"] = text
		root = `eq(e.grams, $g)`
	case q.Mode == graph.Substring && text != "":
		root = `regexp(e.keys, /` + regexpLiteral(text) + `/)`
	default:
		root = `type(Entity)`
	}
	if f := typeFilter("e.type", q.Types); f != "" {
		filters = append(filters, f)
	}
	filter := ""
	if len(filters) > 0 {
		filter = "@filter(" + strings.Join(filters, " AND ") + ")"
	}
	dq := varDecl(vars) + `{ e(func: ` + root + `) ` + filter + ` { ` + entFields + ` e.keys } }`
	type hit struct {
		c searchCursor
		w *entWire
	}
	var hits []hit
	var ws []entWire
	err = s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var r struct {
			E []entWire `json:"e"`
		}
		if err := queryInto(ctx, txn, dq, vars, &r); err != nil {
			return err
		}
		ws = r.E
		return nil
	})
	if err != nil {
		return page, fmt.Errorf("search %q: %w", q.Text, err)
	}
	for i := range ws {
		w := &ws[i]
		best, ok := "", false
		for _, k := range w.Keys {
			if matches(k) && (!ok || k < best) {
				best, ok = k, true
			}
		}
		if !ok {
			continue
		}
		c := searchCursor{Norm: best, Type: w.Type, ID: w.ID}
		if cur != nil && !cursorLess(*cur, c) {
			continue
		}
		hits = append(hits, hit{c, w})
	}
	sort.Slice(hits, func(i, j int) bool { return cursorLess(hits[i].c, hits[j].c) })
	for i := range hits {
		if len(page.Entities) == limit {
			page.Next = encodeCursor(hits[i-1].c)
			break
		}
		e, err := hits[i].w.entity()
		if err != nil {
			return page, fmt.Errorf("search: %w", err)
		}
		page.Entities = append(page.Entities, e)
	}
	return page, nil
}

func cursorLess(a, b searchCursor) bool {
	if a.Norm != b.Norm {
		return a.Norm < b.Norm
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.ID < b.ID
}

// regexpLiteral escapes text for a DQL /regexp/ matching it literally.
func regexpLiteral(text string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(text), "/", `\/`)
}

// listCursor is the position after the last entity of a listing page.
type listCursor struct {
	N    int64  `json:"c,omitempty"`
	Norm string `json:"n,omitempty"`
	ID   string `json:"i"`
}

// Entities pages through entities in the given order: counts descending or
// normalised name ascending, then ID.
func (s *Store) Entities(ctx context.Context, q graph.EntityQuery) (graph.EntityPage, error) {
	var page graph.EntityPage
	limit, err := pageLimit(q.Limit, 20, 1000)
	if err != nil {
		return page, fmt.Errorf("entities: %w", err)
	}
	var pred string
	switch q.Order {
	case graph.ByMentions:
		pred = "e.mentions"
	case graph.ByDegree:
		pred = "e.degree"
	case graph.ByDocs:
		pred = "e.docs"
	case graph.ByName:
		pred = "e.norm"
	default:
		return page, fmt.Errorf("entities: %w: order %d", graph.ErrInvalid, q.Order)
	}
	byName := q.Order == graph.ByName
	vars := map[string]string{}
	var filters []string
	root := "type(Entity)"
	if q.Type != "" {
		vars["$t"] = string(q.Type)
		root = "eq(e.type, $t)"
	}
	if q.After != "" {
		var c listCursor
		if err := decodeCursor(q.After, &c); err != nil {
			return page, fmt.Errorf("entities: %w", err)
		}
		vars["$id"] = c.ID
		if byName {
			vars["$n"] = c.Norm
			filters = append(filters, `(gt(e.norm, $n) OR (eq(e.norm, $n) AND gt(e.id, $id)))`)
		} else {
			n := strconv.FormatInt(c.N, 10)
			filters = append(filters, `(lt(`+pred+`, `+n+`) OR (eq(`+pred+`, `+n+`) AND gt(e.id, $id)))`)
		}
	}
	order := "orderdesc: " + pred + ", orderasc: e.id"
	if byName {
		order = "orderasc: e.norm, orderasc: e.id"
	}
	filter := ""
	if len(filters) > 0 {
		filter = "@filter(" + strings.Join(filters, " AND ") + ")"
	}
	dq := varDecl(vars) + `{ e(func: ` + root + `, ` + order + `, first: ` + strconv.Itoa(limit+1) + `) ` +
		filter + ` { ` + entFields + ` e.norm } }`
	var ws []entWire
	err = s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var r struct {
			E []entWire `json:"e"`
		}
		if err := queryInto(ctx, txn, dq, vars, &r); err != nil {
			return err
		}
		ws = r.E
		return nil
	})
	if err != nil {
		return page, fmt.Errorf("entities: %w", err)
	}
	if len(ws) > limit {
		ws = ws[:limit]
		last := ws[limit-1]
		c := listCursor{ID: last.ID}
		switch q.Order {
		case graph.ByMentions:
			c.N = last.Mentions
		case graph.ByDegree:
			c.N = last.Degree
		case graph.ByDocs:
			c.N = last.Docs
		case graph.ByName:
			c.Norm = last.Norm
		}
		page.Next = encodeCursor(c)
	}
	if page.Entities, err = entities(ws); err != nil {
		return page, fmt.Errorf("entities: %w", err)
	}
	return page, nil
}

// varDecl declares the string variables of a query.
func varDecl(vars map[string]string) string {
	if len(vars) == 0 {
		return ""
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k+": string")
	}
	sort.Strings(names)
	return "query q(" + strings.Join(names, ", ") + ") "
}

const docFields = `d.id d.title d.source d.hash d.issuer d.date d.region d.size`

type docWire struct {
	ID     string `json:"d.id"`
	Title  string `json:"d.title"`
	Source string `json:"d.source"`
	Hash   string `json:"d.hash"`
	Issuer string `json:"d.issuer"`
	Date   string `json:"d.date"`
	Region string `json:"d.region"`
	Size   int64  `json:"d.size"`
}

func (w *docWire) document() graph.Document {
	return graph.Document{ID: w.ID, Title: w.Title, Source: w.Source, Hash: w.Hash,
		Issuer: w.Issuer, Date: w.Date, Region: w.Region, Size: w.Size}
}

// Document returns one document.
func (s *Store) Document(ctx context.Context, id string) (*graph.Document, error) {
	var d *graph.Document
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var r struct {
			D []docWire `json:"d"`
		}
		if err := queryInto(ctx, txn, `query q($id: string) { d(func: eq(d.id, $id)) { `+docFields+` } }`,
			map[string]string{"$id": id}, &r); err != nil {
			return err
		}
		if len(r.D) == 0 {
			return graph.ErrNotFound
		}
		doc := r.D[0].document()
		d = &doc
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return d, nil
}

// Documents pages through documents in ID order; the cursor is the last ID.
func (s *Store) Documents(ctx context.Context, after string, limit int) (graph.DocumentPage, error) {
	var page graph.DocumentPage
	limit, err := pageLimit(limit, 100, 10000)
	if err != nil {
		return page, fmt.Errorf("documents: %w", err)
	}
	err = s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var err error
		page, err = documentsPage(ctx, txn, after, limit)
		return err
	})
	if err != nil {
		return page, fmt.Errorf("documents: %w", err)
	}
	return page, nil
}

func documentsPage(ctx context.Context, txn *dgo.Txn, after string, limit int) (graph.DocumentPage, error) {
	var page graph.DocumentPage
	root, vars := "has(d.id)", map[string]string(nil)
	if after != "" {
		root, vars = "gt(d.id, $a)", map[string]string{"$a": after}
	}
	var r struct {
		D []docWire `json:"d"`
	}
	q := varDecl(vars) + `{ d(func: ` + root + `, orderasc: d.id, first: ` + strconv.Itoa(limit+1) + `) { ` + docFields + ` } }`
	if err := queryInto(ctx, txn, q, vars, &r); err != nil {
		return page, err
	}
	for i := range r.D {
		if len(page.Documents) == limit {
			page.Next = page.Documents[limit-1].ID
			break
		}
		page.Documents = append(page.Documents, r.D[i].document())
	}
	return page, nil
}

// EntityDocuments lists the documents that mention an entity, with spans,
// in document ID order.
func (s *Store) EntityDocuments(ctx context.Context, id string, limit int) ([]graph.DocMentions, error) {
	first := ""
	if limit > 0 {
		first = ", first: " + strconv.Itoa(limit)
	}
	var out []graph.DocMentions
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var r struct {
			E []struct {
				M []struct {
					Doc   string `json:"m.doc"`
					Spans string `json:"m.spans"`
				} `json:"~m.entity"`
			} `json:"e"`
		}
		q := `query q($id: string) { e(func: eq(e.id, $id)) { uid ~m.entity(orderasc: m.doc` + first + `) { m.doc m.spans } } }`
		if err := queryInto(ctx, txn, q, map[string]string{"$id": id}, &r); err != nil {
			return err
		}
		if len(r.E) == 0 {
			return graph.ErrNotFound
		}
		for _, m := range r.E[0].M {
			dm := graph.DocMentions{Doc: m.Doc}
			if err := json.Unmarshal([]byte(m.Spans), &dm.Spans); err != nil {
				return fmt.Errorf("%w: spans: %v", graph.ErrCorrupt, err)
			}
			out = append(out, dm)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("documents of %s: %w", id, err)
	}
	return out, nil
}

// Stats counts documents, entities and relations, grouped in Dgraph.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st := graph.Stats{ByType: map[graph.EntityType]int64{}, ByRel: map[graph.RelationType]int64{}}
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		type group struct {
			Groups []map[string]any `json:"@groupby"`
		}
		var r struct {
			D []struct {
				N int64 `json:"count"`
			} `json:"d"`
			E []group `json:"e"`
			R []group `json:"r"`
		}
		q := `{
			d(func: type(Document)) { count(uid) }
			e(func: type(Entity)) @groupby(e.type) { count(uid) }
			r(func: type(Relation)) @groupby(r.type) { count(uid) }
		}`
		if err := queryInto(ctx, txn, q, nil, &r); err != nil {
			return err
		}
		if len(r.D) > 0 {
			st.Documents = r.D[0].N
		}
		each := func(gs []group, key string, fn func(string, int64)) {
			for _, g := range gs {
				for _, m := range g.Groups {
					k, _ := m[key].(string)
					n, _ := m["count"].(float64)
					fn(k, int64(n))
				}
			}
		}
		each(r.E, "e.type", func(k string, n int64) { st.ByType[graph.EntityType(k)] = n; st.Entities += n })
		each(r.R, "r.type", func(k string, n int64) { st.ByRel[graph.RelationType(k)] = n; st.Relations += n })
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

// eachPage is the page size of EachEntity and EachRelation.
const eachPage = 1000

// EachEntity calls fn for every entity in ID order, a page at a time from
// one snapshot.
func (s *Store) EachEntity(ctx context.Context, fn func(*graph.Entity) error) error {
	return s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		after := ""
		for {
			root, vars := "has(e.id)", map[string]string(nil)
			if after != "" {
				root, vars = "gt(e.id, $a)", map[string]string{"$a": after}
			}
			var r struct {
				E []entWire `json:"e"`
			}
			q := varDecl(vars) + `{ e(func: ` + root + `, orderasc: e.id, first: ` + strconv.Itoa(eachPage) + `) { ` + entFields + ` } }`
			if err := queryInto(ctx, txn, q, vars, &r); err != nil {
				return fmt.Errorf("each entity: %w", err)
			}
			for i := range r.E {
				e, err := r.E[i].entity()
				if err != nil {
					return err
				}
				if err := fn(&e); err != nil {
					return err
				}
			}
			if len(r.E) < eachPage {
				return nil
			}
			after = r.E[len(r.E)-1].ID
		}
	})
}

// EachRelation calls fn for every relation in (From, Type, To) order.
func (s *Store) EachRelation(ctx context.Context, fn func(*graph.Relation) error) error {
	return s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		after := ""
		for {
			root, vars := "has(r.key)", map[string]string(nil)
			if after != "" {
				root, vars = "gt(r.key, $a)", map[string]string{"$a": after}
			}
			var r struct {
				R []relWire `json:"r"`
			}
			q := varDecl(vars) + `{ r(func: ` + root + `, orderasc: r.key, first: ` + strconv.Itoa(eachPage) + `) { ` + relFields + ` } }`
			if err := queryInto(ctx, txn, q, vars, &r); err != nil {
				return fmt.Errorf("each relation: %w", err)
			}
			for i := range r.R {
				rel := r.R[i].relation()
				if err := fn(&rel); err != nil {
					return err
				}
			}
			if len(r.R) < eachPage {
				return nil
			}
			after = r.R[len(r.R)-1].Key
		}
	})
}

// Relation returns one relation without evidence.
func (s *Store) Relation(ctx context.Context, k graph.RelationKey) (*graph.Relation, error) {
	k = k.Canonical()
	var rel *graph.Relation
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var err error
		rel, err = getRelation(ctx, txn, k)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("relation %s %s %s: %w", k.From, k.Type, k.To, err)
	}
	return rel, nil
}

func getRelation(ctx context.Context, txn *dgo.Txn, k graph.RelationKey) (*graph.Relation, error) {
	var r struct {
		R []relWire `json:"r"`
	}
	if err := queryInto(ctx, txn, `query q($id: string) { r(func: eq(r.id, $id)) { `+relFields+` } }`,
		map[string]string{"$id": k.ID()}, &r); err != nil {
		return nil, err
	}
	if len(r.R) == 0 {
		return nil, graph.ErrNotFound
	}
	rel := r.R[0].relation()
	return &rel, nil
}

// Evidence returns a relation's evidence by document ID, then offset.
func (s *Store) Evidence(ctx context.Context, k graph.RelationKey, limit int) ([]graph.Evidence, error) {
	k = k.Canonical()
	var out []graph.Evidence
	err := s.read(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		var r struct {
			R []struct {
				UID string `json:"uid"`
			} `json:"r"`
			S []struct {
				Doc string `json:"s.doc"`
				Ev  string `json:"s.evidence"`
			} `json:"s"`
		}
		q := `query q($id: string) {
			r(func: eq(r.id, $id)) { uid }
			s(func: eq(s.rid, $id), orderasc: s.doc) { s.doc s.evidence }
		}`
		if err := queryInto(ctx, txn, q, map[string]string{"$id": k.ID()}, &r); err != nil {
			return err
		}
		if len(r.R) == 0 {
			return graph.ErrNotFound
		}
		for _, sup := range r.S {
			var ev []graph.Evidence
			if err := json.Unmarshal([]byte(sup.Ev), &ev); err != nil {
				return fmt.Errorf("%w: evidence: %v", graph.ErrCorrupt, err)
			}
			for _, e := range ev {
				if limit > 0 && len(out) >= limit {
					return nil
				}
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evidence of %s %s %s: %w", k.From, k.Type, k.To, err)
	}
	return out, nil
}
