package badgerstore

import (
	"context"
	"fmt"
	"slices"

	"kg/graph"
)

// Merge folds the entities from into into. The merge is recorded (Cm keys)
// and every document that supports a merged entity is re-applied, so its
// contribution lands on into; re-ingesting such a document later resolves
// the same way. The names of the merged entities become curated aliases of
// into. The whole merge is one atomic change.
func (s *Store) Merge(ctx context.Context, into string, from []string) error {
	return s.change(ctx, "merge into "+into, func(w *wtx) error {
		target, err := w.entity(into)
		if err != nil {
			return err
		}
		if target.rec == nil {
			return fmt.Errorf("entity %s: %w", into, graph.ErrNotFound)
		}
		var docs []string
		for _, id := range from {
			if id == into {
				return fmt.Errorf("%w: cannot merge %s into itself", graph.ErrInvalid, id)
			}
			st, err := w.entity(id)
			if err != nil {
				return err
			}
			if st.rec == nil {
				return fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
			}
			w.set(mergeKey(id), []byte(into))
			// Its curated aliases, and its own names, now name into.
			names := append(slices.Clone(st.rec.Curated), st.rec.name())
			for _, a := range st.rec.Curated {
				w.del(aliasOfKey(id, a))
			}
			for _, a := range names {
				if err := w.addCurated(into, target.rec.Type, a); err != nil {
					return err
				}
			}
			for _, k := range w.scanKeys(key(pMention, id)) {
				doc, err := lastStr(k)
				if err != nil {
					return fmt.Errorf("%w: mention key", graph.ErrCorrupt)
				}
				docs = append(docs, doc)
			}
		}
		slices.Sort(docs)
		for _, doc := range slices.Compact(docs) {
			if err := w.reapply(doc); err != nil {
				return err
			}
		}
		return nil
	})
}

// addCurated records alias as a curated alias of entity id (of type t).
func (w *wtx) addCurated(id, t, alias string) error {
	norm := graph.Normalize(alias)
	if norm == "" {
		return fmt.Errorf("%w: empty alias", graph.ErrInvalid)
	}
	w.set(aliasKey(t, norm), []byte(id))
	w.set(aliasOfKey(id, alias), nil)
	st, err := w.entity(id)
	if err != nil {
		return err
	}
	if st.rec != nil && !slices.Contains(st.rec.Curated, alias) {
		st.rec.Curated = append(st.rec.Curated, alias)
		slices.Sort(st.rec.Curated)
	}
	return nil
}

// AddAlias adds a curated alias to an entity. Documents that named another
// entity of the same type by that name are re-applied and land on id.
func (s *Store) AddAlias(ctx context.Context, id, alias string) error {
	return s.change(ctx, "alias "+id, func(w *wtx) error {
		st, err := w.entity(id)
		if err != nil {
			return err
		}
		if st.rec == nil {
			return fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
		}
		if err := w.addCurated(id, st.rec.Type, alias); err != nil {
			return err
		}
		other := graph.EntityID(graph.EntityType(st.rec.Type), alias)
		if other == id {
			return nil
		}
		for _, k := range w.scanKeys(key(pMention, other)) {
			doc, err := lastStr(k)
			if err != nil {
				return fmt.Errorf("%w: mention key", graph.ErrCorrupt)
			}
			if err := w.reapply(doc); err != nil {
				return err
			}
		}
		return nil
	})
}
