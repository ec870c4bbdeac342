//go:build linux

package jieba

import (
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yanyiwu/gojieba"
	"golang.org/x/sys/unix"

	"kg/seeds"
)

// benchText is the sample corpus shipped in seeds, about 250 KB.
func benchText(b *testing.B) string {
	b.Helper()
	var sb strings.Builder
	err := fs.WalkDir(seeds.Corpus(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		t, err := fs.ReadFile(seeds.Corpus(), path)
		sb.Write(t)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return sb.String()
}

// BenchmarkCut compares Segmenter.Cut and Tag with gojieba's own Cut on the
// same text, so the wrapper's cost (chunking, offsets) shows as a ratio.
func BenchmarkCut(b *testing.B) {
	text := benchText(b)
	chars := float64(utf8.RuneCountInString(text))
	s := segmenter(b)
	dir, done, err := dictDir()
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for _, f := range dictFiles() {
		paths = append(paths, dir+"/"+f.name)
	}
	raw := gojieba.NewJieba(paths...)
	done()
	defer raw.Free()
	// The three run in turn in every iteration on one locked OS thread, and
	// each is timed by that thread's CPU time: other processes on a shared
	// machine then slow none of them, and the ratios hold.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var tRaw, tCut, tTag time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := threadCPU(b)
		raw.Cut(text, true)
		t1 := threadCPU(b)
		s.Cut(text)
		t2 := threadCPU(b)
		s.Tag(text)
		t3 := threadCPU(b)
		tRaw, tCut, tTag = tRaw+t1-t0, tCut+t2-t1, tTag+t3-t2
	}
	n := chars * float64(b.N)
	b.ReportMetric(n/tRaw.Seconds(), "gojieba-chars/cpu-s")
	b.ReportMetric(n/tCut.Seconds(), "Cut-chars/cpu-s")
	b.ReportMetric(n/tTag.Seconds(), "Tag-chars/cpu-s")
	b.ReportMetric(tRaw.Seconds()/tCut.Seconds(), "Cut/gojieba")
	b.ReportMetric(tRaw.Seconds()/tTag.Seconds(), "Tag/gojieba")
}

// threadCPU returns the CPU time the calling OS thread has used.
func threadCPU(b *testing.B) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
