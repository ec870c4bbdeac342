package export

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"kg/graph"
	"kg/graph/badgerstore"
	"kg/graph/synth"
)

// The synthetic-graph benchmarks run only when KG_BENCH_EXPORT_DB names a
// store directory; scripts/bench-export.sh drives them. Scales:
//
//	big     synth.Big: 1,000,000 entities, 5,000,000 relations
//	medium  100,000 entities, 500,000 relations
//	small   10,000 entities, 50,000 relations
func benchConfig(t testing.TB) (string, synth.Config) {
	dir := os.Getenv("KG_BENCH_EXPORT_DB")
	if dir == "" {
		t.Skip("set KG_BENCH_EXPORT_DB (and KG_BENCH_EXPORT_SCALE) to run; see scripts/bench-export.sh")
	}
	switch s := os.Getenv("KG_BENCH_EXPORT_SCALE"); s {
	case "", "big":
		return dir, synth.Big
	case "medium":
		return dir, synth.Config{Entities: 100_000, Relations: 500_000, Docs: 10_000, Seed: 1}
	case "small":
		return dir, synth.Config{Entities: 10_000, Relations: 50_000, Docs: 1_000, Seed: 1}
	default:
		t.Fatalf("KG_BENCH_EXPORT_SCALE=%q: want big, medium or small", s)
	}
	return "", synth.Config{}
}

// bulkLoader is the store's fast path for building large graphs, when it
// has one.
type bulkLoader interface {
	BulkLoad(ctx context.Context, gen func(fn func(*graph.Contribution) error) error) error
}

// TestBuildBenchStore builds the synthetic store once (it is kept if it
// already holds the graph).
func TestBuildBenchStore(t *testing.T) {
	dir, cfg := benchConfig(t)
	ctx := context.Background()
	s, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities == int64(cfg.Entities) && st.Relations == int64(cfg.Relations) {
		t.Logf("store %s already holds %d entities, %d relations", dir, st.Entities, st.Relations)
		return
	}
	if st.Entities != 0 {
		t.Fatalf("store %s holds another graph (%d entities); remove it", dir, st.Entities)
	}
	start := time.Now()
	gen := func(fn func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, fn) }
	if bl, ok := any(s).(bulkLoader); ok {
		err = bl.BulkLoad(ctx, gen)
	} else {
		n := 0
		err = gen(func(c *graph.Contribution) error {
			n++
			if n%10000 == 0 {
				t.Logf("%d documents, %v", n, time.Since(start).Round(time.Second))
			}
			return s.Apply(ctx, c)
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d entities, %d relations in %v", cfg.Entities, cfg.Relations, time.Since(start).Round(time.Second))
}

// peakRSS returns the process's peak resident set (VmHWM) in MB, or -1.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

// BenchmarkExportStore streams the synthetic store in GEXF and node-link
// JSON to a byte counter. Run one sub-benchmark per process to read its
// peak RSS (the peak_MB metric is the whole process's).
func BenchmarkExportStore(b *testing.B) {
	dir, _ := benchConfig(b)
	// As kg export opens it.
	s, err := badgerstore.Open(dir, badgerstore.Options{ReadOnly: true, BlockCacheSize: 4 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, f := range []Format{GEXF, JSON} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var n int64
			for i := 0; i < b.N; i++ {
				cw := &countingWriter{w: io.Discard}
				if err := Export(context.Background(), s, cw, f, Options{Layout: true}); err != nil {
					b.Fatal(err)
				}
				n = cw.n
			}
			b.SetBytes(n)
			b.ReportMetric(peakRSS(), "peak_MB")
			b.Log(fmt.Sprintf("%s: %d bytes", f, n))
		})
	}
}
