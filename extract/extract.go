package extract

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"kg/graph"
	"kg/seeds"
)

// Segmenter cuts text into words. *jieba.Segmenter satisfies it; tests use a
// fake. Extract uses it only on short windows around name boundaries. A line
// break must be a word of its own that no segmentation looks across:
// Cut(a+"\n"+b) is Cut(a), "\n", Cut(b), so that windows can be cut in one
// call (cppjieba segments the text between separators independently).
type Segmenter interface {
	Cut(text string) []string
}

// Options configure an Extractor. The zero value is usable: the embedded
// seeds lexicon and no segmenter.
type Options struct {
	// Lexicon replaces the embedded seeds lexicon when not nil.
	Lexicon []LexEntry
	// Segmenter, when set, snaps the left edge of rule-found names to word
	// boundaries.
	Segmenter Segmenter
	// Region is the document's own place when a document does not say it
	// (Document.Region empty) and none can be inferred.
	Region string
}

// Extractor turns a document's text into a graph.Contribution. It is safe
// for concurrent use.
type Extractor struct {
	lex     *Lexicon
	regions *Lexicon // regions only: places inside names (重庆大学 -> 重庆)
	fields  *Lexicon // fields only: domains inside names
	seg     Segmenter
	region  string
}

// New builds an Extractor: the lexicon matcher is built once here.
func New(opts Options) (*Extractor, error) {
	entries := opts.Lexicon
	if entries == nil {
		lex, err := seeds.Lexicon()
		if err != nil {
			return nil, fmt.Errorf("extract: %w", err)
		}
		for _, e := range lex {
			entries = append(entries, LexEntry{Type: e.Type, Name: e.Name, Aliases: e.Aliases, Tags: e.Tags})
		}
	}
	for i, e := range entries {
		if graph.Normalize(e.Name) == "" {
			return nil, fmt.Errorf("extract: lexicon entry %d has no name", i)
		}
		switch graph.EntityType(e.Type) {
		case graph.Platform, graph.Field, graph.Institution, graph.Region:
		default:
			return nil, fmt.Errorf("extract: lexicon entry %s has unknown type %q", e.Name, e.Type)
		}
	}
	var regions, fields []LexEntry
	for _, e := range entries {
		switch graph.EntityType(e.Type) {
		case graph.Region:
			regions = append(regions, e)
		case graph.Field:
			fields = append(fields, e)
		}
	}
	return &Extractor{lex: NewLexicon(entries), regions: NewLexicon(regions), fields: NewLexicon(fields),
		seg: opts.Segmenter, region: opts.Region}, nil
}

// doc is the state of one extraction.
type doc struct {
	x      *Extractor
	t      *Text
	runes  []rune
	paras  []paragraph
	sents  []span
	ments  []mention
	lists  []list
	ms     []measureMention
	owner  []int // per paragraph: the heading measure that owns stray entities
	group  []int // per mention: entity group
	region *lexItem

	ents       []*entityAcc
	byID       map[string]int    // entity ID -> index in ents
	byName     map[typedName]int // entityFor's answers
	norms      map[string]string // graph.Normalize, memoised: names repeat
	sentText   map[span]string   // evidence sentences, built once each
	fieldNames map[string]bool   // names of field mentions, built on first use
	rels       map[relKey]int32  // -> index in buf.rels
	relTypes   []graph.RelationType
	docID      string
	buf        *buffers
	lexMatches []lexMatch // the lexicon's matches in the whole text
}

// Extract extracts entities and relations from text, the document's
// original decoded text. Every offset in the result is a rune offset into
// text. The result is deterministic.
func (x *Extractor) Extract(ctx context.Context, d graph.Document, text string) (*graph.Contribution, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return nil, fmt.Errorf("extract: %w: document without id", graph.ErrInvalid)
	}
	buf := bufPool.Get().(*buffers)
	defer bufPool.Put(buf)
	t := &buf.text
	buf.src = repair(text, t, buf.src)
	if buf.relIndex == nil {
		buf.relIndex = map[relKey]int32{}
		buf.norms = map[string]string{}
		buf.sentText = map[span]string{}
		buf.byID = map[string]int{}
		buf.byName = map[typedName]int{}
		buf.keyOwner = map[typedName]int{}
		buf.keyCache = map[keyCacheKey][]typedName{}
	}
	defer buf.release()
	st := &doc{x: x, t: t, runes: t.Runes, docID: d.ID, rels: buf.relIndex,
		norms: buf.norms, sentText: buf.sentText, byID: buf.byID, byName: buf.byName, buf: buf, sents: buf.sents[:0]}
	buf.split.reset()
	st.paras = split(t.Runes, &buf.split)
	clauses := buf.clauses[:0]
	defer func() { buf.sents, buf.clauses = st.sents, clauses }()
	for _, p := range st.paras {
		for _, s := range p.sents {
			st.sents = append(st.sents, s.span)
			for _, c := range s.clauses {
				clauses = append(clauses, c.span)
			}
		}
	}
	st.recognize(clauses)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st.region = x.docRegion(d, t.Runes, st.lexMatches)
	st.ms, st.owner = measures(t.Runes, st.paras, st.ments)
	st.canonicalise()
	st.relate()

	if d.Hash == "" {
		d.Hash = hashText(text)
	}
	if d.Size == 0 {
		d.Size = int64(utf8.RuneCountInString(text))
	}
	if d.Region == "" && st.region != nil {
		d.Region = st.region.name
	}
	// The store validates what it applies (graph.Contribution.Validate);
	// the tests check that every contribution passes.
	return st.contribution(d), nil
}

// hashText returns the hex SHA-256 of text, copying it a block at a time
// rather than whole.
func hashText(text string) string {
	h := sha256.New()
	var block [8 << 10]byte
	for len(text) > 0 {
		n := copy(block[:], text)
		h.Write(block[:n])
		text = text[n:]
	}
	return hex.EncodeToString(h.Sum(nil))
}

// buffers are the large per-document slices, kept from one document to the
// next: a document's text is repaired into runes and offsets several times
// its size, and allocating them anew made the garbage collector run several
// times per document. Nothing in a contribution points into them.
type buffers struct {
	src  []rune // the text's runes before repair
	text Text
	used []bool // per rune: taken by a mention

	// the relations: a map that keeps its buckets and one slice for all
	relIndex map[relKey]int32
	rels     []relAcc

	split          splitSlab
	sents, clauses []span
	cands, ments   []mention // candidates; mentions, sorted into ments2
	ments2         []mention

	// the per-document maps, which keep their buckets
	norms    map[string]string
	sentText map[span]string
	byID     map[string]int
	byName   map[typedName]int
	keyOwner map[typedName]int
	keyCache map[keyCacheKey][]typedName
}

// release drops what buffers hold of a contribution, keeping the capacity.
func (b *buffers) release() {
	clear(b.relIndex)
	clear(b.rels)
	b.rels = b.rels[:0]
	clear(b.norms)
	clear(b.sentText)
	clear(b.byID)
	clear(b.byName)
	clear(b.keyOwner)
	clear(b.keyCache)
	for _, ms := range []*[]mention{&b.cands, &b.ments, &b.ments2} {
		clear(*ms)
		*ms = (*ms)[:0]
	}
}

var bufPool = sync.Pool{New: func() any { return new(buffers) }}

// recognize finds entity mentions: lexicon names, suffix-rule names and list
// items, overlaps resolved longest first.
func (st *doc) recognize(clauses []span) {
	x := st.x
	cands := st.buf.cands[:0]
	st.lexMatches = x.lex.Match(st.runes)
	notWord := x.cityNonWords(st.runes, st.lexMatches)
	for k, m := range st.lexMatches {
		if notWord[k] {
			continue // 均衡水平 is not 衡水, 新乡村 not 新乡
		}
		cands = append(cands, mention{span: span{m.start, m.end}, typ: m.item.typ, name: m.item.surface(st.runes[m.start:m.end]),
			canon: m.item.name, item: m.item, rule: "lexicon"})
	}
	cands = append(cands, x.suffixNames(st.runes, clauses)...)
	for _, c := range clauses {
		for _, l := range x.lists(st.runes, c) {
			cands = append(cands, l.items...)
			st.lists = append(st.lists, l)
		}
	}
	prio := func(rule string) int {
		switch rule {
		case "lexicon":
			return 0
		case "compose":
			return 1
		case "list":
			return 2
		}
		return 3
	}
	// sort indexes, not the large mention values, by keys computed once
	order := make([]int, len(cands))
	prios := make([]int, len(cands))
	for i := range order {
		order[i] = i
		prios[i] = prio(cands[i].rule)
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &cands[i], &cands[j]
		if a.len() != b.len() {
			return b.len() - a.len()
		}
		if pa, pb := prios[i], prios[j]; pa != pb {
			return pa - pb
		}
		return a.start - b.start
	})
	st.buf.cands = cands
	used := st.buf.used[:0]
	used = append(used, make([]bool, len(st.runes))...)
	st.buf.used = used
	st.ments = st.buf.ments[:0]
	for _, k := range order {
		m := cands[k]
		free := true
		for i := m.start; i < m.end; i++ {
			if used[i] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for i := m.start; i < m.end; i++ {
			used[i] = true
		}
		st.ments = append(st.ments, m)
	}
	// a list item that is both a field and the name of a carrier keeps both
	// mentions: the platform twin is added over the field's span
	for _, l := range st.lists {
		for _, t := range l.twins {
			if !st.coveredBy(t.span, graph.Platform) {
				st.ments = append(st.ments, t)
			}
		}
	}
	st.buf.ments = st.ments
	st.ments = sortByStart(st.ments, st.buf.ments2[:0])
	st.buf.ments2 = st.ments
}

// sortByStart appends to out the mentions ms sorted stably by start,
// moving each mention once.
func sortByStart(ms, out []mention) []mention {
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return ms[i].start - ms[j].start })
	for _, i := range order {
		out = append(out, ms[i])
	}
	return out
}

// coveredBy reports whether a mention of type t already covers part of s.
func (st *doc) coveredBy(s span, t graph.EntityType) bool {
	for i := range st.ments {
		m := &st.ments[i]
		if m.typ == t && m.start < s.end && s.start < m.end {
			return true
		}
	}
	return false
}

// cityNonWords reports for each match whether it is a two-rune city name
// that is no word of its own. With a segmenter, the name's edges must be
// word boundaries of the text three runes around it (长治久安 is one word);
// without one, cityContext decides.
func (x *Extractor) cityNonWords(runes []rune, ms []lexMatch) []bool {
	out := make([]bool, len(ms))
	var wins []cityWindow
	for k, m := range ms {
		if m.item.region != "city" || m.end-m.start != 2 {
			continue
		}
		if x.seg == nil {
			out[k] = !cityContext(runes, m.start, m.end)
			continue
		}
		wins = append(wins, cityWindow{match: k, from: max(0, m.start-3), to: min(len(runes), m.end+3)})
	}
	// the windows go to the segmenter in batches, one per line, each a few
	// kilobytes: a cgo call per window cost more than cutting it
	for len(wins) > 0 {
		n, size := 0, 0
		for n < len(wins) && size < cityBatch {
			size += wins[n].to - wins[n].from + 1
			n++
		}
		x.cutWindows(runes, ms, wins[:n], out)
		wins = wins[n:]
	}
	return out
}

// cityBatch bounds the runes of one batch of windows, well under the
// segmenter's chunk size.
const cityBatch = 4096

// cityWindow is the text around a city name that the segmenter cuts.
type cityWindow struct {
	match    int // index of the name in the matches
	from, to int
}

// cutWindows cuts the windows, joined by line breaks, in one call and sets
// out for each window's name that does not start and end at a word
// boundary.
func (x *Extractor) cutWindows(runes []rune, ms []lexMatch, wins []cityWindow, out []bool) {
	var b strings.Builder
	starts := make([]int, len(wins)) // where each window starts in the batch, in runes
	startOK := make([]bool, len(wins))
	endOK := make([]bool, len(wins))
	at := 0
	for k, w := range wins {
		starts[k] = at
		at += w.to - w.from + 1
		for _, r := range runes[w.from:w.to] {
			b.WriteRune(r)
		}
		b.WriteByte('\n')
		m := ms[w.match]
		startOK[k], endOK[k] = m.start == w.from, m.end == w.to
	}
	k, pos := 0, 0
	for _, word := range x.seg.Cut(b.String()) {
		pos += utf8.RuneCountInString(word) // a word boundary
		for k < len(wins) && pos > starts[k]+wins[k].to-wins[k].from {
			k++
		}
		if k < len(wins) && pos > starts[k] {
			w := wins[k]
			p := w.from + pos - starts[k]
			startOK[k] = startOK[k] || p == ms[w.match].start
			endOK[k] = endOK[k] || p == ms[w.match].end
		}
	}
	for k, w := range wins {
		out[w.match] = !(startOK[k] && endOK[k])
	}
}

// cityContext reports whether a two-rune city name at [start,end) stands as
// a word: followed by an administrative unit or a break, or after a break or
// a locative. Province names are unambiguous and need no context.
func cityContext(runes []rune, start, end int) bool {
	brk := func(r rune) bool {
		return !isWordRune(r) || strings.ContainsRune("和与及等的、在到赴至驻", r)
	}
	if end == len(runes) || strings.ContainsRune("市区县州", runes[end]) || brk(runes[end]) {
		return true
	}
	if start == 0 || brk(runes[start-1]) {
		return true
	}
	return false
}

// docRegion returns the document's own place: the given region, else the
// first place in the title or issuer, else the most named province or city.
// matches are the lexicon's matches in runes.
func (x *Extractor) docRegion(d graph.Document, runes []rune, matches []lexMatch) *lexItem {
	find := func(s string) *lexItem {
		for _, m := range x.lex.Match([]rune(s)) {
			if m.item.typ == graph.Region && m.item.region != "geo" && m.item.region != "econ" {
				return m.item
			}
		}
		return nil
	}
	if d.Region != "" {
		if it := find(d.Region); it != nil {
			return it
		}
		return &lexItem{typ: graph.Region, name: d.Region}
	}
	title := d.Title
	if title == "" {
		end := 0
		for end < len(runes) && runes[end] != '\n' && end < 80 {
			end++
		}
		title = string(runes[:end])
	}
	for _, s := range []string{title, d.Issuer} {
		if it := find(s); it != nil {
			return it
		}
	}
	counts := map[*lexItem]int{}
	var best *lexItem
	for _, m := range matches {
		it := m.item
		if it.typ != graph.Region || it.region == "geo" || it.region == "econ" {
			continue
		}
		counts[it]++
		if best == nil || counts[it] > counts[best] {
			best = it
		}
	}
	if best != nil && counts[best] >= 2 {
		return best
	}
	if x.region != "" {
		if it := find(x.region); it != nil {
			return it
		}
		return &lexItem{typ: graph.Region, name: x.region}
	}
	return nil
}

// sentenceOf returns the index of the sentence holding rune i, -1 if none.
func (st *doc) sentenceOf(i int) int {
	k := sort.Search(len(st.sents), func(k int) bool { return st.sents[k].end > i })
	if k < len(st.sents) && st.sents[k].start <= i {
		return k
	}
	return -1
}

// paragraphOf returns the index of the paragraph holding rune i.
func (st *doc) paragraphOf(i int) int {
	k := sort.Search(len(st.paras), func(k int) bool { return st.paras[k].end > i })
	if k < len(st.paras) && st.paras[k].start <= i {
		return k
	}
	return -1
}

// evidence builds the evidence for a relation stated at s (repaired
// offsets): the sentence around it and its original offsets.
func (st *doc) evidence(s span, rule string) graph.Evidence {
	sent := s
	if k := st.sentenceOf(s.start); k >= 0 {
		sent = st.sents[k]
		if sent.end < s.end {
			sent.end = s.end
		}
	}
	text, ok := st.sentText[sent]
	if !ok {
		text = string(st.runes[sent.start:sent.end])
		st.sentText[sent] = text
	}
	start, end := st.t.Span(sent.start, sent.end)
	return graph.Evidence{Doc: st.docID, Sentence: text, Start: start, End: end, Rule: rule}
}

// entityAcc accumulates one entity of the contribution.
type entityAcc struct {
	typ     graph.EntityType
	name    string
	forms   map[string]bool
	spans   []graph.Span
	lexical bool
	class   bool
	id      string
	first   int // the index of the first entity with this id: relations and the result name that one
	idv     uint64
	idOK    bool // idv holds idValue(id)

	aliasList   []string
	aliasesDone bool
}

// aliases returns the entity's other forms, sorted: one per normalised
// name, the name's own left out. Of forms that normalise alike the smallest
// is kept. The forms are complete once canonicalise is done, and the result
// is kept from then on.
func (e *entityAcc) aliases(normalize func(string) string) []string {
	if e.aliasesDone {
		return e.aliasList
	}
	forms := make([]string, 0, len(e.forms))
	for f := range e.forms {
		forms = append(forms, f)
	}
	sort.Strings(forms)
	var out, keys []string
	n := normalize(e.name)
	for _, f := range forms {
		k := normalize(f)
		if k != n && !slices.Contains(keys, k) {
			keys = append(keys, k)
			out = append(out, f)
		}
	}
	e.aliasList, e.aliasesDone = out, true
	return out
}

// stripParens removes a parenthesised part: 西部(重庆)科学城 -> 西部科学城.
func stripParens(s string) string {
	i := indexEither(s, '(', "（")
	j := indexEither(s, ')', "）")
	if i < 0 || j < i {
		return s
	}
	_, w := utf8.DecodeRuneInString(s[j:])
	return s[:i] + s[j+w:]
}

// indexEither is strings.IndexAny(s, string(b)+r) for an ASCII b and a
// rune r, without IndexAny's rune-by-rune search.
func indexEither(s string, b byte, r string) int {
	i, j := strings.IndexByte(s, b), strings.Index(s, r)
	if i < 0 || (j >= 0 && j < i) {
		return j
	}
	return i
}

func (st *doc) normalize(s string) string {
	n, ok := st.norms[s]
	if !ok {
		n = graph.Normalize(s)
		st.norms[s] = n
	}
	return n
}

// typedName is a name of a type: canonicalise's keys (normalised names) and
// entityFor's (names as asked).
type typedName struct {
	typ  graph.EntityType
	name string
}

type keyCacheKey struct {
	typ         graph.EntityType
	name, canon string
	item        *lexItem
}

// canonicalise groups mentions into entities: same type and a shared
// normalised name or alias (西部(重庆)科学城 = 西部科学城), and the document's
// 市委 with 中共重庆市委.
func (st *doc) canonicalise() {
	keyOwner := st.buf.keyOwner // type and normalised form -> entity
	st.group = make([]int, len(st.ments))
	newEnt := func(m *mention) int {
		st.ents = append(st.ents, &entityAcc{typ: m.typ, name: m.canon, forms: map[string]bool{}, lexical: m.item != nil, class: m.class()})
		return len(st.ents) - 1
	}
	// names repeat: the keys of a (type, surface, canonical) are built once
	keyCache := st.buf.keyCache
	keysOf := func(m *mention) []typedName {
		forms := []string{m.canon, m.name, stripParens(m.name)}
		// 重庆市政府 is 重庆市人民政府
		if m.typ == graph.Institution {
			switch {
			case strings.HasSuffix(m.name, "人民政府"):
				forms = append(forms, strings.TrimSuffix(m.name, "人民政府")+"政府")
			case strings.HasSuffix(m.name, "政府"):
				forms = append(forms, strings.TrimSuffix(m.name, "政府")+"人民政府")
			}
		}
		if m.item != nil {
			forms = append(forms, m.item.aliases...)
		}
		if localBodies[m.name] && st.region != nil {
			switch {
			case strings.HasSuffix(m.name, "委"):
				forms = append(forms, "中共"+st.region.name+m.name, st.region.name+m.name)
			default:
				forms = append(forms, st.region.name+m.name)
			}
		}
		var out []typedName
		for _, f := range forms {
			if n := st.normalize(f); n != "" {
				out = append(out, typedName{m.typ, n})
			}
		}
		return out
	}
	// lexicon mentions first so that their canonical names win
	order := make([]int, len(st.ments))
	for i := range order {
		order[i] = i
	}
	canonLen := make([]int, len(st.ments))
	for i := range st.ments {
		canonLen[i] = utf8.RuneCountInString(st.ments[i].canon)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ma, mb := &st.ments[a], &st.ments[b]
		if (ma.item != nil) != (mb.item != nil) {
			if ma.item != nil {
				return -1
			}
			return 1
		}
		return canonLen[b] - canonLen[a]
	})
	for _, i := range order {
		m := &st.ments[i]
		ck := keyCacheKey{m.typ, m.name, m.canon, m.item}
		keys, ok := keyCache[ck]
		if !ok {
			keys = keysOf(m)
			keyCache[ck] = keys
		}
		g := -1
		for _, k := range keys {
			if o, ok := keyOwner[k]; ok {
				g = o
				break
			}
		}
		if g < 0 {
			g = newEnt(m)
		}
		for _, k := range keys {
			if _, ok := keyOwner[k]; !ok {
				keyOwner[k] = g
			}
		}
		e := st.ents[g]
		e.forms[m.name] = true
		if m.item == nil && m.canon != m.name {
			e.forms[m.canon] = true
		}
		if sp := stripParens(m.name); sp != m.name {
			e.forms[sp] = true
		}
		a, b := st.t.Span(m.start, m.end)
		e.spans = append(e.spans, graph.Span{Start: a, End: b})
		st.group[i] = g
	}
	for i, e := range st.ents {
		e.id = hashEntityID(e.typ, e.name, st.normalize)
		e.idv, e.idOK = idValue(e.id)
		sort.Slice(e.spans, func(i, j int) bool { return e.spans[i].Start < e.spans[j].Start })
		if f, ok := st.byID[e.id]; ok {
			e.first = f
		} else {
			st.byID[e.id] = i
			e.first = i
		}
	}
}

// sortRelations returns the relations of rs ordered by type, From and To.
// Entity IDs are "e" and 16 hex digits, whose string order is the order of
// their value: comparing numbers is much cheaper than comparing the strings
// when documents have thousands of relations.
func sortRelations(rs []relAcc) []*graph.RelationContribution {
	type key struct { // no pointers: the sort moves them without write barriers
		typ, rel int32
		from, to uint64
	}
	var types []string
	keys := make([]key, len(rs))
	numeric := true
	for i := range rs {
		rc := &rs[i].rc
		t := slices.Index(types, string(rc.Type))
		if t < 0 {
			t = len(types)
			types = append(types, string(rc.Type))
		}
		numeric = numeric && rs[i].numeric
		keys[i] = key{int32(t), int32(i), rs[i].from, rs[i].to}
	}
	// ranks of the types in string order
	order := slices.Clone(types)
	slices.Sort(order)
	rank := make([]int, len(types))
	for i, t := range types {
		rank[i] = slices.Index(order, t)
	}
	if numeric {
		slices.SortFunc(keys, func(a, b key) int {
			if a.typ != b.typ {
				return rank[a.typ] - rank[b.typ]
			}
			if a.from != b.from {
				return cmp.Compare(a.from, b.from)
			}
			return cmp.Compare(a.to, b.to)
		})
	} else {
		slices.SortFunc(keys, func(a, b key) int {
			if a.typ != b.typ {
				return rank[a.typ] - rank[b.typ]
			}
			ra, rb := &rs[a.rel].rc, &rs[b.rel].rc
			if ra.From != rb.From {
				return strings.Compare(ra.From, rb.From)
			}
			return strings.Compare(ra.To, rb.To)
		})
	}
	out := make([]*graph.RelationContribution, len(keys))
	for i, k := range keys {
		out[i] = &rs[k.rel].rc
	}
	return out
}

// idValue returns the value of an entity ID's hex digits, and false when
// id is not "e" and 16 lower-case hex digits.
func idValue(id string) (uint64, bool) {
	if len(id) != 17 || id[0] != 'e' {
		return 0, false
	}
	var v uint64
	for i := 1; i < len(id); i++ {
		c := id[i]
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uint64(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// hashEntityID is graph.EntityID with a memoised normaliser.
func hashEntityID(t graph.EntityType, name string, normalize func(string) string) string {
	n := normalize(name)
	if n == name {
		return graph.EntityID(t, name)
	}
	return graph.EntityID(t, n)
}

// entityFor returns the entity for a lexicon item or name, adding it (with
// no mention) when the document does not name it.
func (st *doc) entityFor(t graph.EntityType, name string, lexical bool) int {
	// places and fields are asked for again and again by name
	if i, ok := st.byName[typedName{t, name}]; ok {
		return i
	}
	i := st.entityForID(t, name, lexical)
	st.byName[typedName{t, name}] = i
	return i
}

func (st *doc) entityForID(t graph.EntityType, name string, lexical bool) int {
	id := graph.EntityID(t, name)
	if i, ok := st.byID[id]; ok {
		return i
	}
	i := len(st.ents)
	idv, idOK := idValue(id)
	st.ents = append(st.ents, &entityAcc{typ: t, name: name, lexical: lexical, id: id, first: i, idv: idv, idOK: idOK}) // no forms: no mention names it
	st.byID[id] = i
	return i
}

// maxEvidence bounds the evidence one document gives one relation: a pair
// named together in hundreds of sentences keeps its weight but only the
// first sentences as evidence, so memory stays linear in the text.
const maxEvidence = 16

// relKey names a relation by the first entity of each end's id: cheaper to
// hash than graph.RelationKey's strings, and the same relation.
type relKey struct {
	from, to int
	typ      int // index in doc.relTypes: no string to hash
}

// relTypeIndex returns the index of t in st.relTypes, adding it.
func (st *doc) relTypeIndex(t graph.RelationType) int {
	for i, u := range st.relTypes {
		if u == t {
			return i
		}
	}
	st.relTypes = append(st.relTypes, t)
	return len(st.relTypes) - 1
}

// relAcc accumulates one relation of the contribution.
type relAcc struct {
	rc                 graph.RelationContribution
	lastStart, lastEnd int
	from, to           uint64 // idValue of rc.From and rc.To
	numeric            bool   // idValue succeeded for both
}

// link records a relation with its evidence.
func (st *doc) link(from, to int, t graph.RelationType, ev graph.Evidence) {
	if from == to || from < 0 || to < 0 {
		return
	}
	a, b := st.ents[from].first, st.ents[to].first
	if a == b {
		return // the same id
	}
	// graph.RelationKey.Canonical
	if t.Undirected() && st.ents[b].id < st.ents[a].id {
		a, b = b, a
	}
	k := relKey{a, b, st.relTypeIndex(t)}
	ri, ok := st.rels[k]
	if !ok {
		ri = int32(len(st.buf.rels))
		ea, eb := st.ents[a], st.ents[b]
		st.buf.rels = append(st.buf.rels, relAcc{rc: graph.RelationContribution{From: ea.id, To: eb.id, Type: t}, lastStart: -1,
			from: ea.idv, to: eb.idv, numeric: ea.idOK && eb.idOK})
		st.rels[k] = ri
	}
	r := &st.buf.rels[ri]
	// one sentence counts once per relation; the rules visit a relation's
	// sentences in text order, so comparing with the last one suffices
	if r.lastStart == ev.Start && r.lastEnd == ev.End {
		return
	}
	r.lastStart, r.lastEnd = ev.Start, ev.End
	r.rc.Weight++
	if len(r.rc.Evidence) < maxEvidence {
		r.rc.Evidence = append(r.rc.Evidence, ev)
	}
}

// contribution assembles the sorted result.
func (st *doc) contribution(d graph.Document) *graph.Contribution {
	c := &graph.Contribution{Doc: d, Entities: make([]graph.EntityContribution, 0, len(st.ents))}
	used := make([]bool, len(st.ents)) // by first index
	for k := range st.rels {
		used[k.from], used[k.to] = true, true
	}
	seen := make([]bool, len(st.ents))
	ents := make([]*entityAcc, 0, len(st.ents))
	for _, e := range st.ents {
		if len(e.spans) == 0 && !used[e.first] {
			continue
		}
		if seen[e.first] {
			continue
		}
		seen[e.first] = true
		ents = append(ents, e)
	}
	// The orders are total (one entity per type and name, one relation per
	// key), so the sort algorithm does not matter. Pointers are sorted, not
	// the large result values.
	slices.SortFunc(ents, func(a, b *entityAcc) int {
		if a.typ != b.typ {
			return strings.Compare(string(a.typ), string(b.typ))
		}
		return strings.Compare(a.name, b.name)
	})
	for _, e := range ents {
		var attrs map[string]string
		if e.class {
			attrs = map[string]string{"class": "true"}
		}
		c.Entities = append(c.Entities, graph.EntityContribution{Type: e.typ, Name: e.name, Aliases: e.aliases(st.normalize), Attrs: attrs, Spans: e.spans})
	}
	rels := sortRelations(st.buf.rels)
	c.Relations = make([]graph.RelationContribution, 0, len(rels))
	for _, r := range rels {
		ev := r.Evidence
		sort.Slice(ev, func(i, j int) bool {
			if ev[i].Start != ev[j].Start {
				return ev[i].Start < ev[j].Start
			}
			return ev[i].Rule < ev[j].Rule
		})
		c.Relations = append(c.Relations, *r)
	}
	return c
}
