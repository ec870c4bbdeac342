package dgraphstore

import (
	"context"
	"os"
	"testing"

	"kg/graph"
	"kg/graph/graphtest"
)

// clusterEnv names the environment variable that points the tests at a
// running cluster: comma-separated alpha gRPC addresses, as printed by
// scripts/dgraph.sh start.
const clusterEnv = "KG_DGRAPH"

// openTest connects to the test cluster, drops everything on it and returns
// an empty store, closed at cleanup. It skips the test without a cluster.
func openTest(t testing.TB) *Store {
	t.Helper()
	addrs := ParseAddrs(os.Getenv(clusterEnv))
	if len(addrs) == 0 {
		t.Skipf("%s is not set; start a cluster with scripts/dgraph.sh start DIR and export %s=ADDRS", clusterEnv, clusterEnv)
	}
	ctx := context.Background()
	s, err := Open(ctx, addrs, Options{})
	if err != nil {
		t.Fatalf("open %v: %v", addrs, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.DropAll(ctx); err != nil {
		t.Fatalf("drop all: %v", err)
	}
	return s
}

// connect opens another client on the same cluster without dropping data.
func connect(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), ParseAddrs(os.Getenv(clusterEnv)), Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	graphtest.TestAll(t, func(t testing.TB) graph.Store { return openTest(t) })
}
