package dgraphstore

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMain holds an exclusive lock on the test cluster while this package's
// tests run: they drop all data, and `go test ./...` runs packages (this one
// and cmd/kg, which migrates into the cluster) in parallel. Writer processes
// started by TestConcurrentIngest run under their parent's lock.
func TestMain(m *testing.M) {
	if os.Getenv(clusterEnv) != "" && os.Getenv(workerEnv) == "" {
		f, err := os.OpenFile(filepath.Join(os.TempDir(), "kg-dgraph-test.lock"), os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		code := m.Run()
		cleanupBench()
		f.Close()
		os.Exit(code)
	}
	code := m.Run()
	cleanupBench()
	os.Exit(code)
}
