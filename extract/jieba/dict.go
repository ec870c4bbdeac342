package jieba

import (
	"crypto/sha256"
	_ "embed" // go:embed below
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// The dictionaries of gojieba v1.4.6, copied unchanged (dict/README.md).
var (
	//go:embed dict/jieba.dict.utf8
	mainDict string
	//go:embed dict/hmm_model.utf8
	hmmModel string
	//go:embed dict/stop_words.utf8
	stopWords string
)

// idfStub replaces idf.utf8: keyword extraction is never used, but cppjieba
// asserts that the file has at least one entry with a positive weight.
const idfStub = "kg 1.0\n"

// dictFile is one file gojieba.NewJieba loads, in the order of its
// arguments: dictionary, HMM model, user dictionary, IDF, stop words.
type dictFile struct {
	name string
	data string
}

func dictFiles() []dictFile {
	return []dictFile{
		{"jieba.dict.utf8", mainDict},
		{"hmm_model.utf8", hmmModel},
		// User words are inserted after loading, with their tags and
		// frequencies; the file itself stays empty.
		{"user.dict.utf8", ""},
		{"idf.utf8", idfStub},
		{"stop_words.utf8", stopWords},
	}
}

var dictSum = sync.OnceValue(func() string {
	h := sha256.New()
	for _, f := range dictFiles() {
		fmt.Fprintf(h, "%s\x00%d\x00", f.name, len(f.data))
		io.WriteString(h, f.data)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
})

// dictDir writes the dictionaries to a private directory and returns it with
// a function to call once they are loaded. The user cache directory is
// preferred (written once per version, kept); without one, a temporary
// directory is used and removed by done.
func dictDir() (dir string, done func(), err error) {
	if base, err := os.UserCacheDir(); err == nil {
		dir := filepath.Join(base, "kg", "jieba-"+dictSum())
		if err := writeDicts(dir); err == nil {
			return dir, func() {}, nil
		}
	}
	dir, err = os.MkdirTemp("", "kg-jieba-")
	if err != nil {
		return "", nil, fmt.Errorf("jieba: dictionary directory: %w", err)
	}
	done = func() { os.RemoveAll(dir) }
	if err := writeDicts(dir); err != nil {
		done()
		return "", nil, err
	}
	return dir, done, nil
}

// writeDicts writes every dictionary file to dir unless a file of the right
// size is already there. Each file is written under a temporary name and
// renamed, so a file with its final name is complete even if another process
// fills the same directory at the same time.
func writeDicts(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("jieba: dictionary directory: %w", err)
	}
	for _, f := range dictFiles() {
		path := filepath.Join(dir, f.name)
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(f.data)) {
			continue
		}
		if err := writeFile(dir, path, f.data); err != nil {
			return fmt.Errorf("jieba: write dictionary %s: %w", f.name, err)
		}
	}
	return nil
}

func writeFile(dir, path, data string) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, err = io.WriteString(tmp, data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// checkDicts verifies that every file exists, is a regular file and can be
// opened: gojieba panics on a missing file and cppjieba aborts the process
// on one it cannot open.
func checkDicts(paths []string) error {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("jieba: dictionary: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("jieba: dictionary %s is not a regular file", p)
		}
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("jieba: dictionary: %w", err)
		}
		f.Close()
	}
	return nil
}
