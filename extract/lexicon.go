package extract

import (
	"slices"
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
	runes   []rune // name
}

// surface returns the text of a match of it: its name when the text is the
// name, which saves building the same string at every mention.
func (it *lexItem) surface(text []rune) string {
	if slices.Equal(text, it.runes) {
		return it.name
	}
	return string(text)
}

// Lexicon finds lexicon names in text: longest match first, left to right,
// by walking a rune trie of the names from each position, so the cost is
// linear in the text times the length of the longest name part that matches.
// Most positions start no name, which a set of the names' first two runes
// tells before the trie is walked.
type Lexicon struct {
	items  []*lexItem
	trie   lexTrie
	short  map[rune]*lexItem   // one-rune aliases (渝, 粤), matched only after a locative verb
	byName map[string]*lexItem // graph.Normalize(name) -> item, per type prefix
}

// lexTrie holds the match keys of two runes or more. The root's children are
// found by table (a flat one for CJK ideographs, the runeTable for the
// rest), the others by scanning their node's sorted edges, which are few
// below the first rune and are kept in one slice for all nodes.
type lexTrie struct {
	cjk   []int32   // root children of U+4E00..U+9FFF: node+1, 0 for none
	root  runeTable // the other root children
	nodes []trieNode
	edges []trieEdge
	build [][]trieEdge           // per node while keys are inserted; nil once frozen
	pairs *[pairBits / 64]uint64 // a hash set of the keys' first two runes, which may collide
}

// pairBits is the size in bits of lexTrie.pairs (8 KiB): sparse for the few
// thousand keys of a lexicon, so that few pairs of the text collide.
const pairBits = 1 << 16

func pairBit(a, b rune) uint32 {
	return (uint32(a)*0x9e3779b1 ^ uint32(b)*0x85ebca6b) >> 16
}

type trieNode struct {
	item     *lexItem // the key that ends here, nil if none
	off, len int32    // the node's edges: edges[off:off+len], sorted by rune
}

type trieEdge struct {
	r    rune
	node int32
}

const (
	cjkFirst = 0x4E00
	cjkEnd   = 0xA000
)

// rootChild returns the node of the keys that start with r, -1 if none.
func (tr *lexTrie) rootChild(r rune) int32 {
	if uint32(r-cjkFirst) < cjkEnd-cjkFirst {
		return tr.cjk[r-cjkFirst] - 1
	}
	return tr.root.get(r)
}

// child returns the node reached from n by r, -1 if none.
func (tr *lexTrie) child(n int32, r rune) int32 {
	nd := &tr.nodes[n]
	edges := tr.edges[nd.off : nd.off+nd.len]
	if len(edges) > 8 {
		lo, hi := 0, len(edges)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if edges[m].r < r {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(edges) && edges[lo].r == r {
			return edges[lo].node
		}
		return -1
	}
	for _, e := range edges {
		if e.r == r {
			return e.node
		}
		if e.r > r {
			break
		}
	}
	return -1
}

func (tr *lexTrie) newNode() int32 {
	tr.nodes = append(tr.nodes, trieNode{})
	tr.build = append(tr.build, nil)
	return int32(len(tr.nodes) - 1)
}

// insert adds key (two runes or more) for it unless key is already there.
func (tr *lexTrie) insert(key []rune, it *lexItem) {
	if tr.cjk == nil {
		tr.cjk = make([]int32, cjkEnd-cjkFirst)
		tr.pairs = new([pairBits / 64]uint64)
	}
	h := pairBit(key[0], key[1])
	tr.pairs[h>>6] |= 1 << (h & 63)
	n := tr.rootChild(key[0])
	if n < 0 {
		n = tr.newNode()
		if uint32(key[0]-cjkFirst) < cjkEnd-cjkFirst {
			tr.cjk[key[0]-cjkFirst] = n + 1
		} else {
			tr.root.set(key[0], n)
		}
	}
	for _, r := range key[1:] {
		edges := tr.build[n]
		k := 0
		for k < len(edges) && edges[k].r < r {
			k++
		}
		if k < len(edges) && edges[k].r == r {
			n = edges[k].node
			continue
		}
		c := tr.newNode()
		edges = append(edges, trieEdge{})
		copy(edges[k+1:], edges[k:])
		edges[k] = trieEdge{r: r, node: c}
		tr.build[n] = edges
		n = c
	}
	if tr.nodes[n].item == nil {
		tr.nodes[n].item = it
	}
}

// freeze moves the nodes' edges into one slice; insert may not be called
// after it.
func (tr *lexTrie) freeze() {
	if tr.cjk == nil {
		tr.cjk = make([]int32, cjkEnd-cjkFirst)
		tr.pairs = new([pairBits / 64]uint64)
	}
	for n, edges := range tr.build {
		tr.nodes[n].off, tr.nodes[n].len = int32(len(tr.edges)), int32(len(edges))
		tr.edges = append(tr.edges, edges...)
	}
	tr.build = nil
}

// longest returns the length and item of the longest key that starts at
// runes[i], compared in lowerASCII; 0 if none.
func (tr *lexTrie) longest(runes []rune, i int) (int, *lexItem) {
	if i+1 >= len(runes) || tr.pairs == nil {
		return 0, nil // every key has two runes or more; no keys
	}
	r0 := lowerASCII(runes[i])
	if h := pairBit(r0, lowerASCII(runes[i+1])); tr.pairs[h>>6]&(1<<(h&63)) == 0 {
		return 0, nil // no key starts with these two runes: most positions
	}
	n := tr.rootChild(r0)
	if n < 0 {
		return 0, nil
	}
	found := 0
	var it *lexItem
	for j := i + 1; j < len(runes); j++ {
		if n = tr.child(n, lowerASCII(runes[j])); n < 0 {
			break
		}
		if x := tr.nodes[n].item; x != nil {
			found, it = j+1-i, x
		}
	}
	return found, it
}

// NewLexicon builds a matcher from entries. Later entries do not override
// earlier ones for the same surface form.
func NewLexicon(entries []LexEntry) *Lexicon {
	lx := &Lexicon{
		short:  map[rune]*lexItem{},
		byName: map[string]*lexItem{},
	}
	for _, e := range entries {
		it := &lexItem{typ: graph.EntityType(e.Type), name: e.Name, aliases: e.Aliases, runes: []rune(e.Name)}
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
				lx.trie.insert([]rune(k), it)
			}
		}
	}
	lx.trie.freeze()
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

// lexMatch is a lexicon name found in the text, in rune offsets of the
// repaired text.
type lexMatch struct {
	start, end int
	item       *lexItem
}

// locatives precede a one-character place alias: 在渝, 来粤, 赴京.
const locatives = "在来赴入驻留返落户进"

// Match returns the lexicon names in runes (the repaired text), longest
// first, not overlapping, in text order.
func (lx *Lexicon) Match(runes []rune) []lexMatch {
	var out []lexMatch
	for i := 0; i < len(runes); {
		found, it := lx.trie.longest(runes, i)
		if found == 0 && i > 0 && locativeSet.has(runes[i-1]) {
			if x, ok := lx.short[lowerASCII(runes[i])]; ok && !(i+1 < len(runes) && isHan(lowerASCII(runes[i+1])) && lx.continuesWord(runes, i)) {
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

// locativeSet holds the runes of locatives.
var locativeSet = newRuneSet(locatives)

// safeShort are one-character place aliases that begin no common word, so
// that 在京国家实验室 reads as 在京 + 国家实验室.
const safeShort = "渝粤沪京鄂皖闽豫黔滇冀浙湘"

// continuesWord reports whether a one-rune alias at i is the start of a
// longer word rather than a place (在新型…: 新 is not 新疆). Only aliases
// followed by a verb or particle count as places.
func (lx *Lexicon) continuesWord(key []rune, i int) bool {
	if strings.ContainsRune(safeShort, lowerASCII(key[i])) {
		return false
	}
	next := lowerASCII(key[i+1])
	return !strings.ContainsRune("设布落建发开注期间就工创办举召投的等和与及、，。；", next)
}
