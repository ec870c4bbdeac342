package badgerstore

import (
	"context"
	"errors"
	"testing"

	"kg/graph"
	"kg/graph/synth"
)

func TestBulkLoadEqualsApply(t *testing.T) {
	ctx := context.Background()
	cs := docs(40, 120, 12, 25)
	a := openT(t, Options{})
	applyAll(t, a, cs...)
	b := openT(t, Options{})
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
