package extract_test

import (
	"io/fs"
	"sort"
)

func fsReadDirNames(fsys fs.FS) ([]string, error) {
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out, nil
}

func readFS(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
