package dgraphstore

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// corpus returns n synthetic contributions that share entities heavily:
// each names 6 of 24 entities, so concurrent writers keep touching the same
// nodes. It is deterministic for a seed.
func corpus(n int, seed uint64) []*graph.Contribution {
	rng := rand.New(rand.NewPCG(seed, 1))
	types := []graph.EntityType{graph.Platform, graph.Field, graph.Institution, graph.Region}
	names := []string{"人工智能", "集成电路", "重庆", "成都", "科学城", "实验室", "大学", "研究院",
		"生物医药", "新材料", "量子", "航天", "西部(重庆)科学城", "天府实验室", "重庆大学", "四川大学",
		"区块链", "大数据", "云计算", "物联网", "智能制造", "新能源", "种业", "数字经济"}
	rels := []graph.RelationType{graph.FocusesOn, graph.LocatedIn, graph.ReliesOn, graph.CoOccurs}
	var out []*graph.Contribution
	for i := range n {
		id := fmt.Sprintf("doc%03d", i)
		c := &graph.Contribution{Doc: graph.Document{ID: id, Title: "文件 " + id, Source: id + ".txt",
			Hash: fmt.Sprintf("%064x", i), Size: int64(100 + i)}}
		if i%3 != 0 {
			c.Doc.Date = fmt.Sprintf("202%d-0%d-1%d", i%5, 1+i%9, i%10)
		}
		picked := rng.Perm(len(names))[:6]
		for j, p := range picked {
			ec := graph.EntityContribution{Type: types[p%len(types)], Name: names[p],
				Spans: []graph.Span{{Start: 10 * j, End: 10*j + 4}}}
			if j%2 == 0 {
				ec.Aliases = []string{names[p] + "区"}
			}
			if p%5 == 0 {
				ec.Attrs = map[string]string{"level": fmt.Sprintf("L%d", i%2)}
			}
			c.Entities = append(c.Entities, ec)
		}
		for j := 0; j+1 < len(c.Entities); j++ {
			a, b := &c.Entities[j], &c.Entities[j+1]
			rc := graph.RelationContribution{From: a.ID(), To: b.ID(), Type: rels[(i+j)%len(rels)],
				Weight:   float64(1+rng.IntN(3)) / 2,
				Evidence: []graph.Evidence{{Sentence: a.Name + "与" + b.Name, Start: 10 * j, End: 10*j + 14, Rule: "r1"}}}
			c.Relations = append(c.Relations, rc)
		}
		out = append(out, c)
	}
	return out
}

// badgerDump applies contributions to a fresh Badger store and dumps it:
// the reference the Dgraph store must match byte for byte.
func badgerDump(t *testing.T, cs []*graph.Contribution, deletes ...string) string {
	t.Helper()
	b, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	for _, c := range cs {
		if err := b.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range deletes {
		if err := b.Delete(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return dumpOf(t, b)
}

func dumpOf(t testing.TB, r graph.Reader) string {
	t.Helper()
	var buf bytes.Buffer
	if err := graph.Dump(context.Background(), r, &buf); err != nil {
		t.Fatalf("dump: %v", err)
	}
	return buf.String()
}

func diffDumps(t *testing.T, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			t.Fatalf("dumps differ at line %d (of %d and %d):\n dgraph %s\n badger %s", i+1, len(g), len(w), a, b)
		}
	}
}

// workerEnv makes the test binary a writer process (see TestIngestWorker).
const workerEnv = "KG_DGRAPH_TEST_WORKER"

// TestIngestWorker is not a test of its own: TestConcurrentIngest runs the
// test binary twice with workerEnv set, and each process applies the whole
// corpus, one in order and one in reverse, through its own client.
func TestIngestWorker(t *testing.T) {
	order := os.Getenv(workerEnv)
	if order == "" {
		t.Skip("runs only as a writer process of TestConcurrentIngest")
	}
	s := connect(t)
	cs := corpus(40, 7)
	if order == "reverse" {
		for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
			cs[i], cs[j] = cs[j], cs[i]
		}
	}
	for _, c := range cs {
		if err := s.Apply(context.Background(), c); err != nil {
			t.Fatalf("apply %s: %v", c.Doc.ID, err)
		}
	}
	fmt.Printf("conflicts retried: %d\n", s.conflicts.Load())
}

// TestConcurrentIngest runs two kg writer processes against one cluster at
// once, both applying the same 40 overlapping documents in opposite orders.
// Every entity must exist once, and the graph must be exactly the one a
// single Badger store builds from the same documents.
func TestConcurrentIngest(t *testing.T) {
	s := openTest(t)
	var procs []*exec.Cmd
	var outs []*bytes.Buffer
	for _, order := range []string{"forward", "reverse"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestIngestWorker$", "-test.count=1")
		cmd.Env = append(os.Environ(), workerEnv+"="+order)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
		outs = append(outs, &out)
	}
	for i, p := range procs {
		if err := p.Wait(); err != nil {
			t.Fatalf("writer %d: %v\n%s", i, err, outs[i])
		}
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if strings.HasPrefix(line, "conflicts retried") {
				t.Logf("writer %d: %s", i, line)
			}
		}
	}
	ctx := context.Background()
	cs := corpus(40, 7)
	want := map[string]bool{}
	for _, c := range cs {
		for i := range c.Entities {
			want[c.Entities[i].ID()] = true
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != int64(len(want)) || st.Documents != 40 {
		t.Fatalf("stats: %d entities, %d documents; want %d and 40", st.Entities, st.Documents, len(want))
	}
	// No duplicate nodes behind the counters: one node per entity ID.
	var r struct {
		E []struct {
			N int `json:"count"`
		} `json:"e"`
	}
	txn := s.dg.NewReadOnlyTxn()
	if err := queryInto(ctx, txn, `{ e(func: has(e.id)) { count(uid) } }`, nil, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.E) != 1 || r.E[0].N != len(want) {
		t.Fatalf("entity nodes: %+v, want %d", r.E, len(want))
	}
	diffDumps(t, dumpOf(t, s), badgerDump(t, cs))
}

// TestDeleteMatchesBadger applies a corpus, re-applies some documents with
// other content and deletes others, and compares the whole graph with a
// Badger store that went through the same steps.
func TestDeleteMatchesBadger(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	cs := corpus(20, 3)
	for _, c := range cs {
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// Replace five documents with the content of others (same IDs).
	other := corpus(25, 11)
	final := append([]*graph.Contribution(nil), cs...)
	for i := 0; i < 5; i++ {
		c := *other[20+i]
		c.Doc.ID = cs[i].Doc.ID
		if err := s.Apply(ctx, &c); err != nil {
			t.Fatal(err)
		}
		final[i] = &c
	}
	deletes := []string{"doc001", "doc007", "doc013"}
	for _, d := range deletes {
		if err := s.Delete(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "doc007"); err == nil {
		t.Fatal("second delete of doc007 succeeded")
	}
	diffDumps(t, dumpOf(t, s), badgerDump(t, final, deletes...))

	// Deleting everything leaves nothing behind, not even relation nodes.
	for _, c := range final {
		if err := s.Delete(ctx, c.Doc.ID); err != nil && c.Doc.ID != "doc001" && c.Doc.ID != "doc007" && c.Doc.ID != "doc013" {
			t.Fatal(err)
		}
	}
	var r struct {
		N []struct {
			N int `json:"count"`
		} `json:"n"`
	}
	q := `{ n(func: has(dgraph.type)) @filter(type(Entity) OR type(Relation) OR type(Document) OR
		type(Mention) OR type(Support) OR has(e.id) OR has(r.id) OR has(d.id)) { count(uid) } }`
	if err := queryInto(ctx, s.dg.NewReadOnlyTxn(), q, nil, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.N) != 1 || r.N[0].N != 0 {
		t.Fatalf("%+v nodes left after deleting every document", r.N)
	}
}
