package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeExport checks that kg serve offers exports at /export, behind
// the same CORS allow-list as /graphql, and that the node-link answer is
// closed and reads back with encoding/json.
func TestServeExport(t *testing.T) {
	db := sampleGraphStore(t)
	r := start(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--cors-origin", "http://viz.example")
	base := strings.TrimSuffix(r.url(t), "/graphql")

	req, err := http.NewRequest(http.MethodGet, base+"/export?format=json&types=platform,field", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "http://viz.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /export: %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://viz.example" {
		t.Errorf("Access-Control-Allow-Origin = %q", got)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition = %q, want a download", cd)
	}
	var g struct {
		Nodes []struct{ ID, Type string }       `json:"nodes"`
		Edges []struct{ Source, Target string } `json:"edges"`
	}
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatalf("node-link JSON: %v", err)
	}
	if len(g.Nodes) == 0 || len(g.Edges) == 0 {
		t.Fatalf("export of the sample corpus has %d nodes and %d edges", len(g.Nodes), len(g.Edges))
	}
	ids := map[string]bool{}
	for _, n := range g.Nodes {
		if n.Type != "platform" && n.Type != "field" {
			t.Errorf("node %s of type %s passed the type filter", n.ID, n.Type)
		}
		ids[n.ID] = true
	}
	for _, e := range g.Edges {
		if !ids[e.Source] || !ids[e.Target] {
			t.Fatalf("edge %s->%s has an endpoint outside the export", e.Source, e.Target)
		}
	}

	resp, err = http.Get(base + "/export?format=nonsense")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown format: status %d, want 400", resp.StatusCode)
	}
	if code := r.stop(t); code != exitOK {
		t.Errorf("kg serve exited with %d", code)
	}
}

// TestExportRDFCommand checks kg export --format rdf and rdf-schema: every line of
// the N-Quads is a statement, and the schema declares the relation
// predicates the quads use.
func TestExportRDFCommand(t *testing.T) {
	db := sampleGraphStore(t)
	code, quads, stderr := runKG(t, "export", "--db", db, "--format", "rdf")
	if code != exitOK {
		t.Fatalf("export rdf: exit %d: %s", code, stderr)
	}
	code, schema, stderr := runKG(t, "export", "--db", db, "--format", "rdf-schema")
	if code != exitOK {
		t.Fatalf("export rdf-schema: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(quads), "\n")
	if len(lines) < 100 {
		t.Fatalf("only %d quads for the sample corpus", len(lines))
	}
	for i, l := range lines {
		if !strings.HasSuffix(l, " .") {
			t.Fatalf("quad %d is not a statement: %q", i+1, l)
		}
	}
	if !strings.Contains(quads, "<rel.FOCUSES_ON>") || !strings.Contains(schema, "rel.FOCUSES_ON:") {
		t.Errorf("FOCUSES_ON missing from the quads or the schema")
	}
}
