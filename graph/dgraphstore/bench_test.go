package dgraphstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/dgo/v250/protos/api"

	"kg/graph"
	"kg/graph/badgerstore"
)

// The backend benchmarks compare the embedded Badger store with the Dgraph
// cluster on one synthetic graph, in one process, so their ratio means
// something on a shared machine:
//
//	KG_DGRAPH=127.0.0.1:9080,127.0.0.1:9081 KG_BENCH_ENTITIES=100000 \
//	  go test ./graph/dgraphstore -run '^$' -bench Backends -benchtime 400x -timeout 2h
//
// The graph has KG_BENCH_ENTITIES entities (default 20000) and about five
// relations per entity, in documents of 10 entities each; a few hundred hub
// entities are named by many documents, as regions and fields are in the
// policy corpus. Loading is measured once per backend and reported by the
// Load sub-benchmarks (Badger: Apply per document; Dgraph: Apply per
// document with 4 concurrent writers on a sample, and the RDF bulk path for
// the whole graph); the query sub-benchmarks report p50 and p99 latency.
// KG_BENCH_QUERIES_ONLY=1 skips the per-document Dgraph load.

type benchEnv struct {
	badger *badgerstore.Store
	dgraph *Store
	dgbe   *Store      // the same cluster with best-effort reads
	names  []string    // entity names to look up, in a fixed random order
	ids    []string    // entity IDs to start traversals from
	pairs  [][2]string // path endpoints
	load   map[string]time.Duration
	counts string
	dir    string // the Badger store's, removed by cleanupBench
}

// cleanupBench closes the benchmark's stores and removes the Badger
// directory; TestMain calls it after the run.
func cleanupBench() {
	if benchData == nil {
		return
	}
	if benchData.badger != nil {
		benchData.badger.Close()
	}
	for _, s := range []*Store{benchData.dgraph, benchData.dgbe} {
		if s != nil {
			s.Close()
		}
	}
	os.RemoveAll(benchData.dir)
}

var (
	benchOnce sync.Once
	benchData *benchEnv
	benchErr  error
)

// synthGraph returns documents whose entities are drawn from n entities:
// 2% of them hubs drawn a third of the time. Each document has 10 entities
// and 25 relations among them, so there are about 5n relations.
func synthGraph(n int, seed uint64) []*graph.Contribution {
	rng := rand.New(rand.NewPCG(seed, 2))
	types := graph.EntityTypes
	rels := []graph.RelationType{graph.FocusesOn, graph.ReliesOn, graph.LocatedIn, graph.Involves, graph.CoOccurs}
	hubs := max(n/50, 1)
	docs := n / 4
	out := make([]*graph.Contribution, 0, docs)
	for d := range docs {
		c := &graph.Contribution{Doc: graph.Document{ID: fmt.Sprintf("s%07d", d), Source: fmt.Sprintf("synth/%07d.txt", d),
			Hash: strconv.Itoa(d), Date: fmt.Sprintf("20%02d-%02d-%02d", 15+d%10, 1+d%12, 1+d%28), Size: 5000}}
		seen := map[int]bool{}
		for len(c.Entities) < 10 {
			k := rng.IntN(n)
			if rng.IntN(3) == 0 {
				k = rng.IntN(hubs)
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			c.Entities = append(c.Entities, graph.EntityContribution{Type: types[k%len(types)],
				Name: fmt.Sprintf("实体%06d", k), Spans: []graph.Span{{Start: 10 * len(c.Entities), End: 10*len(c.Entities) + 6}}})
		}
		pairs := map[[2]int]bool{}
		for len(c.Relations) < 25 {
			i, j := rng.IntN(10), rng.IntN(10)
			if i == j || pairs[[2]int{i, j}] || pairs[[2]int{j, i}] {
				continue
			}
			pairs[[2]int{i, j}] = true
			a, b := &c.Entities[i], &c.Entities[j]
			c.Relations = append(c.Relations, graph.RelationContribution{From: a.ID(), To: b.ID(),
				Type: rels[(i+j)%len(rels)], Weight: float64(1 + rng.IntN(3)),
				Evidence: []graph.Evidence{{Sentence: a.Name + "和" + b.Name, Start: 10 * min(i, j), End: 10*max(i, j) + 6, Rule: "synth"}}})
		}
		out = append(out, c)
	}
	return out
}

func loadBench(b *testing.B) *benchEnv {
	b.Helper()
	addrs := ParseAddrs(os.Getenv(clusterEnv))
	if len(addrs) == 0 {
		b.Skipf("%s is not set", clusterEnv)
	}
	benchOnce.Do(func() { _, benchErr = buildBench(addrs) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchData
}

func buildBench(addrs []string) (*benchEnv, error) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("KG_BENCH_ENTITIES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	cs := synthGraph(n, 1)
	env := &benchEnv{load: map[string]time.Duration{}}
	dir, err := os.MkdirTemp("", "kg-bench-badger")
	if err != nil {
		return nil, err
	}
	env.dir = dir
	benchData = env // so that cleanupBench finds it even if loading fails
	env.badger, err = badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for _, c := range cs {
		if err := env.badger.Apply(ctx, c); err != nil {
			return nil, err
		}
	}
	env.load["badger-apply"] = time.Since(start)
	env.load["badger-apply-docs"] = time.Duration(len(cs))

	env.dgraph, err = Open(ctx, addrs, Options{})
	if err != nil {
		return nil, err
	}
	// Apply per document, 4 writers with their own clients, on a sample of
	// 2000 documents (the whole graph would take the Dgraph path too long
	// on a shared machine); then the whole graph through the RDF bulk path.
	if err := env.dgraph.DropAll(ctx); err != nil {
		return nil, err
	}
	sample := cs[:min(len(cs), 2000)]
	if os.Getenv("KG_BENCH_QUERIES_ONLY") != "" {
		sample = nil // only the bulk load below, for query runs
	}
	start = time.Now()
	if err := parallelApply(ctx, addrs, sample, 4); err != nil {
		return nil, err
	}
	env.load["dgraph-apply4"] = time.Since(start)
	env.load["dgraph-apply4-docs"] = time.Duration(len(sample))
	// The same sample through Badger, for the per-document ratio.
	sdir, err := os.MkdirTemp("", "kg-bench-badger-sample")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(sdir)
	sb, err := badgerstore.Open(sdir, badgerstore.Options{})
	if err != nil {
		return nil, err
	}
	start = time.Now()
	for _, c := range sample {
		if err := sb.Apply(ctx, c); err != nil {
			return nil, err
		}
	}
	env.load["badger-apply-sample"] = time.Since(start)
	sb.Close()

	start = time.Now()
	if err := bulkRDF(ctx, env.dgraph, env.badger); err != nil {
		return nil, err
	}
	env.load["dgraph-rdf-bulk"] = time.Since(start)

	st, err := env.badger.Stats(ctx)
	if err != nil {
		return nil, err
	}
	dst, err := env.dgraph.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if st.Entities != dst.Entities || st.Relations != dst.Relations {
		return nil, fmt.Errorf("loaded graphs differ: badger %+v, dgraph %+v", st, dst)
	}
	if env.dgbe, err = Open(ctx, addrs, Options{BestEffortReads: true}); err != nil {
		return nil, err
	}
	env.counts = fmt.Sprintf("%d documents, %d entities, %d relations", st.Documents, st.Entities, st.Relations)

	rng := rand.New(rand.NewPCG(9, 9))
	var all []string
	if err := env.badger.EachEntity(ctx, func(e *graph.Entity) error {
		all = append(all, e.ID+"\x00"+e.Name)
		return nil
	}); err != nil {
		return nil, err
	}
	for range 1000 {
		s := all[rng.IntN(len(all))]
		i := bytes.IndexByte([]byte(s), 0)
		env.ids = append(env.ids, s[:i])
		env.names = append(env.names, s[i+1:])
	}
	for i := range 1000 {
		env.pairs = append(env.pairs, [2]string{env.ids[i], env.ids[(i*7+3)%len(env.ids)]})
	}
	return env, nil
}

// parallelApply applies cs with w writers, each its own client.
func parallelApply(ctx context.Context, addrs []string, cs []*graph.Contribution, w int) error {
	var wg sync.WaitGroup
	errs := make(chan error, w)
	for i := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, addrs, Options{Retries: 100})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for j := i; j < len(cs); j += w {
				if err := s.Apply(ctx, cs[j]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// bulkRDF replaces the cluster's content with r's graph, exported as N-Quads
// and loaded in chunks of 20000 quads.
func bulkRDF(ctx context.Context, s *Store, r graph.Reader) error {
	var schema, quads bytes.Buffer
	if err := WriteRDFSchema(ctx, r, &schema); err != nil {
		return err
	}
	if err := WriteRDF(ctx, r, &quads); err != nil {
		return err
	}
	if err := s.dg.Alter(ctx, &api.Operation{DropAll: true}); err != nil {
		return err
	}
	if err := s.dg.Alter(ctx, &api.Operation{Schema: schema.String()}); err != nil {
		return err
	}
	return loadChunks(ctx, s, bytes.SplitAfter(quads.Bytes(), []byte("\n")))
}

var errChunk = errors.New("chunk")

// loadChunks loads N-Quads in chunks. A blank node names one node only
// within a mutation, so like dgraph live it keeps a blank node -> uid map
// across chunks and rewrites later references to <uid> form.
func loadChunks(ctx context.Context, s *Store, lines [][]byte) error {
	uids := map[string]string{}
	const chunk = 20000
	for i := 0; i < len(lines); i += chunk {
		part := lines[i:min(i+chunk, len(lines))]
		var buf bytes.Buffer
		for _, l := range part {
			buf.Write(rewriteBlanks(l, uids))
		}
		resp, err := s.dg.NewTxn().Mutate(ctx, &api.Mutation{SetNquads: buf.Bytes(), CommitNow: true})
		if err != nil {
			return fmt.Errorf("%w %d: %v", errChunk, i/chunk, err)
		}
		for k, v := range resp.Uids {
			uids["_:"+k] = "<" + v + ">"
		}
	}
	return nil
}

// rewriteBlanks replaces blank nodes already given a uid by that uid.
func rewriteBlanks(l []byte, uids map[string]string) []byte {
	fields := bytes.SplitN(l, []byte(" "), 2)
	out := l
	if u, ok := uids[string(fields[0])]; ok {
		out = append([]byte(u+" "), fields[1]...)
	}
	// Object blank node: "... <pred> _:x ( ... ) ." or "... <pred> _:x ."
	if j := bytes.Index(out, []byte("> _:")); j >= 0 {
		k := j + 2
		e := k
		for e < len(out) && out[e] != ' ' {
			e++
		}
		if u, ok := uids[string(out[k:e])]; ok {
			out = append(append(append([]byte{}, out[:k]...), u...), out[e:]...)
		}
	}
	return out
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func BenchmarkBackends(b *testing.B) {
	env := loadBench(b)
	b.Logf("graph: %s", env.counts)
	b.Run("Load", func(b *testing.B) {
		for _, k := range []string{"badger-apply", "badger-apply-sample", "dgraph-apply4", "dgraph-rdf-bulk"} {
			b.ReportMetric(env.load[k].Seconds(), k+"-s")
		}
		b.ReportMetric(float64(env.load["badger-apply-docs"]), "docs-all")
		b.ReportMetric(float64(env.load["dgraph-apply4-docs"]), "docs-sample")
	})
	ctx := context.Background()
	backends := []struct {
		name string
		r    graph.Reader
	}{{"badger", env.badger}, {"dgraph", env.dgraph}, {"dgraph-besteffort", env.dgbe}}
	queries := []struct {
		name string
		fn   func(r graph.Reader, i int) error
	}{
		{"get-by-name", func(r graph.Reader, i int) error {
			_, err := r.EntitiesByName(ctx, env.names[i%len(env.names)])
			return err
		}},
		{"neighbors-1hop", func(r graph.Reader, i int) error {
			_, err := r.Neighbors(ctx, env.ids[i%len(env.ids)], graph.NeighborQuery{Depth: 1, Limit: 50})
			return err
		}},
		{"neighbors-2hop", func(r graph.Reader, i int) error {
			_, err := r.Neighbors(ctx, env.ids[i%len(env.ids)], graph.NeighborQuery{Depth: 2, Limit: 50})
			return err
		}},
		{"shortest-path", func(r graph.Reader, i int) error {
			p := env.pairs[i%len(env.pairs)]
			_, err := r.ShortestPath(ctx, p[0], p[1], graph.PathQuery{MaxDepth: 4})
			if errors.Is(err, graph.ErrNotFound) {
				return nil
			}
			return err
		}},
	}
	for _, q := range queries {
		for _, be := range backends {
			b.Run(q.name+"/"+be.name, func(b *testing.B) {
				b.ReportAllocs()
				lat := make([]time.Duration, 0, b.N)
				failed := 0
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if err := q.fn(be.r, i); err != nil {
						// On this shared machine the cluster has spells
						// of unreachable peers: count them, do not time
						// them.
						if !transient(err) {
							b.Fatal(err)
						}
						failed++
						continue
					}
					lat = append(lat, time.Since(t0))
				}
				b.ReportMetric(float64(percentile(lat, 0.5).Microseconds()), "p50-µs")
				b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
				b.ReportMetric(float64(failed), "failed")
			})
		}
	}
}
