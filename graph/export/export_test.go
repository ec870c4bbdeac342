package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kg/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff)\n got: %.600s", name, got)
	}
}

func encodeFixture(t testing.TB, f Format, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeSubgraph(&buf, f, fixture(), opts); err != nil {
		t.Fatalf("EncodeSubgraph %s: %v", f, err)
	}
	return buf.Bytes()
}

func goldenExt(f Format) string {
	switch f {
	case GEXF, GraphML:
		return string(f)
	case CSV:
		return "zip"
	}
	return string(f) + ".json"
}

func TestGolden(t *testing.T) {
	for _, f := range Formats {
		if f == CSV {
			continue // zip bytes depend on the compressor; TestGoldenCSV checks the files
		}
		t.Run(string(f), func(t *testing.T) {
			got := encodeFixture(t, f, Options{Layout: true})
			golden(t, "fixture.golden."+goldenExt(f), got)
		})
	}
	t.Run("gexf-dynamic", func(t *testing.T) {
		got := encodeFixture(t, GEXF, Options{Dynamic: true, Size: SizeDegree})
		golden(t, "fixture-dynamic.golden.gexf", got)
	})
}

func csvFixture(t testing.TB, opts Options) (nodes, edges []byte) {
	t.Helper()
	var nb, eb bytes.Buffer
	sg := fixture()
	src := newSliceSource(sg.Nodes, sg.Relations, &opts.Select)
	if err := run(context.Background(), newCSVEncoder(&nb, &eb), src, &opts); err != nil {
		t.Fatal(err)
	}
	return nb.Bytes(), eb.Bytes()
}

func TestGoldenCSV(t *testing.T) {
	nodes, edges := csvFixture(t, Options{})
	golden(t, "fixture.golden.nodes.csv", nodes)
	golden(t, "fixture.golden.edges.csv", edges)
}

// readCSV checks the byte-order mark and parses the rest.
func readCSV(t testing.TB, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(bom)) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", b[:min(len(b), 10)])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[len(bom):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSVZip(t *testing.T) {
	b := encodeFixture(t, CSV, Options{})
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	wantNodes, wantEdges := csvFixture(t, Options{})
	want := map[string][]byte{"nodes.csv": wantNodes, "edges.csv": wantEdges}
	if len(zr.File) != 2 {
		t.Fatalf("zip has %d entries, want 2", len(zr.File))
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[f.Name]) {
			t.Errorf("zip entry %s differs from the two-file CSV", f.Name)
		}
	}
	nodes := readCSV(t, wantNodes)
	edges := readCSV(t, wantEdges)
	if strings.Join(nodes[0][:3], ",") != "Id,Label,Type" || len(nodes) != 7 {
		t.Errorf("nodes.csv: header %v, %d rows; want Id,Label,Type... and 6 nodes", nodes[0], len(nodes)-1)
	}
	if strings.Join(edges[0][:6], ",") != "Source,Target,Type,Id,Label,Weight" || len(edges) != 7 {
		t.Errorf("edges.csv: header %v, %d rows; want Source,Target,Type,Id,Label,Weight... and 6 edges", edges[0], len(edges)-1)
	}
	for _, row := range edges[1:] {
		if row[2] != "Directed" {
			t.Errorf("edge %v: Type %q, want Directed", row, row[2])
		}
	}
}

// decoded is the common shape of the JSON formats after reading them back.
type decoded struct {
	nodes map[string]map[string]any // by id
	edges []map[string]any          // with "source", "target", "rtype"
}

func decodeJSON(t testing.TB, f Format, b []byte) decoded {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	d := decoded{nodes: map[string]map[string]any{}}
	list := func(v any) []map[string]any {
		var out []map[string]any
		for _, x := range v.([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	addNode := func(id string, m map[string]any) {
		if _, dup := d.nodes[id]; dup {
			t.Errorf("%s: node %s twice", f, id)
		}
		d.nodes[id] = m
	}
	switch f {
	case JSON:
		if doc["directed"] != true || doc["multigraph"] != true {
			t.Errorf("node-link: directed/multigraph not true: %v %v", doc["directed"], doc["multigraph"])
		}
		for _, n := range list(doc["nodes"]) {
			addNode(n["id"].(string), n)
		}
		for _, e := range list(doc["edges"]) {
			e["rtype"] = e["type"]
			d.edges = append(d.edges, e)
		}
	case D3:
		for _, n := range list(doc["nodes"]) {
			addNode(n["id"].(string), n)
		}
		for _, e := range list(doc["links"]) {
			e["rtype"] = e["type"]
			d.edges = append(d.edges, e)
		}
	case Cytoscape:
		el := doc["elements"].(map[string]any)
		for _, n := range list(el["nodes"]) {
			data := n["data"].(map[string]any)
			data["position"] = n["position"]
			addNode(data["id"].(string), data)
		}
		for _, e := range list(el["edges"]) {
			data := e["data"].(map[string]any)
			data["rtype"] = data["type"]
			d.edges = append(d.edges, data)
		}
	case Graphology:
		for _, n := range list(doc["nodes"]) {
			addNode(n["key"].(string), n["attributes"].(map[string]any))
		}
		for _, e := range list(doc["edges"]) {
			a := e["attributes"].(map[string]any)
			a["source"], a["target"], a["rtype"] = e["source"], e["target"], a["relationType"]
			d.edges = append(d.edges, a)
		}
	case ECharts:
		s := doc["series"].([]any)[0].(map[string]any)
		names := map[string]bool{}
		for _, n := range list(s["data"]) {
			name := n["name"].(string)
			if names[name] {
				t.Errorf("echarts: name %q twice", name)
			}
			names[name] = true
			addNode(n["id"].(string), n)
		}
		for _, e := range list(s["links"]) {
			e["rtype"] = e["relationType"]
			d.edges = append(d.edges, e)
		}
		if len(s["categories"].([]any)) < len(graph.EntityTypes) {
			t.Errorf("echarts: categories %v", s["categories"])
		}
	default:
		t.Fatalf("not a JSON format: %s", f)
	}
	return d
}

func TestJSONFormatsReadBack(t *testing.T) {
	sg := fixture()
	lab, ai := graph.EntityID(graph.Platform, "中关村实验室"), graph.EntityID(graph.Field, "人工智能")
	for _, f := range []Format{JSON, Cytoscape, Graphology, D3, ECharts} {
		t.Run(string(f), func(t *testing.T) {
			d := decodeJSON(t, f, encodeFixture(t, f, Options{Layout: true}))
			if len(d.nodes) != len(sg.Nodes) {
				t.Errorf("%d nodes, want %d", len(d.nodes), len(sg.Nodes))
			}
			// The relation to the missing 北京大学 is dropped: closed output.
			if len(d.edges) != len(sg.Relations)-1 {
				t.Errorf("%d edges, want %d", len(d.edges), len(sg.Relations)-1)
			}
			for _, e := range d.edges {
				if d.nodes[e["source"].(string)] == nil || d.nodes[e["target"].(string)] == nil {
					t.Errorf("edge %v has an endpoint that is not a node", e)
				}
			}
			n := d.nodes[lab]
			if n == nil {
				t.Fatalf("node 中关村实验室 (%s) missing", lab)
			}
			label := n["label"]
			if f == ECharts {
				label = n["name"]
			}
			if label != "中关村实验室" || n["mentions"] != 12.0 {
				t.Errorf("node %s: label %v mentions %v", lab, label, n["mentions"])
			}
			var types []string
			for _, e := range d.edges {
				if (e["source"] == lab && e["target"] == ai) || (e["source"] == ai && e["target"] == lab) {
					types = append(types, e["rtype"].(string))
				}
			}
			if strings.Join(types, ",") != "CO_OCCURS,FOCUSES_ON" {
				t.Errorf("parallel edges 中关村实验室→人工智能: %v, want CO_OCCURS and FOCUSES_ON", types)
			}
			switch f {
			case Graphology:
				for id, n := range d.nodes {
					if _, ok := n["x"].(float64); !ok {
						t.Errorf("graphology node %s: x is %T, want a number", id, n["x"])
					}
				}
			case Cytoscape:
				if n["position"] == nil {
					t.Errorf("cytoscape node without position under Layout")
				}
			}
		})
	}
}

func TestSelection(t *testing.T) {
	tests := []struct {
		name         string
		sel          Selection
		nodes, edges int
	}{
		{"all", Selection{}, 6, 6},
		{"types", Selection{Types: []graph.EntityType{graph.Platform, graph.Field}}, 2, 2},
		{"relations", Selection{Relations: []graph.RelationType{graph.ReliesOn}}, 6, 2},
		{"min-weight", Selection{MinWeight: 2}, 6, 3},
		{"top", Selection{Top: 2}, 2, 2}, // degree 4: 中关村实验室, 人工智能
		{"since", Selection{Since: "2022-06"}, 3, 2},
		{"until-year", Selection{Until: "2021"}, 4, 4},
		{"range", Selection{Since: "2022", Until: "2022"}, 5, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decodeJSON(t, JSON, encodeFixture(t, JSON, Options{Select: tc.sel}))
			if len(d.nodes) != tc.nodes || len(d.edges) != tc.edges {
				t.Errorf("%d nodes, %d edges; want %d, %d", len(d.nodes), len(d.edges), tc.nodes, tc.edges)
			}
		})
	}
}

func TestSelectionInvalid(t *testing.T) {
	for _, sel := range []Selection{
		{Since: "2021/01/01"},
		{Until: "21"},
		{Since: "2022", Until: "2021"},
		{Top: -1},
		{Depth: 4},
		{Doc: "d1"},
		{Around: "北京"},
	} {
		err := EncodeSubgraph(io.Discard, JSON, fixture(), Options{Select: sel})
		if !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%+v: err %v, want ErrInvalid", sel, err)
		}
	}
	if _, err := ParseFormat("pajek"); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("ParseFormat(pajek): %v", err)
	}
}

func TestXMLWellFormedAndClean(t *testing.T) {
	for _, f := range []Format{GEXF, GraphML} {
		b := encodeFixture(t, f, Options{Layout: true})
		if bytes.ContainsAny(b, "\x01") {
			t.Errorf("%s keeps control characters", f)
		}
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed: %v", f, err)
			}
		}
		head := b[:min(len(b), 400)]
		if !strings.Contains(string(head), "知识图谱") {
			t.Errorf("%s: no Chinese text in the first bytes for encoding detection", f)
		}
	}
}

func TestLayoutDeterministic(t *testing.T) {
	a := encodeFixture(t, GEXF, Options{Layout: true})
	b := encodeFixture(t, GEXF, Options{Layout: true})
	if !bytes.Equal(a, b) {
		t.Error("two layouts of the same graph differ")
	}
	if !bytes.Contains(a, []byte("<viz:position")) {
		t.Error("no viz:position under Layout")
	}
	if c := encodeFixture(t, GEXF, Options{Layout: true, MaxLayoutNodes: 3}); bytes.Contains(c, []byte("<viz:position")) {
		t.Error("positions written for a selection above MaxLayoutNodes")
	}
}

func TestEChartsUniqueNames(t *testing.T) {
	sg := fixture()
	sg.Nodes[5].Name = "北京" // the institution now shares the region's name
	var buf bytes.Buffer
	if err := EncodeSubgraph(&buf, ECharts, sg, Options{}); err != nil {
		t.Fatal(err)
	}
	d := decodeJSON(t, ECharts, buf.Bytes()) // fails on a repeated name
	got := map[string]bool{}
	for _, n := range d.nodes {
		got[n["name"].(string)] = true
	}
	if !got["北京（region）"] || !got["北京（institution）"] || !got["人工智能"] {
		t.Errorf("names %v: want 北京（region）, 北京（institution） and 人工智能 unchanged", got)
	}
}

func TestIDSet(t *testing.T) {
	var s idSet
	ids := []string{graph.EntityID(graph.Field, "人工智能"), "eFFFF000000000000", "x1", "e0123456789abcdef", "e123"}
	for _, id := range ids[:3] {
		s.add(id)
	}
	for i, id := range ids {
		if got, want := s.has(id), i < 3; got != want {
			t.Errorf("has(%q) = %v, want %v", id, got, want)
		}
	}
	// Adding after the first lookup goes into the table, growing it.
	for i := 0; i < 100; i++ {
		s.add(graph.EntityID(graph.Region, strconv.Itoa(i)))
	}
	s.add("e0000000000000000")
	for i := 0; i < 100; i++ {
		if !s.has(graph.EntityID(graph.Region, strconv.Itoa(i))) {
			t.Fatalf("region %d lost when the table grew", i)
		}
	}
	if !s.has("e0000000000000000") || !s.has(ids[0]) || s.has(ids[3]) {
		t.Error("lookups wrong after growth")
	}
	if v, ok := parseID("e0123456789abcdef"); !ok || v != 0x0123456789abcdef {
		t.Errorf("parseID: %x %v", v, ok)
	}
	if _, ok := parseID("e0123456789ABCDEF"); ok {
		t.Error("parseID accepted upper-case hex, which EntityID never makes")
	}
}
