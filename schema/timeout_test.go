package schema

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"kg/graph"
	"kg/graph/badgerstore"
	"kg/graph/synth"
)

// countingReader counts the reads a query makes, to see when work stops.
type countingReader struct {
	graph.Reader
	n atomic.Int64
}

func (c *countingReader) EntityRelations(ctx context.Context, id string, f graph.Filter, limit int) ([]graph.Relation, error) {
	c.n.Add(1)
	return c.Reader.EntityRelations(ctx, id, f, limit)
}

func (c *countingReader) Evidence(ctx context.Context, k graph.RelationKey, limit int) ([]graph.Evidence, error) {
	c.n.Add(1)
	return c.Reader.Evidence(ctx, k, limit)
}

func (c *countingReader) Entity(ctx context.Context, id string) (*graph.Entity, error) {
	c.n.Add(1)
	return c.Reader.Entity(ctx, id)
}

// TestTimeoutStopsWork runs a query that reads for far longer than its
// time limit: the answer is a LIMIT error on time, and the resolvers stop
// reading the store soon after, instead of running on in the background.
func TestTimeoutStopsWork(t *testing.T) {
	ctx := context.Background()
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := synth.Config{Entities: 1500, Relations: 7500, Seed: 3}
	if err := st.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) }); err != nil {
		t.Fatal(err)
	}
	cr := &countingReader{Reader: st}
	const limit = 100 * time.Millisecond
	x, err := NewExecutor(cr, WithLimits(Limits{Timeout: limit, MaxCost: 10_000_000}))
	if err != nil {
		t.Fatal(err)
	}
	// 500 entities, 200 relations each, both endpoints and the evidence of
	// each: some 300,000 reads.
	q := `{ entities(first: 500) { nodes { relations(first: 200) { from { name } to { name } evidence { sentence } } } } }`
	start := time.Now()
	r := do(t, x, q, nil)
	took := time.Since(start)
	if r.code() != CodeLimit {
		t.Fatalf("code %q after %v, want LIMIT (%d reads)", r.code(), took, cr.n.Load())
	}
	if took > limit+time.Second {
		t.Errorf("the answer took %v with a limit of %v", took, limit)
	}
	time.Sleep(200 * time.Millisecond) // the field being resolved finishes
	settled := cr.n.Load()
	time.Sleep(300 * time.Millisecond)
	if after := cr.n.Load(); after != settled {
		t.Errorf("the store is still being read after the time limit: %d reads, then %d", settled, after)
	}
	t.Logf("%d reads before the limit stopped the query", settled)
}
