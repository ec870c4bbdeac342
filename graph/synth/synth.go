// Package synth generates deterministic synthetic policy graphs for tests
// and benchmarks: a fixed seed gives the same documents, byte for byte.
//
// A Config asks for exactly Entities distinct entities and Relations
// distinct relations, spread over Docs documents. Entities of the five types
// get realistic Chinese names (平台 like 重庆人工智能创新中心, institutions like
// 成都生物医药研究院, measures like 杭州集成电路专项资金); relations follow the
// types of the model (a platform FOCUSES_ON a field, a measure INVOLVES a
// platform, ...). Out-degrees follow a power law, so a few hubs have
// thousands of relations and most entities a handful.
//
// Generate streams the documents, so memory stays flat (a few bytes per
// entity); Config.Entity and Sample name entities for query benchmarks
// without generating anything.
package synth

import (
	"context"
	"errors"
	"fmt"
	"math"

	"kg/graph"
)

// Config describes a synthetic graph.
type Config struct {
	Entities  int   // distinct entities; every one is mentioned by some document
	Relations int   // distinct relations
	Docs      int   // documents; 0 means one per 50 relations (at least 1)
	Seed      int64 // the same seed gives the same graph
}

// Big is the benchmark graph: a million entities, five million relations.
var Big = Config{Entities: 1_000_000, Relations: 5_000_000, Docs: 100_000, Seed: 1}

// typeShare is the share of each entity type, in graph.EntityTypes order.
var typeShare = []float64{0.20, 0.10, 0.35, 0.05, 0.30}

// option is a relation a source of some type may have: its relation type
// and the target's type.
type option struct {
	rel graph.RelationType
	to  int // index into graph.EntityTypes
}

// options by source type. CO_OCCURS only goes to a later type in
// graph.EntityTypes, so an undirected pair is generated once.
var options = [][]option{
	{{graph.FocusesOn, 1}, {graph.ReliesOn, 2}, {graph.ReliesOn, 0}, {graph.LocatedIn, 3}, {graph.CoOccurs, 1}, {graph.CoOccurs, 2}, {graph.CoOccurs, 4}},
	{{graph.CoOccurs, 2}, {graph.CoOccurs, 3}, {graph.CoOccurs, 4}},
	{{graph.FocusesOn, 1}, {graph.LocatedIn, 3}, {graph.CoOccurs, 3}, {graph.CoOccurs, 4}},
	{{graph.CoOccurs, 4}},
	{{graph.ReliesOn, 2}, {graph.ReliesOn, 0}, {graph.Involves, 0}, {graph.Involves, 1}, {graph.Involves, 2}, {graph.PartOf, 4}},
}

// layout is the derived shape of a graph: type blocks and out-degrees.
type layout struct {
	cfg    Config
	start  [6]int   // entity index where each type's block starts; start[5] = Entities
	degree []uint32 // out-degree of each entity
	docs   int
}

func (c Config) validate() error {
	if c.Entities < len(graph.EntityTypes) {
		return fmt.Errorf("synth: %d entities, need at least %d", c.Entities, len(graph.EntityTypes))
	}
	if c.Relations < 0 || c.Docs < 0 {
		return errors.New("synth: negative size")
	}
	return nil
}

func (c Config) blocks() [6]int {
	var start [6]int
	acc := 0.0
	for i, s := range typeShare {
		start[i] = int(math.Round(acc * float64(c.Entities)))
		if i > 0 && start[i] <= start[i-1] {
			start[i] = start[i-1] + 1
		}
		acc += s
	}
	start[5] = c.Entities
	return start
}

// Entity returns the type and name of the i-th entity, 0 <= i < Entities.
func (c Config) Entity(i int) (graph.EntityType, string) {
	start := c.blocks()
	t := 0
	for t < 4 && i >= start[t+1] {
		t++
	}
	return graph.EntityTypes[t], entityName(graph.EntityTypes[t], i-start[t])
}

// EntityID returns the ID of the i-th entity.
func (c Config) EntityID(i int) string {
	t, n := c.Entity(i)
	return graph.EntityID(t, n)
}

// Sample returns n entity indexes picked uniformly and deterministically
// (the same seed, the same picks), for query benchmarks.
func (c Config) Sample(seed int64, n int) []int {
	out := make([]int, n)
	x := uint64(seed)*0x9E3779B97F4A7C15 + 1
	for i := range out {
		out[i] = int(splitmix(&x) % uint64(c.Entities))
	}
	return out
}

func splitmix(x *uint64) uint64 {
	*x += 0x9E3779B97F4A7C15
	z := *x
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// hash mixes a seed and some numbers into a pseudo-random value.
func hash(seed int64, a ...uint64) uint64 {
	x := uint64(seed)
	for _, v := range a {
		x ^= v + 0x9E3779B97F4A7C15 + (x << 6) + (x >> 2)
		splitmix(&x)
	}
	return splitmix(&x)
}

func (c Config) layout() (*layout, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	l := &layout{cfg: c, start: c.blocks(), docs: c.Docs}
	if l.docs == 0 {
		l.docs = max(1, c.Relations/50)
	}
	n := c.Entities
	// capacity: how many distinct targets an entity's options reach.
	capOf := func(i int) int {
		t := l.typeOf(i)
		seen := map[int]bool{}
		total := 0
		for _, o := range options[t] {
			if !seen[o.to] {
				seen[o.to] = true
				total += l.start[o.to+1] - l.start[o.to]
				if o.to == t {
					total-- // no self-loops
				}
			}
		}
		return total
	}
	// Zipf-like weights 1/(rank+50) over a pseudo-random ranking of the
	// entities, so hubs fall in every type.
	l.degree = make([]uint32, n)
	w := make([]float64, n)
	sum := 0.0
	for i := range n {
		rank := hash(c.Seed, 1, uint64(i)) % uint64(n)
		w[i] = 1 / (float64(rank) + 50)
		sum += w[i]
	}
	assigned := 0
	for i := range n {
		d := min(int(float64(c.Relations)*w[i]/sum), capOf(i))
		l.degree[i] = uint32(d)
		assigned += d
	}
	// The rounding remainder goes round-robin to entities with room left.
	for pass := 0; assigned < c.Relations; pass++ {
		if pass > 2*c.Relations+n {
			return nil, fmt.Errorf("synth: %d relations do not fit among %d entities", c.Relations, n)
		}
		i := int(hash(c.Seed, 2, uint64(pass)) % uint64(n))
		if int(l.degree[i]) < capOf(i) {
			l.degree[i]++
			assigned++
		}
	}
	return l, nil
}

func (l *layout) entity(i int) (graph.EntityType, string) {
	t := l.typeOf(i)
	return graph.EntityTypes[t], entityName(graph.EntityTypes[t], i-l.start[t])
}

func (l *layout) typeOf(i int) int {
	t := 0
	for t < 4 && i >= l.start[t+1] {
		t++
	}
	return t
}

// step returns a stride coprime to n, so base + k*step mod n visits n
// distinct values for k < n.
func step(n int, h uint64) int {
	if n <= 1 {
		return 1
	}
	for s := int(h%uint64(n)) | 1; ; s += 2 {
		if gcd(s, n) == 1 {
			return s % n
		}
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// dates of the synthetic documents: 2015-01-01 plus up to ten years.
func docDate(seed int64, d int) string {
	days := int(hash(seed, 3, uint64(d)) % 3650)
	y, m, dd := 2015+days/365, 1+(days%365)/31, 1+(days%365)%31%28
	return fmt.Sprintf("%04d-%02d-%02d", y, min(m, 12), dd)
}

// Generate calls fn with each document of the graph, in order. The
// contribution is reused after fn returns; fn must not keep it.
func Generate(ctx context.Context, cfg Config, fn func(*graph.Contribution) error) error {
	l, err := cfg.layout()
	if err != nil {
		return err
	}
	perDoc := (cfg.Relations + l.docs - 1) / l.docs
	if perDoc == 0 {
		perDoc = 1
	}
	g := &docGen{l: l, fn: fn, perDoc: perDoc}
	g.begin(0)
	for s := 0; s < cfg.Entities; s++ {
		if s%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		t := l.typeOf(s)
		opts := options[t]
		var used [5]int // targets taken so far, per target type
		for k := 0; k < int(l.degree[s]); k++ {
			o := opts[hash(cfg.Seed, 4, uint64(s), uint64(k))%uint64(len(opts))]
			size := l.start[o.to+1] - l.start[o.to]
			room := size
			if o.to == t {
				room--
			}
			if used[o.to] >= room {
				// This target type is full for s: take the next option
				// with room (capOf guarantees one exists).
				for _, alt := range opts {
					sz := l.start[alt.to+1] - l.start[alt.to]
					if alt.to == t {
						sz--
					}
					if used[alt.to] < sz {
						o, size = alt, l.start[alt.to+1]-l.start[alt.to]
						break
					}
				}
			}
			base := int(hash(cfg.Seed, 5, uint64(s), uint64(o.to)) % uint64(size))
			st := step(size, hash(cfg.Seed, 6, uint64(o.to)))
			var target int
			for {
				target = l.start[o.to] + (base+used[o.to]*st)%size
				used[o.to]++
				if target != s {
					break
				}
			}
			if err := g.relation(s, target, o.rel); err != nil {
				return err
			}
		}
	}
	return g.finish()
}

// docGen packs relations into documents in generation order.
type docGen struct {
	l      *layout
	fn     func(*graph.Contribution) error
	perDoc int
	doc    int
	nrel   int
	c      graph.Contribution
	index  map[int]int // entity index -> position in c.Entities
	text   int         // running character offset
	ids    map[int]string
}

func (g *docGen) begin(d int) {
	cfg := g.l.cfg
	g.doc, g.nrel, g.text = d, 0, 0
	id := fmt.Sprintf("synth-%07d", d)
	g.c = graph.Contribution{Doc: graph.Document{
		ID:     id,
		Title:  fmt.Sprintf("关于推进科技创新的若干政策（第%d号）", d+1),
		Source: "synth/" + id + ".txt",
		Hash:   fmt.Sprintf("%016x", hash(cfg.Seed, 7, uint64(d))),
		Date:   docDate(cfg.Seed, d),
	}}
	if g.index == nil {
		g.index = map[int]int{}
	}
	clear(g.index)
	if g.ids == nil {
		g.ids = map[int]string{}
	}
	clear(g.ids)
	// Every entity is mentioned by document i mod Docs, so each exists.
	for i := d; i < cfg.Entities; i += g.l.docs {
		g.mention(i)
	}
}

// mention adds entity i to the document once and returns its position.
func (g *docGen) mention(i int) int {
	if p, ok := g.index[i]; ok {
		return p
	}
	g.index[i] = len(g.c.Entities)
	t, name := g.l.entity(i)
	n := len([]rune(name))
	g.c.Entities = append(g.c.Entities, graph.EntityContribution{
		Type: t, Name: name, Spans: []graph.Span{{Start: g.text, End: g.text + n}},
	})
	g.text += n + 1
	return len(g.c.Entities) - 1
}

var verbs = map[graph.RelationType]string{
	graph.FocusesOn: "聚焦", graph.ReliesOn: "依托", graph.LocatedIn: "位于",
	graph.Involves: "支持", graph.PartOf: "纳入", graph.CoOccurs: "与",
}

func (g *docGen) relation(from, to int, rt graph.RelationType) error {
	if g.nrel == g.perDoc && g.doc < g.l.docs-1 {
		if err := g.flush(); err != nil {
			return err
		}
		g.begin(g.doc + 1)
	}
	pf := g.mention(from)
	pt := g.mention(to)
	a, b := &g.c.Entities[pf], &g.c.Entities[pt]
	sentence := a.Name + verbs[rt] + b.Name + "。"
	n := len([]rune(sentence))
	g.c.Relations = append(g.c.Relations, graph.RelationContribution{
		From: g.id(from, a), To: g.id(to, b), Type: rt,
		Weight:   float64(1 + hash(g.l.cfg.Seed, 8, uint64(from), uint64(to))%3),
		Evidence: []graph.Evidence{{Sentence: sentence, Start: g.text, End: g.text + n, Rule: "synth"}},
	})
	g.text += n
	g.nrel++
	return nil
}

// id returns an entity's ID, computed once per document.
func (g *docGen) id(i int, e *graph.EntityContribution) string {
	if id, ok := g.ids[i]; ok {
		return id
	}
	id := e.ID()
	g.ids[i] = id
	return id
}

func (g *docGen) flush() error {
	g.c.Doc.Size = int64(g.text)
	return g.fn(&g.c)
}

func (g *docGen) finish() error {
	if err := g.flush(); err != nil {
		return err
	}
	for d := g.doc + 1; d < g.l.docs; d++ {
		g.begin(d)
		if err := g.flush(); err != nil {
			return err
		}
	}
	return nil
}
