package badgerstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"kg/graph"
)

// The records below are encoded with a small hand-written binary codec:
// uvarint-length strings, varint integers, maps in key order. It is
// deterministic (a raw key/value dump of two equal stores is identical) and
// several times faster to decode than JSON, which matters on traversals that
// decode one relation per edge.

var errValue = errors.New("malformed value")

type encoder struct{ b []byte }

func (e *encoder) int(v int64)  { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) uint(v int)   { e.b = binary.AppendUvarint(e.b, uint64(v)) }
func (e *encoder) str(s string) { e.uint(len(s)); e.b = append(e.b, s...) }
func (e *encoder) counts(m map[string]int64) {
	keys := sortedKeys(m)
	e.uint(len(keys))
	for _, k := range keys {
		e.str(k)
		e.int(m[k])
	}
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errValue
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > math.MaxInt32 {
		d.err = errValue
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > len(d.b) {
		d.err = errValue
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) counts() map[string]int64 {
	n := d.uint()
	if d.err != nil || n > len(d.b) {
		d.err = errValue
		return nil
	}
	if n == 0 {
		return nil
	}
	m := make(map[string]int64, n)
	for range n {
		k := d.str()
		m[k] = d.int()
	}
	return m
}

// countsRange reads a counts map, keeping only its smallest and largest
// keys (maps are encoded in key order).
func (d *decoder) countsRange() (lo, hi string) {
	n := d.uint()
	if d.err != nil || n > len(d.b) {
		d.err = errValue
		return "", ""
	}
	for i := range n {
		k := d.str()
		d.int()
		if i == 0 {
			lo = k
		}
		hi = k
	}
	return lo, hi
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// addCount adds d to m[k], dropping the key at zero, and returns the map
// (allocated if nil).
func addCount(m map[string]int64, k string, d int64) map[string]int64 {
	if m == nil {
		m = map[string]int64{}
	}
	m[k] += d
	if m[k] == 0 {
		delete(m, k)
	}
	return m
}

// entRec is the stored state of an entity: counts over the documents that
// support it, from which the public Entity is derived.
type entRec struct {
	Type     string
	Names    map[string]int64            // canonical names contributed, by count
	Aliases  map[string]int64            // aliases (and redirected names) contributed
	Curated  []string                    // curated aliases, sorted
	Attrs    map[string]map[string]int64 // attribute key -> value -> documents
	Dates    map[string]int64            // publication date -> documents
	Mentions int64
	Docs     int64
	Degree   int64
}

func (r *entRec) encode() []byte {
	e := encoder{b: make([]byte, 0, 64)}
	e.b = append(e.b, 1) // record version
	e.str(r.Type)
	e.counts(r.Names)
	e.counts(r.Aliases)
	e.uint(len(r.Curated))
	for _, s := range r.Curated {
		e.str(s)
	}
	keys := sortedKeys(r.Attrs)
	e.uint(len(keys))
	for _, k := range keys {
		e.str(k)
		e.counts(r.Attrs[k])
	}
	e.counts(r.Dates)
	e.int(r.Mentions)
	e.int(r.Docs)
	e.int(r.Degree)
	return e.b
}

func decodeEnt(b []byte) (*entRec, error) {
	r, _, _, err := decodeEntDates(b, false)
	return r, err
}

// decodeEntity decodes the public form of an entity record. It does not
// build the record's date counts, only their first and last: hubs have
// thousands of dates, and traversals decode one entity per node.
func decodeEntity(id string, b []byte) (graph.Entity, error) {
	r, first, last, err := decodeEntDates(b, true)
	if err != nil {
		return graph.Entity{}, err
	}
	e := r.entity(id)
	e.First, e.Last = first, last
	return e, nil
}

func decodeEntDates(b []byte, onlyRange bool) (r *entRec, first, last string, err error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, "", "", fmt.Errorf("%w: entity record", graph.ErrCorrupt)
	}
	d := decoder{b: b[1:]}
	r = &entRec{Type: d.str(), Names: d.counts(), Aliases: d.counts()}
	if n := d.uint(); n > 0 && n <= len(d.b) {
		r.Curated = make([]string, n)
		for i := range n {
			r.Curated[i] = d.str()
		}
	}
	if n := d.uint(); n > 0 && n <= len(d.b) {
		r.Attrs = make(map[string]map[string]int64, n)
		for range n {
			k := d.str()
			r.Attrs[k] = d.counts()
		}
	}
	if onlyRange {
		first, last = d.countsRange()
	} else {
		r.Dates = d.counts()
	}
	r.Mentions, r.Docs, r.Degree = d.int(), d.int(), d.int()
	if d.err != nil || len(d.b) != 0 {
		return nil, "", "", fmt.Errorf("%w: entity record", graph.ErrCorrupt)
	}
	return r, first, last, nil
}

// argmax returns the key with the largest count, the smallest key on ties.
func argmax(m map[string]int64) string {
	best, bc := "", int64(math.MinInt64)
	for k, c := range m {
		if c > bc || c == bc && k < best {
			best, bc = k, c
		}
	}
	return best
}

func minMax(m map[string]int64) (lo, hi string) {
	for k := range m {
		if lo == "" || k < lo {
			lo = k
		}
		if k > hi {
			hi = k
		}
	}
	return lo, hi
}

// name is the canonical name: the most used canonical surface form, or when
// only redirected contributions support the entity, its most used alias.
func (r *entRec) name() string {
	if len(r.Names) > 0 {
		return argmax(r.Names)
	}
	if len(r.Aliases) > 0 {
		return argmax(r.Aliases)
	}
	if len(r.Curated) > 0 {
		return r.Curated[0]
	}
	return ""
}

// surfaces returns every name and alias, canonical name first.
func (r *entRec) surfaces() []string {
	if len(r.Names) == 1 && len(r.Aliases) == 0 && len(r.Curated) == 0 {
		for n := range r.Names {
			return []string{n} // the common case, without the set below
		}
	}
	name := r.name()
	out := []string{name}
	seen := map[string]bool{name: true}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for k := range r.Names {
		add(k)
	}
	for k := range r.Aliases {
		add(k)
	}
	for _, k := range r.Curated {
		add(k)
	}
	slices.Sort(out[1:])
	return out
}

// normNames returns the distinct normalised names and aliases, sorted.
func (r *entRec) normNames() []string {
	var out []string
	for _, s := range r.surfaces() {
		if n := graph.Normalize(s); n != "" {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (r *entRec) entity(id string) graph.Entity {
	s := r.surfaces()
	e := graph.Entity{
		ID:       id,
		Type:     graph.EntityType(r.Type),
		Name:     s[0],
		Mentions: r.Mentions,
		Docs:     r.Docs,
		Degree:   r.Degree,
	}
	if len(s) > 1 {
		e.Aliases = s[1:]
	}
	if len(r.Attrs) > 0 {
		e.Attrs = make(map[string]string, len(r.Attrs))
		for k, vals := range r.Attrs {
			e.Attrs[k] = argmax(vals)
		}
	}
	e.First, e.Last = minMax(r.Dates)
	return e
}

// relRec is the stored state of a relation, the value of its o and i keys.
type relRec struct {
	Weight int64 // micro-units: sums of integers are exact and order-free
	Docs   int64
	Dates  map[string]int64

	// first and last stand for Dates in records decoded for reading only
	// (decodeRelRead); such records are never encoded again.
	first, last string
}

const weightScale = 1e6

func toMicro(w float64) int64 { return int64(math.Round(w * weightScale)) }

func (r *relRec) encode() []byte {
	e := encoder{b: make([]byte, 0, 32)}
	e.b = append(e.b, 1)
	e.int(r.Weight)
	e.int(r.Docs)
	e.counts(r.Dates)
	return e.b
}

func decodeRel(b []byte) (*relRec, error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, fmt.Errorf("%w: relation record", graph.ErrCorrupt)
	}
	d := decoder{b: b[1:]}
	r := &relRec{Weight: d.int(), Docs: d.int(), Dates: d.counts()}
	if d.err != nil || len(d.b) != 0 {
		return nil, fmt.Errorf("%w: relation record", graph.ErrCorrupt)
	}
	return r, nil
}

// decodeRelRead decodes a relation record for reading: the dates are
// reduced to the first and last, without building a map.
func decodeRelRead(b []byte) (*relRec, error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, fmt.Errorf("%w: relation record", graph.ErrCorrupt)
	}
	d := decoder{b: b[1:]}
	r := &relRec{Weight: d.int(), Docs: d.int()}
	r.first, r.last = d.countsRange()
	if d.err != nil || len(d.b) != 0 {
		return nil, fmt.Errorf("%w: relation record", graph.ErrCorrupt)
	}
	return r, nil
}

func (r *relRec) relation(k graph.RelationKey) graph.Relation {
	rel := graph.Relation{From: k.From, To: k.To, Type: k.Type, Weight: float64(r.Weight) / weightScale, Docs: r.Docs}
	if r.Dates != nil {
		rel.First, rel.Last = minMax(r.Dates)
	} else {
		rel.First, rel.Last = r.first, r.last
	}
	return rel
}

// relDocRec is one document's share of a relation. Its evidence refers to
// the document's sentences (t keys) by number instead of holding their
// text: a sentence is the evidence of many relations (up to 120
// co-occurring pairs), and was most of the store when each kept a copy.
type relDocRec struct {
	Weight   int64
	Date     string
	Evidence []graph.Evidence // Doc is not stored: it is in the key
}

// relDocVersion is the first byte of a per-document relation record.
const relDocVersion = 2

// encode writes the record; sents numbers the document's sentences (see
// docSentences) and must hold every evidence sentence.
func (r *relDocRec) encode(sents map[string]uint32) []byte {
	e := encoder{b: make([]byte, 0, 16+8*len(r.Evidence))}
	e.b = append(e.b, relDocVersion)
	e.int(r.Weight)
	e.str(r.Date)
	e.uint(len(r.Evidence))
	for _, ev := range r.Evidence {
		e.uint(int(sents[ev.Sentence]))
		e.int(int64(ev.Start))
		e.int(int64(ev.End))
		e.str(ev.Rule)
	}
	return e.b
}

// decodeRelDoc decodes a per-document relation record; sentence returns the
// text of the document's sentence n.
func decodeRelDoc(b []byte, doc string, sentence func(n uint32) (string, error)) (*relDocRec, error) {
	if len(b) == 0 || b[0] != relDocVersion {
		return nil, fmt.Errorf("%w: relation evidence record", graph.ErrCorrupt)
	}
	d := decoder{b: b[1:]}
	r := &relDocRec{Weight: d.int(), Date: d.str()}
	n := d.uint()
	if n > len(d.b) {
		d.err = errValue
	}
	for i := 0; i < n && d.err == nil; i++ {
		sn := d.uint()
		ev := graph.Evidence{Doc: doc, Start: int(d.int()), End: int(d.int()), Rule: d.str()}
		if d.err != nil {
			break
		}
		text, err := sentence(uint32(sn))
		if err != nil {
			return nil, err
		}
		ev.Sentence = text
		r.Evidence = append(r.Evidence, ev)
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, fmt.Errorf("%w: relation evidence record", graph.ErrCorrupt)
	}
	return r, nil
}

// docSentences numbers the distinct evidence sentences of a document's
// contribution, in order of their first evidence offset (then text), so
// that Apply and BulkLoad number them alike and the t keys follow the text.
// It numbers the contribution as given, not as resolved through curation,
// so re-applying a document after a merge keeps its numbers.
func docSentences(c *graph.Contribution) ([]string, map[string]uint32) {
	first := map[string]int{}
	for i := range c.Relations {
		for j := range c.Relations[i].Evidence {
			ev := &c.Relations[i].Evidence[j]
			if s, ok := first[ev.Sentence]; !ok || ev.Start < s {
				first[ev.Sentence] = ev.Start
			}
		}
	}
	texts := make([]string, 0, len(first))
	for s := range first {
		texts = append(texts, s)
	}
	slices.SortFunc(texts, func(a, b string) int {
		if first[a] != first[b] {
			return first[a] - first[b]
		}
		return strings.Compare(a, b)
	})
	idx := make(map[string]uint32, len(texts))
	for i, s := range texts {
		idx[s] = uint32(i)
	}
	return texts, idx
}

func encodeSpans(spans []graph.Span) []byte {
	e := encoder{b: make([]byte, 0, 1+4*len(spans))}
	e.b = append(e.b, 1)
	e.uint(len(spans))
	for _, s := range spans {
		e.int(int64(s.Start))
		e.int(int64(s.End))
	}
	return e.b
}

func decodeSpans(b []byte) ([]graph.Span, error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, fmt.Errorf("%w: mention record", graph.ErrCorrupt)
	}
	d := decoder{b: b[1:]}
	n := d.uint()
	if n > len(d.b) {
		return nil, fmt.Errorf("%w: mention record", graph.ErrCorrupt)
	}
	out := make([]graph.Span, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, graph.Span{Start: int(d.int()), End: int(d.int())})
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, fmt.Errorf("%w: mention record", graph.ErrCorrupt)
	}
	return out, nil
}

func encodeCount(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

func decodeCount(b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: counter", graph.ErrCorrupt)
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}
