package extract

import (
	"sort"
	"strings"
)

// measureMention is a policy action the text commits to: a headline, an
// enumerated item or an action clause.
type measureMention struct {
	span          // the clause that states it
	name   string // its text, at most maxMeasureLen runes
	scope  []span // where the entities it involves are named
	parent int    // index of the measure it is part of, -1 for none
	rule   string // headline, item, clause, heading
}

// maxMeasureLen bounds a measure's name: a longer clause is cut.
const maxMeasureLen = 80

var (
	actionVerbs = wordSet(`加快 推进 推动 建设 加强 实施 强化 深化 构建 完善 支持 培育 发展 打造 提升 优化 加大 鼓励 引导
		坚持 争取 做多做优 做强 做大 做优 做实 突出 突破 针对 依托 改革 发挥 认识 增加 形成 集聚 布局 开展 建立 健全 编制
		制定 规划 部署 保障 促进 创建 组建 落实 扩大 吸引 用好 搭建 引进 抓紧 把 以 围绕 聚焦 瞄准 探索 营造 提高 增强
		统筹 整合 融入 招引 培养 建成 设立 牵头 承担 实现 明确 引领 谋划 加速 抢先 巩固 拓展 激发 释放 夯实 力争
		提供 推行 推广 开放 共建 赋予 参与 对接 集成 汇聚 提质 壮大 设置 给予 补助 奖励 资助 认定 落户 建好 办好 引育
		培优 实行 执行 遵循 规范 严格 落地 纳入 推出 谋求 筹建 申报 争创 支撑 服务保障 助力 协调 合理 鼓励支持 大力发展 做好
		整治 抓好 紧盯 挖掘 延伸 深耕 抢抓 用活 盘活 做精 做特 做深 强链 补链 延链 聚力 突出抓好 统筹推进 持续推进`)
	adverbs = wordSet(`积极 大力 进一步 全面 着力 重点 高水平 高标准 充分 更好 深入 切实 持续 不断 继续 努力 主动 加快 协同 有序
		稳步 系统 全链条 更多 始终 优先 率先 要 应当 应 将 须 必须 需要 亟需 也要 还要 全力 一体 支持和服务 依法 精准 同时
		进而 并 同步 集中 聚力 奋力 倾力 加力 合力 协力 着重 大量 大幅 大幅度 尽快 着重 重点在 全力以赴 不断 逐步 统一 科学 高质量 务实 扎实 坚定 更加 加速 尽快 抓紧 一要 二要 三要 四要 五要 也 还 再 须要 可`)
	subjects = wordSet(`本市 我市 全市 各区 我们 我省 全省 本省 政府 各地 各级 市 省 区 县 及其有关部门 有关部门 其有关部门 和 及 等
		各县 市级 省级 区级 以及 会同 及其 其`)
	resultMarkers = []string{"获批", "取得", "成功", "入选", "增选", "增至", "达到", "首位", "跃居", "翻番", "预计", "累计",
		"增长", "下降", "已经", "挂牌成立", "建成运行", "成型", "创历史新高", "%", "已成为", "实现了", "居全国", "排名",
		"位居", "同比", "比上年"}
	titleEnds = []string{"条例", "办法", "规定", "决定", "意见", "报告", "通知", "纲要", "方案", "细则"}
)

var (
	resultIndex   = phraseIndex(resultMarkers)
	titleEndIndex = phraseIndex(titleEnds)
	grantIndex    = phraseIndex([]string{"给予", "予以"}) // 对…给予: a commitment with its conditions first
	verbIndex     = newWordIndex(actionVerbs)
	adverbIndex   = func() *wordIndex {
		m := map[string]bool{}
		for w := range adverbs {
			m[w] = true
		}
		for w := range subjects {
			m[w] = true
		}
		return newWordIndex(m)
	}()
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// isAction reports whether the clause at c (after its marker) states an
// action: after an optional subject and adverbs it opens with a verb, and it
// reports no result.
func isAction(runes []rune, c span, ents []mention) bool { return actionVerb(runes, c, ents) != "" }

// strongVerbs commit to building or setting up something; a clause after
// the first of a sentence is a measure of its own only with one of them
// (…，加快建设农业科技创新示范区，支持创建…), or as 以X为….
var strongVerbs = wordSet(`建设 创建 建立 构建 制定 编制 布局 实施 组建 设立 打造 健全 规划 部署 规划部署 争取 引进 建成 搭建 筹建
	争创 申报 设置 以 落实 保障 支持和服务保障 服务保障 完善 培育`)

// actionVerb returns the verb that opens the clause at c, after an optional
// subject and adverbs; "" when the clause states no action or reports a
// result.
func actionVerb(runes []rune, c span, ents []mention) string {
	v := openingVerb(runes, c, ents)
	if v == "以" || v == "把" {
		// 以X为…, 把X作为…: the construction needs its second half; 以X引领Y
		// (以科技创新引领新质生产力发展) states its verb after the means
		rs := runes[c.start:c.end]
		if indexRune(rs, '为') < 0 && !(v == "以" && meansVerb(rs)) {
			return ""
		}
	}
	return v
}

// meansVerbs follow the means in 以X<verb>Y.
var meansVerbs = []string{"引领", "推动", "带动", "促进", "驱动", "支撑", "赋能"}

// meansWindow bounds how far after 以 the verb may stand, in runes.
const meansWindow = 10

var meansIndex = phraseIndex(meansVerbs)

// meansVerb reports whether a clause opening with 以 goes on to one of
// meansVerbs after its means.
func meansVerb(rs []rune) bool {
	if len(rs) < 4 {
		return false
	}
	// the means is a short noun phrase: 以新产品更好地满足需求乃至…引领需求
	// is a clause of several actions, not one
	return meansIndex.in(rs[2:min(len(rs), 2+meansWindow)])
}

func openingVerb(runes []rune, c span, ents []mention) string {
	v, at := openingVerbAt(runes, c, ents)
	if v != "" && at >= 0 && at+len([]rune(v)) < c.end && runes[at+len([]rune(v))] == '的' {
		return "" // 自贸试验区实施的创新举措: a noun phrase, not an action
	}
	return v
}

// modalWindow is how far into a clause 应当 may stand after a subject the
// lexicon does not know (科技创新中心建设推进机构应当协调推进…).
const modalWindow = 20

func openingVerbAt(runes []rune, c span, ents []mention) (string, int) {
	if c.len() < 4 {
		return "", 0
	}
	text := runes[c.start:c.end]
	if text[0] == '对' && grantIndex.in(text) {
		return "给予", -1 // 对新认定的…给予300万元补助: a commitment with its conditions first
	}
	if resultIndex.in(text) || titleEndIndex.endingAt(text, 0, len(text)) != nil {
		return "", 0
	}
	i := c.start
	for k := c.start; k < c.end-2 && k-c.start < modalWindow; k++ {
		if runes[k] == '应' && runes[k+1] == '当' {
			i = k + 2 // the subject ends at the modal
			break
		}
	}
	verbAdverb := ""
	for steps := 0; i < c.end && steps < 8; steps++ {
		moved := false
		// ents are sorted by start: the mention starting at i, if any
		k := sort.Search(len(ents), func(k int) bool { return ents[k].start >= i })
		for ; k < len(ents) && ents[k].start == i; k++ {
			if m := ents[k]; m.end <= c.end && m.end-m.start < c.len() {
				i, moved = m.end, true
				break
			}
		}
		if !moved && runes[i] == '在' {
			// 本市在张江科学城集中布局…: a place phrase before the verb
			k := sort.Search(len(ents), func(k int) bool { return ents[k].start >= i+1 })
			if k < len(ents) && ents[k].start == i+1 && ents[k].end < c.end {
				i, moved = ents[k].end, true
			}
		}
		if !moved {
			v := verbIndex.startingAt(runes, i, c.end)
			a := adverbIndex.startingAt(runes, i, c.end)
			switch {
			case v != nil && !adverbs[string(v)] && len(v) >= len(a):
				return string(v), i
			case a != nil:
				if actionVerbs[string(a)] {
					verbAdverb = string(a)
				}
				i, moved = i+len(a), true
			}
		}
		if !moved {
			break
		}
	}
	if v := verbIndex.startingAt(runes, i, c.end); v != nil {
		return string(v), i
	}
	// 加快关键共性技术攻关: the word read as an adverb was the verb
	return verbAdverb, -1
}

// strongSoon reports whether a strong verb follows the opening one closely
// (支持创建…, 鼓励设立…).
func strongSoon(runes []rune, c span) bool {
	for i := c.start; i < c.end && i < c.start+4; i++ {
		if w := strongIndex.startingAt(runes, i, c.end); w != nil && string(w) != "以" {
			return true
		}
	}
	return false
}

var strongIndex = newWordIndex(strongVerbs)

// frames open a clause that only sets the frame of the action that follows
// (区人民政府应当根据…规划，明确…): the next clause states the sentence's action.
var frames = []string{"根据", "按照", "依据", "依照", "结合", "通过", "围绕", "针对", "面向", "基于", "立足", "对照"}

var frameIndex = phraseIndex(frames)

func opensWithFrame(runes []rune, c span) bool {
	text := runes[c.start:min(c.end, c.start+modalWindow+4)]
	if i := indexRunes(text, []rune("应当")); i >= 0 {
		text = text[i+2:]
	}
	return frameIndex.startingAt(text, 0, len(text)) != nil
}

// looksBack reports whether a sentence looks back on past work (近年来，我市
// 大力实施…): what it says was done is no commitment.
func looksBack(runes []rune, s sentence) bool {
	return backIndex.in(runes[s.start:min(s.end, s.start+12)])
}

var backIndex = phraseIndex([]string{"近年来", "五年来", "一年来", "过去一年", "过去五年", "去年", "此前", "以来"})

// reportsResults reports whether any clause of s reports a result: such a
// sentence opening a paragraph makes it a report of results (加快建设…，预计
// 全社会研发投入…增长4.9%), not a headline.
func reportsResults(runes []rune, s sentence) bool {
	return resultIndex.in(runes[s.start:s.end])
}

// measureName is the text a measure is known by: its clause, cut to
// maxMeasureLen runes.
func measureName(runes []rune, c span) string {
	end := c.end
	if end-c.start > maxMeasureLen {
		end = c.start + maxMeasureLen
	}
	return strings.TrimSpace(string(runes[c.start:end]))
}

// itemMarker reports whether a clause marker opens an enumerated item
// (一是, 二要, （三）, 四、) rather than an article (第五条).
func itemMarker(runes []rune, c clause) bool {
	if c.marker == 0 {
		return false
	}
	return runes[c.start] != '第'
}

// articleVerbs commit to an action in a regulation's article even after the
// first clause of a sentence (…，引导集聚…，推动…深度融合); in reports they
// mostly restate the headline, so there they need a strong verb.
var articleVerbs = wordSet(`推动 支持 引导`)

// isRegulation reports whether the text is made of articles (第X条).
func isRegulation(runes []rune, paras []paragraph) bool {
	for _, p := range paras {
		if len(p.sents) > 0 && len(p.sents[0].clauses) > 0 {
			if c := p.sents[0].clauses[0]; c.marker > 0 && runes[c.start] == '第' {
				return true
			}
		}
	}
	return false
}

// measures finds the measures of a document and which measure each
// paragraph's headings leave in charge of stray entities.
func measures(runes []rune, paras []paragraph, ents []mention) (ms []measureMention, orphanOwner []int) {
	type open struct{ level, idx int }
	var stack []open
	active := func() int {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].idx >= 0 {
				return stack[i].idx
			}
		}
		return -1
	}
	orphanOwner = make([]int, len(paras))
	regulation := isRegulation(runes, paras)
	add := func(c span, scope []span, parent int, rule string) int {
		ms = append(ms, measureMention{span: c, name: measureName(runes, c), scope: scope, parent: parent, rule: rule})
		return len(ms) - 1
	}
	for pi, p := range paras {
		if len(p.sents) == 0 || len(p.sents[0].clauses) == 0 {
			orphanOwner[pi] = active()
			continue
		}
		first := p.sents[0].clauses[0]
		text := runes[p.start:p.end]
		last := text[len(text)-1]
		shortItem := len(p.sents) == 1 && len(text) <= 40 && first.marker > 0 && itemMarker(runes, first)
		if p.heading || shortItem {
			level := p.level
			numbered := level > 0 || shortItem
			if shortItem && level == 0 {
				level = 2
			}
			if level == 0 {
				level = 3
			}
			for len(stack) > 0 && stack[len(stack)-1].level >= level {
				stack = stack[:len(stack)-1]
			}
			idx := -1
			c := span{first.start + first.marker, first.end}
			if numbered && (last == '。' || first.marker > 0 || p.level > 0) && isAction(runes, c, ents) {
				idx = add(c, nil, active(), "heading")
			}
			stack = append(stack, open{level, idx})
			orphanOwner[pi] = active()
			continue
		}
		orphanOwner[pi] = active()
		// items of the paragraph
		type itemAt struct {
			c     clause
			start int
		}
		var items []itemAt
		for si, s := range p.sents {
			for ci, c := range s.clauses {
				if si == 0 && ci == 0 && !itemMarker(runes, c) {
					continue
				}
				if itemMarker(runes, c) {
					items = append(items, itemAt{c, c.start})
				}
			}
		}
		headC := span{first.start + first.marker, first.end}
		headline := -1
		if !itemMarker(runes, first) && isAction(runes, headC, ents) && !reportsResults(runes, p.sents[0]) && !looksBack(runes, p.sents[0]) {
			scope := []span{p.span}
			if len(items) > 0 {
				scope = []span{{p.start, items[0].start}}
			}
			headline = add(headC, scope, active(), "headline")
		}
		parentOf := headline
		if parentOf < 0 {
			parentOf = active()
		}
		if len(items) > 0 {
			for k, it := range items {
				end := p.end
				if k+1 < len(items) {
					end = items[k+1].start
				}
				c := span{it.c.start + it.c.marker, it.c.end}
				if isAction(runes, c, ents) {
					add(c, []span{{it.start, end}}, parentOf, "item")
				}
			}
			continue
		}
		// no items: every action clause is a measure; within a sentence the
		// later ones are part of the first
		// 五年来，… or a first sentence of results: the paragraph reviews the
		// past, its sentences are results, not commitments
		back := looksBack(runes, p.sents[0]) || (headline < 0 && reportsResults(runes, p.sents[0]))
		for si, s := range p.sents {
			if back || looksBack(runes, s) {
				continue
			}
			sentFirst := -1
			for ci, c := range s.clauses {
				if si == 0 && ci == 0 {
					sentFirst = headline
					continue
				}
				cs := span{c.start + c.marker, c.end}
				v := actionVerb(runes, cs, ents)
				if v == "" || (ci > 0 && !strongVerbs[v] && !(regulation && articleVerbs[v]) && !strongSoon(runes, cs) && !(sentFirst < 0 && opensWithFrame(runes, s.clauses[ci-1].span))) {
					continue
				}
				parent := sentFirst
				if parent < 0 {
					parent = parentOf
				}
				idx := add(cs, []span{s.span}, parent, "clause")
				if sentFirst < 0 {
					sentFirst = idx
				}
			}
		}
	}
	return ms, orphanOwner
}
