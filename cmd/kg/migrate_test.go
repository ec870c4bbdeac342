package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// migrateCorpus is a small graph with what migration must carry over:
// entities named by several documents with aliases and attributes, dated
// and undated documents, relations supported by several documents with
// fractional weights and evidence, an undirected relation, and a merge.
func migrateCorpus() []*graph.Contribution {
	names := []string{"人工智能", "集成电路", "重庆", "科学城", "实验室", "大学", "量子", "大数据"}
	types := []graph.EntityType{graph.Field, graph.Field, graph.Region, graph.Platform, graph.Platform,
		graph.Institution, graph.Field, graph.Field}
	rels := []graph.RelationType{graph.FocusesOn, graph.LocatedIn, graph.CoOccurs, graph.ReliesOn}
	var out []*graph.Contribution
	for i := range 12 {
		id := fmt.Sprintf("d%02d", i)
		c := &graph.Contribution{Doc: graph.Document{ID: id, Title: "文件" + id, Source: id + ".txt",
			Hash: fmt.Sprintf("%064x", i), Issuer: "市政府", Region: "重庆", Size: int64(1000 + i)}}
		if i%4 != 0 {
			c.Doc.Date = fmt.Sprintf("2023-%02d-01", 1+i)
		}
		for j := range 4 {
			k := (i + 3*j) % len(names)
			ec := graph.EntityContribution{Type: types[k], Name: names[k],
				Spans: []graph.Span{{Start: 7 * j, End: 7*j + 2}, {Start: 100 + j, End: 102 + j}}}
			if (i+j)%3 == 0 {
				ec.Aliases = []string{names[k] + "领域"}
			}
			if k%2 == 0 {
				ec.Attrs = map[string]string{"tier": fmt.Sprint(i % 3)}
			}
			c.Entities = append(c.Entities, ec)
		}
		for j := 0; j+1 < len(c.Entities); j++ {
			a, b := &c.Entities[j], &c.Entities[j+1]
			rc := graph.RelationContribution{From: a.ID(), To: b.ID(), Type: rels[(i+j)%len(rels)],
				Weight: 0.25 * float64(1+(i+j)%3)}
			for x := 0; x <= j%2; x++ {
				rc.Evidence = append(rc.Evidence, graph.Evidence{Sentence: a.Name + "和" + b.Name,
					Start: 20*j + x, End: 20*j + x + 9, Rule: "pattern"})
			}
			c.Relations = append(c.Relations, rc)
		}
		out = append(out, c)
	}
	return out
}

// sourceStore builds a Badger store from migrateCorpus, with one merge, and
// returns its directory.
func sourceStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "src")
	s, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, c := range migrateCorpus() {
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Merge(ctx, graph.EntityID(graph.Field, "人工智能"), []string{graph.EntityID(graph.Field, "量子")}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func dumpSpec(t *testing.T, spec string) string {
	t.Helper()
	sp, err := parseStoreSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sp.open(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var b bytes.Buffer
	if err := graph.Dump(context.Background(), s, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func runMigrateArgs(t *testing.T, args ...string) (error, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	err := runMigrate(context.Background(), e, args)
	return err, errb.String()
}

func sameDump(t *testing.T, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		if i >= len(g) || i >= len(w) || g[i] != w[i] {
			t.Fatalf("dumps differ at line %d:\n got  %.300s\n want %.300s", i+1, at(g, i), at(w, i))
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<end>"
}

func TestMigrateBadgerToBadger(t *testing.T) {
	src := sourceStore(t)
	dst := filepath.Join(t.TempDir(), "dst")
	err, stderr := runMigrateArgs(t, "--from", "badger:"+src, "--to", dst, "--verify")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "verified") {
		t.Errorf("no verification in %q", stderr)
	}
	want := dumpSpec(t, src)
	if !strings.Contains(want, `"relation"`) || !strings.Contains(want, "领域") {
		t.Fatalf("source dump lacks relations or aliases:\n%s", want)
	}
	sameDump(t, dumpSpec(t, dst), want)

	// A second migration into the now full target is refused.
	if err, _ := runMigrateArgs(t, "--from", src, "--to", dst); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("migration into a full store: %v", err)
	}
}

func TestMigrateUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{"--from", "x"}, "both --from and --to"},
		{"same", []string{"--from", "badger:x", "--to", "x"}, "same store"},
		{"bad dgraph", []string{"--from", "x", "--to", "dgraph:nohost"}, "not HOST:PORT"},
		{"fresh badger", []string{"--from", "x", "--to", "y", "--fresh"}, "only applies to a Dgraph"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err, _ := runMigrateArgs(t, tc.args...)
			var ue *usageError
			if err == nil || !strings.Contains(err.Error(), tc.want) || !asUsage(err, &ue) {
				t.Errorf("error = %v, want a usage error with %q", err, tc.want)
			}
		})
	}
}

func asUsage(err error, ue **usageError) bool {
	u, ok := err.(*usageError)
	*ue = u
	return ok
}

func TestStoreSpec(t *testing.T) {
	tests := []struct {
		in   string
		kind string
		dir  string
		addr []string
		bad  bool
	}{
		{in: "kg-data", kind: "badger", dir: "kg-data"},
		{in: "badger:/tmp/x", kind: "badger", dir: "/tmp/x"},
		{in: "./dgraph:odd", kind: "badger", dir: "./dgraph:odd"},
		{in: "dgraph:127.0.0.1:9080", kind: "dgraph", addr: []string{"127.0.0.1:9080"}},
		{in: "dgraph:127.0.0.1:9080, 127.0.0.1:9081", kind: "dgraph", addr: []string{"127.0.0.1:9080", "127.0.0.1:9081"}},
		{in: "dgraph:[::1]:9080", kind: "dgraph", addr: []string{"[::1]:9080"}},
		{in: "dgraph:", bad: true},
		{in: "dgraph:host", bad: true},
		{in: "dgraph:host:", bad: true},
		{in: "badger:", bad: true},
		{in: "", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			sp, err := parseStoreSpec(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("parsed %q as %+v", tc.in, sp)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sp.kind != tc.kind || sp.dir != tc.dir || strings.Join(sp.addrs, ",") != strings.Join(tc.addr, ",") {
				t.Errorf("got %+v", sp)
			}
		})
	}
}

// lockCluster takes the lock the dgraphstore tests hold on the shared test
// cluster, released at cleanup.
func lockCluster(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "kg-dgraph-test.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
}

func TestMigrateBadgerToDgraph(t *testing.T) {
	addrs := os.Getenv("KG_DGRAPH")
	if addrs == "" {
		t.Skip("KG_DGRAPH is not set; start a cluster with scripts/dgraph.sh start DIR")
	}
	lockCluster(t)
	src := sourceStore(t)
	to := "dgraph:" + addrs
	err, stderr := runMigrateArgs(t, "--from", "badger:"+src, "--to", to, "--fresh", "--verify")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	sameDump(t, dumpSpec(t, to), dumpSpec(t, src))
}

func TestExportRDF(t *testing.T) {
	src := sourceStore(t)
	sp, _ := parseStoreSpec(src)
	s, err := sp.open(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var quads, schema bytes.Buffer
	if err := exportRDF(context.Background(), s, &quads, "rdf"); err != nil {
		t.Fatal(err)
	}
	if err := exportRDF(context.Background(), s, &schema, "rdf-schema"); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(context.Background())
	q := quads.String()
	if got := int64(strings.Count(q, `<dgraph.type> "Entity" .`)); got != st.Entities {
		t.Errorf("%d entity nodes, want %d", got, st.Entities)
	}
	if got := int64(strings.Count(q, `<dgraph.type> "Relation" .`)); got != st.Relations {
		t.Errorf("%d relation nodes, want %d", got, st.Relations)
	}
	for rt := range st.ByRel {
		if !strings.Contains(schema.String(), "rel."+string(rt)+": [uid] @reverse @count .") {
			t.Errorf("schema lacks %s", rt)
		}
	}
	if err := exportRDF(context.Background(), s, &quads, "turtle"); err == nil {
		t.Error("turtle accepted")
	}
}
