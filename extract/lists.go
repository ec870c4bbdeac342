package extract

import (
	"strings"

	"kg/graph"
)

// list is an enumeration A、B、C等<classifier> inside one clause. Its items
// take the type the classifier implies.
type list struct {
	clause     span
	area       span // from the first item to 等
	class      span // the classifier after 等
	items      []mention
	twins      []mention // carriers named by items that are also fields (精准医学等国家创新中心)
	classifier string    // the words after 等
	kind       graph.EntityType
	domain     bool // the classifier names domains (等领域, 等方向)
	ownClass   bool // the items are the domains of the classifier's platforms (…等专用大科学装置)
}

var (
	fieldClassifiers = []string{"领域", "产业", "行业", "方向", "技术", "学科", "基础理论", "软件", "材料", "装备",
		"业态", "赛道", "前沿", "工艺"}
	platformClassifiers = []string{"实验室", "装置", "设施", "载体", "平台", "园区", "基地", "科学城", "创新中心",
		"示范区", "高新区"}
	notClassifiers = []string{"需求", "资源", "主体", "功能", "机构", "企业", "单位", "要素", "政策", "方面", "措施",
		"环节", "问题", "城市", "地区", "形式", "方式", "活动", "人才", "服务", "工作", "任务", "项目", "产品",
		"合作", "机制", "模式", "手段", "支持", "成果"}
	listLeads = map[string]bool{"突破": true, "融合": true, "发展": true, "覆盖": true, "如": true, "例如": true,
		"涵盖": true, "全链条": true, "攻克": true, "掌握": true, "研发": true, "涉及": true, "重点": true,
		"加速": true, "进行": true}
)

// leadIndex finds the verbs that open a list (突破, 重点突破, 围绕…).
var leadIndex = func() *wordIndex {
	m := map[string]bool{}
	for w := range listLeads {
		m[w] = true
	}
	for w := range actionVerbs {
		if len([]rune(w)) >= 2 {
			m[w] = true
		}
	}
	return newWordIndex(m)
}()

// designations a platform classifier may end with, for composing names
// (智能感知与认知计算、…等一批国家重点实验室).
func designation(classifier string) string {
	c := classifier
	for _, p := range []string{"一批", "多个", "若干", "一些", "重点", "专用", "新的"} {
		c = strings.TrimPrefix(c, p)
	}
	rs := []rune(c)
	for i, r := range rs {
		if !isWordRune(r) || r == '的' {
			rs = rs[:i]
			break
		}
	}
	if len(rs) > 10 {
		rs = rs[:10]
	}
	return string(rs)
}

func classify(classifier string) (graph.EntityType, bool) {
	head := []rune(classifier)
	if len(head) > 12 {
		head = head[:12]
	}
	h := string(head)
	best, bestAt := graph.EntityType(""), len(h)+1
	for _, set := range []struct {
		words []string
		t     graph.EntityType
	}{{notClassifiers, ""}, {platformClassifiers, graph.Platform}, {fieldClassifiers, graph.Field}} {
		for _, w := range set.words {
			if i := strings.Index(h, w); i >= 0 && i < bestAt {
				best, bestAt = set.t, i
			}
		}
	}
	domain := strings.Contains(h, "领域") || strings.Contains(h, "方向")
	if bestAt > len(h) {
		return "", false
	}
	return best, domain
}

// lists finds enumerations in a clause.
func (x *Extractor) lists(runes []rune, c span) []list {
	var commas []int
	depth := 0
	for i := c.start; i < c.end; i++ {
		switch runes[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case '、':
			if depth == 0 {
				commas = append(commas, i)
			}
		}
	}
	if len(commas) == 0 {
		return x.singleDesignation(runes, c)
	}
	// the last segment holds the last item, 等 and the classifier
	last := commas[len(commas)-1] + 1
	deng := -1
	for i := last; i < c.end; i++ {
		if runes[i] == '等' {
			deng = i
			break
		}
		if runes[i] == '，' {
			break
		}
	}
	if deng < 0 {
		return nil
	}
	classEnd := deng + 1
	for classEnd < c.end && classEnd-deng < 16 && runes[classEnd] != '、' {
		classEnd++
	}
	classifier := strings.Trim(string(runes[deng+1:classEnd]), "\"“”")
	kind, domain := classify(classifier)
	if kind == "" {
		return nil
	}
	// item spans
	var spans []span
	prev := c.start
	for _, k := range commas {
		spans = append(spans, span{prev, k})
		prev = k + 1
	}
	spans = append(spans, span{prev, deng})
	// the first item starts after the verb that opens the clause
	first := &spans[0]
	first.start = x.listStart(runes, first.start, first.end)
	l := list{clause: c, area: span{first.start, deng}, class: span{deng + 1, classEnd}, classifier: classifier, kind: kind, domain: domain}
	var raw []span
	for _, s := range spans {
		for s.start < s.end && (runes[s.start] == '"' || runes[s.start] == '“') {
			s.start++
		}
		for s.end > s.start && (runes[s.end-1] == '"' || runes[s.end-1] == '”') {
			s.end--
		}
		for i := s.end - 1; i >= s.start; i-- {
			if runes[i] == '的' {
				s.start = i + 1
				break
			}
		}
		if s.len() < 2 || s.len() > 16 {
			return nil // not a list of names
		}
		if isDigitRune(runes[s.start]) && !(s.start+1 < s.end && isASCIIWord(runes[s.start+1]) && !isDigitRune(runes[s.start+1])) {
			continue // a count (3个…), not a name; 5G is one
		}
		if (s.start > 0 && isDigitRune(runes[s.start-1])) || verbStopIndex.startingAt(runes, s.start, s.end) != nil {
			continue // 8.6代… cut inside a number; 防范化解…: an action, not a name
		}
		raw = append(raw, s)
	}
	if len(raw) == 0 {
		return nil
	}
	// the last item may coordinate two names with 和 or 及
	if s := raw[len(raw)-1]; s.len() >= 7 {
		for i := s.start + 3; i < s.end-3; i++ {
			if runes[i] == '和' || runes[i] == '及' {
				raw = append(raw[:len(raw)-1], span{s.start, i}, span{i + 1, s.end})
				break
			}
		}
	}
	switch kind {
	case graph.Field:
		for _, s := range raw {
			l.items = append(l.items, x.fieldItems(runes, s)...)
		}
	case graph.Platform:
		d := designation(classifier)
		short := 0
		for _, s := range raw {
			if s.len() <= 5 || x.lexType(runes[s.start:s.end]) == graph.Field {
				short++
			}
		}
		asFields := short*2 >= len(raw)
		for _, s := range raw {
			name := string(runes[s.start:s.end])
			switch {
			case x.endsWithSuffix(runes[s.start:s.end]):
				// a name of its own: the suffix rule finds it
			case asFields:
				l.items = append(l.items, x.fieldItems(runes, s)...)
				if h := x.designationHead(d); nationalDesignation(h) {
					// 川藏铁路、精准医学等国家创新中心: short domain items, but a
					// national designation names one carrier per item
					l.twins = append(l.twins, mention{span: s, typ: graph.Platform, name: name + h, canon: name + h, rule: "compose"})
				}
			case d != "" && (x.lex.lookup(graph.Platform, d) != nil || x.endsWithSuffix([]rune(d))):
				l.items = append(l.items, mention{span: s, typ: graph.Platform, name: name + d, canon: name + d, rule: "compose"})
			}
		}
		if asFields {
			l.kind = graph.Field
			l.domain = true
			l.ownClass = true
		}
	}
	return []list{l}
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

// singleDesignation finds one name before 等 and a national designation at
// the start of a clause (矢量光场等国家大科学装置加快建设): the name is a carrier
// of that designation. Only a bare word opening the clause qualifies, so that
// a verb phrase before 等 is not taken for a name.
func (x *Extractor) singleDesignation(runes []rune, c span) []list {
	deng := -1
	for i := c.start + 2; i < c.end && i-c.start <= 8; i++ {
		if runes[i] == '等' {
			deng = i
			break
		}
		if !isWordRune(runes[i]) || isDigitRune(runes[i]) {
			return nil
		}
	}
	if deng < 0 {
		return nil
	}
	item := span{c.start, deng}
	if verbStopIndex.startingAt(runes, item.start, item.end) != nil || leadIndex.startingAt(runes, item.start, item.end) != nil ||
		x.lexType(runes[item.start:item.end]) != "" || x.endsWithSuffix(runes[item.start:item.end]) {
		return nil
	}
	classEnd := min(c.end, deng+1+16)
	h := x.designationHead(designation(string(runes[deng+1 : classEnd])))
	if !nationalDesignation(h) {
		return nil
	}
	name := string(runes[item.start:item.end]) + h
	l := list{clause: c, area: item, class: span{deng + 1, deng + 1 + len([]rune(h))}, classifier: h, kind: graph.Platform}
	l.items = []mention{{span: item, typ: graph.Platform, name: name, canon: name, rule: "compose"}}
	return []list{l}
}

// designationHead returns the longest start of d that is a platform of the
// lexicon or ends with a platform suffix (国家创新中心产出… -> 国家创新中心);
// "" if none.
func (x *Extractor) designationHead(d string) string {
	rs := []rune(d)
	for n := len(rs); n >= 3; n-- {
		if x.lex.lookup(graph.Platform, string(rs[:n])) != nil || x.endsWithSuffix(rs[:n]) {
			return string(rs[:n])
		}
	}
	return ""
}

// nationalDesignation reports whether a platform classifier is a national or
// provincial designation (国家创新中心, 省重点实验室) rather than a kind of
// facility (专用大科学装置): each item of its list is a carrier of its own.
func nationalDesignation(d string) bool {
	for _, p := range []string{"国家", "全国", "省级", "省"} {
		if strings.HasPrefix(d, p) && len([]rune(d)) > len([]rune(p))+1 {
			return true
		}
	}
	return false
}

// listStart returns where the first item of a list starts: after the verbs
// that open the clause (重点突破云计算 -> 云计算).
func (x *Extractor) listStart(runes []rune, start, end int) int {
	i := end
	for i > start {
		stop := stopIndex.endingAt(runes, start, i) != nil || leadIndex.endingAt(runes, start, i) != nil
		if stop && i < end {
			break
		}
		if !(isWordRune(runes[i-1]) || runes[i-1] == ')' || runes[i-1] == '(') {
			break
		}
		i--
	}
	return i
}

// fieldItems turns one list item into field mentions. An item that starts
// with a known field and goes on (人形机器人热插拔自主换电) is two fields.
func (x *Extractor) fieldItems(runes []rune, s span) []mention {
	item := runes[s.start:s.end]
	if t := x.lexType(item); t != "" {
		return nil // the lexicon matcher has it, with its own type
	}
	ms := x.lex.Match(item)
	if len(ms) > 0 && ms[len(ms)-1].end == len(item) && ms[len(ms)-1].item.typ == graph.Field && emergingLead(string(item[:ms[len(ms)-1].start])) {
		return nil // 前沿新兴氢能: the lexicon's 氢能 with generic modifiers
	}
	if len(ms) > 0 && ms[0].start == 0 && ms[0].item.typ == graph.Field && len(item)-ms[0].end >= 3 {
		rest := string(item[ms[0].end:])
		if !strings.ContainsRune("与和及", item[ms[0].end]) && !strings.HasPrefix(rest, "产业") && !strings.HasPrefix(rest, "技术") && !strings.HasPrefix(rest, "领域") {
			cut := s.start + ms[0].end
			return []mention{{span: span{cut, s.end}, typ: graph.Field, name: rest, canon: rest, rule: "list"}}
		}
	}
	name := string(item)
	return []mention{{span: s, typ: graph.Field, name: name, canon: name, rule: "list"}}
}

// emergingLead reports whether s only says that a field is new (前沿新兴氢能).
func emergingLead(s string) bool {
	for _, p := range []string{"前沿", "新兴", "未来"} {
		s = strings.TrimPrefix(s, p)
	}
	return s == ""
}

// lexType returns the type of the lexicon entry that is exactly rs, "" if none.
func (x *Extractor) lexType(rs []rune) graph.EntityType {
	ms := x.lex.Match(rs)
	if len(ms) == 1 && ms[0].start == 0 && ms[0].end == len(rs) {
		return ms[0].item.typ
	}
	return ""
}

func (x *Extractor) endsWithSuffix(rs []rune) bool {
	for _, n := range suffixLens {
		if len(rs) > n {
			if t, ok := suffixes[string(rs[len(rs)-n:])]; ok && n >= 2 && t != "" && string(rs[len(rs)-n:]) != "中心" {
				return true
			}
		}
	}
	return false
}
