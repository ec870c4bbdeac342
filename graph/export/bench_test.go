package export

import (
	"fmt"
	"io"
	"testing"

	"kg/graph"
)

// benchGraph is a deterministic in-memory graph of n entities and 5n
// relations with Chinese names, for encoder benchmarks.
func benchGraph(n int) *graph.Subgraph {
	sg := &graph.Subgraph{Nodes: make([]graph.Entity, n)}
	syll := []string{"科", "技", "创", "新", "平", "台", "实", "验", "室", "中", "心", "研", "究", "院", "数", "智"}
	for i := range sg.Nodes {
		t := graph.EntityTypes[i%len(graph.EntityTypes)]
		name := ""
		for v := i + 1; v > 0; v /= len(syll) {
			name += syll[v%len(syll)]
		}
		name += string(t)
		sg.Nodes[i] = graph.Entity{
			ID: graph.EntityID(t, name), Type: t, Name: name, Aliases: []string{name + "别名"},
			Mentions: int64(i%97 + 1), Docs: int64(i%13 + 1), Degree: 10, First: "2021-01-01", Last: "2024-06-30",
		}
	}
	x := uint64(1)
	for i := 0; i < 5*n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		a, b := int(x%uint64(n)), int((x>>32)%uint64(n))
		if a == b {
			continue
		}
		rt := graph.RelationTypes[i%len(graph.RelationTypes)]
		k := graph.RelationKey{From: sg.Nodes[a].ID, Type: rt, To: sg.Nodes[b].ID}.Canonical()
		sg.Relations = append(sg.Relations, graph.Relation{
			From: k.From, To: k.To, Type: rt, Weight: float64(i%5 + 1), Docs: 2, First: "2021-01-01", Last: "2023-01-01",
		})
	}
	return sg
}

// BenchmarkEncodeSubgraph measures the encoders alone (no store), by
// format and size; MB/s is output bytes.
func BenchmarkEncodeSubgraph(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		sg := benchGraph(n)
		for _, f := range []Format{GEXF, JSON, GraphML, Graphology, CSV} {
			b.Run(fmt.Sprintf("%s/%d", f, n), func(b *testing.B) {
				b.ReportAllocs()
				var cw countingWriter
				cw.w = io.Discard
				if err := EncodeSubgraph(&cw, f, sg, Options{}); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(cw.n)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := EncodeSubgraph(io.Discard, f, sg, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkLayoutExport is a GEXF export of a 10,000-node subgraph with
// the layout, the largest that gets one by default.
func BenchmarkLayoutExport(b *testing.B) {
	sg := benchGraph(10000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := EncodeSubgraph(io.Discard, GEXF, sg, Options{Layout: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIDSetHas is the closure check's cost per edge endpoint over a
// million written nodes.
func BenchmarkIDSetHas(b *testing.B) {
	var s idSet
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = graph.EntityID(graph.Field, fmt.Sprint(i))
		s.add(ids[i])
	}
	s.has(ids[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !s.has(ids[(i*7919)%len(ids)]) {
			b.Fatal("missing")
		}
	}
}
