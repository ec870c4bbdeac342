package export

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// storeDocs are three dated documents. d1 (2021) names the lab, AI,
// Tsinghua and Beijing; d2 (2022) the measure, AI and Tsinghua; d3 (2023)
// the lab and AI again.
func storeDocs() []*graph.Contribution {
	e := func(t graph.EntityType, name string, spans int, aliases ...string) graph.EntityContribution {
		c := graph.EntityContribution{Type: t, Name: name, Aliases: aliases}
		for i := 0; i < spans; i++ {
			c.Spans = append(c.Spans, graph.Span{Start: i * 10, End: i*10 + 2})
		}
		return c
	}
	id := graph.EntityID
	lab, ai := id(graph.Platform, "中关村实验室"), id(graph.Field, "人工智能")
	thu, bj := id(graph.Institution, "清华大学"), id(graph.Region, "北京")
	m := id(graph.Measure, "揭榜挂帅")
	ev := func(s string) []graph.Evidence {
		return []graph.Evidence{{Sentence: s, Start: 0, End: len([]rune(s)), Rule: "test"}}
	}
	return []*graph.Contribution{
		{
			Doc: graph.Document{ID: "d1", Title: "一", Hash: "h1", Date: "2021-03-01"},
			Entities: []graph.EntityContribution{
				e(graph.Platform, "中关村实验室", 2, "中关村国家实验室"), e(graph.Field, "人工智能", 3),
				e(graph.Institution, "清华大学", 1), e(graph.Region, "北京", 2, "北京市"),
			},
			Relations: []graph.RelationContribution{
				{From: lab, To: ai, Type: graph.FocusesOn, Weight: 1, Evidence: ev("中关村实验室聚焦人工智能。")},
				{From: lab, To: thu, Type: graph.ReliesOn, Weight: 1, Evidence: ev("依托清华大学建设中关村实验室。")},
				{From: lab, To: bj, Type: graph.LocatedIn, Weight: 1, Evidence: ev("中关村实验室位于北京。")},
				{From: lab, To: ai, Type: graph.CoOccurs, Weight: 2, Evidence: ev("中关村实验室 人工智能")},
			},
		},
		{
			Doc: graph.Document{ID: "d2", Title: "二", Hash: "h2", Date: "2022-01-15"},
			Entities: []graph.EntityContribution{
				e(graph.Measure, "揭榜挂帅", 3), e(graph.Field, "人工智能", 1), e(graph.Institution, "清华大学", 2),
			},
			Relations: []graph.RelationContribution{
				{From: m, To: ai, Type: graph.Involves, Weight: 2, Evidence: ev("揭榜挂帅支持人工智能。")},
				{From: m, To: thu, Type: graph.ReliesOn, Weight: 1, Evidence: ev("揭榜挂帅依托清华大学。")},
			},
		},
		{
			Doc: graph.Document{ID: "d3", Title: "三", Hash: "h3", Date: "2023-05-10"},
			Entities: []graph.EntityContribution{
				e(graph.Platform, "中关村实验室", 1), e(graph.Field, "人工智能", 2),
			},
			Relations: []graph.RelationContribution{
				{From: lab, To: ai, Type: graph.FocusesOn, Weight: 2, Evidence: ev("中关村实验室继续聚焦人工智能。")},
			},
		},
	}
}

// openStore builds a real Badger store holding storeDocs.
func openStore(t testing.TB) *badgerstore.Store {
	t.Helper()
	s, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, c := range storeDocs() {
		if err := s.Apply(context.Background(), c); err != nil {
			t.Fatalf("apply %s: %v", c.Doc.ID, err)
		}
	}
	return s
}

// materialise reads the whole graph into a Subgraph.
func materialise(t testing.TB, r graph.Reader) *graph.Subgraph {
	t.Helper()
	ctx := context.Background()
	sg := &graph.Subgraph{}
	if err := r.EachEntity(ctx, func(e *graph.Entity) error { sg.Nodes = append(sg.Nodes, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := r.EachRelation(ctx, func(rel *graph.Relation) error { sg.Relations = append(sg.Relations, *rel); return nil }); err != nil {
		t.Fatal(err)
	}
	return sg
}

func exportStore(t testing.TB, r graph.Reader, f Format, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(context.Background(), r, &buf, f, opts); err != nil {
		t.Fatalf("Export %s: %v", f, err)
	}
	return buf.Bytes()
}

// TestExportMatchesEncodeSubgraph checks that streaming from the store and
// encoding the same graph from memory give the same bytes, for every
// format and with a node filter (which takes the admitted-set path).
func TestExportMatchesEncodeSubgraph(t *testing.T) {
	s := openStore(t)
	sg := materialise(t, s)
	if len(sg.Nodes) != 5 || len(sg.Relations) != 6 {
		t.Fatalf("store holds %d entities, %d relations; want 5, 6", len(sg.Nodes), len(sg.Relations))
	}
	for _, sel := range []Selection{{}, {Types: []graph.EntityType{graph.Platform, graph.Field, graph.Region}, MinWeight: 2}} {
		for _, f := range Formats {
			if f == CSV {
				continue // zip bytes: covered by TestExportCSVFiles
			}
			opts := Options{Select: sel, Layout: true, Dynamic: true}
			got := exportStore(t, s, f, opts)
			var want bytes.Buffer
			if err := EncodeSubgraph(&want, f, sg, opts); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s %+v: Export and EncodeSubgraph differ\nexport: %.300s\nencode: %.300s", f, sel, got, want.Bytes())
			}
		}
	}
}

func TestExportFromStoreReadBack(t *testing.T) {
	s := openStore(t)
	lab := graph.EntityID(graph.Platform, "中关村实验室")
	for _, f := range []Format{JSON, Cytoscape, Graphology, D3, ECharts} {
		d := decodeJSON(t, f, exportStore(t, s, f, Options{Layout: true}))
		if len(d.nodes) != 5 || len(d.edges) != 6 {
			t.Errorf("%s: %d nodes, %d edges; want 5, 6", f, len(d.nodes), len(d.edges))
		}
		if n := d.nodes[lab]; n == nil || n["mentions"] != 3.0 || n["docs"] != 2.0 {
			t.Errorf("%s: 中关村实验室 = %v, want mentions 3 in 2 docs", f, n)
		}
	}
	// GEXF: schema and networkx.
	gexf := writeTemp(t, "s.gexf", exportStore(t, s, GEXF, Options{Layout: true, Dynamic: true}))
	if _, err := exec.LookPath("xmllint"); err == nil {
		validateGEXF(t, gexf)
	}
	py := pythonWith(t, "networkx")
	out, err := exec.Command(py, "-c", `
import sys, networkx as nx
g = nx.read_gexf(sys.argv[1])
n = g.nodes[sys.argv[2]]
print(g.number_of_nodes(), g.number_of_edges(), n["label"], n["first"], n["last"], n["spells"][0][0])
`, gexf, lab).CombinedOutput()
	if err != nil {
		t.Fatalf("networkx: %v\n%s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "5 6 中关村实验室 2021-03-01 2023-05-10 2021-03-01"; got != want {
		t.Errorf("networkx read the store's GEXF as %q, want %q", got, want)
	}
}

func TestExportCSVFiles(t *testing.T) {
	s := openStore(t)
	var nb, eb bytes.Buffer
	if err := ExportCSV(context.Background(), s, &nb, &eb, Options{}); err != nil {
		t.Fatal(err)
	}
	nodes, edges := readCSV(t, nb.Bytes()), readCSV(t, eb.Bytes())
	if len(nodes) != 6 || len(edges) != 7 {
		t.Fatalf("%d node rows, %d edge rows; want 5+1, 6+1", len(nodes), len(edges))
	}
	found := false
	for _, row := range nodes[1:] {
		if row[1] == "北京" && row[2] == "region" && row[3] == "北京市" {
			found = true
		}
	}
	if !found {
		t.Errorf("nodes.csv has no 北京 region row with alias 北京市: %v", nodes)
	}
}

func TestExportSelectionFromStore(t *testing.T) {
	s := openStore(t)
	tests := []struct {
		name         string
		sel          Selection
		nodes, edges int
	}{
		{"all", Selection{}, 5, 6},
		{"doc d2", Selection{Doc: "d2"}, 3, 2},
		{"doc d3", Selection{Doc: "d3"}, 2, 1},
		{"around lab depth 1", Selection{Around: "中关村实验室", Depth: 1}, 4, 4},
		{"around alias", Selection{Around: "中关村国家实验室", Depth: 1, Relations: []graph.RelationType{graph.LocatedIn}}, 2, 1},
		{"around id depth 2", Selection{Around: graph.EntityID(graph.Measure, "揭榜挂帅"), Depth: 2}, 4, 5}, // 北京 is 3 hops away
		{"around id depth 3", Selection{Around: graph.EntityID(graph.Measure, "揭榜挂帅"), Depth: 3}, 5, 6},
		{"around limit", Selection{Around: graph.EntityID(graph.Measure, "揭榜挂帅"), Depth: 3, Limit: 2}, 2, 1},
		{"top 2", Selection{Top: 2}, 2, 2},
		{"since 2022", Selection{Since: "2022"}, 4, 3},
		{"until 2021", Selection{Until: "2021"}, 4, 4},
		{"types and relations", Selection{Types: []graph.EntityType{graph.Platform, graph.Field}, Relations: []graph.RelationType{graph.CoOccurs}}, 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decodeJSON(t, JSON, exportStore(t, s, JSON, Options{Select: tc.sel}))
			if len(d.nodes) != tc.nodes || len(d.edges) != tc.edges {
				t.Errorf("%d nodes, %d edges; want %d, %d", len(d.nodes), len(d.edges), tc.nodes, tc.edges)
			}
		})
	}
	var buf bytes.Buffer
	if err := Export(context.Background(), s, &buf, JSON, Options{Select: Selection{Doc: "nope"}}); err == nil {
		t.Error("unknown doc exported without error")
	}
	if err := Export(context.Background(), s, &buf, JSON, Options{Select: Selection{Around: "没有这个"}}); err == nil {
		t.Error("unknown around name exported without error")
	}
}

func TestHandler(t *testing.T) {
	s := openStore(t)
	srv := httptest.NewServer(NewHandler(s))
	defer srv.Close()
	get := func(q string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/export?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	for _, f := range Formats {
		resp, body := get("format=" + string(f) + "&layout=true")
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d: %s", f, resp.StatusCode, body)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != f.ContentType() {
			t.Errorf("%s: Content-Type %q", f, ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+f.FileName()+`"`) {
			t.Errorf("%s: Content-Disposition %q", f, cd)
		}
		if want := exportStore(t, s, f, Options{Layout: true, Size: SizeMentions}); f != CSV && !bytes.Equal(body, want) {
			t.Errorf("%s: served body differs from Export", f)
		}
	}
	q := url.Values{"format": {"json"}, "around": {"中关村实验室"}, "relations": {"located_in"}, "layout": {"false"}}
	resp, body := get(q.Encode())
	if resp.StatusCode != 200 {
		t.Fatalf("around: %d %s", resp.StatusCode, body)
	}
	if d := decodeJSON(t, JSON, body); len(d.nodes) != 2 || len(d.edges) != 1 {
		t.Errorf("around 中关村实验室 LOCATED_IN: %d nodes, %d edges; want 2, 1", len(d.nodes), len(d.edges))
	}
	for q, want := range map[string]int{
		"format=pajek":            400,
		"format=json&top=x":       400,
		"format=json&since=2021x": 400,
		"format=json&doc=nope":    404,
		"format=json&around=没有这个": 404,
	} {
		if resp, body := get(q); resp.StatusCode != want {
			t.Errorf("%s: status %d (%s), want %d", q, resp.StatusCode, body, want)
		}
	}
	resp, err := http.Post(srv.URL+"/export?format=json", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", resp.StatusCode)
	}
}

// TestExportGEXFOnDisk is the Gephi round trip through a file, as analysts
// use it: the file validates and networkx reads the counts the store has.
func TestExportGEXFOnDisk(t *testing.T) {
	s := openStore(t)
	path := filepath.Join(t.TempDir(), "kg.gexf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Export(context.Background(), s, f, GEXF, Options{Layout: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	validateGEXF(t, path)
}

// movingReader is a real store whose relation pass also sees a relation to
// an entity the node pass did not: what a write between the two passes
// looks like.
type movingReader struct {
	*badgerstore.Store
}

func (m movingReader) EachRelation(ctx context.Context, fn func(*graph.Relation) error) error {
	late := graph.EntityID(graph.Field, "量子信息")
	if err := fn(&graph.Relation{From: late, To: graph.EntityID(graph.Field, "人工智能"), Type: graph.CoOccurs, Weight: 1}); err != nil {
		return err
	}
	return m.Store.EachRelation(ctx, fn)
}

func TestExportClosedWhileStoreChanges(t *testing.T) {
	s := movingReader{openStore(t)}
	for _, f := range []Format{JSON, GEXF} {
		var buf bytes.Buffer
		if err := Export(context.Background(), s, &buf, f, Options{}); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte(graph.EntityID(graph.Field, "量子信息"))) {
			t.Errorf("%s: edge to an entity the node pass did not write", f)
		}
	}
	d := decodeJSON(t, JSON, exportStore(t, s, JSON, Options{}))
	if len(d.edges) != 6 {
		t.Errorf("%d edges, want the store's 6", len(d.edges))
	}
}
