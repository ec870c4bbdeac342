package schema

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"kg/graph"
)

func newTestExecutor(t testing.TB, f *fixture, opts ...Option) *Executor {
	t.Helper()
	x, err := NewExecutor(f.store, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestNewRejectsNilReader(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Fatal("New(nil) returned no error")
	}
}

// TestQueries answers analysts' questions over the fixture graph; the
// expected answers are read off the fixture's sentences.
func TestQueries(t *testing.T) {
	f := newFixture(t)
	x := newTestExecutor(t, f)
	lab := f.id(t, "国家重点实验室")
	type check func(t *testing.T, r *result)
	equal := func(path string, want any) check {
		return func(t *testing.T, r *result) {
			t.Helper()
			got := get(r.Data, path)
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Errorf("%s = %s, want %s", path, gb, wb)
			}
		}
	}
	names := func(path, field string, want ...string) check {
		return func(t *testing.T, r *result) {
			t.Helper()
			got := strs(r.Data, path, field)
			if !slices.Equal(got, want) {
				t.Errorf("%s[].%s = %q, want %q", path, field, got, want)
			}
		}
	}
	sortedNames := func(path, field string, want ...string) check {
		return func(t *testing.T, r *result) {
			t.Helper()
			got := strs(r.Data, path, field)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s[].%s = %q, want %q (any order)", path, field, got, want)
			}
		}
	}
	closed := func(path string) check {
		return func(t *testing.T, r *result) {
			t.Helper()
			nodes := map[string]bool{}
			for _, id := range strs(r.Data, path+".nodes", "id") {
				nodes[id] = true
			}
			for _, rel := range get(r.Data, path+".relations").([]any) {
				from, to := get(rel, "from.id").(string), get(rel, "to.id").(string)
				if !nodes[from] || !nodes[to] {
					t.Errorf("relation %s -> %s leaves the subgraph", from, to)
				}
			}
		}
	}

	tests := []struct {
		name   string
		query  string
		vars   map[string]any
		code   string // expected error code, "" for none
		checks []check
	}{
		{
			name:  "fields the national key laboratories focus on",
			query: `{ entity(name: "国家重点实验室") { name type relations(types: [FOCUSES_ON], direction: OUT) { to { name } weight } } }`,
			checks: []check{
				equal("entity.type", "PLATFORM"),
				// 脑科学 is named by both documents: weight 2, listed first.
				sortedNames("entity.relations", "to.name", "脑科学", "智能计算", "量子科技"),
				equal("entity.relations.0.to.name", "脑科学"),
				equal("entity.relations.0.weight", 2.0),
			},
		},
		{
			name:   "platforms that rely on 重庆大学",
			query:  `{ entity(name: "重庆大学") { relations(types: [RELIES_ON], direction: IN) { from { name type } } } }`,
			checks: []check{sortedNames("entity.relations", "from.name", "国家重点实验室", "两江协同创新区")},
		},
		{
			name:   "measures that involve 西部(重庆)科学城, named with full-width brackets",
			query:  `{ neighbors(id: "西部（重庆）科学城", relations: [INVOLVES], direction: IN, types: [MEASURE]) { nodes { name } truncated } }`,
			checks: []check{names("neighbors.nodes", "name", "西部(重庆)科学城", "科技创新若干措施"), equal("neighbors.truncated", false)},
		},
		{
			name:   "entity by alias",
			query:  `{ entity(name: "西部科学城") { name aliases } }`,
			checks: []check{equal("entity.name", "西部(重庆)科学城"), equal("entity.aliases", []string{"西部科学城"})},
		},
		{
			name:   "entity by id with counts",
			query:  `query($id: ID) { entity(id: $id) { name mentionCount documentCount degree firstSeen lastSeen } }`,
			vars:   map[string]any{"id": lab},
			checks: []check{equal("entity.name", "国家重点实验室"), equal("entity.mentionCount", 5.0), equal("entity.documentCount", 2.0), equal("entity.degree", 4.0), equal("entity.firstSeen", "2021-05-07"), equal("entity.lastSeen", "2026-01-20")},
		},
		{
			name:   "entity by name and type",
			query:  `{ entity(name: "重庆", type: REGION) { type } }`,
			checks: []check{equal("entity.type", "REGION")},
		},
		{
			name:   "unknown entity is null, not an error",
			query:  `{ entity(name: "不存在的实体") { id } byID: entity(id: "e0000000000000000") { id } }`,
			checks: []check{equal("entity", nil), equal("byID", nil)},
		},
		{
			name:  "entity needs id or name",
			query: `{ entity { id } }`,
			code:  CodeBadInput,
		},
		{
			name:   "search by substring",
			query:  `{ search(text: "创新中心") { name } }`,
			checks: []check{sortedNames("search", "name", "国家技术创新中心", "集成电路特色工艺及封装测试国家级制造业创新中心")},
		},
		{
			name:  "search by prefix and type",
			query: `{ search(text: "国家", mode: PREFIX, types: [PLATFORM], first: 1) { name } }`,
			checks: []check{func(t *testing.T, r *result) {
				if l := strs(r.Data, "search", "name"); len(l) != 1 || !strings.HasPrefix(l[0], "国家") {
					t.Errorf("search = %q, want one platform starting with 国家", l)
				}
			}},
		},
		{
			name:  "empty search text",
			query: `{ search(text: "  ") { name } }`,
			code:  CodeBadInput,
		},
		{
			name:   "entities by mentions",
			query:  `{ entities(type: PLATFORM, first: 2) { totalCount hasNextPage nodes { name mentionCount } } }`,
			checks: []check{equal("entities.totalCount", 5.0), equal("entities.hasNextPage", true), names("entities.nodes", "name", "国家重点实验室", "西部(重庆)科学城")},
		},
		{
			name:   "neighbors depth 1 is closed",
			query:  `{ neighbors(id: "国家重点实验室") { nodes { id name } relations { type from { id } to { id } } truncated } }`,
			checks: []check{sortedNames("neighbors.nodes", "name", "国家重点实验室", "脑科学", "量子科技", "智能计算", "重庆大学"), closed("neighbors")},
		},
		{
			name:  "fromId and toId match from and to",
			query: `{ neighbors(id: "重庆大学") { relations { fromId toId from { id } to { id } } } }`,
			checks: []check{func(t *testing.T, r *result) {
				rels, _ := get(r.Data, "neighbors.relations").([]any)
				if len(rels) < 3 {
					t.Fatalf("%d relations", len(rels))
				}
				for _, rel := range rels {
					if get(rel, "fromId") != get(rel, "from.id") || get(rel, "toId") != get(rel, "to.id") {
						t.Errorf("relation %v", rel)
					}
				}
			}},
		},
		{
			name:   "neighbors depth 2 with first",
			query:  `{ neighbors(id: "国家重点实验室", depth: 2, first: 100) { nodes { id name } relations { from { id } to { id } } } }`,
			checks: []check{sortedNames("neighbors.nodes", "name", "国家重点实验室", "脑科学", "量子科技", "智能计算", "重庆大学", "两江协同创新区", "国家技术创新中心"), closed("neighbors")},
		},
		{
			name:   "neighbors first 0 is the entity alone",
			query:  `{ neighbors(id: "国家重点实验室", first: 0) { nodes { name } relations { type } } }`,
			checks: []check{names("neighbors.nodes", "name", "国家重点实验室"), equal("neighbors.relations", []any{})},
		},
		{name: "neighbors depth 4", query: `{ neighbors(id: "国家重点实验室", depth: 4) { truncated } }`, code: CodeLimit},
		{name: "neighbors depth 0", query: `{ neighbors(id: "国家重点实验室", depth: 0) { truncated } }`, code: CodeBadInput},
		{name: "neighbors of unknown id", query: `{ neighbors(id: "e0000000000000000") { truncated } }`, code: CodeNotFound},
		{name: "neighbors of unknown name", query: `{ neighbors(id: "不存在") { truncated } }`, code: CodeNotFound},
		{name: "negative first", query: `{ search(text: "国家", first: -1) { name } }`, code: CodeBadInput},
		{
			name:   "shortest path",
			query:  `{ path(from: "两江协同创新区", to: "集成电路") { length nodes { name } relations { type from { name } to { name } } } }`,
			checks: []check{equal("path.length", 2.0), names("path.nodes", "name", "两江协同创新区", "集成电路特色工艺及封装测试国家级制造业创新中心", "集成电路"), names("path.relations", "type", "CO_OCCURS", "FOCUSES_ON")},
		},
		{
			name:   "no path is null",
			query:  `{ path(from: "上海", to: "集成电路") { length } }`,
			checks: []check{equal("path", nil)},
		},
		{name: "path to unknown entity", query: `{ path(from: "上海", to: "e0000000000000000") { length } }`, code: CodeNotFound},
		{name: "path maxDepth over the cap", query: `{ path(from: "上海", to: "重庆", maxDepth: 9) { length } }`, code: CodeLimit},
		{
			name: "paths: the shortest, then longer ones, with evidence",
			query: `{ paths(from: "两江协同创新区", to: "集成电路", maxDepth: 4) { length nodes { name }
				relations { type evidence { sentence document { title } } } } }`,
			checks: []check{
				func(t *testing.T, r *result) {
					ps, _ := get(r.Data, "paths").([]any)
					var lengths []float64
					for _, p := range ps {
						lengths = append(lengths, get(p, "length").(float64))
						nodes := strs(p, "nodes", "name")
						if nodes[0] != "两江协同创新区" || nodes[len(nodes)-1] != "集成电路" {
							t.Errorf("path %q does not join the two entities", nodes)
						}
						seen := map[string]bool{}
						for _, n := range nodes {
							if seen[n] {
								t.Errorf("path %q is not simple", nodes)
							}
							seen[n] = true
						}
					}
					if !slices.Equal(lengths, []float64{2, 3}) {
						t.Errorf("path lengths %v, want [2 3]", lengths)
					}
				},
				equal("paths.0.relations.0.evidence.0.sentence", "两江协同创新区聚集集成电路特色工艺及封装测试国家级制造业创新中心。"),
				equal("paths.0.relations.0.evidence.0.document.title", "推动科技创新"),
			},
		},
		{
			name:   "paths bounded by maxDepth",
			query:  `{ paths(from: "两江协同创新区", to: "集成电路", maxDepth: 2) { length } }`,
			checks: []check{names("paths", "length", "2")},
		},
		{
			name:   "relations between two entities",
			query:  `{ relations(from: "集成电路", to: "国家技术创新中心") { type from { name } to { name } evidence { sentence start end rule documentId } } }`,
			checks: []check{names("relations", "type", "FOCUSES_ON"), equal("relations.0.from.name", "国家技术创新中心"), equal("relations.0.evidence.0.sentence", "建设集成电路国家技术创新中心。"), equal("relations.0.evidence.0.documentId", docSeed)},
		},
		{
			name:   "subgraph of two seeds",
			query:  `{ subgraph(ids: ["上海", "两江协同创新区"], depth: 1) { nodes { id name } relations { from { id } to { id } } truncated } }`,
			checks: []check{sortedNames("subgraph.nodes", "name", "上海", "两江协同创新区", "重庆大学", "重庆", "集成电路特色工艺及封装测试国家级制造业创新中心"), closed("subgraph")},
		},
		{
			name:  "subgraph limit truncates",
			query: `{ subgraph(ids: ["重庆"], depth: 3, limit: 3) { nodes { id } relations { from { id } to { id } } truncated } }`,
			checks: []check{equal("subgraph.truncated", true), func(t *testing.T, r *result) {
				if n := len(strs(r.Data, "subgraph.nodes", "id")); n != 3 {
					t.Errorf("%d nodes, want 3", n)
				}
			}, closed("subgraph")},
		},
		{
			name:   "documents and paging",
			query:  `{ documents(first: 1) { nodes { id title date issuer } hasNextPage endCursor } }`,
			checks: []check{equal("documents.nodes.0.id", docSecond), equal("documents.hasNextPage", true)},
		},
		{
			name:   "document by id, unknown is null",
			query:  `{ document(id: "dseed00000000001") { title size hash } none: document(id: "nope") { title } }`,
			checks: []check{equal("document.title", "推动科技创新"), equal("document.size", 1000.0), equal("none", nil)},
		},
		{
			name:   "entity documents",
			query:  `{ entity(name: "国家重点实验室") { documents { id } } }`,
			checks: []check{names("entity.documents", "id", docSecond, docSeed)},
		},
		{
			name:   "stats",
			query:  `{ stats { documents entities relations entitiesByType { type count } relationsByType { type count } } }`,
			checks: []check{equal("stats.documents", 2.0), equal("stats.entities", 13.0), equal("stats.relations", 12.0), equal("stats.entitiesByType.0", map[string]any{"type": "PLATFORM", "count": 5})},
		},
		{
			name:  "asJSON node-link is closed",
			query: `{ neighbors(id: "两江协同创新区", depth: 2) { asJSON } }`,
			checks: []check{func(t *testing.T, r *result) {
				g, _ := get(r.Data, "neighbors.asJSON").(map[string]any)
				nodes := map[string]bool{}
				for _, n := range g["nodes"].([]any) {
					nodes[get(n, "id").(string)] = true
				}
				links, _ := g["edges"].([]any) // networkx 3.4 node-link names them edges
				if len(nodes) < 5 || len(links) < 4 {
					t.Errorf("node-link graph has %d nodes, %d links; want at least 5 and 4", len(nodes), len(links))
				}
				for _, l := range links {
					if !nodes[get(l, "source").(string)] || !nodes[get(l, "target").(string)] {
						t.Errorf("link %v leaves the graph", l)
					}
				}
			}},
		},
		{
			name: "asJSON in every format, with layout",
			query: `{ neighbors(id: "两江协同创新区") { a: asJSON(format: CYTOSCAPE, layout: true) b: asJSON(format: GRAPHOLOGY)
				c: asJSON(format: D3) d: asJSON(format: ECHARTS) } }`,
			checks: []check{func(t *testing.T, r *result) {
				for _, k := range []string{"a", "b", "c", "d"} {
					if _, ok := get(r.Data, "neighbors."+k).(map[string]any); !ok {
						t.Errorf("asJSON %s is %T, want a JSON object", k, get(r.Data, "neighbors."+k))
					}
				}
				if get(r.Data, "neighbors.a.elements.nodes.0.position.x") == nil {
					t.Error("cytoscape layout has no positions")
				}
			}},
		},
		{name: "syntax error", query: `{ entity(name: "x") { id `, code: CodeBadInput},
		{name: "unknown field", query: `{ nosuch }`, code: CodeBadInput},
		{name: "unknown enum", query: `{ neighbors(id: "x", relations: [LIKES]) { truncated } }`, code: CodeBadInput},
		{name: "mutation on a read-only executor", query: `mutation { addAlias(id: "x", alias: "y") { id } }`, code: CodeForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, x, tc.query, tc.vars)
			if r.code() != tc.code {
				t.Fatalf("error code %q, want %q; errors %+v", r.code(), tc.code, r.Errors)
			}
			for _, c := range tc.checks {
				c(t, r)
			}
		})
	}
}

func TestIntrospection(t *testing.T) {
	x := newTestExecutor(t, newFixture(t))
	r := do(t, x, introspectionQuery, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("introspection failed: %+v", r.Errors)
	}
	var fields []string
	for _, ty := range get(r.Data, "__schema.types").([]any) {
		if get(ty, "name") == "Query" {
			fields = strs(ty, "fields", "name")
		}
	}
	for _, want := range []string{"entity", "search", "entities", "neighbors", "path", "paths", "subgraph", "relations", "documents", "document", "stats"} {
		if !slices.Contains(fields, want) {
			t.Errorf("Query has no field %s (has %v)", want, fields)
		}
	}
}

func TestLimits(t *testing.T) {
	f := newFixture(t)
	x := newTestExecutor(t, f, WithLimits(Limits{MaxDepth: 5, MaxCost: 2000, MaxFirst: 3, MaxAliases: 2, MaxEdges: 2, MaxQueryBytes: 4096}))
	// costly has the default MaxFirst and a small MaxCost: the search
	// below costs 1 + 20*(1 + 50*(1 + 5*1)) = 6,021 by default.
	costly := newTestExecutor(t, f, WithLimits(Limits{MaxCost: 2000}))
	deep := `{ entity(name: "重庆") { relations { from { relations { to { name } } } } } }` // depth 6
	tests := []struct {
		name, query string
		vars        map[string]any
		code        string
		status      int
		check       func(t *testing.T, r *result)
		x           *Executor
	}{
		{name: "depth", query: deep, code: CodeLimit, status: 400},
		{name: "depth just under", query: `{ entity(name: "重庆") { relations { from { relations { type } } } } }`, status: 200},
		{name: "depth through fragments", query: `{ entity(name: "重庆") { ...A } } fragment A on Entity { relations { from { relations { to { name } } } } }`, code: CodeLimit, status: 400},
		{name: "introspection is not held to the query depth", query: introspectionQuery, status: 200},
		{name: "cost", query: `{ search(text: "国家") { relations { evidence { sentence } } } }`, code: CodeLimit, status: 400, x: costly},
		{name: "cost of a subgraph", query: `{ subgraph(ids: ["重庆"]) { nodes { id } relations { type } } }`, code: CodeLimit, status: 400, x: costly},
		{name: "cost under the limit", query: `{ subgraph(ids: ["重庆"], limit: 100) { nodes { id } relations { type } } }`, status: 200, x: costly},
		{name: "cost through variables", query: `query($n: Int) { search(text: "国家", first: $n) { relations(first: $n) { evidence(first: $n) { sentence } } } }`, vars: map[string]any{"n": 3.0}, status: 200, x: costly},
		{name: "cost uses variable defaults", query: `query($n: Int = 20) { search(text: "国家", first: $n) { relations(first: $n) { evidence(first: $n) { sentence } } } }`, code: CodeLimit, status: 400, x: costly},
		{name: "aliases", query: `{ a: stats { documents } b: stats { documents } c: stats { documents } }`, code: CodeLimit, status: 400},
		{name: "query size", query: "{ stats { documents } }" + strings.Repeat(" ", 5000), code: CodeLimit, status: 413},
		{name: "nesting before parsing", query: strings.Repeat("{", 3000), code: CodeLimit, status: 400},
		{name: "first is clamped", query: `{ search(text: "国", first: 400) { name } }`, status: 200, check: func(t *testing.T, r *result) {
			if n := len(get(r.Data, "search").([]any)); n != 3 {
				t.Errorf("%d results, want MaxFirst 3", n)
			}
		}},
		{name: "edges capped with truncated", query: `{ neighbors(id: "国家重点实验室", first: 3) { relations { type } truncated asJSON } }`, status: 200, check: func(t *testing.T, r *result) {
			if n := len(get(r.Data, "neighbors.relations").([]any)); n != 2 {
				t.Errorf("%d relations, want MaxEdges 2", n)
			}
			if get(r.Data, "neighbors.truncated") != true {
				t.Error("truncated is false")
			}
			if n := len(get(r.Data, "neighbors.asJSON.edges").([]any)); n != 2 {
				t.Errorf("asJSON has %d links, want 2", n)
			}
		}},
		{name: "two operations without a name", query: `query A { stats { documents } } query B { stats { entities } }`, code: CodeBadInput, status: 400},
		{name: "variable of the wrong type", query: `query($n: Int) { search(text: "国", first: $n) { name } }`, vars: map[string]any{"n": "many"}, code: CodeBadInput, status: 400},
		{name: "subscription", query: `subscription { stats { documents } }`, code: CodeBadInput, status: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := x
			if tc.x != nil {
				ex = tc.x
			}
			r := do(t, ex, tc.query, tc.vars)
			if r.code() != tc.code || r.status != tc.status {
				t.Fatalf("code %q status %d, want %q %d; errors %+v", r.code(), r.status, tc.code, tc.status, r.Errors)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// TestTimeoutStopsWork runs a query whose deadline has passed before the
// first resolver: the answer is a LIMIT error, promptly.
func TestTimeout(t *testing.T) {
	f := newFixture(t)
	x := newTestExecutor(t, f, WithLimits(Limits{Timeout: time.Nanosecond}))
	start := time.Now()
	r := do(t, x, `{ paths(from: "两江协同创新区", to: "集成电路") { length } }`, nil)
	if r.code() != CodeLimit {
		t.Fatalf("code %q, want LIMIT; errors %+v", r.code(), r.Errors)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestEnumsCoverGraphTypes(t *testing.T) {
	en := newEnums()
	for _, et := range graph.EntityTypes {
		if en.entityType.Serialize(et) == nil {
			t.Errorf("entity type %s has no enum value", et)
		}
	}
	for _, rt := range graph.RelationTypes {
		if en.relationType.Serialize(rt) == nil {
			t.Errorf("relation type %s has no enum value", rt)
		}
	}
}
