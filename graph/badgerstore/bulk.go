package badgerstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"

	"kg/graph"
)

// BulkLoad fills an empty store with the documents gen yields, much faster
// than Apply. Nothing goes through Badger's memtables or compaction: the
// per-document records (documents, contribution records, mentions,
// per-document relation records) are sorted externally, in runs of
// bulkRunBytes spilled to a temporary directory inside the store; the
// relation records and adjacency are summed in one ordered pass over the
// sorted per-document relation records; the entities, whose running totals
// are kept in memory (a few hundred bytes each), are added last; and the
// merged, sorted stream is written as Badger tables by a StreamWriter.
//
// Memory: about 4 × bulkRunBytes of sort buffers (two sorters, each
// filling one buffer while the previous is written), plus the entity
// totals. Disk:
// the temporary runs, about the size of the store, until the load ends.
//
// What it guarantees: at the end the store is exactly what applying every
// document in turn would give (a document yielded twice is refused). It is
// not atomic: a marker stored first and removed last makes Open refuse a
// store whose load was interrupted (graph.ErrCorrupt), so a crash leaves a
// store to delete and load again, never a silently partial one. Readers see
// an empty store until the tables are written (reads started while they are
// being written wait), then the whole graph. The store must be empty
// (graph.ErrInvalid otherwise) and have no curation records.
//
// For the synth.Big graph (1,000,000 entities, 5,000,000 relations) the
// entity totals are about 300 MB; Badger's table builders and its mmapped
// value log and tables add to the process's resident memory while the
// tables are written (see the benchmark notes).
func (s *Store) BulkLoad(ctx context.Context, gen func(yield func(*graph.Contribution) error) error) error {
	if s.opts.ReadOnly {
		return fmt.Errorf("bulk load: %w: store is open read-only", graph.ErrInvalid)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Load() {
		return fmt.Errorf("bulk load: %w", graph.ErrClosed)
	}
	empty := true
	if err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if it.Item().Key()[0] != pMeta {
				empty = false
				return nil
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	if !empty {
		return fmt.Errorf("bulk load: %w: the store is not empty", graph.ErrInvalid)
	}
	if err := s.setBulkMarker(); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	tmp, err := os.MkdirTemp(s.dir, "bulk-")
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	defer os.RemoveAll(tmp)
	var seq int
	run := bulkRunBytes
	if s.bulkRun > 0 {
		run = s.bulkRun
	}
	b := &bulk{s: s, ents: map[string]*bulkEnt{}, docs: map[string]bool{}, dates: map[string]uint16{}, cnt: map[string]int64{},
		w: newExtSorter(tmp, run, &seq), rest: newExtSorter(tmp, run, &seq)}
	defer b.w.wait()
	defer b.rest.wait()
	if err := b.load(ctx, gen); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(metaKey(metaBulk)) }); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

// bulkRunBytes is the size of one sorted run of a bulk load.
const bulkRunBytes = 32 << 20

func (s *Store) setBulkMarker() error {
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set(metaKey(metaBulk), nil) })
}

type strCount struct {
	s string
	n int64
}

type dateCount struct {
	d uint16 // index into bulk.dateNames
	n int32
}

// bulkEnt is the compact running total of an entity during a bulk load.
type bulkEnt struct {
	typ      string
	names    []strCount
	aliases  []strCount
	attrs    map[string]map[string]int64
	dates    []dateCount
	mentions int64
	docs     int64
	degree   int64
}

func bump(list []strCount, s string) []strCount {
	for i := range list {
		if list[i].s == s {
			list[i].n++
			return list
		}
	}
	return append(list, strCount{s, 1})
}

type bulk struct {
	s         *Store
	ents      map[string]*bulkEnt
	docs      map[string]bool
	dates     map[string]uint16
	dateNames []string
	cnt       map[string]int64
	w         *extSorter // per-document relation records (w keys)
	rest      *extSorter // every other key
}

func (b *bulk) date(d string) uint16 {
	if i, ok := b.dates[d]; ok {
		return i
	}
	i := uint16(len(b.dateNames))
	b.dates[d] = i
	b.dateNames = append(b.dateNames, d)
	return i
}

func (b *bulk) load(ctx context.Context, gen func(yield func(*graph.Contribution) error) error) error {
	n := 0
	err := gen(func(c *graph.Contribution) error {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := checkContribution(c); err != nil {
			return err
		}
		if b.docs[c.Doc.ID] {
			return fmt.Errorf("%w: document %s yielded twice", graph.ErrInvalid, c.Doc.ID)
		}
		b.docs[c.Doc.ID] = true
		if len(b.dateNames) >= 1<<16-1 && c.Doc.Date != "" {
			if _, ok := b.dates[c.Doc.Date]; !ok {
				return fmt.Errorf("%w: more than 65535 distinct dates", graph.ErrLimit)
			}
		}
		return b.add(c)
	})
	if err != nil {
		return err
	}
	b.cnt["docs"] = int64(len(b.docs))
	b.docs = nil
	if err := b.relations(ctx); err != nil {
		return err
	}
	if err := b.entities(ctx); err != nil {
		return err
	}
	// The marker and the version go into the stream too: Prepare drops
	// what the store held, and a load interrupted while tables are being
	// written must leave the marker behind.
	if err := b.rest.add(metaKey(metaBulk), nil); err != nil {
		return err
	}
	if err := b.rest.add(metaKey(metaVer), appendU32(nil, formatVersion)); err != nil {
		return err
	}
	return b.stream(ctx)
}

// stream merges the sorted runs into Badger tables.
func (b *bulk) stream(ctx context.Context) (err error) {
	ws, err := b.w.sources()
	if err != nil {
		return err
	}
	rs, err := b.rest.sources()
	if err != nil {
		closeRuns(ws)
		return err
	}
	srcs := append(ws, rs...)
	// The StreamWriter replaces the store's tables: reads in progress
	// finish first, and reads that start now wait until it is done.
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	b.s.inflight.Wait()
	sw := b.s.db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		closeRuns(srcs)
		sw.Cancel()
		return err
	}
	defer func() {
		if err != nil {
			sw.Cancel()
			// Writes are open again after Cancel: leave the marker.
			b.s.setBulkMarker()
		}
	}()
	// The merge encodes batches while a second goroutine hands the
	// previous one to the StreamWriter (which decodes it and writes the
	// value log): two buffers, one in each stage.
	const batch = 4 << 20
	free := make(chan *z.Buffer, 2)
	full := make(chan *z.Buffer, 1)
	for range 2 {
		free <- z.NewBuffer(batch+batch/4, "kg-bulk")
	}
	werr := make(chan error, 1)
	var failed atomic.Bool
	go func() {
		var err error
		written := 0
		for buf := range full {
			if err == nil {
				if err = sw.Write(buf); err != nil {
					failed.Store(true)
				}
			}
			// Tables are written through memory maps; give their pages
			// back now and then, so that resident memory follows what
			// the load holds rather than the size of the store. It is
			// advice: if it fails, pages stay resident and nothing else.
			if written += buf.LenNoPadding(); written >= b.s.pageOutEvery() {
				written = 0
				_ = b.s.pageOut()
			}
			buf.Reset()
			free <- buf
		}
		werr <- err
	}()
	buf := <-free
	kv := &pb.KV{Version: 1}
	n := 0
	err = mergeRuns(srcs, func(k, v []byte) error {
		if n++; n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		kv.Key, kv.Value = k, v
		badger.KVToBuffer(kv, buf)
		if buf.LenNoPadding() >= batch {
			if failed.Load() {
				return errors.New("stream writer failed")
			}
			full <- buf
			buf = <-free
		}
		return nil
	})
	if err == nil {
		full <- buf
	} else {
		free <- buf
	}
	close(full)
	if werr := <-werr; werr != nil {
		err = werr // the cause, rather than the merge's "stream writer failed"
	}
	for range 2 {
		(<-free).Release()
	}
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_ = b.s.pageOut() // advice, as above
	return nil
}

// pageOutBytes is how much a bulk load hands to the StreamWriter between
// two calls of pageOut.
const pageOutBytes = 64 << 20

func (s *Store) pageOutEvery() int {
	if s.pageOutAfter > 0 {
		return s.pageOutAfter
	}
	return pageOutBytes
}

func (b *bulk) add(c *graph.Contribution) error {
	set := b.rest.add
	r := &contribRecord{C: c}
	doc, date := c.Doc.ID, c.Doc.Date
	ents, rels := r.applied()
	for _, a := range ents {
		e := b.ents[a.id]
		if e == nil {
			e = &bulkEnt{typ: a.typ}
			b.ents[a.id] = e
		}
		e.mentions += int64(len(a.spans))
		e.docs++
		for _, n := range a.names {
			e.names = bump(e.names, n)
		}
		for _, n := range a.aliases {
			e.aliases = bump(e.aliases, n)
		}
		for k, vals := range a.attrs {
			if e.attrs == nil {
				e.attrs = map[string]map[string]int64{}
			}
			for _, v := range vals {
				e.attrs[k] = addCount(e.attrs[k], v, 1)
			}
		}
		if date != "" {
			d := b.date(date)
			found := false
			for i := range e.dates {
				if e.dates[i].d == d {
					e.dates[i].n++
					found = true
					break
				}
			}
			if !found {
				e.dates = append(e.dates, dateCount{d, 1})
			}
		}
		if err := set(mentionKey(a.id, doc), encodeSpans(a.spans)); err != nil {
			return err
		}
	}
	texts, sents := docSentences(c)
	for i, text := range texts {
		if err := set(sentenceKey(doc, uint32(i)), []byte(text)); err != nil {
			return err
		}
	}
	for _, a := range rels {
		rd := relDocRec{Weight: a.weight, Date: date, Evidence: a.evidence}
		if err := b.w.add(relDocKey(a.key.From, string(a.key.Type), a.key.To, doc), rd.encode(sents)); err != nil {
			return err
		}
	}
	rec, err := marshalRecord(r, sents)
	if err != nil {
		return err
	}
	size := b.s.chunkSize()
	for i := uint32(0); len(rec) > 0; i++ {
		part := rec[:min(size, len(rec))]
		rec = rec[len(part):]
		if err := set(contribKey(doc, i), part); err != nil {
			return err
		}
	}
	dj, err := json.Marshal(c.Doc)
	if err != nil {
		return err
	}
	return set(docKey(doc), dj)
}

// relations sums the per-document relation records, in key order, into
// relation records and adjacency.
func (b *bulk) relations(ctx context.Context) error {
	var cur []byte // the relation key of the group: w from type to
	var rec relRec
	var key graph.RelationKey
	flush := func() error {
		if cur == nil {
			return nil
		}
		v := rec.encode()
		if err := b.rest.add(outKey(key.From, string(key.Type), key.To), v); err != nil {
			return err
		}
		if err := b.rest.add(inKey(key.To, string(key.Type), key.From), v); err != nil {
			return err
		}
		for _, id := range []string{key.From, key.To} {
			e := b.ents[id]
			if e == nil {
				return fmt.Errorf("%w: relation endpoint %s has no entity", graph.ErrCorrupt, id)
			}
			e.degree++
		}
		b.cnt["rels"]++
		b.cnt["r:"+string(key.Type)]++
		return nil
	}
	srcs, err := b.w.sources()
	if err != nil {
		return err
	}
	n := 0
	err = mergeRuns(srcs, func(k, v []byte) error {
		if n++; n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// The group key is everything but the trailing document.
		end := len(k) - 1
		for end > 0 && k[end-1] != sepString {
			end--
		}
		group := k[:end]
		if !bytes.Equal(group, cur) {
			if err := flush(); err != nil {
				return err
			}
			parts, err := splitStrs(group, 3)
			if err != nil {
				return fmt.Errorf("%w: evidence key", graph.ErrCorrupt)
			}
			cur = append(cur[:0], group...)
			key = graph.RelationKey{From: parts[0], Type: graph.RelationType(parts[1]), To: parts[2]}
			rec = relRec{}
		}
		if len(v) == 0 || v[0] != relDocVersion {
			return fmt.Errorf("%w: evidence record", graph.ErrCorrupt)
		}
		d := decoder{b: v[1:]}
		w, date := d.int(), d.str()
		if d.err != nil {
			return fmt.Errorf("%w: evidence record", graph.ErrCorrupt)
		}
		rec.Weight += w
		rec.Docs++
		if date != "" {
			rec.Dates = addCount(rec.Dates, date, 1)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// entities adds the entity records, their indexes and the counters.
func (b *bulk) entities(ctx context.Context) error {
	n := 0
	for id, e := range b.ents {
		if n++; n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec := &entRec{Type: e.typ, Attrs: e.attrs, Mentions: e.mentions, Docs: e.docs, Degree: e.degree}
		for _, sc := range e.names {
			rec.Names = addCount(rec.Names, sc.s, sc.n)
		}
		for _, sc := range e.aliases {
			rec.Aliases = addCount(rec.Aliases, sc.s, sc.n)
		}
		for _, dc := range e.dates {
			rec.Dates = addCount(rec.Dates, b.dateNames[dc.d], int64(dc.n))
		}
		if err := b.rest.add(entityKey(id), rec.encode()); err != nil {
			return err
		}
		for k := range indexKeys(id, rec) {
			if err := b.rest.add([]byte(k), nil); err != nil {
				return err
			}
		}
		b.cnt["ents"]++
		b.cnt["t:"+e.typ]++
		delete(b.ents, id)
	}
	for name, v := range b.cnt {
		if v != 0 {
			if err := b.rest.add(counterKey(name), encodeCount(v)); err != nil {
				return err
			}
		}
	}
	return nil
}
