package export

import (
	"context"

	"kg/graph"
)

// mappedReleaser is a Reader whose scans leave memory resident that it can
// give back: badgerstore.Store, whose memory-mapped files keep every page a
// full scan touched counted in the process's resident set.
type mappedReleaser interface {
	ReleaseMapped() error
}

// releaseEvery is how many records a scan reads between two
// ReleaseMapped calls. A million-entity store holds a few hundred bytes
// per record (1.8 GB for the 1M/5M synthetic graph), so this lets some
// 10 MB of mapped pages pile up; a call reads /proc/self/maps and advises
// each file, 0.4 ms on that store, 1.3% of its relation scan's time.
const releaseEvery = 1 << 15

// releasingReader calls ReleaseMapped every releaseEvery records of
// EachEntity and EachRelation, and at the end of each. The release is
// advice: if it fails once, the export goes on without it (a closed store
// fails the scan itself).
type releasingReader struct {
	graph.Reader
	rel    mappedReleaser
	every  int // records between releases
	n      int
	failed bool
}

// withRelease wraps r in a releasingReader when r can release mapped
// memory. Export's scans run one after another, never concurrently, so
// the counter needs no lock.
func withRelease(r graph.Reader) graph.Reader {
	if m, ok := r.(mappedReleaser); ok {
		return &releasingReader{Reader: r, rel: m, every: releaseEvery}
	}
	return r
}

func (r *releasingReader) release() {
	if !r.failed && r.rel.ReleaseMapped() != nil {
		r.failed = true
	}
}

func (r *releasingReader) tick() {
	if r.n++; r.n%r.every == 0 {
		r.release()
	}
}

func (r *releasingReader) EachEntity(ctx context.Context, fn func(*graph.Entity) error) error {
	defer r.release()
	return r.Reader.EachEntity(ctx, func(e *graph.Entity) error {
		r.tick()
		return fn(e)
	})
}

func (r *releasingReader) EachRelation(ctx context.Context, fn func(*graph.Relation) error) error {
	defer r.release()
	return r.Reader.EachRelation(ctx, func(rel *graph.Relation) error {
		r.tick()
		return fn(rel)
	})
}
