package badgerstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// getEnt reads an entity inside a read transaction; nil when absent.
func getEnt(txn *badger.Txn, id string) (*graph.Entity, error) {
	item, err := txn.Get(entityKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var e graph.Entity
	if err := item.Value(func(v []byte) error {
		var err error
		e, err = decodeEntity(id, v)
		return err
	}); err != nil {
		return nil, fmt.Errorf("entity %s: %w", id, err)
	}
	return &e, nil
}

func mustEnt(txn *badger.Txn, id string) (*graph.Entity, error) {
	e, err := getEnt(txn, id)
	if err == nil && e == nil {
		err = fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
	}
	return e, err
}

// Entity returns one entity.
func (s *Store) Entity(ctx context.Context, id string) (*graph.Entity, error) {
	var e *graph.Entity
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		e, err = mustEnt(txn, id)
		return err
	})
	return e, err
}

func typeSet(types []graph.EntityType) map[string]bool {
	if len(types) == 0 {
		return nil
	}
	m := make(map[string]bool, len(types))
	for _, t := range types {
		m[string(t)] = true
	}
	return m
}

// EntitiesByName returns the entities a name or alias matches exactly.
func (s *Store) EntitiesByName(ctx context.Context, name string, types ...graph.EntityType) ([]graph.Entity, error) {
	norm := graph.Normalize(name)
	if norm == "" {
		return nil, fmt.Errorf("entities named %q: %w: empty name", name, graph.ErrInvalid)
	}
	ts := typeSet(types)
	var out []graph.Entity
	err := s.view(ctx, func(txn *badger.Txn) error {
		p := key(pName, norm)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
		defer it.Close()
		var ids []string
		for it.Rewind(); it.Valid(); it.Next() {
			parts, err := splitStrs(it.Item().Key(), 3)
			if err != nil {
				return fmt.Errorf("%w: name key", graph.ErrCorrupt)
			}
			if ts == nil || ts[parts[1]] {
				ids = append(ids, parts[2])
			}
		}
		sort.Strings(ids)
		ids = slices.Compact(ids)
		for _, id := range ids {
			e, err := mustEnt(txn, id)
			if err != nil {
				return err
			}
			out = append(out, *e)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("entities named %q: %w", name, graph.ErrNotFound)
	}
	return out, err
}

func encodeCursor(k []byte) string { return base64.RawURLEncoding.EncodeToString(k) }

func decodeCursor(c string, prefix []byte) ([]byte, error) {
	k, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !bytes.HasPrefix(k, prefix) {
		return nil, fmt.Errorf("%w: bad cursor", graph.ErrInvalid)
	}
	return k, nil
}

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

// Search pages through entities whose normalised name or alias starts with
// (Prefix) or contains (Substring) the normalised text, in the order of the
// matching name, then type, then ID. An entity matching by several names is
// listed once, at its smallest matching name.
//
// Substring search is a key-only scan of the name index, stopped as soon as
// the page is full. An n-gram index would make rare substrings faster but
// would multiply the index by the name length (Chinese names are 4 to 20
// characters) and slow every write; at a million entities the scan of the
// keys takes well under a second, and common substrings fill a page early.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) (graph.EntityPage, error) {
	var page graph.EntityPage
	limit, err := pageLimit(q.Limit, 20, 1000)
	if err != nil {
		return page, err
	}
	text := graph.Normalize(q.Text)
	ts := typeSet(q.Types)
	p := []byte{pName}
	if q.Mode == graph.Prefix {
		p = append(p, text...)
	}
	var start []byte
	if q.After != "" {
		if start, err = decodeCursor(q.After, p); err != nil {
			return page, err
		}
	}
	matches := func(n string) bool {
		if q.Mode == graph.Prefix {
			return strings.HasPrefix(n, text)
		}
		return strings.Contains(n, text)
	}
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
		defer it.Close()
		seekAfter(it, start)
		var lastKey []byte
		for n := 0; it.Valid(); it.Next() {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			k := it.Item().Key()
			parts, err := splitStrs(k, 3)
			if err != nil {
				return fmt.Errorf("%w: name key", graph.ErrCorrupt)
			}
			if !matches(parts[0]) || ts != nil && !ts[parts[1]] {
				continue
			}
			if len(page.Entities) == limit {
				page.Next = encodeCursor(lastKey)
				return nil
			}
			e, err := mustEnt(txn, parts[2])
			if err != nil {
				return err
			}
			if first := firstMatch(e, matches); first != parts[0] {
				continue // listed at its smaller matching name
			}
			page.Entities = append(page.Entities, *e)
			lastKey = append(lastKey[:0], k...)
		}
		return nil
	})
	return page, err
}

// firstMatch returns the smallest normalised name of e that matches.
func firstMatch(e *graph.Entity, matches func(string) bool) string {
	best := ""
	for _, s := range append([]string{e.Name}, e.Aliases...) {
		n := graph.Normalize(s)
		if matches(n) && (best == "" || n < best) {
			best = n
		}
	}
	return best
}

// Entities pages through entities in the order asked for, reading the rank
// index from the cursor on.
func (s *Store) Entities(ctx context.Context, q graph.EntityQuery) (graph.EntityPage, error) {
	var page graph.EntityPage
	limit, err := pageLimit(q.Limit, 20, 1000)
	if err != nil {
		return page, err
	}
	var order byte
	switch q.Order {
	case graph.ByMentions:
		order = rankMent
	case graph.ByDegree:
		order = rankDeg
	case graph.ByName:
		order = rankName
	case graph.ByDocs:
		order = rankDocs
	default:
		return page, fmt.Errorf("%w: entity order %d", graph.ErrInvalid, q.Order)
	}
	p := rankPrefix(order, string(q.Type))
	var start []byte
	if q.After != "" {
		if start, err = decodeCursor(q.After, p); err != nil {
			return page, err
		}
	}
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: false})
		defer it.Close()
		seekAfter(it, start)
		var last []byte
		for ; it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(page.Entities) == limit {
				page.Next = encodeCursor(last)
				return nil
			}
			id, err := rankID(k)
			if err != nil {
				return fmt.Errorf("%w: rank key", graph.ErrCorrupt)
			}
			e, err := mustEnt(txn, id)
			if err != nil {
				return err
			}
			page.Entities = append(page.Entities, *e)
			last = append(last[:0], k...)
		}
		return nil
	})
	return page, err
}

// Document returns one document.
func (s *Store) Document(ctx context.Context, id string) (*graph.Document, error) {
	var d *graph.Document
	err := s.view(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get(docKey(id))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("document %s: %w", id, graph.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			d = new(graph.Document)
			if err := json.Unmarshal(v, d); err != nil {
				return fmt.Errorf("document %s: %w", id, graph.ErrCorrupt)
			}
			return nil
		})
	})
	return d, err
}

// Documents pages through documents in ID order; the cursor is the last ID.
func (s *Store) Documents(ctx context.Context, after string, limit int) (graph.DocumentPage, error) {
	var page graph.DocumentPage
	limit, err := pageLimit(limit, 100, 10000)
	if err != nil {
		return page, err
	}
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pDoc}})
		defer it.Close()
		if after != "" {
			it.Seek(docKey(after))
			if it.Valid() && bytes.Equal(it.Item().Key(), docKey(after)) {
				it.Next()
			}
		} else {
			it.Rewind()
		}
		for ; it.Valid(); it.Next() {
			if len(page.Documents) == limit {
				page.Next = page.Documents[limit-1].ID
				return nil
			}
			var d graph.Document
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &d) }); err != nil {
				return fmt.Errorf("%w: document record", graph.ErrCorrupt)
			}
			page.Documents = append(page.Documents, d)
		}
		return nil
	})
	return page, err
}

// EntityDocuments lists the documents that mention an entity, with spans.
func (s *Store) EntityDocuments(ctx context.Context, id string, limit int) ([]graph.DocMentions, error) {
	var out []graph.DocMentions
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := mustEnt(txn, id); err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key(pMention, id)})
		defer it.Close()
		for it.Rewind(); it.Valid() && (limit <= 0 || len(out) < limit); it.Next() {
			doc, err := lastStr(it.Item().Key())
			if err != nil {
				return fmt.Errorf("%w: mention key", graph.ErrCorrupt)
			}
			var spans []graph.Span
			if err := it.Item().Value(func(v []byte) error {
				spans, err = decodeSpans(v)
				return err
			}); err != nil {
				return err
			}
			out = append(out, graph.DocMentions{Doc: doc, Spans: spans})
		}
		return nil
	})
	return out, err
}

// Stats reads the counters.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st := graph.Stats{ByType: map[graph.EntityType]int64{}, ByRel: map[graph.RelationType]int64{}}
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pCounter}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			name := string(it.Item().Key()[1:])
			var v int64
			if err := it.Item().Value(func(b []byte) error {
				var err error
				v, err = decodeCount(b)
				return err
			}); err != nil {
				return err
			}
			switch {
			case name == "docs":
				st.Documents = v
			case name == "ents":
				st.Entities = v
			case name == "rels":
				st.Relations = v
			case strings.HasPrefix(name, "t:"):
				st.ByType[graph.EntityType(name[2:])] = v
			case strings.HasPrefix(name, "r:"):
				st.ByRel[graph.RelationType(name[2:])] = v
			}
		}
		return nil
	})
	return st, err
}

// EachEntity streams every entity in ID order from one snapshot.
func (s *Store) EachEntity(ctx context.Context, fn func(*graph.Entity) error) error {
	return s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pEntity}, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			parts, err := splitStrs(it.Item().Key(), 1)
			if err != nil {
				return fmt.Errorf("%w: entity key", graph.ErrCorrupt)
			}
			var e graph.Entity
			if err := it.Item().Value(func(v []byte) error {
				e, err = decodeEntity(parts[0], v)
				return err
			}); err != nil {
				return err
			}
			if err := fn(&e); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachRelation streams every relation in (From, Type, To) order.
func (s *Store) EachRelation(ctx context.Context, fn func(*graph.Relation) error) error {
	return s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pOut}, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			k, rec, err := decodeOut(it.Item())
			if err != nil {
				return err
			}
			r := rec.relation(k)
			if err := fn(&r); err != nil {
				return err
			}
		}
		return nil
	})
}

func decodeOut(item *badger.Item) (graph.RelationKey, *relRec, error) {
	parts, err := splitStrs(item.Key(), 3)
	if err != nil {
		return graph.RelationKey{}, nil, fmt.Errorf("%w: relation key", graph.ErrCorrupt)
	}
	var rec *relRec
	err = item.Value(func(v []byte) error {
		rec, err = decodeRelRead(v)
		return err
	})
	return graph.RelationKey{From: parts[0], Type: graph.RelationType(parts[1]), To: parts[2]}, rec, err
}

func getRel(txn *badger.Txn, k graph.RelationKey) (*graph.Relation, error) {
	k = k.Canonical()
	item, err := txn.Get(outKey(k.From, string(k.Type), k.To))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("relation %s %s %s: %w", k.From, k.Type, k.To, graph.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	_, rec, err := decodeOut(item)
	if err != nil {
		return nil, err
	}
	r := rec.relation(k)
	return &r, nil
}

// Relation returns one relation without evidence.
func (s *Store) Relation(ctx context.Context, k graph.RelationKey) (*graph.Relation, error) {
	var r *graph.Relation
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		r, err = getRel(txn, k)
		return err
	})
	return r, err
}

// Evidence returns a relation's evidence by document, then offset.
func (s *Store) Evidence(ctx context.Context, k graph.RelationKey, limit int) ([]graph.Evidence, error) {
	k = k.Canonical()
	var out []graph.Evidence
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := getRel(txn, k); err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key(pRelDoc, k.From, string(k.Type), k.To), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			doc, err := lastStr(it.Item().Key())
			if err != nil {
				return fmt.Errorf("%w: evidence key", graph.ErrCorrupt)
			}
			sentence := func(n uint32) (string, error) { return getSentence(txn, doc, n) }
			var rec *relDocRec
			if err := it.Item().Value(func(v []byte) error {
				rec, err = decodeRelDoc(v, doc, sentence)
				return err
			}); err != nil {
				return err
			}
			for _, ev := range rec.Evidence {
				if limit > 0 && len(out) >= limit {
					return nil
				}
				out = append(out, ev)
			}
		}
		return nil
	})
	return out, err
}

// getSentence reads sentence n of a document's evidence.
func getSentence(txn *badger.Txn, doc string, n uint32) (string, error) {
	item, err := txn.Get(sentenceKey(doc, n))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", fmt.Errorf("%w: document %s has no evidence sentence %d", graph.ErrCorrupt, doc, n)
	}
	if err != nil {
		return "", err
	}
	var text string
	err = item.Value(func(v []byte) error {
		text = string(v)
		return nil
	})
	return text, err
}

// seekAfter positions it on the first key after the cursor key start, or on
// the first key when there is no cursor: a page resumes past the last key
// the previous page returned.
func seekAfter(it *badger.Iterator, start []byte) {
	if start == nil {
		it.Rewind()
		return
	}
	it.Seek(start)
	if it.Valid() && bytes.Equal(it.Item().Key(), start) {
		it.Next()
	}
}
