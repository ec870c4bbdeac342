//go:build linux

package badgerstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"
	"testing"

	"kg/graph"
	"kg/graph/synth"
)

func TestParseMapsLine(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		ok    bool
		m     mapping
		perms string
	}{
		{"table", "7f1c2a000000-7f1c2e000000 r--s 00000000 08:01 1234      /tmp/x/000001.sst",
			true, mapping{0x7f1c2a000000, 0x7f1c2e000000, "/tmp/x/000001.sst"}, "r--s"},
		{"space in path", "1000-3000 rw-s 00000000 08:01 99 /tmp/a b/000002.vlog",
			true, mapping{0x1000, 0x3000, "/tmp/a b/000002.vlog"}, "rw-s"},
		{"anonymous", "7ffd1000-7ffd3000 rw-p 00000000 00:00 0", false, mapping{}, ""},
		{"pseudo path", "7ffd1000-7ffd3000 rw-p 00000000 00:00 0                          [stack]",
			true, mapping{0x7ffd1000, 0x7ffd3000, "[stack]"}, "rw-p"},
		{"bad range", "3000-1000 r--s 00000000 08:01 1 /x.sst", false, mapping{}, ""},
		{"not hex", "zz-1000 r--s 00000000 08:01 1 /x.sst", false, mapping{}, ""},
		{"short", "1000-2000 r--s", false, mapping{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, perms, ok := parseMapsLine([]byte(tc.line))
			if ok != tc.ok || m != tc.m || perms != tc.perms {
				t.Errorf("parseMapsLine(%q) = %+v, %q, %v; want %+v, %q, %v", tc.line, m, perms, ok, tc.m, tc.perms, tc.ok)
			}
		})
	}
}

// mappedRSS is the resident size in bytes of this process's mappings of
// Badger's data files in dir, from /proc/self/smaps.
func mappedRSS(t testing.TB, dir string) int64 {
	t.Helper()
	dir, err := resolvedDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !strings.HasSuffix(f[0], ":") {
			// A mapping's header line; its attributes follow.
			m, _, ok := parseMapsLine([]byte(line))
			in = ok && strings.HasPrefix(m.path, dir+"/") && dataFile(m.path)
			continue
		}
		if in && len(f) == 3 && f[0] == "Rss:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatalf("smaps line %q: %v", line, err)
			}
			total += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// rssFile is RssFile from /proc/self/status, in bytes.
func rssFile(t testing.TB) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "RssFile:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// scanDigest reads every entity and relation and hashes them, calling
// during (if not nil) after every 500th record, as an exporter would.
func scanDigest(t testing.TB, s *Store, during func() error) (uint64, int) {
	t.Helper()
	ctx := context.Background()
	h := fnv.New64a()
	n := 0
	tick := func() error {
		if n++; during != nil && n%500 == 0 {
			return during()
		}
		return nil
	}
	if err := s.EachEntity(ctx, func(e *graph.Entity) error {
		fmt.Fprintf(h, "%s %s %s %v %d %d %s %s\n", e.ID, e.Type, e.Name, e.Aliases, e.Mentions, e.Degree, e.First, e.Last)
		return tick()
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachRelation(ctx, func(r *graph.Relation) error {
		fmt.Fprintf(h, "%s %s %s %g %d %s %s\n", r.From, r.Type, r.To, r.Weight, r.Docs, r.First, r.Last)
		return tick()
	}); err != nil {
		t.Fatal(err)
	}
	return h.Sum64(), n
}

// synthStore bulk-loads a synthetic graph into a new directory, closes it
// and returns the directory.
func synthStore(t testing.TB, cfg synth.Config) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }); err != nil {
		s.Close()
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReleaseMapped(t *testing.T) {
	cfg := synth.Config{Entities: 6000, Relations: 24000, Docs: 120, Seed: 5}
	dir := synthStore(t, cfg)
	s, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	want, n := scanDigest(t, s, nil)
	if n != cfg.Entities+cfg.Relations {
		t.Fatalf("scanned %d records, want %d", n, cfg.Entities+cfg.Relations)
	}
	mappedBefore, fileBefore := mappedRSS(t, dir), rssFile(t)
	if mappedBefore < 1<<20 {
		t.Fatalf("a full scan left %d bytes of the store's files resident; the test needs a larger store", mappedBefore)
	}
	if err := s.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	mappedAfter, fileAfter := mappedRSS(t, dir), rssFile(t)
	t.Logf("store mappings resident: %d KB before, %d KB after; RssFile %d KB before, %d KB after",
		mappedBefore>>10, mappedAfter>>10, fileBefore>>10, fileAfter>>10)
	if mappedAfter > mappedBefore/10 {
		t.Errorf("store mappings resident: %d bytes after ReleaseMapped, %d before", mappedAfter, mappedBefore)
	}
	if drop := fileBefore - fileAfter; drop < mappedBefore/2 {
		t.Errorf("RssFile fell by %d bytes; the store's mappings held %d", drop, mappedBefore)
	}

	// The data reads back the same after a release, and with releases in
	// the middle of the scans.
	if got, _ := scanDigest(t, s, nil); got != want {
		t.Errorf("digest after ReleaseMapped %x, want %x", got, want)
	}
	if got, _ := scanDigest(t, s, s.ReleaseMapped); got != want {
		t.Errorf("digest with ReleaseMapped during the scan %x, want %x", got, want)
	}
	if got := mappedRSS(t, dir); got > mappedBefore/2 {
		t.Errorf("releasing during the scan left %d bytes resident; a scan without left %d", got, mappedBefore)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseMapped(); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("ReleaseMapped after Close: %v, want graph.ErrClosed", err)
	}
}

// TestReleaseMappedConcurrent releases while other goroutines scan.
func TestReleaseMappedConcurrent(t *testing.T) {
	cfg := synth.Config{Entities: 2000, Relations: 8000, Docs: 40, Seed: 6}
	dir := synthStore(t, cfg)
	s, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want, _ := scanDigest(t, s, nil)
	done := make(chan uint64)
	for range 2 {
		go func() {
			got, _ := scanDigest(t, s, nil)
			done <- got
		}()
	}
	stop := make(chan struct{})
	released := make(chan error)
	go func() {
		for {
			select {
			case <-stop:
				released <- nil
				return
			default:
			}
			if err := s.ReleaseMapped(); err != nil {
				released <- err
				return
			}
		}
	}()
	for range 2 {
		if got := <-done; got != want {
			t.Errorf("digest of a scan beside ReleaseMapped %x, want %x", got, want)
		}
	}
	close(stop)
	if err := <-released; err != nil {
		t.Fatal(err)
	}
}

// TestReleaseMappedWritable: a writable store's mappings can change under
// compaction, so ReleaseMapped leaves them alone.
func TestReleaseMappedWritable(t *testing.T) {
	cfg := synth.Config{Entities: 6000, Relations: 24000, Docs: 120, Seed: 5}
	dir := synthStore(t, cfg)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want, _ := scanDigest(t, s, nil)
	before := mappedRSS(t, dir)
	if before < 1<<20 {
		t.Fatalf("a full scan left %d bytes of the store's files resident; the test needs a larger store", before)
	}
	if err := s.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	if after := mappedRSS(t, dir); after < before/2 {
		t.Errorf("writable store: resident mappings went from %d to %d bytes; ReleaseMapped should leave them", before, after)
	}
	if got, _ := scanDigest(t, s, nil); got != want {
		t.Errorf("digest %x, want %x", got, want)
	}
}
