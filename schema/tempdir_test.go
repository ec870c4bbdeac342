package schema

import (
	"os"
	"testing"
)

// tempDir makes the directory of the store the benchmarks share; TestMain
// removes it when the run ends.
func tempDir() (string, error) { return os.MkdirTemp("", "kg-schema-bench-") }

func TestMain(m *testing.M) {
	code := m.Run()
	if benchGraph.st != nil {
		benchGraph.st.Close()
	}
	if benchGraph.dir != "" {
		os.RemoveAll(benchGraph.dir)
	}
	os.Exit(code)
}
