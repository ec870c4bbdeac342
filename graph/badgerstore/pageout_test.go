//go:build linux

package badgerstore

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"kg/graph"
	"kg/graph/synth"
)

// TestBulkLoadPagesOut checks that the pages a bulk load writes through
// Badger's memory maps do not stay in the process's resident set, and that
// the store reads back whole after they were given back.
func TestBulkLoadPagesOut(t *testing.T) {
	if !pageOutSupported(t) {
		t.Skip("the kernel has no MADV_PAGEOUT (Linux 5.4 and later)")
	}
	ctx := context.Background()
	cfg := synth.Config{Entities: 10000, Relations: 40000, Docs: 500, Seed: 5}
	s := openT(t, Options{})
	s.pageOutAfter = 1 << 20
	if err := s.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }); err != nil {
		t.Fatal(err)
	}
	dir, err := resolvedDir(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	written := int64(0)
	for _, pat := range []string{"*.sst", "*.vlog"} {
		files, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, f := range files {
			// Blocks, not the size: the value log is preallocated.
			var st syscall.Stat_t
			if err := syscall.Stat(f, &st); err == nil {
				written += st.Blocks * 512
			}
		}
	}
	resident := mappedRSS(t, dir)
	t.Logf("store files %d bytes, %d resident through mappings", written, resident)
	if written < 8<<20 {
		t.Fatalf("the load wrote only %d bytes: too small to tell", written)
	}
	// Without page-out all of it stays resident (measured: 100 %); with it,
	// a few pages touched since the last call (measured: 4 KiB). Pages the
	// kernel cannot reclaim at once (locked, under writeback) may remain.
	if resident > written/4 {
		t.Errorf("%d of %d bytes written stay resident", resident, written)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != 10000 || st.Relations != 40000 || st.Documents != 500 {
		t.Errorf("stats %+v", st)
	}
	checkInvariants(t, s)
}

// pageOutSupported asks the kernel to page out one anonymous page: kernels
// without MADV_PAGEOUT answer EINVAL.
func pageOutSupported(t *testing.T) bool {
	b, err := unix.Mmap(-1, 0, os.Getpagesize(), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(b)
	return unix.Madvise(b, unix.MADV_PAGEOUT) == nil
}
