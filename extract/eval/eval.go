package eval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kg/graph"
)

// MaxMeasureLen is the longest measure prediction that can match: a
// prediction must contain the gold phrase and be at most this long.
const MaxMeasureLen = 80

// Any is the gold type of entries that may be emitted with any type.
const Any = "*"

// GoldEntity is one line of NAME.entities.tsv.
type GoldEntity struct {
	Type     string
	Name     string
	Aliases  []string
	Required bool
}

// GoldRelation is one line of NAME.relations.tsv.
type GoldRelation struct {
	Type     graph.RelationType
	Head     string
	Tail     string
	Required bool
}

// Gold is the annotation of one document.
type Gold struct {
	Name      string
	Entities  []GoldEntity
	Relations []GoldRelation
}

// LoadGold reads PREFIX.entities.tsv and PREFIX.relations.tsv (the latter
// may be missing).
func LoadGold(prefix string) (*Gold, error) {
	g := &Gold{Name: prefix}
	rows, err := readTSV(prefix + ".entities.tsv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if len(r.cols) < 2 {
			return nil, fmt.Errorf("gold %s.entities.tsv:%d: want type and name", prefix, r.line)
		}
		e := GoldEntity{Type: r.cols[0], Name: r.cols[1], Required: true}
		if len(r.cols) > 2 {
			for _, a := range strings.Split(r.cols[2], "|") {
				if strings.TrimSpace(a) != "" {
					e.Aliases = append(e.Aliases, a)
				}
			}
		}
		if len(r.cols) > 3 {
			e.Required = strings.TrimSpace(r.cols[3]) != "0"
		}
		if e.Type == Any {
			e.Required = false
		}
		g.Entities = append(g.Entities, e)
	}
	rows, err = readTSV(prefix + ".relations.tsv")
	if err != nil && !os.IsNotExist(unwrapPath(err)) {
		return nil, err
	}
	for _, r := range rows {
		if len(r.cols) < 3 {
			return nil, fmt.Errorf("gold %s.relations.tsv:%d: want relation, head and tail", prefix, r.line)
		}
		rel := GoldRelation{Type: graph.RelationType(r.cols[0]), Head: r.cols[1], Tail: r.cols[2], Required: true}
		if len(r.cols) > 3 {
			rel.Required = strings.TrimSpace(r.cols[3]) != "0"
		}
		g.Relations = append(g.Relations, rel)
	}
	return g, nil
}

func unwrapPath(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		if os.IsNotExist(next) {
			return next
		}
		err = next
	}
}

type row struct {
	line int
	cols []string
}

// readTSV reads a gold file: a header line, # comments, tab-separated rows.
func readTSV(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gold: %w", err)
	}
	defer f.Close()
	var out []row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n, header := 0, false
	for sc.Scan() {
		n++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !header {
			header = true
			continue
		}
		out = append(out, row{n, strings.Split(s, "\t")})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gold %s: %w", path, err)
	}
	return out, nil
}

// Norm is the scoring normalisation: NFKC, no white space, lower case.
func Norm(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// PredEntity is a predicted entity.
type PredEntity struct {
	ID      string
	Type    graph.EntityType
	Name    string
	Aliases []string
}

// PredRelation is a predicted relation between entity IDs.
type PredRelation struct {
	Type     graph.RelationType
	From, To string
}

// Prediction is what an extractor produced for one document.
type Prediction struct {
	Entities  []PredEntity
	Relations []PredRelation
}

// FromReader reads every entity and relation of a store.
func FromReader(ctx context.Context, r graph.Reader) (*Prediction, error) {
	p := &Prediction{}
	err := r.EachEntity(ctx, func(e *graph.Entity) error {
		p.Entities = append(p.Entities, PredEntity{ID: e.ID, Type: e.Type, Name: e.Name, Aliases: append([]string(nil), e.Aliases...)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eval: read entities: %w", err)
	}
	err = r.EachRelation(ctx, func(rel *graph.Relation) error {
		p.Relations = append(p.Relations, PredRelation{Type: rel.Type, From: rel.From, To: rel.To})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eval: read relations: %w", err)
	}
	return p, nil
}

// FromContribution turns one document's contribution into a Prediction.
func FromContribution(c *graph.Contribution) *Prediction {
	p := &Prediction{}
	for i := range c.Entities {
		e := &c.Entities[i]
		p.Entities = append(p.Entities, PredEntity{ID: e.ID(), Type: e.Type, Name: e.Name, Aliases: e.Aliases})
	}
	for _, r := range c.Relations {
		p.Relations = append(p.Relations, PredRelation{Type: r.Type, From: r.From, To: r.To})
	}
	return p
}

// Counts are the true positives, false positives and false negatives of one
// type.
type Counts struct {
	TP, FP, FN int
	// NoPrecision marks relation types whose precision is not scored
	// (INVOLVES, PART_OF): FP stays 0 and P is reported as undefined.
	NoPrecision bool
}

// P returns precision; 0 when nothing was predicted.
func (c Counts) P() float64 {
	if c.TP+c.FP == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// R returns recall; 0 when nothing was required.
func (c Counts) R() float64 {
	if c.TP+c.FN == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 returns the harmonic mean of P and R.
func (c Counts) F1() float64 {
	p, r := c.P(), c.R()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (c *Counts) add(o Counts) {
	c.TP += o.TP
	c.FP += o.FP
	c.FN += o.FN
	c.NoPrecision = c.NoPrecision || o.NoPrecision
}

// Item is one false positive or miss, for --verbose listings.
type Item struct {
	Doc  string `json:"doc"`
	Kind string `json:"kind"` // entity type or relation type
	Text string `json:"text"`
}

// Result is the score of one or more documents.
type Result struct {
	Entities  map[string]*Counts `json:"-"`
	Relations map[string]*Counts `json:"-"`
	FalsePos  []Item
	Misses    []Item
}

func newResult() *Result {
	return &Result{Entities: map[string]*Counts{}, Relations: map[string]*Counts{}}
}

// Add pools o into r.
func (r *Result) Add(o *Result) {
	if r.Entities == nil {
		r.Entities = map[string]*Counts{}
	}
	if r.Relations == nil {
		r.Relations = map[string]*Counts{}
	}
	for k, c := range o.Entities {
		if r.Entities[k] == nil {
			r.Entities[k] = &Counts{}
		}
		r.Entities[k].add(*c)
	}
	for k, c := range o.Relations {
		if r.Relations[k] == nil {
			r.Relations[k] = &Counts{}
		}
		r.Relations[k].add(*c)
	}
	r.FalsePos = append(r.FalsePos, o.FalsePos...)
	r.Misses = append(r.Misses, o.Misses...)
}

// EntityMicro pools the entity types.
func (r *Result) EntityMicro() Counts {
	var c Counts
	for _, k := range sortedKeys(r.Entities) {
		c.add(*r.Entities[k])
	}
	return c
}

// RelationMicro pools the scored relation types.
func (r *Result) RelationMicro() Counts {
	var c Counts
	for _, k := range sortedKeys(r.Relations) {
		x := *r.Relations[k]
		x.NoPrecision = false
		c.add(x)
	}
	return c
}

func sortedKeys(m map[string]*Counts) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// forms returns the normalised name and aliases.
func forms(name string, aliases []string) []string {
	out := []string{Norm(name)}
	for _, a := range aliases {
		if n := Norm(a); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// overlap returns how well a prediction of type t (forms pf) matches a gold
// entry (forms gf): the length of the matched gold form, 0 for no match.
// Measures match by containment, the others by equality.
func overlap(t graph.EntityType, pf, gf []string) int {
	best := 0
	for _, p := range pf {
		if t == graph.Measure && utf8.RuneCountInString(p) > MaxMeasureLen {
			continue
		}
		for _, g := range gf {
			if g == "" {
				continue
			}
			ok := p == g
			if t == graph.Measure {
				ok = strings.Contains(p, g)
			}
			if ok && utf8.RuneCountInString(g) > best {
				best = utf8.RuneCountInString(g)
			}
		}
	}
	return best
}

// precisionScored lists the relation types whose gold lists are exhaustive.
var precisionScored = map[graph.RelationType]bool{graph.FocusesOn: true, graph.ReliesOn: true, graph.LocatedIn: true}

// Score scores one document's prediction against its gold.
func Score(g *Gold, p *Prediction) *Result {
	res := newResult()
	type gent struct {
		GoldEntity
		forms []string
	}
	golds := make([]gent, len(g.Entities))
	for i, e := range g.Entities {
		golds[i] = gent{e, forms(e.Name, e.Aliases)}
	}
	preds := make([][]string, len(p.Entities))
	for i, e := range p.Entities {
		preds[i] = forms(e.Name, e.Aliases)
	}
	// entities, type by type
	for _, t := range graph.EntityTypes {
		c := &Counts{}
		res.Entities[string(t)] = c
		type pair struct{ p, g, ov int }
		var pairs []pair
		matchesAny := map[int]bool{}
		for pi, pe := range p.Entities {
			if pe.Type != t {
				continue
			}
			for gi, ge := range golds {
				if ge.Type != string(t) && ge.Type != Any {
					continue
				}
				if ov := overlap(t, preds[pi], ge.forms); ov > 0 {
					pairs = append(pairs, pair{pi, gi, ov})
					matchesAny[pi] = true
				}
			}
		}
		sort.SliceStable(pairs, func(i, j int) bool {
			if pairs[i].ov != pairs[j].ov {
				return pairs[i].ov > pairs[j].ov
			}
			// required gold first among equals, so optional entries never
			// take a prediction a required one could have had
			return golds[pairs[i].g].Required && !golds[pairs[j].g].Required
		})
		pUsed, gUsed := map[int]bool{}, map[int]bool{}
		for _, pr := range pairs {
			if pUsed[pr.p] || gUsed[pr.g] {
				continue
			}
			pUsed[pr.p], gUsed[pr.g] = true, true
			if golds[pr.g].Required {
				c.TP++
			}
		}
		for pi, pe := range p.Entities {
			if pe.Type == t && !matchesAny[pi] {
				c.FP++
				res.FalsePos = append(res.FalsePos, Item{g.Name, string(t), pe.Name})
			}
		}
		for gi, ge := range golds {
			if ge.Type == string(t) && ge.Required && !gUsed[gi] {
				c.FN++
				res.Misses = append(res.Misses, Item{g.Name, string(t), ge.Name})
			}
		}
	}
	// relations
	byName := map[string]gent{}
	for _, ge := range golds {
		if _, ok := byName[ge.Name]; !ok {
			byName[ge.Name] = ge
		}
	}
	goldOf := func(name string) gent {
		if ge, ok := byName[name]; ok {
			return ge
		}
		return gent{GoldEntity{Name: name, Type: Any}, forms(name, nil)}
	}
	ents := map[string]int{}
	for i, e := range p.Entities {
		ents[e.ID] = i
	}
	endpoint := func(id string, ge gent) bool {
		i, ok := ents[id]
		if !ok {
			return false
		}
		t := p.Entities[i].Type
		if ge.Type == string(graph.Measure) {
			t = graph.Measure
		}
		return overlap(t, preds[i], ge.forms) > 0
	}
	isGoldEntity := func(id string) bool {
		i, ok := ents[id]
		if !ok {
			return false
		}
		for _, ge := range golds {
			if ge.Type == Any {
				continue
			}
			t := p.Entities[i].Type
			if ge.Type == string(graph.Measure) {
				t = graph.Measure
			}
			if overlap(t, preds[i], ge.forms) > 0 {
				return true
			}
		}
		return false
	}
	required := map[graph.RelationType]bool{}
	for _, gr := range g.Relations {
		if gr.Required {
			required[gr.Type] = true
		}
	}
	for _, rt := range graph.RelationTypes {
		if !required[rt] {
			continue
		}
		c := &Counts{NoPrecision: !precisionScored[rt]}
		res.Relations[string(rt)] = c
		var grs []GoldRelation
		for _, gr := range g.Relations {
			if gr.Type == rt {
				grs = append(grs, gr)
			}
		}
		// required gold relations first, so each prediction serves one of them
		sort.SliceStable(grs, func(i, j int) bool { return grs[i].Required && !grs[j].Required })
		pUsed := map[int]bool{}
		matched := map[int]bool{} // predictions matching any gold relation
		for _, gr := range grs {
			h, t := goldOf(gr.Head), goldOf(gr.Tail)
			found := false
			for pi, pr := range p.Relations {
				if pr.Type != rt || !endpoint(pr.From, h) || !endpoint(pr.To, t) {
					continue
				}
				matched[pi] = true
				if !found && !pUsed[pi] {
					found = true
					pUsed[pi] = true
				}
			}
			if gr.Required {
				if found {
					c.TP++
				} else {
					c.FN++
					res.Misses = append(res.Misses, Item{g.Name, string(rt), gr.Head + " -> " + gr.Tail})
				}
			}
		}
		if !precisionScored[rt] {
			continue
		}
		for pi, pr := range p.Relations {
			if pr.Type != rt || matched[pi] {
				continue
			}
			if isGoldEntity(pr.From) && isGoldEntity(pr.To) {
				c.FP++
				res.FalsePos = append(res.FalsePos, Item{g.Name, string(rt), p.Entities[ents[pr.From]].Name + " -> " + p.Entities[ents[pr.To]].Name})
			}
		}
	}
	return res
}
