package extract

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"kg/graph"
)

func newTestExtractor(t testing.TB) *Extractor {
	t.Helper()
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

const sample = `加大科技创新载体及平台建设。准确把握面向世界科技前沿,集中力量、整合资源。一是推进西部(重庆)科学城、两江协同创新区等重点载体建设。二是高水平建设脑科学、量子科技、智能计算等领域国家重点实验室。三是依托中科院重庆学院、重庆 大学、西南大学等国家创新单元,统筹协调与国家重点实验室的关系。`

func TestExtractSample(t *testing.T) {
	x := newTestExtractor(t)
	c, err := x.Extract(context.Background(), graph.Document{ID: "d1"}, sample)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	has := func(typ graph.EntityType, name string) *graph.EntityContribution {
		for i := range c.Entities {
			e := &c.Entities[i]
			if e.Type == typ && graph.Normalize(e.Name) == graph.Normalize(name) {
				return e
			}
		}
		return nil
	}
	for _, want := range []struct {
		t    graph.EntityType
		name string
	}{
		{graph.Platform, "西部(重庆)科学城"}, {graph.Platform, "两江协同创新区"}, {graph.Platform, "国家重点实验室"},
		{graph.Field, "脑科学"}, {graph.Field, "量子科技"}, {graph.Field, "智能计算"},
		{graph.Institution, "重庆大学"}, {graph.Institution, "西南大学"}, {graph.Institution, "中科院重庆学院"},
		{graph.Measure, "加大科技创新载体及平台建设"},
	} {
		if has(want.t, want.name) == nil {
			t.Errorf("missing %s %s", want.t, want.name)
		}
	}
	for _, n := range []string{"平台", "创新主体", "企业"} {
		for _, e := range c.Entities {
			if e.Name == n {
				t.Errorf("generic %q emitted as %s", n, e.Type)
			}
		}
	}
	// offsets point into the original text
	orig := []rune(sample)
	for _, e := range c.Entities {
		for _, s := range e.Spans {
			if s.Start < 0 || s.End > len(orig) || s.Start >= s.End {
				t.Fatalf("%s: bad span %v", e.Name, s)
			}
			if e.Type != graph.Measure && graph.Normalize(string(orig[s.Start:s.End])) != graph.Normalize(e.Name) &&
				!containsAlias(e, string(orig[s.Start:s.End])) {
				t.Errorf("%s %s: span %v is %q", e.Type, e.Name, s, string(orig[s.Start:s.End]))
			}
		}
	}
	rel := func(t graph.RelationType, from, to *graph.EntityContribution) bool {
		if from == nil || to == nil {
			return false
		}
		for _, r := range c.Relations {
			if r.Type == t && r.From == from.ID() && r.To == to.ID() {
				return true
			}
		}
		return false
	}
	lab := has(graph.Platform, "国家重点实验室")
	for _, w := range []struct {
		t        graph.RelationType
		from, to *graph.EntityContribution
	}{
		{graph.FocusesOn, lab, has(graph.Field, "脑科学")},
		{graph.ReliesOn, lab, has(graph.Institution, "重庆大学")},
		{graph.LocatedIn, has(graph.Institution, "重庆大学"), has(graph.Region, "重庆")},
		{graph.LocatedIn, has(graph.Platform, "西部(重庆)科学城"), has(graph.Region, "重庆")},
	} {
		if !rel(w.t, w.from, w.to) {
			t.Errorf("missing %s %v -> %v", w.t, name(w.from), name(w.to))
		}
	}
	for _, r := range c.Relations {
		if len(r.Evidence) == 0 || r.Evidence[0].Rule == "" || r.Evidence[0].Sentence == "" {
			t.Errorf("relation %s without evidence", r.Type)
		}
		for _, ev := range r.Evidence {
			if ev.End > len(orig) {
				t.Errorf("evidence out of range: %+v", ev)
			}
		}
	}
	again, _ := x.Extract(context.Background(), graph.Document{ID: "d1"}, sample)
	if !reflect.DeepEqual(c, again) {
		t.Error("Extract is not deterministic")
	}
}

func name(e *graph.EntityContribution) string {
	if e == nil {
		return "<nil>"
	}
	return e.Name
}

func containsAlias(e graph.EntityContribution, s string) bool {
	for _, a := range e.Aliases {
		if graph.Normalize(a) == graph.Normalize(s) {
			return true
		}
	}
	return strings.Contains(graph.Normalize(s), graph.Normalize(e.Name))
}

func TestExtractRejects(t *testing.T) {
	x := newTestExtractor(t)
	if _, err := x.Extract(context.Background(), graph.Document{}, "x"); err == nil {
		t.Error("document without id accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Extract(ctx, graph.Document{ID: "d"}, sample); err == nil {
		t.Error("cancelled context ignored")
	}
	if _, err := New(Options{Lexicon: []LexEntry{{Type: "colour", Name: "红"}}}); err == nil {
		t.Error("unknown lexicon type accepted")
	}
}

// fakeSegmenter cuts text into the longest words of a small dictionary,
// single runes otherwise: enough to test how boundaries are used.
type fakeSegmenter map[string]bool

func (f fakeSegmenter) Cut(text string) []string {
	rs := []rune(text)
	var out []string
	for i := 0; i < len(rs); {
		n := 1
		for k := min(6, len(rs)-i); k > 1; k-- {
			if f[string(rs[i:i+k])] {
				n = k
				break
			}
		}
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	return out
}

func TestSegmenterSnapsNameStart(t *testing.T) {
	lex := []LexEntry{{Type: "region", Name: "重庆", Tags: []string{"municipality"}}}
	text := "建设在线检测实验室。"
	// without a segmenter the name starts after the stop word 在
	x, err := New(Options{Lexicon: lex})
	if err != nil {
		t.Fatal(err)
	}
	c, err := x.Extract(context.Background(), graph.Document{ID: "d"}, text)
	if err != nil {
		t.Fatal(err)
	}
	if !hasEntity(c, graph.Platform, "线检测实验室") {
		t.Fatalf("without segmenter: %+v", c.Entities)
	}
	// with one, the word the scan cut is kept whole
	x, err = New(Options{Lexicon: lex, Segmenter: fakeSegmenter{"建设": true, "在线": true, "检测": true, "实验室": true}})
	if err != nil {
		t.Fatal(err)
	}
	c, err = x.Extract(context.Background(), graph.Document{ID: "d"}, text)
	if err != nil {
		t.Fatal(err)
	}
	if !hasEntity(c, graph.Platform, "在线检测实验室") {
		t.Errorf("name not snapped to the word boundary: %+v", c.Entities)
	}
}

func hasEntity(c *graph.Contribution, typ graph.EntityType, name string) bool {
	for _, e := range c.Entities {
		if e.Type == typ && e.Name == name {
			return true
		}
	}
	return false
}

// FuzzExtract checks that any input extracts without error into a valid
// contribution whose offsets lie inside the input.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{sample, "第十三条 市人民政府应当根据规划，建设A、B、C实验室。", "在渝国家高新区\n\n一是", "等领域、、等", "（一）\n（二）", "\xff依托"} {
		f.Add(s)
	}
	x, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := x.Extract(context.Background(), graph.Document{ID: "f"}, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		n := len([]rune(s))
		for _, e := range c.Entities {
			for _, sp := range e.Spans {
				if sp.Start < 0 || sp.End > n || sp.Start > sp.End {
					t.Fatalf("span %v outside %d runes", sp, n)
				}
			}
		}
		for _, r := range c.Relations {
			for _, ev := range r.Evidence {
				if ev.Start < 0 || ev.End > n || ev.Start > ev.End {
					t.Fatalf("evidence [%d,%d) outside %d runes", ev.Start, ev.End, n)
				}
			}
		}
	})
}

// TestExtractConcurrent runs extractions in parallel on one Extractor (run
// with -race) and checks they agree with a sequential one.
func TestExtractConcurrent(t *testing.T) {
	x := newTestExtractor(t)
	want, err := x.Extract(context.Background(), graph.Document{ID: "c"}, sample)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			got, err := x.Extract(context.Background(), graph.Document{ID: "c"}, sample)
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errorString("parallel extraction differs")
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestExtractReusesBuffers extracts texts of different sizes one after the
// other, in two orders and from parallel goroutines: the buffers one
// document leaves for the next must not change any result.
func TestExtractReusesBuffers(t *testing.T) {
	x := newTestExtractor(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(paths) < 2 {
		t.Fatal("no texts in testdata")
	}
	texts := []string{sample}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	extractAll := func(order []int) ([]*graph.Contribution, error) {
		out := make([]*graph.Contribution, len(texts))
		for _, i := range order {
			c, err := x.Extract(context.Background(), graph.Document{ID: "d"}, texts[i])
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	forward := make([]int, len(texts))
	backward := make([]int, len(texts))
	for i := range texts {
		forward[i], backward[i] = i, len(texts)-1-i
	}
	want, err := extractAll(forward)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			order := forward
			if g%2 == 1 {
				order = backward
			}
			got, err := extractAll(order)
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errorString("extraction differs when documents follow one another in another order")
			}
			errs <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestCityWord(t *testing.T) {
	lex := []LexEntry{{Type: "region", Name: "长治", Tags: []string{"city:山西"}}, {Type: "region", Name: "成都", Tags: []string{"city:四川"}}}
	seg := fakeSegmenter{"长治久安": true, "支持": true, "成都": true, "打造": true}
	for _, tc := range []struct {
		text string
		seg  Segmenter
		want []string
	}{
		{"实现长治久安", nil, nil},
		{"实现长治久安", seg, nil},
		{"支持成都打造", seg, []string{"成都"}},
		{"、成都打造", nil, []string{"成都"}},
	} {
		x, err := New(Options{Lexicon: lex, Segmenter: tc.seg})
		if err != nil {
			t.Fatal(err)
		}
		c, err := x.Extract(context.Background(), graph.Document{ID: "d"}, tc.text)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range c.Entities {
			if e.Type == graph.Region && len(e.Spans) > 0 {
				got = append(got, e.Name)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q (segmenter %v): regions %v, want %v", tc.text, tc.seg != nil, got, tc.want)
		}
	}
}

// TestIDValueOrder checks that entity IDs compare as their values do, which
// sortRelations relies on.
func TestIDValueOrder(t *testing.T) {
	var ids []string
	for i := 0; i < 200; i++ {
		ids = append(ids, graph.EntityID(graph.Platform, strings.Repeat("实验室", i%7)+string(rune('a'+i%26))+string(rune('0'+i%10))))
	}
	for _, a := range ids {
		va, ok := idValue(a)
		if !ok {
			t.Fatalf("idValue(%q) failed", a)
		}
		for _, b := range ids {
			vb, _ := idValue(b)
			if got, want := cmpUint(va, vb), strings.Compare(a, b); got != want {
				t.Fatalf("%q vs %q: values compare %d, strings %d", a, b, got, want)
			}
		}
	}
	if _, ok := idValue("r0123456789abcdef"); ok {
		t.Error("idValue accepted a relation ID")
	}
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FuzzIndexEither checks indexEither against strings.IndexAny.
func FuzzIndexEither(f *testing.F) {
	for _, s := range []string{"西部(重庆)科学城", "西部（重庆）科学城", "（a(", "a\xef（", "无"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := indexEither(s, '(', "（"), strings.IndexAny(s, "(（"); got != want {
			t.Fatalf("indexEither(%q) = %d, IndexAny %d", s, got, want)
		}
		if got, want := indexEither(s, ')', "）"), strings.IndexAny(s, ")）"); got != want {
			t.Fatalf("indexEither(%q) = %d, IndexAny %d", s, got, want)
		}
	})
}
