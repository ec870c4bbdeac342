package graphtest

import "kg/graph"

// Names of the fixture's entities.
const (
	nCity   = "西部(重庆)科学城"
	nCityW  = "西部（重庆）科学城"
	nCQ     = "重庆"
	nAI     = "人工智能"
	nCQU    = "重庆大学"
	nIC     = "集成电路"
	nTalent = "人才计划"
	nCD     = "成都"
	nTF     = "天府实验室"
)

// IDs of the fixture's entities.
var (
	idCity   = graph.EntityID(graph.Platform, nCity)
	idCQ     = graph.EntityID(graph.Region, nCQ)
	idAI     = graph.EntityID(graph.Field, nAI)
	idCQU    = graph.EntityID(graph.Institution, nCQU)
	idIC     = graph.EntityID(graph.Field, nIC)
	idTalent = graph.EntityID(graph.Measure, nTalent)
	idCD     = graph.EntityID(graph.Region, nCD)
	idTF     = graph.EntityID(graph.Platform, nTF)
)

func ent(t graph.EntityType, name string, spans ...int) graph.EntityContribution {
	e := graph.EntityContribution{Type: t, Name: name}
	for _, s := range spans {
		e.Spans = append(e.Spans, graph.Span{Start: s, End: s + len([]rune(name))})
	}
	return e
}

func rel(t graph.RelationType, from, to string, w float64, evStart int, sentence string) graph.RelationContribution {
	return graph.RelationContribution{From: from, To: to, Type: t, Weight: w, Evidence: []graph.Evidence{{
		Sentence: sentence, Start: evStart, End: evStart + len([]rune(sentence)), Rule: "test." + string(t),
	}}}
}

func doc1() *graph.Contribution {
	s1 := "西部(重庆)科学城位于重庆，聚焦人工智能。"
	s2 := "重庆大学位于重庆。"
	return &graph.Contribution{
		Doc: graph.Document{ID: "d1", Title: "科学城方案", Source: "corpus/d1.txt", Hash: "h1", Date: "2023-01-10", Size: 100},
		Entities: []graph.EntityContribution{
			ent(graph.Platform, nCity, 0, 40),
			ent(graph.Region, nCQ, 11, 30),
			ent(graph.Field, nAI, 16),
			ent(graph.Institution, nCQU, 26),
		},
		Relations: []graph.RelationContribution{
			rel(graph.LocatedIn, idCity, idCQ, 1, 0, s1),
			rel(graph.FocusesOn, idCity, idAI, 2, 0, s1),
			rel(graph.LocatedIn, idCQU, idCQ, 1, 26, s2),
			// Undirected, given To < From on purpose: the store orders it.
			rel(graph.CoOccurs, idCity, idCQU, 1, 40, "西部(重庆)科学城与重庆大学合作。"),
		},
	}
}

func doc2() *graph.Contribution {
	s := "西部（重庆）科学城聚焦人工智能和集成电路，人才计划支持科学城。"
	city := ent(graph.Platform, nCityW, 0)
	city.Aliases = []string{"科学城"}
	city.Spans = append(city.Spans, graph.Span{Start: 28, End: 31})
	return &graph.Contribution{
		Doc: graph.Document{ID: "d2", Title: "人才计划", Source: "corpus/d2.txt", Hash: "h2", Date: "2024-05-01", Size: 60},
		Entities: []graph.EntityContribution{
			city,
			ent(graph.Field, nAI, 11),
			ent(graph.Field, nIC, 16),
			ent(graph.Measure, nTalent, 21),
		},
		Relations: []graph.RelationContribution{
			rel(graph.FocusesOn, idCity, idAI, 1, 0, s),
			rel(graph.FocusesOn, idCity, idIC, 1, 0, s),
			rel(graph.Involves, idTalent, idCity, 1, 21, "人才计划支持科学城。"),
		},
	}
}

func doc3() *graph.Contribution {
	s := "天府实验室位于成都，聚焦人工智能。"
	return &graph.Contribution{
		Doc: graph.Document{ID: "d3", Title: "天府", Source: "corpus/d3.txt", Hash: "h3", Size: 20},
		Entities: []graph.EntityContribution{
			ent(graph.Platform, nTF, 0),
			ent(graph.Region, nCD, 7),
			ent(graph.Field, nAI, 12),
		},
		Relations: []graph.RelationContribution{
			rel(graph.LocatedIn, idTF, idCD, 1, 0, s),
			rel(graph.FocusesOn, idTF, idAI, 3, 0, s),
		},
	}
}

func fixture() []*graph.Contribution { return []*graph.Contribution{doc1(), doc2(), doc3()} }
