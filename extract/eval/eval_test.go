package eval

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kg/graph"
)

// tinyGold writes a small gold annotation and returns its prefix.
//
//	platform 西部(重庆)科学城 (alias 西部科学城), required
//	platform 国家重点实验室, required
//	field    人工智能 (alias AI), required
//	field    大数据, optional
//	region   重庆, required
//	measure  关键共性技术攻关, required
//	*        一带一路
//	FOCUSES_ON 国家重点实验室 -> 人工智能, required
//	LOCATED_IN 西部(重庆)科学城 -> 重庆, required
//	INVOLVES   关键共性技术攻关 -> 人工智能, required
func tinyGold(t testing.TB) string {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "tiny")
	ents := "type\tname\taliases\trequired\n# comment\n" +
		"platform\t西部(重庆)科学城\t西部科学城\t1\n" +
		"platform\t国家重点实验室\t\t1\n" +
		"field\t人工智能\tAI\t1\n" +
		"field\t大数据\t\t0\n" +
		"region\t重庆\t重庆市\t1\n" +
		"measure\t关键共性技术攻关\t\t1\n" +
		"*\t一带一路\t\t0\n"
	rels := "relation\thead\ttail\trequired\n" +
		"FOCUSES_ON\t国家重点实验室\t人工智能\t1\n" +
		"LOCATED_IN\t西部(重庆)科学城\t重庆\t1\n" +
		"INVOLVES\t关键共性技术攻关\t人工智能\t1\n"
	if err := os.WriteFile(prefix+".entities.tsv", []byte(ents), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefix+".relations.tsv", []byte(rels), 0o644); err != nil {
		t.Fatal(err)
	}
	return prefix
}

func ent(t graph.EntityType, name string, aliases ...string) PredEntity {
	return PredEntity{ID: graph.EntityID(t, name), Type: t, Name: name, Aliases: aliases}
}

func rel(t graph.RelationType, from, to PredEntity) PredRelation {
	return PredRelation{Type: t, From: from.ID, To: to.ID}
}

func TestScore(t *testing.T) {
	g, err := LoadGold(tinyGold(t))
	if err != nil {
		t.Fatal(err)
	}
	city := ent(graph.Platform, "西部（重庆）科学城") // full-width brackets: NFKC matches
	lab := ent(graph.Platform, "国家重点实验室")
	ai := ent(graph.Field, "ai")                  // alias, lower case
	bigdata := ent(graph.Field, "大数据")            // optional: neither TP nor FP
	belt := ent(graph.Institution, "一带一路")        // "*": any type, no penalty
	generic := ent(graph.Platform, "平台")          // FP
	cq := ent(graph.Region, "重庆 市")               // white space dropped
	m := ent(graph.Measure, "加快推进大数据智能化关键共性技术攻关") // contains the gold phrase
	long := ent(graph.Measure, "关键共性技术攻关"+strings.Repeat("很", 80))
	p := &Prediction{
		Entities: []PredEntity{city, lab, ai, bigdata, belt, generic, cq, m, long},
		Relations: []PredRelation{
			rel(graph.FocusesOn, lab, ai),
			rel(graph.FocusesOn, lab, bigdata), // both endpoints gold, not in gold: FP
			rel(graph.FocusesOn, generic, ai),  // head not a gold entity: not counted
			rel(graph.Involves, m, ai),
			rel(graph.PartOf, m, lab), // no required PART_OF in gold: not scored
		},
	}
	r := Score(g, p)
	want := map[string]Counts{
		"platform":    {TP: 2, FP: 1},
		"field":       {TP: 1},
		"institution": {},
		"region":      {TP: 1},
		"measure":     {TP: 1, FP: 1}, // the 88-rune measure is too long to match
	}
	for k, w := range want {
		if got := *r.Entities[k]; got.TP != w.TP || got.FP != w.FP || got.FN != w.FN {
			t.Errorf("%s: got %+v, want %+v", k, got, w)
		}
	}
	if c := r.Relations["FOCUSES_ON"]; c.TP != 1 || c.FP != 1 || c.FN != 0 {
		t.Errorf("FOCUSES_ON: %+v", *c)
	}
	if c := r.Relations["LOCATED_IN"]; c.TP != 0 || c.FN != 1 {
		t.Errorf("LOCATED_IN: %+v", *c)
	}
	if c := r.Relations["INVOLVES"]; c.TP != 1 || c.FP != 0 || !c.NoPrecision {
		t.Errorf("INVOLVES: %+v", *c)
	}
	if _, ok := r.Relations["PART_OF"]; ok {
		t.Error("PART_OF scored without required gold")
	}
	micro := r.EntityMicro()
	if micro.TP != 5 || micro.FP != 2 || micro.FN != 0 {
		t.Errorf("micro %+v", micro)
	}
	if f := micro.F1(); math.Abs(f-2*(5.0/7)*1/((5.0/7)+1)) > 1e-9 {
		t.Errorf("micro F1 %v", f)
	}
}

func TestOneToOne(t *testing.T) {
	g, err := LoadGold(tinyGold(t))
	if err != nil {
		t.Fatal(err)
	}
	// two predictions for one gold entity: one TP, the other neither TP nor FP
	// (it matches a gold entity); the gold is matched once
	p := &Prediction{Entities: []PredEntity{ent(graph.Field, "人工智能"), ent(graph.Field, "AI")}}
	r := Score(g, p)
	if c := r.Entities["field"]; c.TP != 1 || c.FP != 0 {
		t.Errorf("field %+v", *c)
	}
	// a measure containing two gold phrases serves only one
	g.Entities = append(g.Entities, GoldEntity{Type: "measure", Name: "加快推进", Required: true})
	p = &Prediction{Entities: []PredEntity{ent(graph.Measure, "加快推进关键共性技术攻关")}}
	r = Score(g, p)
	if c := r.Entities["measure"]; c.TP != 1 || c.FN != 1 {
		t.Errorf("measure %+v", *c)
	}
	// longest overlap first: the longer gold phrase takes the prediction
	for _, m := range r.Misses {
		if m.Kind == "measure" && m.Text != "加快推进" {
			t.Errorf("measure miss %s, want 加快推进", m.Text)
		}
	}
}

func TestPool(t *testing.T) {
	a := &Result{Entities: map[string]*Counts{"field": {TP: 1, FP: 1}}, Relations: map[string]*Counts{}}
	b := &Result{Entities: map[string]*Counts{"field": {TP: 2, FN: 1}}, Relations: map[string]*Counts{"INVOLVES": {TP: 1, NoPrecision: true}}}
	total := &Result{}
	total.Add(a)
	total.Add(b)
	if c := total.Entities["field"]; c.TP != 3 || c.FP != 1 || c.FN != 1 {
		t.Errorf("pooled %+v", *c)
	}
	if len(CheckTargets(total)) == 0 {
		t.Error("targets pass on a poor result")
	}
}

func TestLoadGoldErrors(t *testing.T) {
	if _, err := LoadGold(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing gold accepted")
	}
}
