package badgerstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// A change (one Apply, Delete, Merge or AddAlias) is computed in memory as
// a set of absolute puts and deletes over a read snapshot, then committed:
// in one Badger transaction when it fits, through the redo journal when it
// does not. Writers are serialised by wmu, so the snapshot cannot go stale.

// op is one pending write; del means delete the key.
type op struct {
	val []byte
	del bool
}

// wtx is a change being computed.
type wtx struct {
	s    *Store
	rd   *badger.Txn
	puts map[string]op
	ents map[string]*entState
	rels map[graph.RelationKey]*relState
	cnt  map[string]int64 // counter deltas
}

type entState struct {
	rec     *entRec // nil: absent
	origIdx map[string]bool
	existed bool
}

type relState struct {
	rec     *relRec
	existed bool
}

func (s *Store) newWtx() *wtx {
	return &wtx{
		s:    s,
		rd:   s.db.NewTransaction(false),
		puts: map[string]op{},
		ents: map[string]*entState{},
		rels: map[graph.RelationKey]*relState{},
		cnt:  map[string]int64{},
	}
}

func (w *wtx) discard() { w.rd.Discard() }

func (w *wtx) set(k, v []byte) { w.puts[string(k)] = op{val: v} }
func (w *wtx) del(k []byte)    { w.puts[string(k)] = op{del: true} }

// get reads a key through the pending writes; nil, nil when absent.
func (w *wtx) get(k []byte) ([]byte, error) {
	if o, ok := w.puts[string(k)]; ok {
		if o.del {
			return nil, nil
		}
		return o.val, nil
	}
	item, err := w.rd.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// scanKeys lists the stored keys with a prefix as of the snapshot (pending
// writes are not merged: callers scan tables the change has not touched).
func (w *wtx) scanKeys(prefix []byte) [][]byte {
	it := w.rd.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	var out [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		out = append(out, it.Item().KeyCopy(nil))
	}
	return out
}

func (w *wtx) entity(id string) (*entState, error) {
	if st, ok := w.ents[id]; ok {
		return st, nil
	}
	b, err := w.get(entityKey(id))
	if err != nil {
		return nil, err
	}
	st := &entState{}
	if b != nil {
		if st.rec, err = decodeEnt(b); err != nil {
			return nil, fmt.Errorf("entity %s: %w", id, err)
		}
		st.existed = true
		st.origIdx = indexKeys(id, st.rec)
	}
	w.ents[id] = st
	return st, nil
}

func (w *wtx) relation(k graph.RelationKey) (*relState, error) {
	if st, ok := w.rels[k]; ok {
		return st, nil
	}
	b, err := w.get(outKey(k.From, string(k.Type), k.To))
	if err != nil {
		return nil, err
	}
	st := &relState{}
	if b != nil {
		if st.rec, err = decodeRel(b); err != nil {
			return nil, fmt.Errorf("relation %s %s %s: %w", k.From, k.Type, k.To, err)
		}
		st.existed = true
	}
	w.rels[k] = st
	return st, nil
}

// indexKeys returns the name and rank index keys of an entity.
func indexKeys(id string, r *entRec) map[string]bool {
	out := map[string]bool{}
	norms := r.normNames()
	for _, n := range norms {
		out[string(nameKey(n, r.Type, id))] = true
	}
	canon := graph.Normalize(r.name())
	for _, t := range []string{r.Type, ""} {
		out[string(rankCountKey(rankMent, t, r.Mentions, id))] = true
		out[string(rankCountKey(rankDeg, t, r.Degree, id))] = true
		out[string(rankCountKey(rankDocs, t, r.Docs, id))] = true
		out[string(rankNameKey(t, canon, id))] = true
	}
	return out
}

// contribRecord is what the store keeps of a document's contribution.
type contribRecord struct {
	C        *graph.Contribution
	Resolved map[string]string // entity ID as given -> ID it landed on, where different
}

// appliedEnt is one document's share of one entity after resolution.
type appliedEnt struct {
	id      string
	typ     string
	names   []string // canonical names (distinct)
	aliases []string // aliases and redirected names (distinct)
	attrs   map[string][]string
	spans   []graph.Span
}

type appliedRel struct {
	key      graph.RelationKey
	weight   int64
	evidence []graph.Evidence
}

// applied derives what a record adds to the graph, in a deterministic order.
func (r *contribRecord) applied() ([]*appliedEnt, []*appliedRel) {
	c := r.C
	resolve := func(id string) string {
		if to, ok := r.Resolved[id]; ok {
			return to
		}
		return id
	}
	byID := map[string]*appliedEnt{}
	var ents []*appliedEnt
	for i := range c.Entities {
		ec := &c.Entities[i]
		orig := ec.ID()
		id := resolve(orig)
		a := byID[id]
		if a == nil {
			a = &appliedEnt{id: id, typ: string(ec.Type)}
			byID[id] = a
			ents = append(ents, a)
		}
		if id == orig {
			a.names = append(a.names, ec.Name)
		} else {
			a.aliases = append(a.aliases, ec.Name)
		}
		a.aliases = append(a.aliases, ec.Aliases...)
		for k, v := range ec.Attrs {
			if a.attrs == nil {
				a.attrs = map[string][]string{}
			}
			a.attrs[k] = append(a.attrs[k], v)
		}
		a.spans = append(a.spans, ec.Spans...)
	}
	for _, a := range ents {
		a.names = dedupe(a.names)
		a.aliases = dedupe(a.aliases)
		for k, v := range a.attrs {
			a.attrs[k] = dedupe(v)
		}
		slices.SortFunc(a.spans, func(x, y graph.Span) int {
			if c := cmp.Compare(x.Start, y.Start); c != 0 {
				return c
			}
			return cmp.Compare(x.End, y.End)
		})
	}
	slices.SortFunc(ents, func(x, y *appliedEnt) int { return strings.Compare(x.id, y.id) })

	byKey := map[graph.RelationKey]*appliedRel{}
	var rels []*appliedRel
	for i := range c.Relations {
		rc := &c.Relations[i]
		k := graph.RelationKey{From: resolve(rc.From), Type: rc.Type, To: resolve(rc.To)}.Canonical()
		if k.From == k.To {
			continue // its endpoints were merged
		}
		a := byKey[k]
		if a == nil {
			a = &appliedRel{key: k}
			byKey[k] = a
			rels = append(rels, a)
		}
		a.weight += toMicro(rc.Weight)
		for _, ev := range rc.Evidence {
			ev.Doc = c.Doc.ID
			a.evidence = append(a.evidence, ev)
		}
	}
	for _, a := range rels {
		slices.SortFunc(a.evidence, func(x, y graph.Evidence) int { return evCompare(&x, &y) })
	}
	slices.SortFunc(rels, func(x, y *appliedRel) int { return relKeyCompare(x.key, y.key) })
	return ents, rels
}

func evLess(x, y *graph.Evidence) bool { return evCompare(x, y) < 0 }

func evCompare(x, y *graph.Evidence) int {
	if c := cmp.Compare(x.Start, y.Start); c != 0 {
		return c
	}
	if c := cmp.Compare(x.End, y.End); c != 0 {
		return c
	}
	if c := strings.Compare(x.Rule, y.Rule); c != 0 {
		return c
	}
	return strings.Compare(x.Sentence, y.Sentence)
}

func relKeyLess(a, b graph.RelationKey) bool { return relKeyCompare(a, b) < 0 }

func relKeyCompare(a, b graph.RelationKey) int {
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	return strings.Compare(a.To, b.To)
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// addRecord adds (sign +1) or retracts (sign -1) a document's contribution.
func (w *wtx) addRecord(r *contribRecord, sign int64) error {
	doc := r.C.Doc.ID
	date := r.C.Doc.Date
	ents, rels := r.applied()
	for _, a := range ents {
		st, err := w.entity(a.id)
		if err != nil {
			return err
		}
		if st.rec == nil {
			if sign < 0 {
				return fmt.Errorf("%w: document %s retracts missing entity %s", graph.ErrCorrupt, doc, a.id)
			}
			st.rec = &entRec{Type: a.typ}
			st.rec.Curated = w.curatedOf(a.id)
		}
		e := st.rec
		e.Mentions += sign * int64(len(a.spans))
		e.Docs += sign
		for _, n := range a.names {
			e.Names = addCount(e.Names, n, sign)
		}
		for _, n := range a.aliases {
			e.Aliases = addCount(e.Aliases, n, sign)
		}
		for k, vals := range a.attrs {
			if e.Attrs == nil {
				e.Attrs = map[string]map[string]int64{}
			}
			for _, v := range vals {
				e.Attrs[k] = addCount(e.Attrs[k], v, sign)
			}
			if len(e.Attrs[k]) == 0 {
				delete(e.Attrs, k)
			}
		}
		if date != "" {
			e.Dates = addCount(e.Dates, date, sign)
		}
		if sign > 0 {
			w.set(mentionKey(a.id, doc), encodeSpans(a.spans))
		} else {
			w.del(mentionKey(a.id, doc))
		}
	}
	texts, sents := docSentences(r.C)
	for i, text := range texts {
		if sign > 0 {
			w.set(sentenceKey(doc, uint32(i)), []byte(text))
		} else {
			w.del(sentenceKey(doc, uint32(i)))
		}
	}
	for _, a := range rels {
		st, err := w.relation(a.key)
		if err != nil {
			return err
		}
		if st.rec == nil {
			if sign < 0 {
				return fmt.Errorf("%w: document %s retracts missing relation", graph.ErrCorrupt, doc)
			}
			st.rec = &relRec{}
		}
		st.rec.Weight += sign * a.weight
		st.rec.Docs += sign
		if date != "" {
			st.rec.Dates = addCount(st.rec.Dates, date, sign)
		}
		k := relDocKey(a.key.From, string(a.key.Type), a.key.To, doc)
		if sign > 0 {
			rd := relDocRec{Weight: a.weight, Date: date, Evidence: a.evidence}
			w.set(k, rd.encode(sents))
		} else {
			w.del(k)
		}
	}
	return nil
}

// curatedOf lists the curated aliases recorded for an entity.
func (w *wtx) curatedOf(id string) []string {
	var out []string
	seen := map[string]bool{}
	p := key(pCurate, string(cAliasOf), id)
	for _, k := range w.scanKeys(p) {
		if _, pending := w.puts[string(k)]; pending {
			continue
		}
		if a, err := lastStr(k); err == nil {
			out, seen[a] = append(out, a), true
		}
	}
	for k, o := range w.puts {
		if !o.del && strings.HasPrefix(k, string(p)) {
			if a, err := lastStr([]byte(k)); err == nil && !seen[a] {
				out = append(out, a)
			}
		}
	}
	slices.Sort(out)
	return out
}

// finish turns the in-memory entity and relation states into writes.
func (w *wtx) finish() error {
	keys := make([]graph.RelationKey, 0, len(w.rels))
	for k := range w.rels {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return relKeyLess(keys[i], keys[j]) })
	for _, k := range keys {
		st := w.rels[k]
		alive := st.rec != nil && st.rec.Docs > 0
		if alive != st.existed {
			d := int64(1)
			if !alive {
				d = -1
			}
			w.cnt["rels"] += d
			w.cnt["r:"+string(k.Type)] += d
			for _, id := range []string{k.From, k.To} {
				es, err := w.entity(id)
				if err != nil {
					return err
				}
				if es.rec == nil {
					return fmt.Errorf("%w: relation endpoint %s missing", graph.ErrCorrupt, id)
				}
				es.rec.Degree += d
			}
		}
		ok, ik := outKey(k.From, string(k.Type), k.To), inKey(k.To, string(k.Type), k.From)
		if alive {
			v := st.rec.encode()
			w.set(ok, v)
			w.set(ik, v)
		} else if st.existed {
			w.del(ok)
			w.del(ik)
		}
	}
	for id, st := range w.ents {
		alive := st.rec != nil && st.rec.Docs > 0
		var idx map[string]bool
		if alive {
			idx = indexKeys(id, st.rec)
			w.set(entityKey(id), st.rec.encode())
		} else if st.existed {
			w.del(entityKey(id))
		}
		for k := range st.origIdx {
			if !idx[k] {
				w.del([]byte(k))
			}
		}
		for k := range idx {
			if !st.origIdx[k] {
				w.set([]byte(k), nil)
			}
		}
		if alive != st.existed {
			d := int64(1)
			if !alive {
				d = -1
			}
			t := st.rec.Type
			w.cnt["ents"] += d
			w.cnt["t:"+t] += d
		}
	}
	for name, d := range w.cnt {
		if d == 0 {
			continue
		}
		b, err := w.get(counterKey(name))
		if err != nil {
			return err
		}
		var v int64
		if b != nil {
			if v, err = decodeCount(b); err != nil {
				return err
			}
		}
		if v+d == 0 {
			w.del(counterKey(name))
		} else {
			w.set(counterKey(name), encodeCount(v+d))
		}
	}
	w.cnt = map[string]int64{}
	return nil
}

// loadRecord reads a document's contribution record; nil when the document
// is not in the store.
func (w *wtx) loadRecord(doc string) (*contribRecord, int, error) {
	var buf []byte
	n := 0
	for ; ; n++ {
		b, err := w.get(contribKey(doc, uint32(n)))
		if err != nil {
			return nil, 0, err
		}
		if b == nil {
			break
		}
		buf = append(buf, b...)
	}
	if n == 0 {
		return nil, 0, nil
	}
	r, err := unmarshalRecord(buf, func(num uint32) (string, error) {
		b, err := w.get(sentenceKey(doc, num))
		if err != nil {
			return "", err
		}
		if b == nil {
			return "", fmt.Errorf("%w: document %s has no evidence sentence %d", graph.ErrCorrupt, doc, num)
		}
		return string(b), nil
	})
	if errors.Is(err, errValue) {
		return nil, 0, fmt.Errorf("%w: contribution record of %s", graph.ErrCorrupt, doc)
	}
	if err != nil {
		return nil, 0, err
	}
	return r, n, nil
}

// chunkSize bounds the values the store writes in pieces, well inside one
// Badger transaction.
func (s *Store) chunkSize() int {
	n := int(s.db.MaxBatchSize() / 8)
	return min(n, 256<<10)
}

func (w *wtx) putRecord(r *contribRecord, oldChunks int) error {
	_, sents := docSentences(r.C)
	b, err := marshalRecord(r, sents)
	if err != nil {
		return err
	}
	size := w.s.chunkSize()
	n := 0
	for ; len(b) > 0; n++ {
		c := b[:min(size, len(b))]
		b = b[len(c):]
		w.set(contribKey(r.C.Doc.ID, uint32(n)), c)
	}
	for i := n; i < oldChunks; i++ {
		w.del(contribKey(r.C.Doc.ID, uint32(i)))
	}
	doc, err := json.Marshal(r.C.Doc)
	if err != nil {
		return err
	}
	w.set(docKey(r.C.Doc.ID), doc)
	return nil
}

func (w *wtx) dropRecord(doc string, chunks int) {
	for i := range chunks {
		w.del(contribKey(doc, uint32(i)))
	}
	w.del(docKey(doc))
}

// resolve maps a contribution's entities through the curation records.
func (w *wtx) resolve(c *graph.Contribution) (*contribRecord, error) {
	r := &contribRecord{C: c}
	for i := range c.Entities {
		ec := &c.Entities[i]
		orig := ec.ID()
		id := orig
		b, err := w.get(aliasKey(string(ec.Type), graph.Normalize(ec.Name)))
		if err != nil {
			return nil, err
		}
		if b != nil {
			id = string(b)
		}
		for hops := 0; ; hops++ {
			b, err := w.get(mergeKey(id))
			if err != nil {
				return nil, err
			}
			if b == nil {
				break
			}
			if hops > 64 {
				return nil, fmt.Errorf("%w: merge records form a cycle at %s", graph.ErrCorrupt, id)
			}
			id = string(b)
		}
		if id != orig {
			if r.Resolved == nil {
				r.Resolved = map[string]string{}
			}
			r.Resolved[orig] = id
		}
	}
	return r, nil
}

// reapply retracts a stored document's contribution and adds it again,
// resolved through the current curation records.
func (w *wtx) reapply(doc string) error {
	old, n, err := w.loadRecord(doc)
	if err != nil || old == nil {
		return err
	}
	if err := w.addRecord(old, -1); err != nil {
		return err
	}
	r, err := w.resolve(old.C)
	if err != nil {
		return err
	}
	if err := w.addRecord(r, +1); err != nil {
		return err
	}
	return w.putRecord(r, n)
}

func checkContribution(c *graph.Contribution) error {
	if c == nil {
		return fmt.Errorf("%w: nil contribution", graph.ErrInvalid)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if strings.IndexByte(c.Doc.ID, 0) >= 0 {
		return fmt.Errorf("%w: document id contains NUL", graph.ErrInvalid)
	}
	for i := range c.Entities {
		if strings.IndexByte(string(c.Entities[i].Type), 0) >= 0 {
			return fmt.Errorf("%w: entity type contains NUL", graph.ErrInvalid)
		}
	}
	for i := range c.Relations {
		if strings.IndexByte(string(c.Relations[i].Type), 0) >= 0 {
			return fmt.Errorf("%w: relation type contains NUL", graph.ErrInvalid)
		}
	}
	return nil
}

// Apply makes c the whole contribution of its document, atomically.
func (s *Store) Apply(ctx context.Context, c *graph.Contribution) error {
	if err := checkContribution(c); err != nil {
		return err
	}
	return s.change(ctx, "apply "+c.Doc.ID, func(w *wtx) error {
		old, n, err := w.loadRecord(c.Doc.ID)
		if err != nil {
			return err
		}
		if old != nil {
			if err := w.addRecord(old, -1); err != nil {
				return err
			}
		} else {
			w.cnt["docs"]++
		}
		r, err := w.resolve(c)
		if err != nil {
			return err
		}
		if err := w.addRecord(r, +1); err != nil {
			return err
		}
		return w.putRecord(r, n)
	})
}

// Delete retracts a document's contribution and the document.
func (s *Store) Delete(ctx context.Context, docID string) error {
	return s.change(ctx, "delete "+docID, func(w *wtx) error {
		old, n, err := w.loadRecord(docID)
		if err != nil {
			return err
		}
		if old == nil {
			return fmt.Errorf("document %s: %w", docID, graph.ErrNotFound)
		}
		if err := w.addRecord(old, -1); err != nil {
			return err
		}
		w.cnt["docs"]--
		w.dropRecord(docID, n)
		return nil
	})
}

// change runs one writer step: compute with fn, then commit.
func (s *Store) change(ctx context.Context, what string, fn func(w *wtx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.opts.ReadOnly {
		return fmt.Errorf("%s: %w: store is open read-only", what, graph.ErrInvalid)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Load() {
		return fmt.Errorf("%s: %w", what, graph.ErrClosed)
	}
	w := s.newWtx()
	defer w.discard()
	if err := fn(w); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := w.finish(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.commit(w.puts); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// commit writes a change in one transaction, or through the journal when
// Badger refuses it as too big.
func (s *Store) commit(puts map[string]op) error {
	keys := make([]string, 0, len(puts))
	for k := range puts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	for _, k := range keys {
		o := puts[k]
		var err error
		if o.del {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), o.val)
		}
		if errors.Is(err, badger.ErrTxnTooBig) {
			txn.Discard()
			return s.commitJournal(keys, puts)
		}
		if err != nil {
			return err
		}
	}
	return txn.Commit()
}

// writeOps writes ops in as many transactions as it takes. It is not atomic:
// callers make it so with the journal.
func (s *Store) writeOps(keys []string, puts map[string]op) error {
	txn := s.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	for i := 0; i < len(keys); {
		k := keys[i]
		o := puts[k]
		var err error
		if o.del {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), o.val)
		}
		if errors.Is(err, badger.ErrTxnTooBig) {
			if err := txn.Commit(); err != nil {
				return err
			}
			txn = s.db.NewTransaction(true)
			continue
		}
		if err != nil {
			return err
		}
		i++
	}
	return txn.Commit()
}
