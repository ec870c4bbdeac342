package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"kg/graph"
)

func dumpOf(t testing.TB, s *Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := graph.Dump(context.Background(), s, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func applyAll(t testing.TB, s *Store, cs ...*graph.Contribution) {
	t.Helper()
	for _, c := range cs {
		if err := s.Apply(context.Background(), c); err != nil {
			t.Fatalf("apply %s: %v", c.Doc.ID, err)
		}
	}
}

func docs(n int, pool, nent, nrel int) []*graph.Contribution {
	var out []*graph.Contribution
	for i := range n {
		out = append(out, testDoc(int64(i), fmt.Sprintf("doc%03d", i), pool, nent, nrel))
	}
	return out
}

func TestIdempotentRaw(t *testing.T) {
	cs := docs(30, 60, 10, 20)
	a := openT(t, Options{})
	applyAll(t, a, cs...)
	checkInvariants(t, a)
	rawBefore, dumpBefore := rawDump(t, a), dumpOf(t, a)
	applyAll(t, a, cs...)
	if raw := rawDump(t, a); raw != rawBefore {
		t.Errorf("re-applying changed the raw key/value dump")
	}
	if d := dumpOf(t, a); d != dumpBefore {
		t.Errorf("re-applying changed graph.Dump")
	}
	// Another history, same documents: delete some, apply others twice, in
	// reverse order.
	b := openT(t, Options{})
	for i := len(cs) - 1; i >= 0; i-- {
		applyAll(t, b, cs[i])
	}
	applyAll(t, b, testDoc(99, cs[3].Doc.ID, 60, 10, 20)) // a changed version ...
	applyAll(t, b, cs[3])                                 // ... and back
	if err := b.Delete(context.Background(), cs[7].Doc.ID); err != nil {
		t.Fatal(err)
	}
	applyAll(t, b, cs[7])
	checkInvariants(t, b)
	if raw := rawDump(t, b); raw != rawBefore {
		t.Errorf("another history gave another raw dump")
	}
}

func TestReplaceAndDeleteRaw(t *testing.T) {
	ctx := context.Background()
	cs := docs(20, 40, 8, 15)
	a := openT(t, Options{})
	applyAll(t, a, cs...)
	// Replace every even document with a changed version.
	for i := 0; i < len(cs); i += 2 {
		cs[i] = testDoc(int64(1000+i), cs[i].Doc.ID, 40, 8, 15)
		applyAll(t, a, cs[i])
	}
	checkInvariants(t, a)
	b := openT(t, Options{})
	applyAll(t, b, cs...)
	if rawDump(t, a) != rawDump(t, b) {
		t.Errorf("replacing documents differs from applying the new versions")
	}
	for _, c := range cs {
		if err := a.Delete(ctx, c.Doc.ID); err != nil {
			t.Fatal(err)
		}
	}
	checkInvariants(t, a)
	st, _ := a.Stats(ctx)
	if st.Documents != 0 || st.Entities != 0 || st.Relations != 0 || len(st.ByType) != 0 || len(st.ByRel) != 0 {
		t.Errorf("stats after deleting all: %+v", st)
	}
	if raw := rawDump(t, a); raw != fmt.Sprintf("%q %08x\n", "!v", formatVersion) {
		t.Errorf("keys left after deleting all:\n%s", raw)
	}
}

func TestBigDocument(t *testing.T) {
	// A 1 MiB memtable makes Badger's largest transaction about 150 KiB; the
	// document below needs several megabytes of writes.
	small := Options{MemTableSize: 1 << 20}
	big := testDoc(7, "big", 3000, 2000, 6000)
	var journalled atomic.Int32
	testHookJournalCommitted = func() { journalled.Add(1) }
	t.Cleanup(func() { testHookJournalCommitted = nil })

	s := openT(t, small)
	applyAll(t, s, docs(5, 3000, 20, 30)...)
	applyAll(t, s, big)
	if journalled.Load() == 0 {
		t.Fatal("the big document fitted one transaction; the test proves nothing")
	}
	checkInvariants(t, s)
	ref := openT(t, Options{})
	applyAll(t, ref, docs(5, 3000, 20, 30)...)
	applyAll(t, ref, big)
	if dumpOf(t, s) != dumpOf(t, ref) {
		t.Error("the journalled document differs from one applied in a single transaction")
	}
	n := journalled.Load()
	if err := s.Delete(context.Background(), "big"); err != nil {
		t.Fatal(err)
	}
	if journalled.Load() == n {
		t.Error("deleting the big document did not need the journal")
	}
	checkInvariants(t, s)
}

func TestJournalCrashWindows(t *testing.T) {
	// A journalled change whose application stops half way (here: the
	// application fails, as a crash would stop it) is finished at Open.
	dir := t.TempDir()
	s, err := Open(dir, Options{MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	applyAll(t, s, docs(3, 500, 20, 30)...)
	big := testDoc(8, "big", 3000, 1500, 5000)
	// Stop right after the commit marker: the writes are in the journal only.
	errStop := errors.New("simulated crash")
	testHookJournalCommitted = func() { panic(errStop) }
	func() {
		defer func() {
			if r := recover(); r != errStop {
				t.Fatalf("recovered %v", r)
			}
		}()
		s.Apply(context.Background(), big)
	}()
	testHookJournalCommitted = nil
	// The store is abandoned without Close as a killed process would; a
	// second Open in this process would see the lock, so we close Badger
	// below the store.
	s.wmu.TryLock()
	s.db.Close()
	s2, err := Open(dir, Options{MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Document(context.Background(), "big"); err != nil {
		t.Errorf("committed journal not replayed: %v", err)
	}
	checkInvariants(t, s2)
}

func TestConcurrentReaders(t *testing.T) {
	ctx := context.Background()
	s := openT(t, Options{MemTableSize: 4 << 20})
	cs := docs(60, 80, 10, 20)
	cs = append(cs, testDoc(5, "big", 600, 500, 3000)) // journalled
	applyAll(t, s, cs[:5]...)
	ids := []string{}
	for _, e := range cs[0].Entities {
		ids = append(ids, e.ID())
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var reads atomic.Int64
	errs := make(chan error, 8)
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				st, err := s.Stats(ctx)
				if err != nil {
					errs <- err
					return
				}
				// One snapshot: the counters agree with each other.
				var byType, byRel int64
				for _, n := range st.ByType {
					byType += n
				}
				for _, n := range st.ByRel {
					byRel += n
				}
				if byType != st.Entities || byRel != st.Relations {
					errs <- fmt.Errorf("inconsistent stats %+v", st)
					return
				}
				id := ids[(i+r)%len(ids)]
				sg, err := s.Neighbors(ctx, id, graph.NeighborQuery{Depth: 2, Limit: 100})
				if err != nil && !errors.Is(err, graph.ErrNotFound) {
					errs <- err
					return
				}
				if sg != nil {
					in := map[string]bool{}
					for _, n := range sg.Nodes {
						in[n.ID] = true
					}
					for _, rel := range sg.Relations {
						if !in[rel.From] || !in[rel.To] {
							errs <- fmt.Errorf("open subgraph")
							return
						}
					}
				}
				if _, err := s.Search(ctx, graph.SearchQuery{Text: "实体1", Mode: graph.Substring}); err != nil {
					errs <- err
					return
				}
				if i%10 == 0 {
					// Dump is a series of reads, each consistent on its own: a
					// relation deleted between two of them is not found.
					var b bytes.Buffer
					if err := graph.Dump(ctx, s, &b); err != nil && !errors.Is(err, graph.ErrNotFound) {
						errs <- err
						return
					}
				}
				reads.Add(1)
			}
		}()
	}
	for _, c := range cs[5:] {
		if err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cs[:10] {
		if err := s.Delete(ctx, c.Doc.ID); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() == 0 {
		t.Error("no read ran during the writes")
	}
	checkInvariants(t, s)
}
