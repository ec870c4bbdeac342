package extract

import "sort"

// wordIndex finds words of a fixed list at a position of a rune slice
// without building strings: the words are grouped by their first and by
// their last rune, longest first.
type wordIndex struct {
	byFirst map[rune][][]rune
	byLast  map[rune][][]rune
}

func newWordIndex(words map[string]bool) *wordIndex {
	w := &wordIndex{byFirst: map[rune][][]rune{}, byLast: map[rune][][]rune{}}
	keys := make([]string, 0, len(words))
	for k := range words {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rs := []rune(k)
		if len(rs) == 0 {
			continue
		}
		w.byFirst[rs[0]] = append(w.byFirst[rs[0]], rs)
		w.byLast[rs[len(rs)-1]] = append(w.byLast[rs[len(rs)-1]], rs)
	}
	for _, m := range []map[rune][][]rune{w.byFirst, w.byLast} {
		for r, l := range m {
			sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
			m[r] = l
		}
	}
	return w
}

// endingAt returns the longest word that ends right before runes[i] and
// starts at or after min; nil if none.
func (w *wordIndex) endingAt(runes []rune, min, i int) []rune {
	if i <= min || i > len(runes) {
		return nil
	}
	for _, c := range w.byLast[runes[i-1]] {
		if i-len(c) >= min && equalRunes(runes[i-len(c):i], c) {
			return c
		}
	}
	return nil
}

// startingAt returns the longest word that starts at runes[i] and ends at
// or before max; nil if none.
func (w *wordIndex) startingAt(runes []rune, i, max int) []rune {
	if i >= max || i < 0 {
		return nil
	}
	for _, c := range w.byFirst[runes[i]] {
		if i+len(c) <= max && equalRunes(runes[i:i+len(c)], c) {
			return c
		}
	}
	return nil
}

func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
