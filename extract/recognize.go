package extract

import (
	"sort"
	"strings"
	"unicode/utf8"

	"kg/graph"
)

// mention is one recognised entity occurrence in the repaired text.
type mention struct {
	span
	typ   graph.EntityType
	name  string   // surface form: the repaired text under the span, or a composed name
	canon string   // canonical name: the lexicon's, else name
	item  *lexItem // the lexicon entry, nil for rule-found names
	rule  string   // lexicon, suffix, list, compose
	place string   // for composed names: the region their shared head names (…3个重庆实验室)
}

// class reports whether the mention names a designation rather than one
// particular carrier (国家重点实验室 as a class).
func (m *mention) class() bool { return m.item != nil && m.item.class }

// suffixes are the heads that end platform and institution names. Longer
// suffixes are tried first.
var suffixes = map[string]graph.EntityType{
	"科学城": graph.Platform, "创新区": graph.Platform, "科技园": graph.Platform, "科创园": graph.Platform,
	"产业园": graph.Platform, "软件园": graph.Platform, "创新港": graph.Platform, "科学中心": graph.Platform,
	"实验室": graph.Platform, "创新中心": graph.Platform, "技术中心": graph.Platform, "转化中心": graph.Platform,
	"超算中心": graph.Platform, "计算中心": graph.Platform, "数据中心集群": graph.Platform, "高新区": graph.Platform,
	"示范区": graph.Platform, "试验区": graph.Platform, "先导区": graph.Platform, "实验站": graph.Platform,
	"加速器": graph.Platform, "装置": graph.Platform, "基地": graph.Platform, "中试平台": graph.Platform,
	"孵化器": graph.Platform, "众创空间": graph.Platform, "大科学设施": graph.Platform, "中子源": graph.Platform,
	"自贸区": graph.Platform, "开发区": graph.Platform, "中心": graph.Platform,
	"技术转移中心": graph.Platform, "观测站": graph.Platform, "生物城": graph.Platform, "科技城": graph.Platform,
	"医学城": graph.Platform, "创新综合体": graph.Platform, "中试研发平台": graph.Platform,
	"大学": graph.Institution, "学院": graph.Institution, "研究院": graph.Institution, "研究所": graph.Institution,
	"科学院": graph.Institution, "工程院": graph.Institution, "研究中心": graph.Institution, "促进中心": graph.Institution,
	"日报": graph.Institution, "报社": graph.Institution, "人民政府": graph.Institution, "市委": graph.Institution,
	"省委": graph.Institution, "委员会": graph.Institution, "协会": graph.Institution, "学会": graph.Institution,
	"集团": graph.Institution, "分中心": graph.Institution, "分院": graph.Institution,
	"政府": graph.Institution, "人大常委会": graph.Institution, "人民代表大会": graph.Institution,
}

// suffixIndex finds suffixes without building strings.
var suffixIndex = func() *wordIndex {
	m := map[string]bool{}
	for s := range suffixes {
		m[s] = true
	}
	return newWordIndex(m)
}()

// suffixLens lists the suffix lengths in runes, longest first.
var suffixLens = func() []int {
	seen := map[int]bool{}
	var out []int
	for s := range suffixes {
		n := utf8.RuneCountInString(s)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}()

// stopWords end the left-hand scan for a name: verbs and function words
// that precede names in policy writing (建设…实验室, 依托…大学).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`建设 创建 打造 推进 加快 支持 依托 布局 争取 建成 成立 组建 设立 引进 培育 发挥 用好
		推动 围绕 聚焦 鼓励 引导 加强 深化 完善 提升 落户 挂牌 入选 获批 认定 实施 开展 构建 形成 优化 强化
		保障 集聚 吸引 共建 建立 健全 做强 做大 做优 做多 争创 申报 谋划 积极 大力 优先 进一步 全面
		加速 抢先 依法 转建 培养 创办 举办 筹建 新建 建好 办好 推荐 整合 支撑 对接 携手
		和 或 、 等 的 在 以 为 是 了 将 对 把 被 于 及其 以及 作者系 我市 本市 全市 全省 我省 本省
		各类 一批 一个 多个 若干 更多 首个 首家 个 批 通过 会同 应当 可以 负责 牵头 参与 包括 推广
		申建 申请 投入 报告 进行 提请 做好 办好 用好 建好 以上 以下 完成 运行 赋予 影响 抢占 开辟 文件 号 领域 统筹 协调 探索 增强 拓展 营造 夯实 激发 壮大 融入 引育 招引 落实 会议 会议上 明确 根据 实现 编制 研究论证 论证 加大 完善 设立 来渝 主阵地 标杆 做实 抓紧 面向 瞄准 着力 高水平 高标准 高质量 主要 有关 相关 部门 成为 作为 属于`) {
		m[w] = true
	}
	return m
}()

var stopIndex = newWordIndex(stopWords)

// nameVerbs are verbs that names hold (集成电路…, 生产力促进中心, 技术转移中心);
// every other action verb of two runes or more ends the scan for a name.
var nameVerbs = wordSet(`集成 发展 开放 共建 合作 创新 示范 引领 协同 转化 促进 规划 服务 保障 支撑 统筹 孵化 研发
	设计 制造 检测 认证 培训 交易 转移 应用 推广 创业 融合 提质 先导`)

// leadVerbIndex finds the name-holding verbs that cannot open a name.
var leadVerbIndex = newWordIndex(wordSet(`促进 发展 推广 支撑 保障 统筹 服务 引领 协同 开放 共建 合作 融合 提质 规划 推动 加快`))

var verbStopIndex = func() *wordIndex {
	m := map[string]bool{}
	for w := range actionVerbs {
		if len([]rune(w)) >= 2 && !nameVerbs[w] {
			m[w] = true
		}
	}
	return newWordIndex(m)
}()

// genericParts are the words a name's modifier may consist of and still
// name no particular thing (高水平实验室, 重点实验室, 国家级研发中心).
var genericParts = strings.Fields(`国家级 国家 省级 市级 区级 县级 全国 重点 高水平 多层次 一流 各类 新型 专业 相关 重大 产业
	创新 技术 科技 工程 研发 公共 服务 综合 国际 高端 区域 特色 功能 主要 现代 高校 企业 大型 中小 专用 示范 平台 共性
	联合 开放 协同 省 市 区 县 重要 优秀 世界 全球 前沿 基础 先进 应用 科学 研究 试验 实验 创业 孵化 中试 概念 验证 数字
	智能 智慧 场景 转化 成果 行业 领域 关键 核心 园区 中心 一批 一个 更多 多个 新 首个 首家 高新 高新技术 型 研究型 好 相邻 周边 附近
	合作 交流 共享 管理 运营 政务 网络 数据 信息 人才 地方 部门 机构 单位 组织 所属 下属 直属 本 该 其 有关 高 原始 策源`)

// genericIndex finds the generic words of up to four runes, longest first.
var genericIndex = func() *wordIndex {
	m := map[string]bool{}
	for _, g := range genericParts {
		if utf8.RuneCountInString(g) <= 4 {
			m[g] = true
		}
	}
	return newWordIndex(m)
}()

// isGenericRunes reports whether mod is nothing but generic words, stripped
// greedily longest first from its start.
func isGenericRunes(mod []rune) bool {
	for i := 0; i < len(mod); {
		w := genericIndex.startingAt(mod, i, len(mod))
		if w == nil {
			return false
		}
		i += len(w)
	}
	return true
}

// localBodies are bodies named by their rank alone (市人民政府 in a city's
// regulation): they belong to the document's own place.
var localBodies = map[string]bool{
	"市人民政府": true, "省人民政府": true, "区人民政府": true, "县人民政府": true, "市政府": true, "省政府": true,
	"市委": true, "省委": true, "区政府": true, "县政府": true, "市人大": true, "省人大": true, "市人大常委会": true,
	"省人大常委会": true,
}

// maxNameLen bounds rule-found names, in runes.
const maxNameLen = 30

// suffixNames finds platform and institution names by their heads: for each
// suffix occurrence, the name runs left to the nearest punctuation, stop
// word or conjunction after another name.
func (x *Extractor) suffixNames(runes []rune, clauses []span) []mention {
	var out []mention
	for _, c := range clauses {
		for end := c.start + 2; end <= c.end; end++ {
			sw := suffixIndex.endingAt(runes, c.start, end)
			if sw == nil {
				continue
			}
			typ, slen := suffixes[string(sw)], len(sw)
			// the name must end here: not inside a longer word (实验室建设 is fine,
			// 中心城市 is not)
			if end < c.end && !nameMayEnd(runes, end, c.end) {
				continue
			}
			start := x.leftBoundary(runes, c.start, end-slen)
			// cut after the last 的: 世界领先的科技园区 -> 科技园区
			for i := end - slen - 1; i >= start; i-- {
				if runes[i] == '的' {
					start = i + 1
					break
				}
			}
			// a known name at the end after a conjunction or verb is the name:
			// 统筹协调与国家重点实验室 -> 国家重点实验室
			for _, m := range x.lex.Match(runes[start:end]) {
				if start+m.end == end && m.start > 0 && stopBefore(runes[start+m.start-1]) {
					start += m.start
					break
				}
			}
			start = x.snap(runes, c.start, start, end-slen)
			// a place before a national designation names where the class is, not
			// a carrier: 东部沿海地区国家高新区, 在京国家实验室
			for _, m := range x.lex.Match(runes[start:end]) {
				if start+m.end == end && m.start > 0 && m.item.class && (strings.HasPrefix(m.item.name, "国家") || strings.HasPrefix(m.item.name, "全国")) {
					if pre := runes[start : start+m.start]; (len(pre) == 1 || strings.HasSuffix(string(pre), "地区")) && x.allPlaces(pre) {
						start += m.start
					}
					break
				}
			}
			// a verb that names may hold does not open one: 促进皖南…示范区
			if w := leadVerbIndex.startingAt(runes, start, end-slen); w != nil && end-slen-start-len(w) >= 2 && !strings.ContainsRune("型式性化", runes[start+len(w)]) {
				start += len(w)
			}
			// a quoted programme before the head belongs to the name:
			// “一带一路”国际技术转移中心
			start = quotedLead(runes, c.start, start)
			name := string(runes[start:end])
			suffix := string(runes[end-slen : end])
			if localBodies[name] {
				out = append(out, mention{span: span{start, end}, typ: graph.Institution, name: name, canon: name, rule: "suffix"})
				// 市、区人民政府: the levels before share the body's head
				for k := start - 1; k-1 >= c.start && runes[k] == '、'; k -= 2 {
					lv := string(runes[k-1]) + string(runes[start+1:end])
					// the level must stand alone (城市、区… is no level); 第X条 may precede it
					if !localBodies[lv] || (k-2 >= c.start && isWordRune(runes[k-2]) && runes[k-2] != '条') {
						break
					}
					out = append(out, mention{span: span{k - 1, k}, typ: graph.Institution, name: lv, canon: lv, rule: "compose"})
				}
				continue
			}
			mod := runes[start : end-slen]
			if len(mod) < 2 || isGenericRunes(mod) {
				// 概念验证和中试平台: a designation shares its head with the
				// member before it
				if typ == graph.Platform && x.lexType(runes[start:end]) == graph.Platform {
					out = append(out, x.sharedHead(runes, c.start, start, suffix, true)...)
				}
				continue
			}
			if (suffix == "政府" || suffix == "人民政府" || suffix == "委员会" || suffix == "人民代表大会") && !x.hasPlace(runes[start:end]) {
				continue
			}
			// the bare head 中心 names a carrier with its place (国家超算深圳中心);
			// 全国经济中心 is a role
			if suffix == "中心" && (!x.namesPlace(runes[start:end]) || runes[end-slen-1] == '副') {
				continue
			}
			out = append(out, mention{span: span{start, end}, typ: typ, name: name, canon: name, rule: "suffix"})
			if x.lexType([]rune(name)) == "" && utf8Len(mod) <= 3*8 {
				ms := x.sharedHead(runes, c.start, start, suffix, false)
				if p := x.placeOf(mod); p != "" {
					for k := range ms {
						ms[k].place = p
					}
				}
				out = append(out, ms...)
			}
		}
	}
	return out
}

// utf8Len returns the length of rs in UTF-8 bytes.
func utf8Len(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += utf8.RuneLen(r)
	}
	return n
}

// countBefore returns the length of a count (3个, 三家) that ends right
// before start and follows a word, 0 if there is none.
func countBefore(runes []rune, min, start int) int {
	if start-2 <= min || !strings.ContainsRune("个家座所", runes[start-1]) {
		return 0
	}
	d := start - 1
	for d > min && (isDigitRune(runes[d-1]) || isOrdinal(runes[d-1])) {
		d--
	}
	if d == start-1 || d <= min || !isWordRune(runes[d-1]) || isDigitRune(runes[d-1]) {
		return 0
	}
	return start - d
}

// placeOf returns the region that rs names entirely, "" if it names none
// (重庆 -> 重庆).
func (x *Extractor) placeOf(rs []rune) string {
	ms := x.regions.Match(rs)
	if len(ms) == 1 && ms[0].start == 0 && ms[0].end == len(rs) {
		return ms[0].item.name
	}
	return ""
}

// maxQuoteLead bounds the quoted words quotedLead takes into a name.
const maxQuoteLead = 8

// quotedLead returns where a name starting at start begins when a quoted
// phrase of word runes closes right before it; start otherwise.
func quotedLead(runes []rune, min, start int) int {
	if start-2 <= min || (runes[start-1] != '”' && runes[start-1] != '"') {
		return start
	}
	for i := start - 2; i >= min && start-i <= maxQuoteLead+2; i-- {
		switch r := runes[i]; {
		case r == '“' || r == '"':
			if i+1 < start-1 {
				return i
			}
			return start
		case !isWordRune(r):
			return start
		}
	}
	return start
}

// sharedHead composes the names of a coordination whose last member carries
// the head for all: 金凤、嘉陵江、明月湖实验室 -> 金凤实验室, 嘉陵江实验室; 概念验证和
// 中试平台 -> 概念验证平台. start is where the last member starts.
func (x *Extractor) sharedHead(runes []rune, min, start int, suffix string, lexHead bool) []mention {
	end := start - 1
	if n := countBefore(runes, min, start); n > 0 {
		// 金凤、嘉陵江、明月湖3个重庆实验室: a count between the members and the head
		end = start - n
	} else if start-1 <= min || !strings.ContainsRune("、和及", runes[start-1]) {
		return nil
	}
	head := suffix
	if hr := []rune(suffix); len(hr) >= 4 {
		head = string(hr[len(hr)-2:])
	}
	if !sharedHeads[head] {
		return nil
	}
	var out []mention
	for end > min {
		b := end
		for b > min && isWordRune(runes[b-1]) && end-b < 9 {
			b--
		}
		if b > min && segStart0(runes, b) {
			return out // 西部(重庆)科学城和…: the member is not a bare word
		}
		segStart := x.leftBoundary(runes, b, end)
		seg := runes[segStart:end]
		if verbIndex.startingAt(seg, 0, len(seg)) != nil || suffixIndex.endingAt(seg, 0, len(seg)) != nil {
			break
		}
		if len(seg) < 2 || len(seg) > 8 || x.endsWithSuffix(seg) || x.namesBody(seg) || namesBodies(seg) ||
			(isGenericRunes(seg) && (!lexHead || qualifierOnly(string(seg)))) {
			break
		}
		name := string(seg) + head
		out = append(out, mention{span: span{segStart, end}, typ: suffixes[suffix], name: name, canon: name, rule: "compose"})
		if segStart != b || b <= min || runes[b-1] != '、' {
			break
		}
		end = b - 1
	}
	return out
}

// sharedHeads are the heads coordinated names share: 金凤、嘉陵江、明月湖实验室;
// 概念验证和中试平台. Other heads (基地, 协会, 集团) join lists of unlike
// things too often.
var sharedHeads = map[string]bool{"实验室": true, "平台": true}

// segStart0 reports whether the word scan for a member stopped at something
// other than a list separator or a clause start: a bracket, a quote.
func segStart0(runes []rune, b int) bool {
	r := runes[b-1]
	return !(r == '、' || r == '，' || r == '：' || r == '。' || r == '；' || isWordRune(r))
}

// qualifierOnly reports whether s only qualifies (重点, 高水平, 一批): such a
// member shares no head even with a designation.
func qualifierOnly(s string) bool {
	for _, q := range []string{"一批", "重点", "高水平", "各类", "相关", "更多", "多个", "新型", "省级", "市级", "国家级", "国家", "一流", "高端", "重大"} {
		s = strings.ReplaceAll(s, q, "")
	}
	return s == ""
}

// namesBodies reports whether rs names a kind of organisation (科研院所,
// 高校, 企业): such a member does not share a platform's head.
func namesBodies(rs []rune) bool {
	s := string(rs)
	for _, w := range []string{"院所", "大学", "高校", "机构", "企业", "单位", "学院", "部门", "政府", "协会", "联盟"} {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// namesBody reports whether rs holds a known platform or institution.
func (x *Extractor) namesBody(rs []rune) bool {
	for _, m := range x.lex.Match(rs) {
		if m.item.typ == graph.Platform || m.item.typ == graph.Institution {
			return true
		}
	}
	return false
}

// snapWindow is how many runes before a name the segmenter sees, so that a
// word running across the name's start is seen whole.
const snapWindow = 4

// snap moves a name's start to a word boundary of the segmenter when the
// stop-word scan cut a word: 建设在线检测实验室 scanned to 线检测实验室 (在 is a
// stop word) becomes 在线检测实验室, since 在线 is one word; a cut word that is
// itself a stop word or verb is left out instead. Without a segmenter start
// is kept.
func (x *Extractor) snap(runes []rune, min, start, headStart int) int {
	if x.seg == nil || start >= headStart || start == min || !isHan(runes[start-1]) {
		return start
	}
	// only a one-rune stop word can be the head of a longer word (在|线);
	// the segmenter is not asked about the others
	if w := stopIndex.endingAt(runes, min, start); w == nil || len(w) != 1 {
		return start
	}
	from := max(min, start-snapWindow)
	at := from
	for _, w := range x.seg.Cut(string(runes[from:headStart])) {
		n := utf8.RuneCountInString(w)
		if at == start {
			return start
		}
		if at < start && start < at+n {
			word := runes[at : at+n]
			if stopIndex.endingAt(word, 0, len(word)) != nil || verbIndex.startingAt(word, 0, len(word)) != nil {
				if at+n < headStart {
					return at + n
				}
				return start
			}
			return at
		}
		at += n
	}
	return start
}

// stopBefore reports whether r, right before a known name, ends the words
// in front of it rather than belonging to the name.
func stopBefore(r rune) bool { return strings.ContainsRune("与和及的在把将对", r) }

// nameMayEnd reports whether a name may end before runes[i]: the next rune
// does not continue a word that the suffix started.
func nameMayEnd(runes []rune, i, end int) bool {
	// the suffix's last rune and the next: 中心城市 ends in 心城
	pair := runes[i-1 : min(end, i+1)]
	return len(pair) < 2 || !headWordIndex.in(pair)
}

// headWordIndex holds the words that a head's last rune starts together with
// the rune after it, so that the head does not end a name there.
var headWordIndex = newWordIndex(wordSet(`城市 城镇 区域 区块 室外 地区 所有 所得 院士 院校 学生 会议 会员 政策 园区 置换 器件 器材 地方`))

// allPlaces reports whether rs is nothing but places (and one-character
// place aliases after a locative): 东部沿海地区, 渝.
func (x *Extractor) allPlaces(rs []rune) bool {
	at := 0
	for _, m := range x.regions.Match(rs) {
		if m.start != at {
			return false
		}
		at = m.end
	}
	if at == len(rs) {
		return true
	}
	if len(rs)-at == 1 {
		_, ok := x.regions.short[rs[at]]
		return ok
	}
	return false
}

// namesPlace reports whether a name holds a province, city or region name.
func (x *Extractor) namesPlace(name []rune) bool {
	for _, m := range x.regions.Match(name) {
		if m.end-m.start > 1 {
			return true
		}
	}
	return false
}

// hasPlace reports whether a name names a place or the nation (国家超算深圳中心),
// the condition for the bare head 中心 to end a name.
func (x *Extractor) hasPlace(name []rune) bool {
	s := string(name)
	if strings.HasPrefix(s, "国家") || strings.HasPrefix(s, "中国") || strings.HasPrefix(s, "全国") {
		return true
	}
	for _, m := range x.lex.Match(name) {
		if m.item.typ == graph.Region {
			return true
		}
	}
	return false
}

// leftBoundary scans left from the head at end and returns where the name
// starts.
func (x *Extractor) leftBoundary(runes []rune, min, end int) int {
	i := end
	depth := 0
	for i > min && end-i < maxNameLen {
		r := runes[i-1]
		if r == ')' {
			depth++
		} else if r == '(' {
			if depth == 0 {
				break
			}
			depth--
		} else if !(isWordRune(r) || r == '·' || r == '-' || r == 'Ⅲ' || r == 'Ⅱ') {
			break
		}
		if depth == 0 && x.stopAt(runes, min, i) {
			break
		}
		i--
	}
	// trim conjunctions and particles the scan may have kept
	for i < end && strings.ContainsRune("和与及的、等", runes[i]) {
		i++
	}
	return i
}

// stopAt reports whether the text left of i ends with a stop word, or with a
// name head followed by a conjunction (科学城和 | 两江协同创新区).
func (x *Extractor) stopAt(runes []rune, min, i int) bool {
	// a count (28家, 3个) or a number not followed by a latin letter (5G) ends
	// the words before a name
	if r := runes[i-1]; strings.ContainsRune("家个所座批项条只", r) && i-2 >= min && (isDigitRune(runes[i-2]) || strings.ContainsRune(ordinals+"两几多", runes[i-2])) {
		return true
	}
	if isDigitRune(runes[i-1]) && !(i < len(runes) && isASCIIWord(runes[i]) && !isDigitRune(runes[i])) {
		return true
	}
	// a date (2024年1月25日) or an article marker (第十三条) ends the words before a name
	if r := runes[i-1]; (r == '年' || r == '月' || r == '日') && i-2 >= min && isDigitRune(runes[i-2]) {
		return true
	}
	if runes[i-1] == '条' {
		j := i - 2
		for j >= min && strings.ContainsRune(ordinals+"百零0123456789", runes[j]) {
			j--
		}
		if j >= min && j < i-2 && runes[j] == '第' {
			return true
		}
	}
	if w := verbStopIndex.endingAt(runes, min, i); w != nil {
		return true
	}
	if w := stopIndex.endingAt(runes, min, i); w != nil {
		// 国家 ends with 家: a one-rune stop word must not be the tail of a
		// longer word that names can hold.
		if len(w) == 1 && i-2 >= min {
			switch string(runes[i-2 : i]) {
			case "国家", "专家", "大批", "整个", "高等", "中等", "初等", "同等", "对等", "平等", "所在", "现在", "存在":
				return false
			}
		}
		return true
	}
	if r := runes[i-1]; r == '与' || r == '及' {
		for _, n := range suffixLens {
			if i-1-n >= min {
				if _, ok := suffixes[string(runes[i-1-n:i-1])]; ok {
					return true
				}
			}
		}
	}
	return false
}
