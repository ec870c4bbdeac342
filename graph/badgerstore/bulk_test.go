package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"kg/graph"
	"kg/graph/synth"
)

func TestBulkLoadEqualsApply(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  int // sorted run size, 0 for the default
	}{
		{"in memory", 0},
		{"spilled runs", 4 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) { testBulkLoadEqualsApply(t, tc.run) })
	}
}

func testBulkLoadEqualsApply(t *testing.T, run int) {
	ctx := context.Background()
	cs := docs(40, 120, 12, 25)
	a := openT(t, Options{})
	applyAll(t, a, cs...)
	b := openT(t, Options{})
	b.bulkRun = run
	if err := b.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error {
		for _, c := range cs {
			if err := yield(c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rawDump(t, a) != rawDump(t, b) {
		t.Error("bulk load and Apply give different stores")
	}
	// The temporary runs are gone.
	if tmp, _ := filepath.Glob(filepath.Join(b.dir, "bulk-*")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	checkInvariants(t, b)
	// A loaded store takes ordinary writes afterwards.
	if err := b.Delete(ctx, cs[0].Doc.ID); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, b)
	if err := b.BulkLoad(ctx, func(func(*graph.Contribution) error) error { return nil }); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("bulk load into a non-empty store: %v", err)
	}
}

func TestBulkLoadSynth(t *testing.T) {
	ctx := context.Background()
	cfg := synth.Config{Entities: 2000, Relations: 8000, Docs: 100, Seed: 3}
	s := openT(t, Options{})
	if err := s.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != 2000 || st.Relations != 8000 || st.Documents != 100 {
		t.Errorf("stats %+v", st)
	}
	checkInvariants(t, s)
	for _, i := range cfg.Sample(1, 5) {
		_, name := cfg.Entity(i)
		es, err := s.EntitiesByName(ctx, name)
		if err != nil || es[0].ID != cfg.EntityID(i) {
			t.Errorf("entity %d %q: %v %v", i, name, es, err)
		}
	}
}

func TestBulkLoadInterrupted(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	err = s.BulkLoad(context.Background(), func(yield func(*graph.Contribution) error) error {
		if err := yield(testDoc(1, "a", 20, 5, 5)); err != nil {
			return err
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("bulk load error %v", err)
	}
	s.Close()
	if _, err := Open(dir, Options{}); !errors.Is(err, graph.ErrCorrupt) {
		t.Errorf("open after an interrupted bulk load: %v, want ErrCorrupt", err)
	}
}

func TestExtSorter(t *testing.T) {
	for _, limit := range []int{1 << 10, 16 << 10, 1 << 20} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			dir := t.TempDir()
			var seq int
			s := newExtSorter(dir, limit, &seq)
			s.fanIn = 4 // small runs are merged into longer ones first
			defer s.wait()
			r := rand.New(rand.NewPCG(1, uint64(limit)))
			want := map[string]string{}
			for i := range 3000 {
				k := fmt.Sprintf("k%08x-%d", r.Uint32(), i)
				v := bytes.Repeat([]byte{byte(i)}, r.IntN(40))
				want[k] = string(v)
				if err := s.add([]byte(k), v); err != nil {
					t.Fatal(err)
				}
			}
			keys := make([]string, 0, len(want))
			for k := range want {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			// Two passes give the same records, in order.
			for pass := range 2 {
				srcs, err := s.sources()
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				err = mergeRuns(srcs, func(k, v []byte) error {
					if want[string(k)] != string(v) {
						return fmt.Errorf("key %q: value %x, want %x", k, v, want[string(k)])
					}
					got = append(got, string(k))
					return nil
				})
				if err != nil {
					t.Fatalf("pass %d: %v", pass, err)
				}
				if !slices.Equal(got, keys) {
					t.Fatalf("pass %d: %d keys out of order or missing (want %d)", pass, len(got), len(keys))
				}
			}
			runs, _ := filepath.Glob(filepath.Join(dir, "run-*"))
			if limit < 1<<20 && len(runs) == 0 {
				t.Error("nothing spilled")
			}
			if len(runs) > s.fanIn-1 {
				t.Errorf("%d run files left, want at most %d", len(runs), s.fanIn-1)
			}
			if seq <= len(runs) && limit < 16<<10 {
				t.Errorf("%d runs written, %d left: no run was merged", seq, len(runs))
			}
			if err := s.add([]byte("late"), nil); err == nil {
				t.Error("add after the merge began: no error")
			}
		})
	}
}

func TestExtSorterDuplicate(t *testing.T) {
	var seq int
	s := newExtSorter(t.TempDir(), 32, &seq)
	defer s.wait()
	for _, k := range []string{"b", "a", "c", "a"} {
		if err := s.add([]byte(k), []byte("12345678")); err != nil {
			t.Fatal(err)
		}
	}
	srcs, err := s.sources()
	if err != nil {
		t.Fatal(err)
	}
	if err := mergeRuns(srcs, func(k, v []byte) error { return nil }); err == nil || err == io.EOF {
		t.Errorf("duplicate key merged: %v", err)
	}
}

// BenchmarkExtSorter sorts a bulk load's kind of keys in memory: groups of
// keys that share a table prefix and an entity ID (a relation's per-document
// records, an entity's mentions), then merges them.
func BenchmarkExtSorter(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var keys [][]byte
	for range 20000 {
		from := fmt.Sprintf("e%016x", r.Uint64())
		for range 15 {
			keys = append(keys, relDocKey(from, "CO_OCCURS", fmt.Sprintf("e%016x", r.Uint64()), fmt.Sprintf("d%016x", r.Uint64())))
		}
	}
	val := make([]byte, 24)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var seq int
		s := newExtSorter(b.TempDir(), 1<<30, &seq)
		for _, k := range keys {
			if err := s.add(k, val); err != nil {
				b.Fatal(err)
			}
		}
		srcs, err := s.sources()
		if err != nil {
			b.Fatal(err)
		}
		if err := mergeRuns(srcs, func(k, v []byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(keys))*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}
