package export

import (
	"kg/graph"
)

// fixture is the small graph the encoder tests draw:
//
//	          FOCUSES_ON(3)
//	中关村实验室 ──────────────▶ 人工智能
//	 │  │  ╲ RELIES_ON(1)              ▲
//	 │  │   ╲                          │ INVOLVES(2)
//	 │  │    ▼                         │
//	 │  │   清华大学 ◀── RELIES_ON(1) ── 揭榜挂帅
//	 │  │ LOCATED_IN(1)
//	 │  ▼
//	 │  北京 (region)        北京 (institution: the same name, another type)
//	 └── CO_OCCURS(4) ── 人工智能  (parallel to FOCUSES_ON, other type)
//
// One name carries control characters and "<&>" to exercise escaping; one
// entity has no dates. The relation 揭榜挂帅 → 北京 (institution) ends at
// an entity missing from Nodes, so closure must drop it.
func fixture() *graph.Subgraph {
	lab := ent(graph.Platform, "中关村实验室", 12, 3, 4, "2021-03-01", "2023-05-10", "中关村国家实验室")
	ai := ent(graph.Field, "人工智能", 30, 4, 4, "2020-06-01", "2023-05-10", "AI")
	thu := ent(graph.Institution, "清华大学", 7, 2, 2, "2021-03-01", "2022-01-15")
	bjr := ent(graph.Region, "北京", 20, 4, 1, "2020-06-01", "2023-05-10", "北京市")
	bji := ent(graph.Institution, "北京", 1, 1, 0, "", "")
	bji.Name = "北京\x01 <&> \"市\"\u2028"
	m := ent(graph.Measure, "揭榜挂帅", 3, 1, 2, "2022-01-15", "2022-01-15")
	return &graph.Subgraph{
		Nodes: []graph.Entity{*m, *lab, *ai, *thu, *bjr, *bji},
		Relations: []graph.Relation{
			rel(lab, ai, graph.FocusesOn, 3, "2021-03-01", "2023-05-10"),
			rel(lab, thu, graph.ReliesOn, 1, "2021-03-01", "2021-03-01"),
			rel(lab, bjr, graph.LocatedIn, 1, "2021-03-01", "2021-03-01"),
			rel(m, ai, graph.Involves, 2, "2022-01-15", "2022-01-15"),
			rel(m, thu, graph.ReliesOn, 1, "2022-01-15", "2022-01-15"),
			rel(lab, ai, graph.CoOccurs, 4, "2021-03-01", "2023-05-10"),
			{From: m.ID, To: graph.EntityID(graph.Institution, "北京大学"), Type: graph.ReliesOn, Weight: 1, Docs: 1},
		},
	}
}

func ent(t graph.EntityType, name string, mentions, docs, degree int64, first, last string, aliases ...string) *graph.Entity {
	return &graph.Entity{
		ID: graph.EntityID(t, name), Type: t, Name: name, Aliases: aliases,
		Mentions: mentions, Docs: docs, Degree: degree, First: first, Last: last,
	}
}

func rel(a, b *graph.Entity, t graph.RelationType, w float64, first, last string) graph.Relation {
	k := graph.RelationKey{From: a.ID, Type: t, To: b.ID}.Canonical()
	return graph.Relation{From: k.From, To: k.To, Type: t, Weight: w, Docs: 1, First: first, Last: last}
}
