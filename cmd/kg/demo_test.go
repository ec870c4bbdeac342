package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo runs kg demo: it ingests the bundled corpus, serves it, prints
// example queries that answer, and removes its store on exit.
func TestDemo(t *testing.T) {
	r := start(t, "demo", "--addr", "127.0.0.1:0")
	u := r.url(t)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.stdout.String(), "Press Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out := r.stdout.String()
	for _, q := range demoQueries {
		if !strings.Contains(out, q.query) {
			t.Errorf("the demo does not print the example %q", q.title)
		}
	}
	m := regexp.MustCompile(`store in (\S+),`).FindStringSubmatch(r.stderr.String())
	if m == nil {
		t.Fatalf("no store directory in %s", r.stderr)
	}
	dir := m[1]
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("store directory: %v", err)
	}

	// Every example answers without errors, with something in it.
	res := post(t, u, "", demoQueries[0].query, nil).must(t)
	if got := names(res.Data, "entity.relations", "to.name"); !has(got, "脑科学") {
		t.Errorf("example 1: %q lacks 脑科学", got)
	}
	res = post(t, u, "", demoQueries[1].query, nil).must(t)
	paths, _ := res.Data["paths"].([]any)
	if len(paths) == 0 {
		t.Error("example 2 finds no path from 两江协同创新区 to 集成电路")
	}
	for _, p := range paths {
		n := names(p, "nodes", "name")
		if n[0] != "两江协同创新区" || n[len(n)-1] != "集成电路" {
			t.Errorf("example 2 path %q", n)
		}
		if jsonAt(p, "relations.0.evidence.0.sentence") == nil {
			t.Errorf("example 2 path %q has no evidence", n)
		}
	}
	res = post(t, u, "", demoQueries[2].query, nil).must(t)
	if n := len(names(res.Data, "neighbors.nodes", "name")); n < 5 {
		t.Errorf("example 3 has %d nodes", n)
	}
	if _, ok := jsonAt(res.Data, "neighbors.asJSON.nodes").([]any); !ok {
		t.Errorf("example 3 has no node-link JSON")
	}

	if code := r.stop(t); code != exitOK {
		t.Fatalf("exit %d: %s", code, r.stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo store %s is still there (%v)", dir, err)
	}
}
