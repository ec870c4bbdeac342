package dgraphstore

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"kg/graph"
)

// resEntity is one document's share of an entity after resolution through
// the curation records: all of the document's entity contributions that
// landed on the entity, combined.
type resEntity struct {
	ID       string              `json:"id"`
	Type     graph.EntityType    `json:"type"`
	Names    []string            `json:"names"`
	Aliases  []string            `json:"aliases,omitempty"`
	Attrs    map[string][]string `json:"attrs,omitempty"`
	Mentions int64               `json:"mentions"`
	Spans    []graph.Span        `json:"-"`
}

// resRelation is one document's share of a relation after resolution.
type resRelation struct {
	Key      graph.RelationKey `json:"key"`
	Weight   int64             `json:"weight"` // micro-units, see relAgg
	Evidence []graph.Evidence  `json:"-"`
}

// resolution is what a document contributed, as resolved at Apply time: the
// record that Apply and Delete retract. Spans and evidence live in their own
// nodes and are not repeated here.
type resolution struct {
	Date      string        `json:"date,omitempty"`
	Entities  []resEntity   `json:"entities"`
	Relations []resRelation `json:"relations"`
}

// entAgg is what an entity node keeps about its documents: sums and counts
// from which every derived field follows, so that adding and retracting
// documents in any order gives the same entity.
type entAgg struct {
	Mentions int64                       `json:"m"`
	Docs     int64                       `json:"d"`
	Names    map[string]int64            `json:"n,omitempty"`
	Aliases  map[string]int64            `json:"a,omitempty"`
	Attrs    map[string]map[string]int64 `json:"t,omitempty"`
	Dates    map[string]int64            `json:"dt,omitempty"`
}

// relAgg is what a relation node keeps about its documents.
// Weights are kept in micro-units (weight*1e6, rounded): sums of integers
// are exact and independent of the order documents were added and removed
// in, which float sums are not.
type relAgg struct {
	Weight int64            `json:"w"`
	Docs   int64            `json:"d"`
	Dates  map[string]int64 `json:"dt,omitempty"`
}

func decodeEntAgg(s string) (entAgg, error) {
	var a entAgg
	if s == "" {
		return a, nil
	}
	err := json.Unmarshal([]byte(s), &a)
	return a, err
}

func decodeRelAgg(s string) (relAgg, error) {
	var a relAgg
	if s == "" {
		return a, nil
	}
	err := json.Unmarshal([]byte(s), &a)
	return a, err
}

func bump(m *map[string]int64, k string, d int64) {
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[k] += d
	if (*m)[k] <= 0 {
		delete(*m, k)
	}
}

// add adds (sign 1) or retracts (sign -1) one document's share.
func (a *entAgg) add(e *resEntity, date string, sign int64) {
	a.Mentions += sign * e.Mentions
	a.Docs += sign
	for _, n := range e.Names {
		bump(&a.Names, n, sign)
	}
	for _, al := range e.Aliases {
		bump(&a.Aliases, al, sign)
	}
	for k, vs := range e.Attrs {
		for _, v := range vs {
			if a.Attrs == nil {
				a.Attrs = map[string]map[string]int64{}
			}
			m := a.Attrs[k]
			bump(&m, v, sign)
			if len(m) == 0 {
				delete(a.Attrs, k)
			} else {
				a.Attrs[k] = m
			}
		}
	}
	if date != "" {
		bump(&a.Dates, date, sign)
	}
}

func (a *relAgg) add(r *resRelation, date string, sign int64) {
	a.Weight += sign * r.Weight
	a.Docs += sign
	if date != "" {
		bump(&a.Dates, date, sign)
	}
}

const weightScale = 1e6

func toMicro(w float64) int64   { return int64(math.Round(w * weightScale)) }
func fromMicro(w int64) float64 { return float64(w) / weightScale }

// mostCommon returns the key with the largest count; ties go to the smallest
// key, so the choice does not depend on history.
func mostCommon(m map[string]int64) string {
	best, bestN := "", int64(-1)
	for k, n := range m {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

func dateRange(m map[string]int64) (first, last string) {
	for d := range m {
		if first == "" || d < first {
			first = d
		}
		if d > last {
			last = d
		}
	}
	return first, last
}

// materialised is the derived part of an entity node.
type materialised struct {
	Name    string
	Aliases []string
	Attrs   map[string]string
	First   string
	Last    string
	Norm    string
	Keys    []string
	Grams   []string
}

// materialise derives an entity's fields from its aggregate and its curated
// aliases: the most common canonical name; every other name, contributed
// alias and curated alias as aliases; the most common value of each
// attribute; the date range.
func (a *entAgg) materialise(curated []string) materialised {
	var m materialised
	switch {
	case len(a.Names) > 0:
		m.Name = mostCommon(a.Names)
	case len(a.Aliases) > 0:
		// Only redirected contributions support the entity.
		m.Name = mostCommon(a.Aliases)
	case len(curated) > 0:
		m.Name = slices.Min(curated)
	}
	seen := map[string]bool{m.Name: true}
	addAlias := func(s string) {
		if s == "" || seen[s] {
			return
		}
		seen[s] = true
		m.Aliases = append(m.Aliases, s)
	}
	for n := range a.Names {
		addAlias(n)
	}
	for n := range a.Aliases {
		addAlias(n)
	}
	for _, n := range curated {
		addAlias(n)
	}
	sort.Strings(m.Aliases)
	if len(a.Attrs) > 0 {
		m.Attrs = make(map[string]string, len(a.Attrs))
		for k, vs := range a.Attrs {
			m.Attrs[k] = mostCommon(vs)
		}
	}
	m.First, m.Last = dateRange(a.Dates)
	m.Norm = graph.Normalize(m.Name)
	keys := map[string]bool{m.Norm: true}
	for _, al := range m.Aliases {
		if n := graph.Normalize(al); n != "" {
			keys[n] = true
		}
	}
	m.Keys = sortedKeys(keys)
	m.Grams = grams(m.Keys)
	return m
}

// grams returns the distinct one- and two-character substrings of keys: the
// index for substring searches too short for a trigram index.
func grams(keys []string) []string {
	set := map[string]bool{}
	for _, k := range keys {
		rs := []rune(k)
		for i := range rs {
			set[string(rs[i])] = true
			if i+1 < len(rs) {
				set[string(rs[i:i+2])] = true
			}
		}
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resolver maps a contribution's entities onto stored entities through the
// curation records.
type resolver struct {
	merged  map[string]string // entity ID -> the entity it was merged into
	aliases map[string]string // aliasKey(type, norm) -> entity ID
}

func aliasKey(t graph.EntityType, norm string) string { return string(t) + "\x01" + norm }

// resolve returns the entity a contributed (type, name) lands on: a curated
// alias first, then the merge records. Merge rewrites older records that
// point at the entities it folds, so one merge hop is all there is.
func (r *resolver) resolve(t graph.EntityType, name string) string {
	id := graph.EntityID(t, name)
	if to, ok := r.aliases[aliasKey(t, graph.Normalize(name))]; ok {
		id = to
	}
	if into, ok := r.merged[id]; ok {
		return into
	}
	return id
}

// resolve combines a validated contribution into one share per entity and
// per relation, after mapping entities through r. Relations that become
// self-loops through a merge are dropped.
func resolve(c *graph.Contribution, r *resolver) resolution {
	res := resolution{Date: c.Doc.Date}
	byID := map[string]int{}
	idOf := map[string]string{} // contributed entity ID -> resolved ID
	for i := range c.Entities {
		ec := &c.Entities[i]
		id := r.resolve(ec.Type, ec.Name)
		idOf[ec.ID()] = id
		j, ok := byID[id]
		if !ok {
			j = len(res.Entities)
			byID[id] = j
			res.Entities = append(res.Entities, resEntity{ID: id, Type: ec.Type})
		}
		e := &res.Entities[j]
		if id == ec.ID() {
			e.Names = append(e.Names, ec.Name)
		} else {
			// A name redirected by curation is an alias of where it landed.
			e.Aliases = append(e.Aliases, ec.Name)
		}
		e.Aliases = append(e.Aliases, ec.Aliases...)
		for k, v := range ec.Attrs {
			if e.Attrs == nil {
				e.Attrs = map[string][]string{}
			}
			e.Attrs[k] = append(e.Attrs[k], v)
		}
		e.Mentions += int64(len(ec.Spans))
		e.Spans = append(e.Spans, ec.Spans...)
	}
	for i := range res.Entities {
		e := &res.Entities[i]
		e.Names = dedupSorted(e.Names)
		e.Aliases = dedupSorted(e.Aliases)
		for k, vs := range e.Attrs {
			e.Attrs[k] = dedupSorted(vs)
		}
		sort.Slice(e.Spans, func(a, b int) bool {
			if e.Spans[a].Start != e.Spans[b].Start {
				return e.Spans[a].Start < e.Spans[b].Start
			}
			return e.Spans[a].End < e.Spans[b].End
		})
	}
	sort.Slice(res.Entities, func(a, b int) bool { return res.Entities[a].ID < res.Entities[b].ID })

	byKey := map[graph.RelationKey]int{}
	for i := range c.Relations {
		rc := &c.Relations[i]
		k := graph.RelationKey{From: idOf[rc.From], Type: rc.Type, To: idOf[rc.To]}.Canonical()
		if k.From == k.To {
			continue
		}
		j, ok := byKey[k]
		if !ok {
			j = len(res.Relations)
			byKey[k] = j
			res.Relations = append(res.Relations, resRelation{Key: k})
		}
		rr := &res.Relations[j]
		rr.Weight += toMicro(rc.Weight)
		for _, ev := range rc.Evidence {
			ev.Doc = c.Doc.ID
			rr.Evidence = append(rr.Evidence, ev)
		}
	}
	for i := range res.Relations {
		sortEvidence(res.Relations[i].Evidence)
	}
	sort.Slice(res.Relations, func(a, b int) bool {
		return relSortKey(res.Relations[a].Key) < relSortKey(res.Relations[b].Key)
	})
	return res
}

// dedupSorted keeps one of each string, sorted. A name may be given with
// differing surface forms within one document; each counts once per
// document.
func dedupSorted(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	sort.Strings(ss)
	out := ss[:1]
	for _, s := range ss[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}

// sortEvidence orders one document's evidence by offset, rule, sentence.
func sortEvidence(ev []graph.Evidence) {
	sort.SliceStable(ev, func(a, b int) bool {
		x, y := &ev[a], &ev[b]
		if x.Start != y.Start {
			return x.Start < y.Start
		}
		if x.End != y.End {
			return x.End < y.End
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Sentence < y.Sentence
	})
}

// facetDate encodes a date for a facet. Dgraph parses date-like string facets
// as datetimes; the prefix keeps them strings.
func facetDate(d string) string {
	if d == "" {
		return ""
	}
	return "d" + d
}

func unfacetDate(s string) string { return strings.TrimPrefix(s, "d") }

// validName reports whether an alias is worth storing.
func validName(s string) bool { return utf8.ValidString(s) && graph.Normalize(s) != "" }
