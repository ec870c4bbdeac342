package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// cityWordAlone is cityNonWords for one name, its window cut on its own:
// what the batched cut must agree with.
func cityWordAlone(seg Segmenter, runes []rune, start, end int) bool {
	from, to := max(0, start-3), min(len(runes), end+3)
	at := from
	startOK, endOK := start == from, end == to
	for _, w := range seg.Cut(string(runes[from:to])) {
		at += utf8.RuneCountInString(w)
		startOK = startOK || at == start
		endOK = endOK || at == end
	}
	return startOK && endOK
}

// TestCityWindowsBatched checks that cutting the windows around city names
// in batches, joined by line breaks, decides every name as cutting each
// window alone does, with gojieba and with the fake segmenter.
func TestCityWindowsBatched(t *testing.T) {
	jb := newSegmenter(t)
	sample := "均衡水平提高，新乡村建设，长治久安。衡水、新乡、长治\n大同市 大同小异，\n宜昌宜宾"
	// the long text needs several batches of windows
	texts := []string{sample, strings.Repeat(sample, 400)}
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	for name, seg := range map[string]Segmenter{"jieba": jb, "fake": fakeSegmenter{"长治久安": true, "均衡": true, "水平": true, "乡村": true}} {
		x, err := New(Options{Segmenter: seg})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, text := range texts {
			runes := Repair(text).Runes
			ms := x.lex.Match(runes)
			got := x.cityNonWords(runes, ms)
			for k, m := range ms {
				if m.item.region != "city" || m.end-m.start != 2 {
					if got[k] {
						t.Errorf("%s: %q is not a two-rune city but was dropped", name, string(runes[m.start:m.end]))
					}
					continue
				}
				checked++
				if want := !cityWordAlone(seg, runes, m.start, m.end); got[k] != want {
					t.Errorf("%s: %q at %d: batched says not a word %v, alone %v", name, string(runes[m.start:m.end]), m.start, got[k], want)
				}
			}
		}
		if checked < 5 {
			t.Errorf("%s: only %d city names checked", name, checked)
		}
	}
}
