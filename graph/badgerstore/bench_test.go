package badgerstore

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
	"kg/graph/synth"
)

// The big benchmark builds the synth.Big graph (a million entities, five
// million relations) with BulkLoad and measures single queries on it:
//
//	KG_BENCH_BIG=1 go test -run XXX -bench BenchmarkBig -benchtime 2000x -timeout 60m ./graph/badgerstore
//
// KG_BENCH_BIG=ENTITIES/RELATIONS picks another size (e.g. 100000/500000);
// KG_BENCH_DIR=DIR keeps the store there and reuses it on the next run.
// Latencies are reported as p50/p99 metrics next to RawGet, a bare Badger
// read of one entity key in the same process: the floor to compare with on
// a shared machine.

var big struct {
	once sync.Once
	s    *Store
	cfg  synth.Config
	err  error
}

func bigConfig() (synth.Config, bool) {
	v := os.Getenv("KG_BENCH_BIG")
	if v == "" {
		return synth.Config{}, false
	}
	cfg := synth.Big
	if e, r, ok := strings.Cut(v, "/"); ok {
		ne, err1 := strconv.Atoi(e)
		nr, err2 := strconv.Atoi(r)
		if err1 == nil && err2 == nil {
			cfg = synth.Config{Entities: ne, Relations: nr, Docs: max(1, nr/50), Seed: 1}
		}
	}
	return cfg, true
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Sys().(*syscall.Stat_t).Blocks * 512 // Badger preallocates: count blocks in use
			}
		}
		return nil
	})
	return n
}

// peakRSS reads the process's peak resident set from /proc.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}

// peakRSSBytes is the process's peak resident set in bytes, 0 if unknown.
func peakRSSBytes() int64 {
	v := strings.TrimSuffix(peakRSS(), " kB")
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0
	}
	return n << 10
}

func bigStore(b *testing.B) (*Store, synth.Config) {
	cfg, ok := bigConfig()
	if !ok {
		b.Skip("set KG_BENCH_BIG=1 to build the million-entity graph")
	}
	big.once.Do(func() {
		big.cfg = cfg
		ctx := context.Background()
		dir := os.Getenv("KG_BENCH_DIR")
		reuse := dir != ""
		if dir == "" {
			d, err := os.MkdirTemp("", "kg-bench-")
			if err != nil {
				big.err = err
				return
			}
			dir = d
		}
		if reuse {
			if s, err := Open(dir, Options{}); err == nil {
				if st, err := s.Stats(ctx); err == nil && st.Relations == int64(cfg.Relations) && st.Entities == int64(cfg.Entities) {
					fmt.Printf("reusing the store in %s (%.2f GiB)\n", dir, float64(dirSize(dir))/(1<<30))
					big.s = s
					return
				}
				s.Close()
				os.RemoveAll(dir)
			}
		}
		// Baseline: generating the documents without storing them.
		t0 := time.Now()
		docs := 0
		if err := synth.Generate(ctx, cfg, func(*graph.Contribution) error { docs++; return nil }); err != nil {
			big.err = err
			return
		}
		gen := time.Since(t0)
		s, err := Open(dir, Options{})
		if err != nil {
			big.err = err
			return
		}
		t0 = time.Now()
		err = s.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) })
		build := time.Since(t0)
		if err != nil {
			big.err = err
			return
		}
		rss := peakRSS()
		if !reuse {
			b.Cleanup(func() { os.RemoveAll(dir) })
		}
		s.Close() // flush memtables so the size on disk is complete
		size := dirSize(dir)
		if s, err = Open(dir, Options{}); err != nil {
			big.err = err
			return
		}
		// Printed, not logged: a parent benchmark's log is not shown.
		fmt.Printf("built %d entities, %d relations, %d documents in %v (generation alone %v, %.1fx): %.0f relations/s; %.2f GiB on disk; peak RSS %s",
			cfg.Entities, cfg.Relations, docs, build.Round(time.Millisecond), gen.Round(time.Millisecond),
			build.Seconds()/gen.Seconds(), float64(cfg.Relations)/build.Seconds(), float64(size)/(1<<30), rss)
		fmt.Println()
		big.s = s
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	return big.s, big.cfg
}

// latency runs op b.N times over deterministic samples and reports the
// 50th and 99th percentiles.
func latency(b *testing.B, op func(i int) error) {
	b.ReportAllocs()
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds())/1e3, "p99-µs")
}

func queryBenchmarks(b *testing.B, s *Store, cfg synth.Config) {
	ctx := context.Background()
	samples := cfg.Sample(42, 4096)
	names := make([]string, len(samples))
	ids := make([]string, len(samples))
	for i, k := range samples {
		_, names[i] = cfg.Entity(k)
		ids[i] = cfg.EntityID(k)
	}
	b.Run("RawGet", func(b *testing.B) {
		latency(b, func(i int) error {
			return s.db.View(func(txn *badger.Txn) error {
				item, err := txn.Get(entityKey(ids[i%len(ids)]))
				if err != nil {
					return err
				}
				return item.Value(func([]byte) error { return nil })
			})
		})
	})
	b.Run("GetByName", func(b *testing.B) {
		latency(b, func(i int) error {
			_, err := s.EntitiesByName(ctx, names[i%len(names)])
			return err
		})
	})
	b.Run("Neighbors1", func(b *testing.B) {
		latency(b, func(i int) error {
			_, err := s.Neighbors(ctx, ids[i%len(ids)], graph.NeighborQuery{Depth: 1, Limit: 50})
			return err
		})
	})
	b.Run("Neighbors2", func(b *testing.B) {
		latency(b, func(i int) error {
			_, err := s.Neighbors(ctx, ids[i%len(ids)], graph.NeighborQuery{Depth: 2, Limit: 500})
			return err
		})
	})
	b.Run("ShortestPath", func(b *testing.B) {
		found := 0
		latency(b, func(i int) error {
			a, z := ids[i%len(ids)], ids[(i*7+13)%len(ids)]
			_, err := s.ShortestPath(ctx, a, z, graph.PathQuery{MaxDepth: 6})
			if err == nil {
				found++
			} else if !strings.Contains(err.Error(), "not found") {
				return err
			}
			return nil
		})
		b.ReportMetric(float64(found)/float64(b.N), "found/op")
	})
	b.Run("SearchPrefix", func(b *testing.B) {
		latency(b, func(i int) error {
			n := []rune(names[i%len(names)])
			_, err := s.Search(ctx, graph.SearchQuery{Text: string(n[:min(4, len(n))]), Limit: 20})
			return err
		})
	})
}

func BenchmarkBig(b *testing.B) {
	s, cfg := bigStore(b)
	queryBenchmarks(b, s, cfg)
}

// BenchmarkQueries measures the same queries on graphs small enough to
// build in a few seconds, by size.
func BenchmarkQueries(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			cfg := synth.Config{Entities: n, Relations: 5 * n, Seed: 1}
			s := openT(b, Options{})
			ctx := context.Background()
			if err := s.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }); err != nil {
				b.Fatal(err)
			}
			queryBenchmarks(b, s, cfg)
		})
	}
}

// BenchmarkWrite compares Apply, one document per transaction, with
// BulkLoad, and with generating the documents alone (the baseline). Apply
// is left out of the largest size, where it would take many minutes.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{2_000, 20_000, 200_000} {
		cfg := synth.Config{Entities: n, Relations: 5 * n, Seed: 1}
		ctx := context.Background()
		gen := func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }
		report := func(b *testing.B) {
			b.ReportMetric(float64(cfg.Relations)*float64(b.N)/b.Elapsed().Seconds(), "relations/s")
		}
		b.Run(fmt.Sprintf("Generate/entities=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if err := gen(func(*graph.Contribution) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("Apply/entities=%d", n), func(b *testing.B) {
			if n > 20_000 {
				b.Skip("too slow at this size")
			}
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s := openT(b, Options{})
				b.StartTimer()
				if err := gen(func(c *graph.Contribution) error { return s.Apply(ctx, c) }); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("BulkLoad/entities=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s := openT(b, Options{})
				b.StartTimer()
				if err := s.BulkLoad(ctx, gen); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
			b.ReportMetric(float64(peakRSSBytes())/(1<<20), "peak-RSS-MiB")
		})
	}
}

// BenchmarkEvidence reads the evidence of every relation of 50 documents
// (graph.Dump does this per relation): each per-document record now looks
// its sentences up in the t table.
func BenchmarkEvidence(b *testing.B) {
	ctx := context.Background()
	s := openT(b, Options{})
	for i := range 50 {
		if err := s.Apply(ctx, testDoc(int64(i), fmt.Sprintf("d%d", i), 200, 40, 60)); err != nil {
			b.Fatal(err)
		}
	}
	var keys []graph.RelationKey
	if err := s.EachRelation(ctx, func(r *graph.Relation) error {
		keys = append(keys, r.Key())
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, k := range keys {
			ev, err := s.Evidence(ctx, k, 0)
			if err != nil {
				b.Fatal(err)
			}
			n += len(ev)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "evidence/s")
}
