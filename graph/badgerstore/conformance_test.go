package badgerstore_test

import (
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
	"kg/graph/graphtest"
)

func openTemp(t testing.TB) *badgerstore.Store {
	t.Helper()
	s, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	graphtest.TestAll(t, func(t testing.TB) graph.Store { return openTemp(t) })
}
