package export

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

// countingReleaser is a real read-only store whose ReleaseMapped calls are
// counted, failing from the fail-th call on when fail > 0.
type countingReleaser struct {
	*badgerstore.Store
	calls, fail int
}

func (c *countingReleaser) ReleaseMapped() error {
	c.calls++
	if c.fail > 0 && c.calls >= c.fail {
		return errors.New("release failed")
	}
	return c.Store.ReleaseMapped()
}

// readOnlyStore reopens openStore's graph read-only, as kg export opens it.
func readOnlyStore(t testing.TB) *badgerstore.Store {
	t.Helper()
	dir := t.TempDir()
	s, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range storeDocs() {
		if err := s.Apply(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := badgerstore.Open(dir, badgerstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// plainReader hides ReleaseMapped, so Export scans without releasing.
type plainReader struct{ graph.Reader }

func TestExportReleasesMapped(t *testing.T) {
	s := readOnlyStore(t)
	sel := Selection{Types: []graph.EntityType{graph.Platform, graph.Field, graph.Region, graph.Institution}}
	tests := []struct {
		name      string
		f         Format
		opts      Options
		every     int
		fail      int
		wantCalls int
	}{
		// Two passes (entities, relations) of 5 and 6 records: every 2nd
		// record releases (5 times) and each pass ends with one (2).
		{"gexf", GEXF, Options{}, 2, 0, 7},
		// A node filter adds an entity pass, the layout an entity and a
		// relation pass: 5 passes, 5+5+6+5+6 = 27 records, 13 + 5 calls.
		{"json filtered with layout", JSON, Options{Select: sel, Layout: true}, 2, 0, 18},
		{"fails once then stops", GEXF, Options{}, 2, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := exportStore(t, plainReader{s}, tc.f, tc.opts)
			c := &countingReleaser{Store: s, fail: tc.fail}
			r := withRelease(c)
			rr, ok := r.(*releasingReader)
			if !ok {
				t.Fatalf("withRelease(%T) = %T, want a releasingReader", c, r)
			}
			rr.every = tc.every
			var got bytes.Buffer
			src, err := newSource(context.Background(), rr, &tc.opts.Select)
			if err != nil {
				t.Fatal(err)
			}
			if err := encode(context.Background(), &got, tc.f, src, &tc.opts); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("output with releases differs from output without\nwith:    %.300s\nwithout: %.300s", got.Bytes(), want)
			}
			if c.calls != tc.wantCalls {
				t.Errorf("ReleaseMapped called %d times, want %d", c.calls, tc.wantCalls)
			}
		})
	}
	if _, ok := withRelease(plainReader{s}).(*releasingReader); ok {
		t.Error("withRelease wrapped a reader without ReleaseMapped")
	}
}
