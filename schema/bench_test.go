package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"kg/graph"
	"kg/graph/badgerstore"
	"kg/graph/synth"
)

// benchGraph is a synthetic graph of 10,000 entities and 50,000 relations
// (power-law degrees, the store's own generator), built once per run.
var benchGraph struct {
	once sync.Once
	st   *badgerstore.Store
	dir  string
	mid  graph.Entity // an entity of middling degree
	far  graph.Entity // an entity two or three relations from mid
	err  error
}

func loadBenchGraph(b *testing.B) *badgerstore.Store {
	b.Helper()
	g := &benchGraph
	g.once.Do(func() {
		ctx := context.Background()
		dir, err := tempDir()
		if err != nil {
			g.err = err
			return
		}
		g.dir = dir
		st, err := badgerstore.Open(dir, badgerstore.Options{})
		if err != nil {
			g.err = err
			return
		}
		g.st = st
		cfg := synth.Config{Entities: 10_000, Relations: 50_000, Seed: 7}
		if g.err = st.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }); g.err != nil {
			return
		}
		g.mid, g.far, g.err = pickEntities(ctx, st)
	})
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g.st
}

// pickEntities finds an entity with 10 to 50 relations, the kind an
// analyst looks at, and one at distance 2 or 3 from it.
func pickEntities(ctx context.Context, r graph.Reader) (mid, far graph.Entity, err error) {
	errFound := fmt.Errorf("found")
	err = r.EachEntity(ctx, func(e *graph.Entity) error {
		if e.Degree >= 10 && e.Degree <= 50 {
			mid = *e
			return errFound
		}
		return nil
	})
	if err != errFound {
		return mid, far, fmt.Errorf("no entity of degree 10 to 50: %v", err)
	}
	sg, err := r.Neighbors(ctx, mid.ID, graph.NeighborQuery{Depth: 2, Limit: 200})
	if err != nil {
		return mid, far, err
	}
	far = sg.Nodes[len(sg.Nodes)-1]
	return mid, far, nil
}

// benchQueries are the queries of the benchmark, each with the store call
// its resolver makes, so the GraphQL overhead shows as a ratio.
func benchQueries(mid, far graph.Entity) []struct {
	name  string
	query string
	vars  map[string]any
	store func(ctx context.Context, r graph.Reader) error
} {
	return []struct {
		name  string
		query string
		vars  map[string]any
		store func(ctx context.Context, r graph.Reader) error
	}{
		{"entity-by-name", `query($n: String!) { entity(name: $n) { id name type mentionCount degree } }`, map[string]any{"n": mid.Name},
			func(ctx context.Context, r graph.Reader) error { _, err := r.EntitiesByName(ctx, mid.Name); return err }},
		{"neighbors-depth1", `query($id: ID!) { neighbors(id: $id, depth: 1, first: 50) { nodes { id name type } relations { type weight from { id } to { id } } } }`, map[string]any{"id": mid.ID},
			func(ctx context.Context, r graph.Reader) error {
				_, err := r.Neighbors(ctx, mid.ID, graph.NeighborQuery{Depth: 1, Limit: 50})
				return err
			}},
		{"neighbors-depth2", `query($id: ID!) { neighbors(id: $id, depth: 2, first: 50) { nodes { id name type } relations { type weight from { id } to { id } } } }`, map[string]any{"id": mid.ID},
			func(ctx context.Context, r graph.Reader) error {
				_, err := r.Neighbors(ctx, mid.ID, graph.NeighborQuery{Depth: 2, Limit: 50})
				return err
			}},
		{"neighbors-depth2-asJSON", `query($id: ID!) { neighbors(id: $id, depth: 2, first: 50) { asJSON } }`, map[string]any{"id": mid.ID},
			func(ctx context.Context, r graph.Reader) error {
				_, err := r.Neighbors(ctx, mid.ID, graph.NeighborQuery{Depth: 2, Limit: 50})
				return err
			}},
		{"path", `query($a: ID!, $b: ID!) { path(from: $a, to: $b) { length nodes { id name } relations { type } } }`, map[string]any{"a": mid.ID, "b": far.ID},
			func(ctx context.Context, r graph.Reader) error {
				_, err := r.ShortestPath(ctx, mid.ID, far.ID, graph.PathQuery{})
				return err
			}},
	}
}

// reportCPU reports the process's CPU time per operation (user and system,
// all goroutines: the HTTP client's too in the http runs). On a machine
// shared with other work it varies far less than ns/op.
func reportCPU(b *testing.B) func() {
	before := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueries runs each query three ways: the store call alone, the
// GraphQL executor (parse cache, limits, resolvers, JSON), and over HTTP on
// loopback. Compare the cpu-ns/op (or ns/op on an idle machine) of one
// query's three sub-benchmarks: the ratios are the GraphQL and HTTP
// overhead.
func BenchmarkQueries(b *testing.B) {
	st := loadBenchGraph(b)
	g := &benchGraph
	x, err := NewExecutor(st)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(HandlerFor(x))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	ctx := context.Background()
	for _, q := range benchQueries(g.mid, g.far) {
		b.Run(q.name+"/store", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if err := q.store(ctx, st); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(q.name+"/graphql", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				resp := x.Do(ctx, Request{Query: q.query, Variables: q.vars}, ReadOnly)
				if len(resp.Errors) > 0 {
					b.Fatal(resp.Errors)
				}
				if _, err := json.Marshal(resp); err != nil {
					b.Fatal(err)
				}
			}
		})
		body, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
		b.Run(q.name+"/http", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				resp, err := client.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
