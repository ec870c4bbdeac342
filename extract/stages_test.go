package extract

import (
	"context"
	"reflect"
	"testing"

	"kg/graph"
)

func TestSplitter(t *testing.T) {
	text := Repair("第二章 战略规划\n第十三条 本市建设甲，推进乙。区政府应当明确任务。\n（三）打造中心。\n").Runes
	paras := Splitter{}.Split(text)
	if len(paras) != 3 {
		t.Fatalf("%d paragraphs", len(paras))
	}
	if !paras[0].heading || paras[0].level != 1 {
		t.Errorf("chapter heading not detected: %+v", paras[0])
	}
	if paras[1].level != 3 || len(paras[1].sents) != 2 || len(paras[1].sents[0].clauses) != 2 {
		t.Errorf("article: %+v", paras[1])
	}
	if c := paras[1].sents[0].clauses[0]; c.marker != len([]rune("第十三条")) {
		t.Errorf("article marker length %d", c.marker)
	}
	if !paras[2].heading || paras[2].level != 2 {
		t.Errorf("numbered heading: %+v", paras[2])
	}
}

func TestMarkerLen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"一是推进", 2}, {"十二要加强", 3}, {"(三)打造", 3}, {"（十）打造", 3}, {"四、发展", 2},
		{"第二十一条 编制", 5}, {"统一是", 0}, {"推进", 0}, {"第二章", 0},
	} {
		if got := markerLen([]rune(tc.in)); got != tc.want {
			t.Errorf("markerLen(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestLexiconMatch(t *testing.T) {
	lx := NewLexicon([]LexEntry{
		{Type: "region", Name: "重庆", Aliases: []string{"重庆市", "渝"}, Tags: []string{"municipality"}},
		{Type: "field", Name: "人工智能", Aliases: []string{"AI"}},
		{Type: "field", Name: "智能", Aliases: nil},
		{Type: "platform", Name: "国家重点实验室", Tags: []string{"class"}},
	})
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"重庆市发展人工智能", []string{"重庆", "人工智能"}},
		{"来渝设立国家重点实验室", []string{"重庆", "国家重点实验室"}},
		{"渝中区", nil}, // a one-rune alias needs a locative before it
		{"发展ai和智能", []string{"人工智能", "智能"}},
	} {
		var got []string
		for _, m := range lx.Match([]rune(tc.in)) {
			got = append(got, m.item.name)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Match(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestIsAction(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"加快关键共性技术攻关", true},
		{"市人民政府应当编制建设规划", true},
		{"本市在张江科学城集中布局设施", false}, // no mention of 张江科学城 in this test: 在 is not skipped
		{"预计全社会研发投入增长4.9%", false},
		{"以飨读者", false},
		{"以怀柔科学城为集中承载地", true},
		{"自贸试验区实施的创新举措", false},
		{"北京国际科技创新中心建设条例", false},
		{"对新认定的孵化器给予300万元补助", true},
		{"科技是国家强盛之基", false},
	} {
		rs := []rune(tc.in)
		if got := isAction(rs, span{0, len(rs)}, nil); got != tc.want {
			t.Errorf("isAction(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestLists(t *testing.T) {
	x := newTestExtractor(t)
	for _, tc := range []struct {
		in     string
		kind   graph.EntityType
		domain bool
		names  []string
	}{
		{"重点突破先进感知与测量、高精度运动控制等一批关键共性技术", graph.Field, false, []string{"先进感知与测量", "高精度运动控制"}},
		{"积极创建智能感知与认知计算、长江上游健康与绿色农业等一批国家重点实验室", graph.Platform, false,
			[]string{"智能感知与认知计算国家重点实验室", "长江上游健康与绿色农业国家重点实验室"}},
		{"围绕智能汽车、轻金属材料等领域", graph.Field, true, nil}, // lexicon items: found by the matcher
		{"整合高校、科研机构等创新资源", "", false, nil},
	} {
		rs := []rune(tc.in)
		ls := x.lists(rs, span{0, len(rs)})
		if tc.kind == "" {
			if len(ls) != 0 {
				t.Errorf("%s: unexpected list %+v", tc.in, ls)
			}
			continue
		}
		if len(ls) != 1 {
			t.Fatalf("%s: %d lists", tc.in, len(ls))
		}
		l := ls[0]
		var names []string
		for _, m := range l.items {
			names = append(names, m.name)
		}
		if l.kind != tc.kind || l.domain != tc.domain || !reflect.DeepEqual(names, tc.names) {
			t.Errorf("%s: kind %s domain %v items %v", tc.in, l.kind, l.domain, names)
		}
	}
}

func TestSuffixNames(t *testing.T) {
	x := newTestExtractor(t)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"依托中科院重庆学院、重庆大学", []string{"中科院重庆学院", "重庆大学"}},
		{"28家全国重点实验室完成优化重组", nil}, // the lexicon has 全国重点实验室; the count is cut
		{"持续支持金凤、嘉陵江、明月湖实验室发展", []string{"明月湖实验室", "嘉陵江实验室", "金凤实验室"}},
		{"打造全国经济中心", nil},
		{"建成国家超算深圳中心二期", []string{"国家超算深圳中心"}},
		{"统筹协调与国家重点实验室的关系", nil},
	} {
		rs := []rune(tc.in)
		var got []string
		for _, m := range x.suffixNames(rs, []span{{0, len(rs)}}) {
			got = append(got, m.name)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("suffixNames(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestQuotedLead(t *testing.T) {
	tests := []struct {
		name, text  string
		start, want int
	}{
		{"quoted programme joins", "建好“一带一路”国际技术转移中心", 8, 2},
		{"no quote", "建好国际技术转移中心", 2, 2},
		{"quote too long", "“一二三四五六七八九十”国际中心", 12, 12},
		{"empty quotes", "建好“”国际中心", 4, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := quotedLead([]rune(tc.text), 0, tc.start); got != tc.want {
				t.Errorf("quotedLead(%q, %d) = %d, want %d", tc.text, tc.start, got, tc.want)
			}
		})
	}
}

func TestLocatedInCues(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		name, text, platform, region string
	}{
		{"granted", "成都获批国家数据标注基地。", "国家数据标注基地", "成都"},
		{"locative lays out", "争取在川布局国家重点实验室、全国高校区域技术转移转化中心。", "全国高校区域技术转移转化中心", "四川"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := x.Extract(context.Background(), graph.Document{ID: "cue"}, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, e := range c.Entities {
				names[e.ID()] = e.Name
			}
			for _, r := range c.Relations {
				if r.Type == graph.LocatedIn && names[r.From] == tc.platform && names[r.To] == tc.region {
					return
				}
			}
			t.Errorf("no LOCATED_IN %s -> %s in %q", tc.platform, tc.region, tc.text)
		})
	}
}

func TestFocusesOnDomain(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		name, text, platform, field string
		want                        bool
	}{
		{"field 领域 named platform", "筹建绿色低碳领域重庆实验室。", "重庆实验室", "绿色低碳", true},
		{"class starting a longer name", "谋划建设大数据智能化领域大科学装置培育群。", "大科学装置", "大数据智能化", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := x.Extract(context.Background(), graph.Document{ID: "dom"}, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, e := range c.Entities {
				names[e.ID()] = e.Name
			}
			got := false
			for _, r := range c.Relations {
				if r.Type == graph.FocusesOn && names[r.From] == tc.platform && names[r.To] == tc.field {
					got = true
				}
			}
			if got != tc.want {
				t.Errorf("FOCUSES_ON %s -> %s in %q: %v, want %v", tc.platform, tc.field, tc.text, got, tc.want)
			}
		})
	}
}

func TestFocusesOnBecomes(t *testing.T) {
	x := newTestExtractor(t)
	c, err := x.Extract(context.Background(), graph.Document{ID: "becomes"},
		"本市推进张江国家自主创新示范区建设成为高新技术产业和战略性新兴产业集聚发展的示范区域。")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, e := range c.Entities {
		names[e.ID()] = e.Name
	}
	got := map[string]bool{}
	for _, r := range c.Relations {
		if r.Type == graph.FocusesOn && names[r.From] == "张江国家自主创新示范区" {
			got[names[r.To]] = true
		}
	}
	for _, f := range []string{"高新技术产业", "战略性新兴产业"} {
		if !got[f] {
			t.Errorf("no FOCUSES_ON 张江国家自主创新示范区 -> %s (got %v)", f, got)
		}
	}
}

func TestSharedHeadAfterCount(t *testing.T) {
	x := newTestExtractor(t)
	c, err := x.Extract(context.Background(), graph.Document{ID: "count"}, "挂牌建设金凤、嘉陵江、明月湖3个重庆实验室。")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, e := range c.Entities {
		names[e.ID()] = e.Name
	}
	located := map[string]bool{}
	for _, r := range c.Relations {
		if r.Type == graph.LocatedIn && names[r.To] == "重庆" {
			located[names[r.From]] = true
		}
	}
	for _, n := range []string{"金凤实验室", "嘉陵江实验室", "明月湖实验室"} {
		if !located[n] {
			t.Errorf("no LOCATED_IN %s -> 重庆 (got %v)", n, located)
		}
	}
}

func TestSingleDesignation(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		text, want string
		found      bool
	}{
		{"强化策源功能，矢量光场等国家大科学装置加快建设。", "矢量光场国家大科学装置", true},
		{"推进节能评价等国家规定事项进行统一评估。", "节能评价国家规定事项", false},
		{"脑科学等领域国家重点实验室加快建设。", "脑科学领域国家重点实验室", false},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			c, err := x.Extract(context.Background(), graph.Document{ID: "single"}, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range c.Entities {
				if e.Type == graph.Platform && e.Name == tc.want {
					found = true
				}
			}
			if found != tc.found {
				t.Errorf("platform %s in %q: %v, want %v", tc.want, tc.text, found, tc.found)
			}
		})
	}
}

func TestLevelsShareBody(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		text string
		want bool
	}{
		{"第三十三条 市、区人民政府应当优先保障用地需求。", true},
		{"推进城市、区人民政府协同。", false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			c, err := x.Extract(context.Background(), graph.Document{ID: "levels"}, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, e := range c.Entities {
				if e.Type == graph.Institution && e.Name == "市人民政府" {
					got = true
				}
			}
			if got != tc.want {
				t.Errorf("市人民政府 in %q: %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}
