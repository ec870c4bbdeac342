//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"kg/extract/source"
	"kg/graph/badgerstore"
)

// BenchmarkIngest measures kg ingest end to end (read, extract, write to a
// new real store, close) in characters per second, on ../shared/corpus
// ("corpus") and on a corpus eight times larger made from it ("corpus×8":
// each copy of a text with its lines rotated by the copy number and a header
// line of its own, so that no two files are alike), where the fixed costs of
// a load weigh less. "bulk" is what kg ingest does on a new store, "apply"
// what it does on one that holds documents. Each is measured next to the
// segmenter's plain Cut over the same texts on one goroutine, in the same
// iteration, so that load from other processes weighs on both:
//
//	ingest/cut      wall-clock rate of ingest over that of Cut (target ≥ 1 on 2 cores)
//	ingest/cut-cpu  the same by CPU time, which a loaded machine does not skew
func BenchmarkIngest(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("shared corpus not available: %v", err)
	}
	big := filepath.Join(b.TempDir(), "corpus8")
	if err := rotatedCopies(dir, big, 8); err != nil {
		b.Fatal(err)
	}
	seg, err := newSegmenter()
	if err != nil {
		b.Fatal(err)
	}
	defer seg.Close()
	x, closeX, err := newExtractor()
	if err != nil {
		b.Fatal(err)
	}
	defer closeX()

	workers := runtime.GOMAXPROCS(0)
	for _, bc := range []struct {
		corpus  string
		dir     string
		workers int
		bulk    bool
	}{
		{"corpus", dir, 1, true},
		{"corpus", dir, workers, true},
		{"corpus", dir, workers, false},
		{"corpus×8", big, workers, true},
	} {
		mode := "bulk"
		if !bc.bulk {
			mode = "apply"
		}
		b.Run(fmt.Sprintf("%s/%s/workers=%d", bc.corpus, mode, bc.workers), func(b *testing.B) {
			texts, chars := readTexts(b, bc.dir)
			b.ReportAllocs()
			b.ResetTimer()
			var wallCut, wallIngest, cpuCut, cpuIngest time.Duration
			for i := 0; i < b.N; i++ {
				w0, c0 := time.Now(), processCPU(b)
				for _, t := range texts {
					seg.Cut(t)
				}
				wallCut += time.Since(w0)
				cpuCut += processCPU(b) - c0

				b.StopTimer()
				s, err := badgerstore.Open(filepath.Join(b.TempDir(), "db"), badgerstore.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				w1, c1 := time.Now(), processCPU(b)
				sum, err := ingest(context.Background(), io.Discard, s, x, ingestOptions{workers: bc.workers, paths: []string{bc.dir}, bulk: bc.bulk})
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				wallIngest += time.Since(w1)
				cpuIngest += processCPU(b) - c1
				if sum.chars != int64(chars) || sum.failed != 0 {
					b.Fatalf("ingested %d characters with %d failures, want %d and none", sum.chars, sum.failed, chars)
				}
			}
			n := float64(chars) * float64(b.N)
			b.ReportMetric(n/wallCut.Seconds(), "cut-chars/s")
			b.ReportMetric(n/wallIngest.Seconds(), "ingest-chars/s")
			b.ReportMetric(wallCut.Seconds()/wallIngest.Seconds(), "ingest/cut")
			b.ReportMetric(cpuCut.Seconds()/cpuIngest.Seconds(), "ingest/cut-cpu")
		})
	}
}

// readTexts reads every document under dir as kg ingest does, for the Cut
// baseline, and counts its characters.
func readTexts(b *testing.B, dir string) ([]string, int) {
	var texts []string
	chars := 0
	if err := source.Walk(context.Background(), []string{dir}, func(path string, err error) error {
		if err != nil {
			return err
		}
		d, err := source.Read(context.Background(), path)
		if err != nil {
			return err
		}
		texts = append(texts, d.Text)
		chars += utf8.RuneCountInString(d.Text)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return texts, chars
}

// rotatedCopies writes n copies of the .txt files in src under dst, copy i
// in dst/ci: a header line naming the copy, then the text with its lines
// rotated by i, so that every file is a distinct document with the same
// vocabulary and sentence structure as the real ones.
func rotatedCopies(src, dst string, n int) error {
	files, err := filepath.Glob(filepath.Join(src, "*.txt"))
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		d := filepath.Join(dst, fmt.Sprintf("c%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			lines := strings.SplitAfter(string(data), "\n")
			k := i % len(lines)
			var sb strings.Builder
			fmt.Fprintf(&sb, "第%d份 %s\n", i, filepath.Base(f))
			for _, l := range lines[k:] {
				sb.WriteString(l)
			}
			for _, l := range lines[:k] {
				sb.WriteString(l)
			}
			if err := os.WriteFile(filepath.Join(d, filepath.Base(f)), []byte(sb.String()), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// processCPU returns the CPU time the process has used, all threads.
func processCPU(b *testing.B) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
