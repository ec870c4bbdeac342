package extract

// runeTable maps runes to small non-negative ints with two array loads: the
// text's runes are looked up at every position by the lexicon matcher and
// the word indexes, where a Go map costs a hash per rune. Pages of 256 runes
// are allocated only where a rune is stored, so a table of a few thousand
// CJK runes takes tens of kilobytes.
type runeTable struct {
	has   *[maxPaged / 64]uint64 // bit set of the paged runes stored: one load answers most misses
	pages []*[256]int32          // r>>8 -> page; an entry holds value+1, 0 for none
	other map[rune]int32
}

// maxPaged is the end of the runes kept in pages: the Basic Multilingual
// Plane. Others (rare in policy text) go to a map.
const maxPaged = 0x10000

func (t *runeTable) set(r rune, v int32) {
	if r < 0 || r >= maxPaged {
		if t.other == nil {
			t.other = map[rune]int32{}
		}
		t.other[r] = v
		return
	}
	if t.pages == nil {
		t.pages = make([]*[256]int32, maxPaged>>8)
		t.has = new([maxPaged / 64]uint64)
	}
	t.has[r>>6] |= 1 << (r & 63)
	p := t.pages[r>>8]
	if p == nil {
		p = new([256]int32)
		t.pages[r>>8] = p
	}
	p[r&0xff] = v + 1
}

// get returns the value stored for r, or -1.
func (t *runeTable) get(r rune) int32 {
	if uint32(r) < maxPaged {
		if t.has == nil || t.has[r>>6]&(1<<(r&63)) == 0 {
			return -1
		}
		return t.pages[r>>8][r&0xff] - 1
	}
	if v, ok := t.other[r]; ok {
		return v
	}
	return -1
}

// runeSet is a set of runes of the Basic Multilingual Plane as a bit set:
// one load answers whether a rune of the text is in it.
type runeSet [maxPaged / 64]uint64

func newRuneSet(runes string) *runeSet {
	var s runeSet
	for _, r := range runes {
		if r < maxPaged {
			s[r>>6] |= 1 << (r & 63)
		}
	}
	return &s
}

func (s *runeSet) has(r rune) bool {
	return uint32(r) < maxPaged && s[r>>6]&(1<<(r&63)) != 0
}
