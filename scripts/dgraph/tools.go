//go:build tools

// Package tools records the Dgraph server command as a dependency of this
// module so that `go mod tidy` keeps its requirements.
package tools

import _ "github.com/dgraph-io/dgraph/v25/dgraph"
