package seeds

import (
	"embed"
	"io/fs"
)

//go:embed corpus/*.txt
var corpusFS embed.FS

// Corpus returns the sample corpus: one .txt file per document at the root
// of the returned file system.
func Corpus() fs.FS {
	sub, err := fs.Sub(corpusFS, "corpus")
	if err != nil {
		// fs.Sub fails only on an invalid directory name, which "corpus" is not.
		panic(err)
	}
	return sub
}
