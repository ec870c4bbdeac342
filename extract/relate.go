package extract

import (
	"sort"
	"strings"
	"unicode/utf8"

	"kg/graph"
)

// reliesCues are what 以X为 names X as (以怀柔科学城为集中承载地).
var reliesCues = []string{"主要平台", "平台", "集中承载地", "承载地", "载体", "依托", "支撑", "核心", "主体", "龙头", "重点", "主阵地"}

var (
	reliesCueIndex = phraseIndex(reliesCues)
	yituo          = []rune("依托")
)

// relate derives the typed relations and CO_OCCURS.
func (st *doc) relate() {
	mEnt := st.measureEntities()
	st.coOccurs()
	st.locatedIn()
	st.focusesOn()
	st.reliesOn(mEnt)
	st.involves(mEnt)
	for i, m := range st.ms {
		if m.parent >= 0 {
			st.link(mEnt[i], mEnt[m.parent], graph.PartOf, st.evidence(m.span, ruleName(partOfRules, "part_of:", m.rule)))
		}
	}
}

// The evidence rules of measures' relations, built once rather than per
// relation: involves:item, part_of:clause.
var (
	involvesRules = prefixRules("involves:")
	partOfRules   = prefixRules("part_of:")
)

func prefixRules(prefix string) map[string]string {
	m := map[string]string{}
	for _, r := range []string{"headline", "item", "clause", "heading"} {
		m[r] = prefix + r
	}
	return m
}

// ruleName returns prefix+rule, from names when it holds rule.
func ruleName(names map[string]string, prefix, rule string) string {
	if s, ok := names[rule]; ok {
		return s
	}
	return prefix + rule
}

// measureEntities adds one entity per measure and returns their indexes.
func (st *doc) measureEntities() []int {
	out := make([]int, len(st.ms))
	for i, m := range st.ms {
		g := st.entityFor(graph.Measure, m.name, false)
		a, b := st.t.Span(m.start, m.end)
		st.ents[g].spans = append(st.ents[g].spans, graph.Span{Start: a, End: b})
		out[i] = g
	}
	return out
}

func (st *doc) isNamed(i int) bool {
	m := &st.ments[i]
	return m.typ == graph.Platform || m.typ == graph.Institution || m.typ == graph.Field
}

// involvable reports whether a mention can be what a measure involves:
// platforms, fields, institutions and named regions (长江经济带), not the
// one-character place aliases of locative cues (在渝).
func (st *doc) involvable(i int) bool {
	m := &st.ments[i]
	return st.isNamed(i) || (m.typ == graph.Region && m.len() > 1)
}

// coOccurs joins the entities named in one sentence, measures aside.
func (st *doc) coOccurs() {
	const maxPerSentence = 16 // bounds the pairs (120) of a long enumeration
	i := 0
	for k, s := range st.sents {
		var groups []int
		seen := map[int]bool{}
		for i < len(st.ments) && st.ments[i].start < s.end {
			if st.ments[i].start >= s.start && !seen[st.group[i]] && len(groups) < maxPerSentence {
				seen[st.group[i]] = true
				groups = append(groups, st.group[i])
			}
			i++
		}
		if len(groups) < 2 {
			continue
		}
		ev := st.evidence(st.sents[k], "co_occurs:sentence")
		for a := 0; a < len(groups); a++ {
			for b := a + 1; b < len(groups); b++ {
				st.link(groups[a], groups[b], graph.CoOccurs, ev)
			}
		}
	}
}

// regionsIn returns the regions a name contains (重庆大学 -> 重庆), natural
// areas aside.
func (st *doc) regionsIn(name string) []*lexItem {
	var out []*lexItem
	for _, m := range st.x.regions.Match([]rune(name)) {
		if m.item.region != "geo" && m.end-m.start > 1 {
			out = append(out, m.item)
		}
	}
	return out
}

func (st *doc) locatedIn() {
	done := map[int]bool{}
	for i := range st.ments {
		m := &st.ments[i]
		g := st.group[i]
		if m.typ != graph.Platform && m.typ != graph.Institution {
			continue
		}
		if m.place != "" {
			st.link(g, st.entityFor(graph.Region, m.place, true), graph.LocatedIn, st.evidence(m.span, "located_in:shared_head"))
		}
		// a region inside the name, or the document's place for 市委, 市人民政府
		if !done[g] {
			done[g] = true
			e := st.ents[g]
			for _, f := range append([]string{e.name}, e.aliases(st.normalize)...) {
				for _, r := range st.regionsIn(f) {
					st.link(g, st.entityFor(graph.Region, r.name, true), graph.LocatedIn, st.evidence(m.span, "located_in:name"))
				}
			}
			if localBodies[m.name] && st.region != nil && !strings.HasPrefix(m.name, "区") && !strings.HasPrefix(m.name, "县") {
				st.link(g, st.entityFor(graph.Region, st.region.name, true), graph.LocatedIn, st.evidence(m.span, "located_in:own_place"))
			}
		}
	}
	// 在渝国家高新区, 在京国家实验室: a one-character place right before a name;
	// 全国重点实验室在粤布局, …落户广东: a name right before 在X or 落户X
	for i := range st.ments {
		m := &st.ments[i]
		if m.typ != graph.Region {
			continue
		}
		r := st.entityFor(graph.Region, m.canon, true)
		if m.len() == 1 && m.start > 0 && strings.ContainsRune("在来驻", st.runes[m.start-1]) {
			if i+1 < len(st.ments) && st.ments[i+1].start == m.end && st.isNamed(i+1) && st.ments[i+1].typ != graph.Field {
				st.link(st.group[i+1], r, graph.LocatedIn, st.evidence(m.span, "located_in:cue"))
			}
		}
		// 在川布局A、B、C: the carriers a place-locative clause lays out
		if m.start > 0 && st.runes[m.start-1] == '在' {
			if v := locateVerbIndex.startingAt(st.runes, m.end, min(len(st.runes), m.end+4)); v != nil {
				st.locateRest(i, r, m.end+len(v))
			}
		}
		// 成都获批国家数据标注基地, 东莞入选…试点: a place that is granted a carrier
		if v := grantVerbIndex.startingAt(st.runes, m.end, min(len(st.runes), m.end+4)); v != nil && m.item != nil && m.item.region != "geo" && m.item.region != "econ" {
			if i+1 < len(st.ments) && st.ments[i+1].start == m.end+len(v) && st.ments[i+1].typ == graph.Platform && st.isNamed(i+1) {
				st.link(st.group[i+1], r, graph.LocatedIn, st.evidence(span{m.start, st.ments[i+1].end}, "located_in:granted"))
			}
		}
		cue := m.start - 1
		if m.len() > 1 && cue >= 1 && string(st.runes[cue-1:cue+1]) == "落户" {
			cue--
		}
		if cue > 0 && i > 0 {
			p := &st.ments[i-1]
			if p.end == cue && (p.typ == graph.Platform || p.typ == graph.Institution) &&
				(st.runes[cue] == '在' || st.runes[cue] == '落') {
				st.link(st.group[i-1], r, graph.LocatedIn, st.evidence(m.span, "located_in:cue"))
			}
		}
	}
}

// locateVerbs follow 在X when the clause lays carriers out in X.
var locateVerbIndex = newWordIndex(wordSet(`布局 建设 设立 新建 落地 打造 组建`))

// grantVerbs follow a place that is granted or selected for a carrier.
var grantVerbIndex = newWordIndex(wordSet(`获批建设 获批 入选`))

// locateRest links to region r the named platforms and institutions of the
// clause that holds mention i, from rune from on.
func (st *doc) locateRest(i int, r int, from int) {
	end := len(st.runes)
	for k := from; k < len(st.runes); k++ {
		if strings.ContainsRune("，。；：,;:\n", st.runes[k]) {
			end = k
			break
		}
	}
	for k := i + 1; k < len(st.ments) && st.ments[k].start < end; k++ {
		p := &st.ments[k]
		if p.start >= from && (p.typ == graph.Platform || p.typ == graph.Institution) && st.isNamed(k) {
			st.link(st.group[k], r, graph.LocatedIn, st.evidence(span{st.ments[i].start, p.end}, "located_in:cue"))
		}
	}
}

func (st *doc) focusesOn() {
	// a field inside the name: 国家智能网联汽车创新中心 -> 智能网联汽车
	done := map[int]bool{}
	for i := range st.ments {
		m := &st.ments[i]
		g := st.group[i]
		if (m.typ != graph.Platform && m.typ != graph.Institution) || m.class() || done[g] {
			continue
		}
		done[g] = true
		name := []rune(st.ents[g].name)
		for _, f := range st.x.fields.Match(name) {
			if f.end-f.start < len(name) && st.fieldNamed(f.item.name) {
				st.link(g, st.entityFor(graph.Field, f.item.name, true), graph.FocusesOn, st.evidence(m.span, "focuses_on:name"))
			}
		}
	}
	// A、B等领域 … P: the first platform after a list of domains, same sentence
	for _, l := range st.lists {
		if l.kind != graph.Field || !l.domain {
			continue
		}
		first, last := l.area.start, l.area.end
		k := st.sentenceOf(first)
		if k < 0 {
			continue
		}
		sent := st.sents[k]
		var fields []int
		target := -1
		lo, hi := st.within(span{first, sent.end})
		for i := lo; i < hi; i++ {
			m := &st.ments[i]
			if m.start >= first && m.end <= last+1 && m.typ == graph.Field {
				fields = append(fields, st.group[i])
			}
			if target < 0 && m.start >= last && m.end <= sent.end && m.start-last <= 40 && m.typ == graph.Platform {
				// a platform classifier's items are the domains of the platforms
				// it names itself, not of a platform further on
				if !l.ownClass || (m.start < l.class.end && m.end > l.class.start) {
					target = i
				}
			}
		}
		if target < 0 {
			continue
		}
		for _, f := range fields {
			st.link(st.group[target], f, graph.FocusesOn, st.evidence(span{first, st.ments[target].end}, "focuses_on:domain_list"))
		}
	}
	// 绿色低碳领域重庆实验室: a field, 领域, and the named platform right
	// after it. A class there may be the start of a longer name (大数据智能化
	// 领域大科学装置培育群), so classes are left to the list rules.
	for i := 0; i+1 < len(st.ments); i++ {
		f, p := &st.ments[i], &st.ments[i+1]
		if f.typ != graph.Field || p.typ != graph.Platform || p.class() || f.end+2 != p.start || string(st.runes[f.end:p.start]) != "领域" {
			continue
		}
		st.link(st.group[i+1], st.group[i], graph.FocusesOn, st.evidence(span{f.start, p.end}, "focuses_on:domain"))
	}
	// 推进张江国家自主创新示范区建设成为高新技术产业…集聚发展的示范区域: what a
	// platform is to become names its fields
	for i := range st.ments {
		p := &st.ments[i]
		if p.typ != graph.Platform {
			continue
		}
		at := p.end
		for _, w := range []string{"建设成为", "打造成为", "建成为", "成为"} {
			if strings.HasPrefix(string(st.runes[at:min(len(st.runes), at+4)]), w) {
				at += utf8.RuneCountInString(w)
				break
			}
		}
		if at == p.end {
			continue
		}
		end := at
		for end < len(st.runes) && !strings.ContainsRune("，。；：,;:\n", st.runes[end]) {
			end++
		}
		for k := i + 1; k < len(st.ments) && st.ments[k].start < end; k++ {
			f := &st.ments[k]
			if f.typ == graph.Platform {
				break // …成为…的P: the fields are the later platform's
			}
			if f.typ == graph.Field && f.start >= at {
				st.link(st.group[i], st.group[k], graph.FocusesOn, st.evidence(span{p.start, f.end}, "focuses_on:becomes"))
			}
		}
	}
	// a platform that opens a clause or sentence and the fields it goes on to name
	for _, p := range st.paras {
		for _, s := range p.sents {
			for ci, c := range s.clauses {
				scope := c.span
				if ci == 0 {
					scope = s.span
				}
				start := c.start + c.marker
				subj, _ := st.within(span{start, start + 1})
				if subj >= len(st.ments) || st.ments[subj].start != start || st.ments[subj].typ != graph.Platform {
					continue
				}
				lo, hi := st.within(scope)
				for i := lo; i < hi; i++ {
					m := &st.ments[i]
					if m.typ == graph.Field && scope.contains(m.span) && !st.otherPlatformInClause(s, m.start, subj) {
						st.link(st.group[subj], st.group[i], graph.FocusesOn, st.evidence(scope, "focuses_on:subject"))
					}
				}
			}
		}
	}
}

// within returns the range of mentions (sorted by start) that start inside s.
func (st *doc) within(s span) (lo, hi int) {
	lo = sort.Search(len(st.ments), func(i int) bool { return st.ments[i].start >= s.start })
	hi = sort.Search(len(st.ments), func(i int) bool { return st.ments[i].start >= s.end })
	return lo, hi
}

// otherPlatformInClause reports whether the clause of s holding rune i
// names a platform other than the subject: its fields are that platform's.
func (st *doc) otherPlatformInClause(s sentence, i, subj int) bool {
	for _, c := range s.clauses {
		if c.start <= i && i < c.end {
			lo, hi := st.within(c.span)
			for k := lo; k < hi; k++ {
				if k != subj && st.ments[k].typ == graph.Platform && st.group[k] != st.group[subj] {
					return true
				}
			}
		}
	}
	return false
}

// fieldNamed reports whether the document names a field on its own, as a
// field or inside one (新能源及智能网联汽车 names 智能网联汽车): a field seen
// only inside a platform's name is no evidence of the platform's focus.
func (st *doc) fieldNamed(name string) bool {
	if st.fieldNames == nil {
		st.fieldNames = map[string]bool{}
		for i := range st.ments {
			if st.ments[i].typ == graph.Field {
				st.fieldNames[st.ments[i].name] = true
				st.fieldNames[st.ments[i].canon] = true
			}
		}
	}
	if st.fieldNames[name] {
		return true
	}
	for n := range st.fieldNames {
		if strings.Contains(n, name) {
			return true
		}
	}
	return false
}

// ownerOf returns the measure whose scope holds rune i most narrowly, -1 if
// none.
func (st *doc) ownerOf(i int) int {
	best, bestLen := -1, 1<<30
	for k, m := range st.ms {
		for _, s := range m.scope {
			if s.start <= i && i < s.end && s.len() < bestLen {
				best, bestLen = k, s.len()
			}
		}
	}
	return best
}

func (st *doc) reliesOn(mEnt []int) {
	for _, p := range st.paras {
		for _, s := range p.sents {
			for _, c := range s.clauses {
				txt := st.runes[c.start:c.end]
				// 依托 X、Y 等 … P
				if at := indexRunes(txt, yituo); at >= 0 {
					from := c.start + at + 2
					var tails []int
					lo, hi := st.within(span{from, c.end})
					for i := lo; i < hi; i++ {
						m := &st.ments[i]
						if m.end <= c.end && (m.typ == graph.Platform || m.typ == graph.Institution) && !m.class() {
							tails = append(tails, st.group[i])
						}
					}
					if len(tails) == 0 {
						continue
					}
					head := -1
					lo, hi = st.within(span{c.end, s.end})
					for i := lo; i < hi; i++ {
						m := &st.ments[i]
						if m.end <= s.end && m.typ == graph.Platform {
							head = st.group[i]
							break
						}
					}
					if head < 0 {
						if k := st.ownerOf(c.start); k >= 0 {
							head = mEnt[k]
						}
					}
					for _, t := range tails {
						st.link(head, t, graph.ReliesOn, st.evidence(c.span, "relies_on:yituo"))
					}
				}
				// 以 X 为主要平台 / 集中承载地
				yi := indexRune(txt, '以')
				wei := lastIndexRune(txt, '为')
				if yi < 0 || wei < yi {
					continue
				}
				if reliesCueIndex.startingAt(txt, wei+1, len(txt)) == nil {
					continue
				}
				a := c.start + yi
				b := c.start + wei
				var tails []int
				var heads []int
				lo, hi := st.within(s.span)
				for i := lo; i < hi; i++ {
					m := &st.ments[i]
					if m.typ != graph.Platform && m.typ != graph.Institution {
						continue
					}
					switch {
					case m.start > a && m.end <= b:
						tails = append(tails, st.group[i])
					case m.end <= a && m.start >= s.start && m.typ == graph.Platform:
						heads = append(heads, st.group[i])
					case m.start >= b && m.end <= c.end && m.typ == graph.Platform:
						heads = append(heads, st.group[i])
					}
				}
				for k, m := range st.ms {
					if m.start < c.end && c.start < m.end {
						heads = append(heads, mEnt[k])
					}
				}
				for _, h := range heads {
					for _, t := range tails {
						st.link(h, t, graph.ReliesOn, st.evidence(c.span, "relies_on:yi_wei"))
					}
				}
			}
		}
	}
}

func (st *doc) involves(mEnt []int) {
	owned := make([]bool, len(st.ments))
	for k, ms := range st.ms {
		for _, s := range ms.scope {
			lo, hi := st.within(s)
			for i := lo; i < hi; i++ {
				m := &st.ments[i]
				if st.involvable(i) && s.contains(m.span) {
					st.link(mEnt[k], st.group[i], graph.Involves, st.evidence(m.span, ruleName(involvesRules, "involves:", ms.rule)))
					owned[i] = true
				}
			}
		}
	}
	for i := range st.ments {
		m := &st.ments[i]
		if !owned[i] && st.involvable(i) {
			if p := st.paragraphOf(m.start); p >= 0 && st.owner[p] >= 0 {
				st.link(mEnt[st.owner[p]], st.group[i], graph.Involves, st.evidence(m.span, "involves:heading"))
			}
		}
	}
}
