package extract

import (
	"slices"
	"sort"
)

// wordIndex finds words of a fixed list at a position of a rune slice
// without building strings: the words are grouped by their first and by
// their last rune, longest first.
type wordIndex struct {
	byFirst, byLast groups
}

// groups finds the words of a rune: a runeTable points into lists.
type groups struct {
	at    runeTable
	lists [][][]rune
}

func (g *groups) of(r rune) [][]rune {
	if k := g.at.get(r); k >= 0 {
		return g.lists[k]
	}
	return nil
}

func newWordIndex(words map[string]bool) *wordIndex {
	byFirst, byLast := map[rune][][]rune{}, map[rune][][]rune{}
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
		byFirst[rs[0]] = append(byFirst[rs[0]], rs)
		byLast[rs[len(rs)-1]] = append(byLast[rs[len(rs)-1]], rs)
	}
	w := &wordIndex{}
	for _, p := range []struct {
		m map[rune][][]rune
		g *groups
	}{{byFirst, &w.byFirst}, {byLast, &w.byLast}} {
		for r, l := range p.m {
			sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
			p.g.at.set(r, int32(len(p.g.lists)))
			p.g.lists = append(p.g.lists, l)
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
	for _, c := range w.byLast.of(runes[i-1]) {
		if i-len(c) >= min && slices.Equal(runes[i-len(c):i], c) {
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
	for _, c := range w.byFirst.of(runes[i]) {
		if i+len(c) <= max && slices.Equal(runes[i:i+len(c)], c) {
			return c
		}
	}
	return nil
}

// phraseIndex is a wordIndex of phrases given in a list.
func phraseIndex(phrases []string) *wordIndex {
	m := map[string]bool{}
	for _, p := range phrases {
		m[p] = true
	}
	return newWordIndex(m)
}

// in reports whether a word of w occurs in rs: strings.Contains for every
// word at once, without building the string.
func (w *wordIndex) in(rs []rune) bool {
	has := w.byFirst.at.has
	for i, r := range rs {
		if has != nil && uint32(r) < maxPaged && has[r>>6]&(1<<(r&63)) == 0 {
			continue // no word starts with r
		}
		if w.startingAt(rs, i, len(rs)) != nil {
			return true
		}
	}
	return false
}

// indexRunes returns the index of the first occurrence of w in rs, -1 if
// none.
func indexRunes(rs, w []rune) int {
	for i := 0; i+len(w) <= len(rs); i++ {
		if slices.Equal(rs[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

// indexRune returns the index of the first r in rs, -1 if none.
func indexRune(rs []rune, r rune) int {
	for i, c := range rs {
		if c == r {
			return i
		}
	}
	return -1
}

// lastIndexRune returns the index of the last r in rs, -1 if none.
func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}
