package dgraphstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// curEntity is an entity as the curation code reads it.
type curEntity struct {
	entNode
	Curated []string
	Name    string
}

// loadCurEntities reads entities with their curated aliases in txn.
func loadCurEntities(ctx context.Context, txn *dgo.Txn, ids []string) (map[string]*curEntity, error) {
	var r struct {
		Ents []entNode `json:"ents"`
		Cur  []curNode `json:"cur"`
	}
	q := `{
		ents(func: eq(e.id, ` + dqlList(ids) + `)) { uid e.id e.type e.agg e.degree }
		cur(func: eq(cl.entity, ` + dqlList(ids) + `)) { uid cl.entity cl.alias }
	}`
	if err := queryInto(ctx, txn, q, nil, &r); err != nil {
		return nil, err
	}
	out := map[string]*curEntity{}
	for _, n := range r.Ents {
		out[n.ID] = &curEntity{entNode: n}
	}
	for _, c := range r.Cur {
		if e := out[c.Entity]; e != nil {
			e.Curated = append(e.Curated, c.Alias)
		}
	}
	for _, e := range out {
		slices.Sort(e.Curated)
		e.Curated = slices.Compact(e.Curated)
		a, err := decodeEntAgg(e.Agg)
		if err != nil {
			return nil, fmt.Errorf("%w: entity %s: %v", graph.ErrCorrupt, e.ID, err)
		}
		e.Name = a.materialise(e.Curated).Name
	}
	return out, nil
}

// Merge folds the entities from into into: the merge is recorded (and
// older records that pointed at the merged entities now point at into), the
// names and curated aliases of the merged entities become curated aliases of
// into, and every document that supports a merged entity is re-applied so
// that its contribution lands on into.
//
// The curation records are one transaction and each re-applied document
// another, so a reader may see a merge half done; a failure part way is
// repaired by running the same Merge again.
func (s *Store) Merge(ctx context.Context, into string, from []string) error {
	var docs []string
	err := s.write(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		docs = docs[:0]
		ids := append([]string{into}, from...)
		ents, err := loadCurEntities(ctx, txn, ids)
		if err != nil {
			return err
		}
		target := ents[into]
		if target == nil {
			return fmt.Errorf("entity %s: %w", into, graph.ErrNotFound)
		}
		var r struct {
			Old []mergeNode `json:"old"`
			Ms  []struct {
				M []struct {
					Doc string `json:"m.doc"`
				} `json:"~m.entity"`
			} `json:"ms"`
			Cl []curNode `json:"cl"`
		}
		q := `{
			old(func: eq(cm.into, ` + dqlList(from) + `)) { uid cm.from cm.into }
			ms(func: eq(e.id, ` + dqlList(from) + `)) { ~m.entity { m.doc } }
			cl(func: eq(cl.entity, ` + dqlList(from) + `)) { uid cl.entity cl.alias }
		}`
		if err := queryInto(ctx, txn, q, nil, &r); err != nil {
			return err
		}
		var names []string
		var set, del []any
		for _, id := range from {
			if id == into {
				return fmt.Errorf("%w: cannot merge %s into itself", graph.ErrInvalid, id)
			}
			e := ents[id]
			if e == nil {
				return fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
			}
			names = append(names, e.Curated...)
			names = append(names, e.Name)
			m, err := upsertMerge(ctx, txn, id, into)
			if err != nil {
				return err
			}
			set = append(set, m)
		}
		// Keep merges one hop deep: whatever was merged into a merged
		// entity now points at into directly.
		for _, m := range r.Old {
			set = append(set, map[string]any{"uid": m.UID, "cm.into": into})
		}
		for _, c := range r.Cl {
			del = append(del, map[string]any{"uid": c.UID})
		}
		for _, m := range r.Ms {
			for _, x := range m.M {
				docs = append(docs, x.Doc)
			}
		}
		more, err := s.curate(ctx, txn, target, names)
		if err != nil {
			return err
		}
		set = append(set, more...)
		if len(del) > 0 {
			if err := mutateJSON(ctx, txn, nil, del); err != nil {
				return err
			}
		}
		return mutateJSON(ctx, txn, set, nil)
	})
	if err != nil {
		return fmt.Errorf("merge into %s: %w", into, err)
	}
	if err := s.reapplyAll(ctx, docs); err != nil {
		return fmt.Errorf("merge into %s: %w", into, err)
	}
	return nil
}

// upsertMerge returns the mutation recording that from was merged into into,
// updating an earlier record for from if there is one.
func upsertMerge(ctx context.Context, txn *dgo.Txn, from, into string) (map[string]any, error) {
	m := map[string]any{"dgraph.type": "Merged", "cm.from": from, "cm.into": into, "uid": "_:m" + from}
	var r struct {
		M []mergeNode `json:"m"`
	}
	if err := queryInto(ctx, txn, `query q($f: string) { m(func: eq(cm.from, $f)) { uid } }`, map[string]string{"$f": from}, &r); err != nil {
		return nil, err
	}
	if len(r.M) > 0 {
		m["uid"] = r.M[0].UID
	}
	return m, nil
}

// curate records names as curated aliases of e: the Alias nodes that make
// later contributions naming them land on e, and e's Curated list. It
// returns the mutations, including e's refreshed fields.
func (s *Store) curate(ctx context.Context, txn *dgo.Txn, e *curEntity, names []string) ([]any, error) {
	var keys []string
	for _, n := range names {
		norm := graph.Normalize(n)
		if norm == "" {
			return nil, fmt.Errorf("%w: empty alias", graph.ErrInvalid)
		}
		keys = append(keys, aliasKey(graph.EntityType(e.Type), norm))
	}
	var r struct {
		A []aliasNode `json:"a"`
	}
	if len(keys) > 0 {
		if err := queryInto(ctx, txn, `{ a(func: eq(ca.key, `+dqlList(keys)+`)) { uid ca.key ca.entity } }`, nil, &r); err != nil {
			return nil, err
		}
	}
	existing := map[string]string{}
	for _, a := range r.A {
		existing[a.Key] = a.UID
	}
	var set []any
	for i, n := range names {
		k := keys[i]
		uid := existing[k]
		if uid == "" {
			uid = fmt.Sprintf("_:a%d", i)
			existing[k] = uid
		}
		set = append(set, map[string]any{"uid": uid, "dgraph.type": "Alias", "ca.key": k, "ca.entity": e.ID})
		if !slices.Contains(e.Curated, n) {
			e.Curated = append(e.Curated, n)
			set = append(set, map[string]any{"uid": fmt.Sprintf("_:c%d", i), "dgraph.type": "Curated",
				"cl.entity": e.ID, "cl.alias": n})
		}
	}
	slices.Sort(e.Curated)
	fields, err := refreshed(e)
	if err != nil {
		return nil, err
	}
	if err := mutateJSON(ctx, txn, nil, []any{map[string]any{"uid": e.UID, "e.aliases": nil, "e.keys": nil, "e.grams": nil}}); err != nil {
		return nil, err
	}
	return append(set, fields), nil
}

// refreshed returns the mutation that rewrites an entity's derived fields
// from its aggregate and curated aliases.
func refreshed(e *curEntity) (map[string]any, error) {
	a, err := decodeEntAgg(e.Agg)
	if err != nil {
		return nil, fmt.Errorf("%w: entity %s: %v", graph.ErrCorrupt, e.ID, err)
	}
	m := a.materialise(e.Curated)
	return map[string]any{"uid": e.UID, "e.name": m.Name, "e.norm": m.Norm,
		"e.keys": m.Keys, "e.grams": m.Grams, "e.aliases": m.Aliases}, nil
}

// AddAlias adds a curated alias to an entity. Documents that named another
// entity of the same type by that name are re-applied and land on id.
func (s *Store) AddAlias(ctx context.Context, id, alias string) error {
	var docs []string
	err := s.write(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		docs = docs[:0]
		ents, err := loadCurEntities(ctx, txn, []string{id})
		if err != nil {
			return err
		}
		e := ents[id]
		if e == nil {
			return fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
		}
		set, err := s.curate(ctx, txn, e, []string{alias})
		if err != nil {
			return err
		}
		if other := graph.EntityID(graph.EntityType(e.Type), alias); other != id {
			var r struct {
				Ms []struct {
					M []struct {
						Doc string `json:"m.doc"`
					} `json:"~m.entity"`
				} `json:"ms"`
			}
			if err := queryInto(ctx, txn, `query q($o: string) { ms(func: eq(e.id, $o)) { ~m.entity { m.doc } } }`,
				map[string]string{"$o": other}, &r); err != nil {
				return err
			}
			for _, m := range r.Ms {
				for _, x := range m.M {
					docs = append(docs, x.Doc)
				}
			}
		}
		return mutateJSON(ctx, txn, set, nil)
	})
	if err != nil {
		return fmt.Errorf("alias %s: %w", id, err)
	}
	if err := s.reapplyAll(ctx, docs); err != nil {
		return fmt.Errorf("alias %s: %w", id, err)
	}
	return nil
}

// reapplyAll re-applies stored documents, each in its own transaction, so
// their contributions are resolved through the current curation records.
func (s *Store) reapplyAll(ctx context.Context, docs []string) error {
	slices.Sort(docs)
	for _, doc := range slices.Compact(docs) {
		if err := s.write(ctx, func(ctx context.Context, txn *dgo.Txn) error {
			var r struct {
				D []docNode `json:"d"`
			}
			if err := queryInto(ctx, txn, `query q($d: string) { d(func: eq(d.id, $d)) { d.raw } }`,
				map[string]string{"$d": doc}, &r); err != nil {
				return err
			}
			if len(r.D) == 0 {
				return nil // deleted meanwhile
			}
			var c graph.Contribution
			if err := json.Unmarshal([]byte(r.D[0].Raw), &c); err != nil {
				return fmt.Errorf("%w: contribution of %s: %v", graph.ErrCorrupt, doc, err)
			}
			return s.applyTxn(ctx, txn, doc, &c)
		}); err != nil {
			return fmt.Errorf("re-apply %s: %w", doc, err)
		}
	}
	return nil
}
