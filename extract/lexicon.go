package extract

import (
	"strings"
	"unicode/utf8"

	"kg/graph"
)

// LexEntry is one lexicon entry: a canonical name of a type, other surface
// forms and tags. It mirrors seeds.LexEntry so that tests can build small
// lexicons without the embedded one.
type LexEntry struct {
	Type    string
	Name    string
	Aliases []string
	Tags    []string
}

// lexItem is a lexicon entry ready for matching.
type lexItem struct {
	typ     graph.EntityType
	name    string
	aliases []string
	class   bool   // a designation (国家重点实验室), not one named thing
	region  string // for regions: province, municipality, city, econ or geo
	parent  string // for cities: the province
}

// Lexicon finds lexicon names in text: longest match first, left to right,
// with map lookups by length, so the cost is linear in the text times the
// number of distinct name lengths.
type Lexicon struct {
	items  []*lexItem
	keys   map[string]*lexItem // matchKey(name or alias) -> item
	lens   map[rune]uint64     // first rune -> bit set of key lengths in runes
	short  map[rune]*lexItem   // one-rune aliases (渝, 粤), matched only after a locative verb
	byName map[string]*lexItem // graph.Normalize(name) -> item, per type prefix
	maxLen int
}

// NewLexicon builds a matcher from entries. Later entries do not override
// earlier ones for the same surface form.
func NewLexicon(entries []LexEntry) *Lexicon {
	lx := &Lexicon{
		keys:   map[string]*lexItem{},
		lens:   map[rune]uint64{},
		short:  map[rune]*lexItem{},
		byName: map[string]*lexItem{},
	}
	for _, e := range entries {
		it := &lexItem{typ: graph.EntityType(e.Type), name: e.Name, aliases: e.Aliases}
		for _, t := range e.Tags {
			switch {
			case t == "class":
				it.class = true
			case t == "province" || t == "municipality" || t == "econ" || t == "geo":
				it.region = t
			case strings.HasPrefix(t, "city:"):
				it.region, it.parent = "city", strings.TrimPrefix(t, "city:")
			}
		}
		lx.items = append(lx.items, it)
		lx.byName[string(it.typ)+"\x00"+graph.Normalize(it.name)] = it
		for _, s := range append([]string{e.Name}, e.Aliases...) {
			k := matchKey(s)
			n := utf8.RuneCountInString(k)
			switch {
			case n == 0:
			case n == 1:
				r, _ := utf8.DecodeRuneInString(k)
				if _, ok := lx.short[r]; !ok {
					lx.short[r] = it
				}
			case n < 64:
				if _, ok := lx.keys[k]; ok {
					continue
				}
				lx.keys[k] = it
				r, _ := utf8.DecodeRuneInString(k)
				lx.lens[r] |= 1 << uint(n)
				if n > lx.maxLen {
					lx.maxLen = n
				}
			}
		}
	}
	return lx
}

// lookup returns the item whose name normalises like name, of type t.
func (lx *Lexicon) lookup(t graph.EntityType, name string) *lexItem {
	return lx.byName[string(t)+"\x00"+graph.Normalize(name)]
}

// matchKey is the form names and text are compared in: the repair's rune
// folding plus ASCII lower case, rune for rune, so that offsets carry over.
func matchKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isSpace(r) || isDropped(r) {
			continue
		}
		b.WriteRune(lowerASCII(fold(r, '中', '中')))
	}
	return b.String()
}

func lowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// lexMatch is a lexicon name found in the text, in rune offsets of Clean.
type lexMatch struct {
	start, end int
	item       *lexItem
}

// locatives precede a one-character place alias: 在渝, 来粤, 赴京.
const locatives = "在来赴入驻留返落户进"

// Match returns the lexicon names in runes (the repaired text), longest
// first, not overlapping, in text order.
func (lx *Lexicon) Match(runes []rune) []lexMatch {
	key := make([]rune, len(runes))
	for i, r := range runes {
		key[i] = lowerASCII(r)
	}
	// byte offsets of each rune in the key string, for slicing without copies
	ks := string(key)
	off := make([]int, len(key)+1)
	b := 0
	for i, r := range key {
		off[i] = b
		b += utf8.RuneLen(r)
	}
	off[len(key)] = b
	var out []lexMatch
	for i := 0; i < len(key); {
		mask := lx.lens[key[i]]
		found := 0
		var it *lexItem
		for n := lx.maxLen; n >= 2 && mask != 0; n-- {
			if mask&(1<<uint(n)) == 0 || i+n > len(key) {
				continue
			}
			if x, ok := lx.keys[ks[off[i]:off[i+n]]]; ok {
				found, it = n, x
				break
			}
		}
		if found == 0 && i > 0 && strings.ContainsRune(locatives, key[i-1]) {
			if x, ok := lx.short[key[i]]; ok && !(i+1 < len(key) && isHan(key[i+1]) && lx.continuesWord(key, i)) {
				found, it = 1, x
			}
		}
		if found > 0 {
			out = append(out, lexMatch{start: i, end: i + found, item: it})
			i += found
			continue
		}
		i++
	}
	return out
}

// safeShort are one-character place aliases that begin no common word, so
// that 在京国家实验室 reads as 在京 + 国家实验室.
const safeShort = "渝粤沪京鄂皖闽豫黔滇冀浙湘"

// continuesWord reports whether a one-rune alias at i is the start of a
// longer word rather than a place (在新型…: 新 is not 新疆). Only aliases
// followed by a verb or particle count as places.
func (lx *Lexicon) continuesWord(key []rune, i int) bool {
	if strings.ContainsRune(safeShort, key[i]) {
		return false
	}
	next := key[i+1]
	return !strings.ContainsRune("设布落建发开注期间就工创办举召投的等和与及、，。；", next)
}
