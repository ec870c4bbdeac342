package dgraphstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/dgo/v250"

	"kg/graph"
)

// Apply makes c the whole contribution of c.Doc.ID in one Dgraph transaction,
// retried (up to Options.Retries times) when a concurrent writer touched the
// same entities or relations.
func (s *Store) Apply(ctx context.Context, c *graph.Contribution) error {
	if c == nil {
		return fmt.Errorf("apply: %w: nil contribution", graph.ErrInvalid)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	for i := range c.Relations {
		if !validType(string(c.Relations[i].Type)) {
			return fmt.Errorf("apply %s: %w: relation type %q", c.Doc.ID, graph.ErrInvalid, c.Relations[i].Type)
		}
	}
	for i := range c.Entities {
		if !validType(string(c.Entities[i].Type)) {
			return fmt.Errorf("apply %s: %w: entity type %q", c.Doc.ID, graph.ErrInvalid, c.Entities[i].Type)
		}
	}
	if err := s.declareRelTypes(ctx, c); err != nil {
		return fmt.Errorf("apply %s: %w", c.Doc.ID, err)
	}
	if err := s.write(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		return s.applyTxn(ctx, txn, c.Doc.ID, c)
	}); err != nil {
		return fmt.Errorf("apply %s: %w", c.Doc.ID, err)
	}
	if len(c.Relations) > 0 {
		s.mu.RLock()
		stale := s.rtCache != nil && !containsAll(s.rtCache, c.Relations)
		s.mu.RUnlock()
		if stale {
			s.forgetRelTypes()
		}
	}
	return nil
}

// Delete retracts a document's contribution and the document.
func (s *Store) Delete(ctx context.Context, docID string) error {
	if docID == "" {
		return fmt.Errorf("delete: %w: empty document id", graph.ErrInvalid)
	}
	tries := 0
	err := s.write(ctx, func(ctx context.Context, txn *dgo.Txn) error {
		tries++
		err := s.applyTxn(ctx, txn, docID, nil)
		if errors.Is(err, graph.ErrNotFound) && tries > 1 {
			// The document was there at the first attempt: that attempt
			// committed before its answer was lost, or another writer
			// deleted it meanwhile. Either way it is gone, as asked.
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete %s: %w", docID, err)
	}
	return nil
}

func containsAll(ts []graph.RelationType, rs []graph.RelationContribution) bool {
	for i := range rs {
		if !slices.Contains(ts, rs[i].Type) {
			return false
		}
	}
	return true
}

// write runs fn in a fresh transaction and commits it, retrying (up to
// Options.Retries attempts) when Dgraph aborts the transaction because of a
// conflict or the cluster is briefly unreachable. After a transient failure
// the first attempt may have committed; Apply is idempotent, and Delete
// reports that as done (see applyTxn).
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, txn *dgo.Txn) error) error {
	if err := s.check(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if err == nil || !(retryable(err) || transient(err)) {
			return err
		}
		s.conflicts.Add(1)
		if attempt >= s.opts.Retries {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		if s.opts.Logger != nil {
			s.opts.Logger.Debug("dgraph write retried", "attempt", attempt, "err", err)
		}
		n := attempt
		if !retryable(err) {
			n = 4 * attempt // the cluster needs time, not luck
		}
		if err := backoff(ctx, n); err != nil {
			return err
		}
	}
}

func (s *Store) writeOnce(ctx context.Context, fn func(ctx context.Context, txn *dgo.Txn) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	txn := s.dg.NewTxn()
	defer txn.Discard(context.WithoutCancel(ctx))
	if err := fn(ctx, txn); err != nil {
		return err
	}
	if err := txn.Commit(ctx); err != nil && !errors.Is(err, dgo.ErrFinished) {
		return err
	}
	return nil
}

// declareRelTypes adds the predicates of relation types this process has
// not declared yet. Predicates another process declared are found in the
// schema and not altered again; Alter is idempotent, but Dgraph refuses it
// ("pending transactions") while other writers have transactions open, so
// it is retried like a conflicting write.
func (s *Store) declareRelTypes(ctx context.Context, c *graph.Contribution) error {
	var fresh []graph.RelationType
	seen := map[graph.RelationType]bool{}
	s.mu.RLock()
	for i := range c.Relations {
		t := c.Relations[i].Type
		if !s.known[t] && !seen[t] {
			seen[t] = true
			fresh = append(fresh, t)
		}
	}
	s.mu.RUnlock()
	if len(fresh) == 0 {
		return nil
	}
	preds := make([]string, len(fresh))
	for i, t := range fresh {
		preds[i] = relPred(t)
	}
	var r struct {
		Schema []struct {
			Predicate string `json:"predicate"`
		} `json:"schema"`
	}
	txn := s.dg.NewReadOnlyTxn()
	err := queryInto(ctx, txn, "schema(pred: ["+strings.Join(preds, ", ")+"]) { type }", nil, &r)
	txn.Discard(ctx)
	if err != nil {
		return fmt.Errorf("declare relation types: %w", err)
	}
	have := map[string]bool{}
	for _, p := range r.Schema {
		have[p.Predicate] = true
	}
	var schema string
	for _, p := range preds {
		if !have[p] {
			schema += relPredSchema(p) + "\n"
		}
	}
	for attempt := 1; schema != ""; attempt++ {
		err := s.alter(ctx, schema)
		if err == nil {
			break
		}
		if !transient(err) || attempt >= s.opts.Retries {
			return fmt.Errorf("declare relation types: %w", err)
		}
		if err := backoff(ctx, 4*attempt); err != nil {
			return err
		}
	}
	s.mu.Lock()
	for _, t := range fresh {
		s.known[t] = true
	}
	s.mu.Unlock()
	return nil
}

// Wire forms of the nodes the write path reads.
type (
	docNode struct {
		UID  string `json:"uid"`
		Res  string `json:"d.res"`
		Raw  string `json:"d.raw"`
		Date string `json:"d.date"`
	}
	uidNode struct {
		UID string `json:"uid"`
	}
	entNode struct {
		UID    string `json:"uid"`
		ID     string `json:"e.id"`
		Type   string `json:"e.type"`
		Agg    string `json:"e.agg"`
		Degree int64  `json:"e.degree"`
	}
	relNode struct {
		UID string `json:"uid"`
		ID  string `json:"r.id"`
		Agg string `json:"r.agg"`
	}
	mergeNode struct {
		UID  string `json:"uid"`
		From string `json:"cm.from"`
		Into string `json:"cm.into"`
	}
	aliasNode struct {
		UID    string `json:"uid"`
		Key    string `json:"ca.key"`
		Entity string `json:"ca.entity"`
	}
	curNode struct {
		UID    string `json:"uid"`
		Entity string `json:"cl.entity"`
		Alias  string `json:"cl.alias"`
	}
)

// applyTxn retracts what docID contributed and, when c is not nil, adds c,
// all inside txn. With c nil the document itself is removed (Delete).
func (s *Store) applyTxn(ctx context.Context, txn *dgo.Txn, docID string, c *graph.Contribution) error {
	// Round trip 1: the document's previous resolution and records, the
	// curation records that may redirect the new contribution's entities,
	// the relation types on record.
	var ids, akeys []string
	if c != nil {
		for i := range c.Entities {
			e := &c.Entities[i]
			ids = append(ids, e.ID())
			akeys = append(akeys, aliasKey(e.Type, graph.Normalize(e.Name)))
		}
	}
	// The entities and relations the contribution names, as given, are
	// fetched now too: without curation records in the way they are all
	// the new side needs, which saves a round trip.
	fetchedE := map[string]bool{}
	fetchedR := map[string]bool{}
	var rids0 []string
	if c != nil {
		for _, id := range ids {
			fetchedE[id] = true
		}
		for i := range c.Relations {
			r := &c.Relations[i]
			id := graph.RelationKey{From: r.From, Type: r.Type, To: r.To}.Canonical().ID()
			if !fetchedR[id] {
				fetchedR[id] = true
				rids0 = append(rids0, id)
			}
		}
	}
	q1 := `query q($doc: string) {
		doc(func: eq(d.id, $doc)) { uid d.res d.date }
		ms(func: eq(m.doc, $doc)) { uid }
		ss(func: eq(s.doc, $doc)) { uid }
		rts(func: type(RelType)) { rt.name }`
	if len(ids) > 0 {
		q1 += `
		merges(func: eq(cm.from, ` + dqlList(ids) + `)) { cm.from cm.into }
		aliases(func: eq(ca.key, ` + dqlList(akeys) + `)) { ca.key ca.entity }
		ents(func: eq(e.id, ` + dqlList(ids) + `)) { uid e.id e.type e.agg e.degree }
		cur(func: eq(cl.entity, ` + dqlList(ids) + `)) { cl.entity cl.alias }`
	}
	if len(rids0) > 0 {
		q1 += `
		rels(func: eq(r.id, ` + dqlList(rids0) + `)) { uid r.id r.agg }`
	}
	q1 += "\n}"
	var r1 struct {
		Ents    []entNode   `json:"ents"`
		Cur     []curNode   `json:"cur"`
		Rels    []relNode   `json:"rels"`
		Doc     []docNode   `json:"doc"`
		Ms      []uidNode   `json:"ms"`
		Ss      []uidNode   `json:"ss"`
		Merges  []mergeNode `json:"merges"`
		Aliases []aliasNode `json:"aliases"`
		Rts     []struct {
			Name string `json:"rt.name"`
		} `json:"rts"`
	}
	if err := queryInto(ctx, txn, q1, map[string]string{"$doc": docID}, &r1); err != nil {
		return err
	}
	var old resolution
	docUID := ""
	if len(r1.Doc) > 0 {
		docUID = r1.Doc[0].UID
		if err := json.Unmarshal([]byte(r1.Doc[0].Res), &old); err != nil {
			return fmt.Errorf("%w: resolution of %s: %v", graph.ErrCorrupt, docID, err)
		}
	} else if c == nil {
		return graph.ErrNotFound
	}
	var cur resolution
	if c != nil {
		rv := &resolver{merged: map[string]string{}, aliases: map[string]string{}}
		for _, m := range r1.Merges {
			rv.merged[m.From] = m.Into
		}
		for _, a := range r1.Aliases {
			rv.aliases[a.Key] = a.Entity
		}
		if len(rv.aliases) > 0 {
			// An alias may point at an entity merged since; one more look up.
			var targets []string
			for _, t := range rv.aliases {
				if _, ok := rv.merged[t]; !ok {
					targets = append(targets, t)
				}
			}
			if err := s.moreMerges(ctx, txn, targets, rv); err != nil {
				return err
			}
		}
		cur = resolve(c, rv)
	}

	// Round trip 2: the affected entities and relations.
	entIDs := map[string]bool{}
	relIDs := map[string]graph.RelationKey{}
	for _, e := range old.Entities {
		entIDs[e.ID] = true
	}
	for _, e := range cur.Entities {
		entIDs[e.ID] = true
	}
	for _, r := range old.Relations {
		relIDs[r.Key.ID()] = r.Key
	}
	for _, r := range cur.Relations {
		relIDs[r.Key.ID()] = r.Key
	}
	var eids, rids []string
	for id := range entIDs {
		if !fetchedE[id] {
			eids = append(eids, id)
		}
	}
	for id := range relIDs {
		if !fetchedR[id] {
			rids = append(rids, id)
		}
	}
	sort.Strings(eids)
	sort.Strings(rids)
	r2 := struct {
		Ents []entNode `json:"ents"`
		Cur  []curNode `json:"cur"`
		Rels []relNode `json:"rels"`
	}{r1.Ents, r1.Cur, r1.Rels}
	if len(eids) > 0 || len(rids) > 0 {
		// Round trip 2: what the previous version of the document or the
		// curation records add.
		var more struct {
			Ents []entNode `json:"ents"`
			Cur  []curNode `json:"cur"`
			Rels []relNode `json:"rels"`
		}
		q2 := "{\n"
		if len(eids) > 0 {
			q2 += `ents(func: eq(e.id, ` + dqlList(eids) + `)) { uid e.id e.type e.agg e.degree }
		cur(func: eq(cl.entity, ` + dqlList(eids) + `)) { cl.entity cl.alias }` + "\n"
		}
		if len(rids) > 0 {
			q2 += `rels(func: eq(r.id, ` + dqlList(rids) + `)) { uid r.id r.agg }` + "\n"
		}
		q2 += "}"
		if err := queryInto(ctx, txn, q2, nil, &more); err != nil {
			return err
		}
		r2.Ents = append(r2.Ents, more.Ents...)
		r2.Cur = append(r2.Cur, more.Cur...)
		r2.Rels = append(r2.Rels, more.Rels...)
	}

	// Fold the change into the aggregates.
	type entState struct {
		uid     string
		typ     graph.EntityType
		agg     entAgg
		degree  int64
		existed bool
	}
	ents := map[string]*entState{}
	for _, n := range r2.Ents {
		if !entIDs[n.ID] {
			continue // named as given, but redirected by curation
		}
		a, err := decodeEntAgg(n.Agg)
		if err != nil {
			return fmt.Errorf("%w: entity %s: %v", graph.ErrCorrupt, n.ID, err)
		}
		ents[n.ID] = &entState{uid: n.UID, typ: graph.EntityType(n.Type), agg: a, degree: n.Degree, existed: true}
	}
	curated := map[string][]string{}
	for _, a := range r2.Cur {
		curated[a.Entity] = append(curated[a.Entity], a.Alias)
	}
	for i := range old.Entities {
		e := &old.Entities[i]
		st := ents[e.ID]
		if st == nil {
			return fmt.Errorf("%w: entity %s of document %s is missing", graph.ErrCorrupt, e.ID, docID)
		}
		st.agg.add(e, old.Date, -1)
	}
	for i := range cur.Entities {
		e := &cur.Entities[i]
		st := ents[e.ID]
		if st == nil {
			st = &entState{typ: e.Type}
			ents[e.ID] = st
		}
		st.agg.add(e, cur.Date, 1)
	}
	type relState struct {
		uid     string
		key     graph.RelationKey
		agg     relAgg
		existed bool
	}
	rels := map[string]*relState{}
	for _, n := range r2.Rels {
		if _, ok := relIDs[n.ID]; !ok {
			continue
		}
		a, err := decodeRelAgg(n.Agg)
		if err != nil {
			return fmt.Errorf("%w: relation %s: %v", graph.ErrCorrupt, n.ID, err)
		}
		rels[n.ID] = &relState{uid: n.UID, key: relIDs[n.ID], agg: a, existed: true}
	}
	for i := range old.Relations {
		r := &old.Relations[i]
		st := rels[r.Key.ID()]
		if st == nil {
			return fmt.Errorf("%w: relation %s of document %s is missing", graph.ErrCorrupt, r.Key.ID(), docID)
		}
		st.agg.add(r, old.Date, -1)
	}
	for i := range cur.Relations {
		r := &cur.Relations[i]
		st := rels[r.Key.ID()]
		if st == nil {
			st = &relState{key: r.Key}
			rels[r.Key.ID()] = st
		}
		st.agg.add(r, cur.Date, 1)
	}
	for _, st := range rels {
		now := st.agg.Docs > 0
		if now == st.existed {
			continue
		}
		d := int64(1)
		if !now {
			d = -1
		}
		for _, id := range []string{st.key.From, st.key.To} {
			if e := ents[id]; e != nil {
				e.degree += d
			}
		}
	}

	// Deletions first, in their own mutation: list predicates are replaced
	// by deleting their values and setting new ones, and Dgraph does not
	// promise an order between the set and delete parts of one mutation.
	var del []any
	for _, n := range r1.Ms {
		del = append(del, map[string]any{"uid": n.UID})
	}
	for _, n := range r1.Ss {
		del = append(del, map[string]any{"uid": n.UID})
	}
	uidOf := func(id string) string {
		if st := ents[id]; st != nil && st.uid != "" {
			return st.uid
		}
		return "_:" + id
	}
	for _, st := range rels {
		if st.existed && st.agg.Docs <= 0 {
			del = append(del, map[string]any{"uid": st.uid})
			del = append(del, map[string]any{
				"uid":                ents[st.key.From].uid,
				relPred(st.key.Type): []any{map[string]any{"uid": ents[st.key.To].uid}},
			})
		}
	}
	for _, st := range ents {
		if !st.existed {
			continue
		}
		if st.agg.Docs <= 0 {
			del = append(del, map[string]any{"uid": st.uid})
		} else {
			del = append(del, map[string]any{"uid": st.uid, "e.aliases": nil, "e.keys": nil, "e.grams": nil})
		}
	}
	if c == nil && docUID != "" {
		del = append(del, map[string]any{"uid": docUID})
	}
	if len(del) > 0 {
		if err := mutateJSON(ctx, txn, nil, del); err != nil {
			return err
		}
	}

	var set []any
	if c != nil {
		raw, err := json.Marshal(c)
		if err != nil {
			return err
		}
		res, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		d := c.Doc
		uid := docUID
		if uid == "" {
			uid = "_:doc"
		}
		set = append(set, map[string]any{
			"uid": uid, "dgraph.type": "Document",
			"d.id": d.ID, "d.title": d.Title, "d.source": d.Source, "d.hash": d.Hash,
			"d.issuer": d.Issuer, "d.date": d.Date, "d.region": d.Region, "d.size": d.Size,
			"d.raw": string(raw), "d.res": string(res),
		})
		for i := range cur.Entities {
			e := &cur.Entities[i]
			spans, err := json.Marshal(e.Spans)
			if err != nil {
				return err
			}
			set = append(set, map[string]any{
				"dgraph.type": "Mention",
				"m.entity":    map[string]any{"uid": uidOf(e.ID)},
				"m.doc":       docID,
				"m.spans":     string(spans),
			})
		}
		for i := range cur.Relations {
			r := &cur.Relations[i]
			ev, err := json.Marshal(r.Evidence)
			if err != nil {
				return err
			}
			set = append(set, map[string]any{
				"dgraph.type": "Support",
				"s.rid":       r.Key.ID(),
				"s.doc":       docID,
				"s.evidence":  string(ev),
			})
		}
	}
	for id, st := range ents {
		if st.agg.Docs <= 0 {
			continue
		}
		agg, err := json.Marshal(st.agg)
		if err != nil {
			return err
		}
		m := st.agg.materialise(curated[id])
		attrs := ""
		if len(m.Attrs) > 0 {
			b, err := json.Marshal(m.Attrs)
			if err != nil {
				return err
			}
			attrs = string(b)
		}
		set = append(set, map[string]any{
			"uid": uidOf(id), "dgraph.type": "Entity",
			"e.id": id, "e.type": string(st.typ), "e.name": m.Name, "e.norm": m.Norm,
			"e.keys": m.Keys, "e.grams": m.Grams, "e.aliases": m.Aliases, "e.attrs": attrs,
			"e.agg": string(agg), "e.mentions": st.agg.Mentions, "e.docs": st.agg.Docs,
			"e.degree": st.degree, "e.first": m.First, "e.last": m.Last,
		})
	}
	have := map[string]bool{}
	for _, t := range r1.Rts {
		have[t.Name] = true
	}
	for _, st := range rels {
		if st.agg.Docs <= 0 {
			continue
		}
		if !have[string(st.key.Type)] {
			have[string(st.key.Type)] = true
			set = append(set, map[string]any{"uid": "_:rt" + st.key.ID(), "dgraph.type": "RelType",
				"rt.name": string(st.key.Type), "rt.pred": relPred(st.key.Type)})
		}
		agg, err := json.Marshal(st.agg)
		if err != nil {
			return err
		}
		first, last := dateRange(st.agg.Dates)
		uid := st.uid
		if uid == "" {
			uid = "_:r" + st.key.ID()
		}
		set = append(set, map[string]any{
			"uid": uid, "dgraph.type": "Relation",
			"r.id": st.key.ID(), "r.key": relSortKey(st.key), "r.type": string(st.key.Type),
			"r.from": st.key.From, "r.to": st.key.To, "r.weight": fromMicro(st.agg.Weight), "r.docs": st.agg.Docs,
			"r.first": first, "r.last": last, "r.agg": string(agg),
		})
		p := relPred(st.key.Type)
		edge := map[string]any{
			"uid":    uidOf(st.key.To),
			p + "|w": st.agg.Weight,
			p + "|n": st.agg.Docs,
		}
		if first != "" {
			edge[p+"|f"] = facetDate(first)
			edge[p+"|l"] = facetDate(last)
		}
		set = append(set, map[string]any{"uid": uidOf(st.key.From), p: []any{edge}})
	}
	if len(set) > 0 {
		// The last mutation commits: one round trip less per document.
		return mutateCommit(ctx, txn, set)
	}
	return nil
}

// moreMerges loads the merge records of targets into rv.
func (s *Store) moreMerges(ctx context.Context, txn *dgo.Txn, targets []string, rv *resolver) error {
	if len(targets) == 0 {
		return nil
	}
	var r struct {
		Merges []mergeNode `json:"merges"`
	}
	if err := queryInto(ctx, txn, `{ merges(func: eq(cm.from, `+dqlList(targets)+`)) { cm.from cm.into } }`, nil, &r); err != nil {
		return err
	}
	for _, m := range r.Merges {
		rv.merged[m.From] = m.Into
	}
	return nil
}
