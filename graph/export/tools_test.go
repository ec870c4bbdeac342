package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// These tests read the exports back with independent parsers: libxml2's
// RELAX NG validator against the GEXF 1.3 schema, networkx and igraph.
// Each skips with a message when its tool is missing (CI installs
// libxml2-utils, python3-networkx and python3-igraph).

// sharedDir is ../shared from the repository root.
func sharedDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join("..", "..", "..", "shared", "gexf-1.3")
	if _, err := os.Stat(filepath.Join(d, "gexf.rng")); err != nil {
		t.Skipf("GEXF schema not found (%v); skipping validation", err)
	}
	return d
}

// pythonWith returns a python3 that can import module. Debian's
// python3-networkx installs for /usr/bin/python3, which need not be the
// first python3 on PATH.
func pythonWith(t testing.TB, module string) string {
	t.Helper()
	pyMu.Lock()
	defer pyMu.Unlock()
	p, ok := pyFound[module]
	if !ok {
		p = findPython(module)
		pyFound[module] = p
	}
	if p == "" {
		t.Skipf("no python3 on PATH or in /usr/bin can import %s; skipping", module)
	}
	return p
}

var (
	pyMu    sync.Mutex
	pyFound = map[string]string{} // module -> python3 that imports it, "" for none
)

func findPython(module string) string {
	var cands []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		cands = append(cands, filepath.Join(dir, "python3"))
	}
	cands = append(cands, "/usr/bin/python3", "/usr/local/bin/python3")
	seen := map[string]bool{}
	for _, p := range cands {
		if seen[p] {
			continue
		}
		seen[p] = true
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if exec.Command(p, "-c", "import "+module).Run() == nil {
			return p
		}
	}
	return ""
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// validateGEXF runs xmllint --relaxng on the file at path.
func validateGEXF(t testing.TB, path string) {
	t.Helper()
	rng := filepath.Join(sharedDir(t), "gexf.rng")
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian: libxml2-utils); skipping validation")
	}
	out, err := exec.Command(xmllint, "--noout", "--relaxng", rng, path).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint --relaxng: %v\n%s", err, out)
	}
}

func TestGEXFValidatesAgainstSchema(t *testing.T) {
	for name, opts := range map[string]Options{
		"static":  {Layout: true},
		"dynamic": {Dynamic: true, Layout: true},
	} {
		t.Run(name, func(t *testing.T) {
			validateGEXF(t, writeTemp(t, "g.gexf", encodeFixture(t, GEXF, opts)))
		})
	}
}

// pyRead is a python3 program that reads the file in argv[2] in the format
// argv[1] with networkx and prints nodes, edges and the facts the tests
// check, one per line.
const pyRead = `
import sys, json
import networkx as nx
from networkx.readwrite import json_graph
lab = sys.argv[1]
for i in range(2, len(sys.argv), 2):
    fmt, path = sys.argv[i], sys.argv[i+1]
    if fmt == "gexf":
        g = nx.read_gexf(path)
    elif fmt == "graphml":
        g = nx.read_graphml(path)
    else:
        d = json.load(open(path, encoding="utf-8"))
        try:
            g = json_graph.node_link_graph(d, edges="edges")
        except TypeError:
            g = json_graph.node_link_graph(d, link="edges")
    n = g.nodes[lab]
    print("|".join(str(v) for v in [g.number_of_nodes(), g.number_of_edges(), g.is_directed(),
        n.get("label"), n.get("mentions"),
        ",".join(sorted(str(d.get("label", d.get("type"))) for u, v, d in g.edges(data=True) if lab in (u, v)))]))
`

func TestNetworkXReads(t *testing.T) {
	py := pythonWith(t, "networkx")
	sg := fixture()
	lab := sg.Nodes[1].ID
	cases := []struct {
		name string
		f    Format
		opts Options
	}{
		{"gexf", GEXF, Options{Layout: true}},
		{"gexf-dynamic", GEXF, Options{Dynamic: true}},
		{"graphml", GraphML, Options{Layout: true}},
		{"json", JSON, Options{Layout: true}},
	}
	args := []string{"-c", pyRead, lab}
	for _, tc := range cases {
		path := writeTemp(t, tc.name+"."+goldenExt(tc.f), encodeFixture(t, tc.f, tc.opts))
		args = append(args, string(tc.f), path)
	}
	// One interpreter reads every file: starting networkx is the slow part.
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("networkx: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(got) != len(cases) {
		t.Fatalf("networkx printed %q", out)
	}
	// 6 nodes; 6 edges (the one to a missing node dropped); the edges at
	// 中关村实验室 by label, CO_OCCURS alongside FOCUSES_ON.
	want := "6|6|True|中关村实验室|12|CO_OCCURS,FOCUSES_ON,LOCATED_IN,RELIES_ON"
	for i, tc := range cases {
		if got[i] != want {
			t.Errorf("%s: networkx read\n got %q\nwant %q", tc.name, got[i], want)
		}
	}
}

const pyIgraph = `
import sys, igraph
g = igraph.Graph.Read_GraphML(sys.argv[1])
print(g.vcount())
print(g.ecount())
v = g.vs.find(id=sys.argv[2])
print(v["label"])
print(int(v["mentions"]))
print(",".join(sorted(e["type"] for e in g.es[g.incident(v.index, mode="all")])))
`

func TestIgraphReadsGraphML(t *testing.T) {
	py := pythonWith(t, "igraph")
	sg := fixture()
	lab := sg.Nodes[1].ID
	path := writeTemp(t, "g.graphml", encodeFixture(t, GraphML, Options{Layout: true}))
	out, err := exec.Command(py, "-c", pyIgraph, path, lab).CombinedOutput()
	if err != nil {
		t.Fatalf("igraph: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	want := "6\n6\n中关村实验室\n12\nCO_OCCURS,FOCUSES_ON,LOCATED_IN,RELIES_ON"
	if got != want {
		t.Errorf("igraph read\n got %q\nwant %q", got, want)
	}
	if !bytes.Contains(encodeFixture(t, GraphML, Options{}), []byte(`attr.type="long"`)) {
		t.Error("graphml declares no long keys")
	}
}
