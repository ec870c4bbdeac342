package extract_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"kg/extract"
	"kg/graph"
	"kg/seeds"
)

// benchText returns about n runes of real policy text: the embedded demo
// corpus, repeated as needed.
func benchText(tb testing.TB, n int) string {
	fsys := seeds.Corpus()
	names, err := fsReadDirNames(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	for count := 0; count < n; {
		for _, name := range names {
			data, err := readFS(fsys, name)
			if err != nil {
				tb.Fatal(err)
			}
			r := []rune(string(data))
			if count+len(r) > n {
				r = r[:n-count]
			}
			b.WriteString(string(r))
			count += len(r)
			if count >= n {
				break
			}
		}
	}
	return b.String()
}

// cpuTime returns the CPU time (user + system) the process has used, in
// nanoseconds. On a machine shared with other work, CPU time per operation
// is steadier than wall time; it includes the garbage collector's.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// corpusTexts returns the texts of ../shared/corpus, nil when it does not
// exist.
func corpusTexts(tb testing.TB) []string {
	names, err := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	var texts []string
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	return texts
}

// BenchmarkExtract measures extraction against raw single-threaded gojieba
// Cut on the same text in the same run: compare the cpu-ns/op of the Extract
// and JiebaCut sub-benchmarks of one size. The sizes repeat the embedded demo
// corpus; "corpus" extracts each text of ../shared/corpus (when it exists)
// as its own document, as kg ingest does.
func BenchmarkExtract(b *testing.B) {
	seg := extract.NewSegmenter(b)
	x, err := extract.New(extract.Options{Segmenter: seg})
	if err != nil {
		b.Fatal(err)
	}
	type input struct {
		name  string
		texts []string
	}
	var inputs []input
	for _, size := range []struct {
		name string
		n    int
	}{{"5k", 5000}, {"50k", 50000}, {"500k", 500000}} {
		inputs = append(inputs, input{size.name, []string{benchText(b, size.n)}})
	}
	if texts := corpusTexts(b); texts != nil {
		inputs = append(inputs, input{"corpus", texts})
	}
	for _, in := range inputs {
		size := 0
		for _, t := range in.texts {
			size += len(t)
		}
		b.Run("Extract/"+in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				for _, text := range in.texts {
					if _, err := x.Extract(context.Background(), graph.Document{ID: "bench"}, text); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
		b.Run("JiebaCut/"+in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				for _, text := range in.texts {
					_ = seg.Cut(text)
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestExtractCorpus extracts every text of ../shared/corpus when it exists:
// no error, valid contributions, evidence inside the text.
func TestExtractCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus")
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(names) == 0 {
		t.Skip("../shared/corpus not found")
	}
	x, err := extract.New(extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		c, err := x.Extract(context.Background(), graph.Document{ID: n}, text)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		size := len([]rune(text))
		for _, r := range c.Relations {
			for _, ev := range r.Evidence {
				if ev.Start < 0 || ev.End > size || ev.Start > ev.End {
					t.Fatalf("%s: evidence [%d,%d) outside %d runes", n, ev.Start, ev.End, size)
				}
			}
		}
		if len(c.Entities) == 0 {
			t.Errorf("%s: no entities", n)
		}
	}
}
