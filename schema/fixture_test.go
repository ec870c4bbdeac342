package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// The fixture graph, drawn from the seed document's sentences (hand-made
// contributions applied to a real Badger store):
//
//	国家重点实验室 ──FOCUSES_ON──> 脑科学
//	      │        ──FOCUSES_ON──> 量子科技
//	      │        ──FOCUSES_ON──> 智能计算        (second document)
//	      └─RELIES_ON──> 重庆大学 <──RELIES_ON── 两江协同创新区
//	                        │                       │   │
//	                    CO_OCCURS               CO_OCCURS LOCATED_IN
//	                        │                       │   └──> 重庆
//	                 国家技术创新中心    集成电路特色工艺…创新中心
//	                        │                       │
//	                        └──FOCUSES_ON──> 集成电路 <──FOCUSES_ON─┘
//
//	科技创新若干措施 ──INVOLVES──> 西部(重庆)科学城 ──LOCATED_IN──> 重庆
//	上海 (no relations)
//
// 两江协同创新区 to 集成电路: one path of 2 relations (via the 集成电路
// 特色工艺 centre) and one of 3, via 重庆大学 and 国家技术创新中心.
type fixture struct {
	store *badgerstore.Store
	ids   map[string]string // name -> entity ID
	docs  []graph.Contribution
}

const (
	docSeed   = "dseed00000000001"
	docSecond = "dsecond000000002"
)

type fent struct {
	t       graph.EntityType
	name    string
	aliases []string
	spans   int
}

type frel struct {
	from, typ, to string
	w             float64
	sentence      string
}

func contribution(doc graph.Document, ents []fent, rels []frel) graph.Contribution {
	c := graph.Contribution{Doc: doc}
	ids := map[string]string{}
	off := 0
	for _, e := range ents {
		ec := graph.EntityContribution{Type: e.t, Name: e.name, Aliases: e.aliases}
		for i := 0; i < max(e.spans, 1); i++ {
			n := len([]rune(e.name))
			ec.Spans = append(ec.Spans, graph.Span{Start: off, End: off + n})
			off += n + 1
		}
		ids[e.name] = ec.ID()
		c.Entities = append(c.Entities, ec)
	}
	for _, r := range rels {
		c.Relations = append(c.Relations, graph.RelationContribution{
			From: ids[r.from], To: ids[r.to], Type: graph.RelationType(r.typ), Weight: r.w,
			Evidence: []graph.Evidence{{Doc: doc.ID, Sentence: r.sentence, Start: off, End: off + len([]rune(r.sentence)), Rule: "fixture"}},
		})
		off += len([]rune(r.sentence)) + 1
	}
	return c
}

func fixtureContributions() []graph.Contribution {
	seed := contribution(
		graph.Document{ID: docSeed, Title: "推动科技创新", Source: "seed.txt", Hash: strings.Repeat("a", 64), Date: "2021-05-07", Issuer: "重庆日报", Size: 1000},
		[]fent{
			{graph.Platform, "国家重点实验室", nil, 3},
			{graph.Field, "脑科学", nil, 1},
			{graph.Field, "量子科技", nil, 1},
			{graph.Institution, "重庆大学", []string{"重大"}, 2},
			{graph.Platform, "两江协同创新区", []string{"两江创新区"}, 2},
			{graph.Region, "重庆", []string{"重庆市"}, 4},
			{graph.Platform, "国家技术创新中心", []string{"国家级技术创新中心"}, 1},
			{graph.Platform, "集成电路特色工艺及封装测试国家级制造业创新中心", nil, 1},
			{graph.Field, "集成电路", nil, 2},
			{graph.Measure, "科技创新若干措施", nil, 1},
			{graph.Platform, "西部(重庆)科学城", []string{"西部科学城"}, 3},
			{graph.Region, "上海", nil, 1},
		},
		[]frel{
			{"国家重点实验室", "FOCUSES_ON", "脑科学", 1, "建设脑科学国家重点实验室。"},
			{"国家重点实验室", "FOCUSES_ON", "量子科技", 1, "在量子科技领域布局国家重点实验室。"},
			{"国家重点实验室", "RELIES_ON", "重庆大学", 1, "依托重庆大学建设国家重点实验室。"},
			{"两江协同创新区", "RELIES_ON", "重庆大学", 1, "两江协同创新区依托重庆大学引进研发机构。"},
			{"两江协同创新区", "LOCATED_IN", "重庆", 1, "重庆两江协同创新区。"},
			{"两江协同创新区", "CO_OCCURS", "集成电路特色工艺及封装测试国家级制造业创新中心", 1, "两江协同创新区聚集集成电路特色工艺及封装测试国家级制造业创新中心。"},
			{"集成电路特色工艺及封装测试国家级制造业创新中心", "FOCUSES_ON", "集成电路", 2, "集成电路特色工艺及封装测试国家级制造业创新中心服务集成电路产业。"},
			{"重庆大学", "CO_OCCURS", "国家技术创新中心", 1, "重庆大学参与国家技术创新中心建设。"},
			{"国家技术创新中心", "FOCUSES_ON", "集成电路", 1, "建设集成电路国家技术创新中心。"},
			{"科技创新若干措施", "INVOLVES", "西部(重庆)科学城", 1, "科技创新若干措施支持西部(重庆)科学城建设。"},
			{"西部(重庆)科学城", "LOCATED_IN", "重庆", 1, "重庆西部(重庆)科学城。"},
		},
	)
	second := contribution(
		graph.Document{ID: docSecond, Title: "政府工作报告", Source: "second.txt", Hash: strings.Repeat("b", 64), Date: "2026-01-20", Issuer: "重庆市人民政府", Size: 500},
		[]fent{
			{graph.Platform, "国家重点实验室", nil, 2},
			{graph.Field, "智能计算", nil, 1},
			{graph.Field, "脑科学", nil, 1},
		},
		[]frel{
			{"国家重点实验室", "FOCUSES_ON", "智能计算", 1, "新建智能计算国家重点实验室。"},
			{"国家重点实验室", "FOCUSES_ON", "脑科学", 1, "脑科学国家重点实验室获批。"},
		},
	)
	return []graph.Contribution{seed, second}
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st, ids: map[string]string{}, docs: fixtureContributions()}
	for i := range f.docs {
		c := &f.docs[i]
		if err := st.Apply(context.Background(), c); err != nil {
			t.Fatalf("apply %s: %v", c.Doc.ID, err)
		}
		for _, e := range c.Entities {
			f.ids[e.Name] = e.ID()
		}
	}
	return f
}

func (f *fixture) id(t testing.TB, name string) string {
	t.Helper()
	id, ok := f.ids[name]
	if !ok {
		t.Fatalf("fixture has no entity %q", name)
	}
	return id
}

// result is a decoded GraphQL response.
type result struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
}

func (r *result) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do runs a query through the executor and decodes the response the way a
// client would, through JSON.
func do(t testing.TB, x *Executor, query string, vars map[string]any) *result {
	t.Helper()
	resp := x.Do(context.Background(), Request{Query: query, Variables: vars}, ReadOnly)
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatalf("marshal response: %v", err)
	}
	var r result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode response %s: %v", b, err)
	}
	r.status = resp.Status
	return &r
}

// get walks a decoded JSON value along a dotted path; numbers index lists.
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// strs collects field f of every element of the list at path.
func strs(v any, path, f string) []string {
	l, _ := get(v, path).([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, fmt.Sprint(get(e, f)))
	}
	return out
}
