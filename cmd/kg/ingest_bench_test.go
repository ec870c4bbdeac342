//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"kg/extract/jieba"
	"kg/extract/source"
	"kg/graph/badgerstore"
	"kg/seeds"
)

// BenchmarkIngest measures kg ingest of ../shared/corpus end to end (read,
// extract, write to a new real store, close) in characters per second:
// "bulk" is what kg ingest does on a new store, "apply" what it does on one
// that holds documents. Each is measured next to
// the segmenter's plain Cut over the same texts on one goroutine, in the
// same iteration, so that load from other processes weighs on both:
//
//	ingest/cut      wall-clock rate of ingest over that of Cut (target ≥ 1 on 2 cores)
//	ingest/cut-cpu  the same by CPU time, which a loaded machine does not skew
func BenchmarkIngest(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("shared corpus not available: %v", err)
	}
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
	words, err := seeds.UserWords()
	if err != nil {
		b.Fatal(err)
	}
	uw := make([]jieba.Word, len(words))
	for i, w := range words {
		uw[i] = jieba.Word{Text: w.Text, Tag: w.Tag, Freq: w.Freq}
	}
	seg, err := jieba.New(uw)
	if err != nil {
		b.Fatal(err)
	}
	defer seg.Close()
	x, closeX, err := newExtractor()
	if err != nil {
		b.Fatal(err)
	}
	defer closeX()

	for _, bc := range []struct {
		workers int
		bulk    bool
	}{{1, true}, {runtime.GOMAXPROCS(0), true}, {runtime.GOMAXPROCS(0), false}} {
		workers := bc.workers
		mode := "bulk"
		if !bc.bulk {
			mode = "apply"
		}
		b.Run(fmt.Sprintf("%s/workers=%d", mode, workers), func(b *testing.B) {
			b.ReportAllocs()
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
				sum, err := ingest(context.Background(), io.Discard, s, x, ingestOptions{workers: workers, paths: []string{dir}, bulk: bc.bulk})
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

// processCPU returns the CPU time the process has used, all threads.
func processCPU(b *testing.B) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
