package extract

import (
	"unicode"
	"unicode/utf8"
)

// Text is a document repaired for analysis together with the way back to
// the original: rune i of Runes is rune Orig[i] of the original text.
//
// The repair removes the white space that PDF extraction leaves inside words
// (市 委, 科 技成果), joins lines broken inside a paragraph, folds full-width
// letters, digits and brackets to ASCII and ASCII sentence punctuation between
// Chinese characters to its Chinese form. Every rune of Runes comes from one
// rune of the original, so offsets map back one to one.
type Text struct {
	Runes []rune // the repaired text
	Orig  []int  // Orig[i]: rune offset in the original of Runes[i]; increasing
	N     int    // length of the original in runes
}

// Clean returns the repaired text as a string. Extraction works on Runes
// and never needs it.
func (t *Text) Clean() string { return string(t.Runes) }

// Span maps the half-open clean range [start,end) to the original text. The
// result covers the original runes from the first to the last mapped rune,
// including any white space the repair dropped between them.
func (t *Text) Span(start, end int) (int, int) {
	if start >= end || start < 0 || end > len(t.Orig) {
		if start >= 0 && start < len(t.Orig) {
			return t.Orig[start], t.Orig[start]
		}
		return t.N, t.N
	}
	return t.Orig[start], t.Orig[end-1] + 1
}

// paragraphJoinMin is the shortest line (in runes) that a line break may
// continue: PDF columns are wide, while titles and headings are short and
// end a paragraph without punctuation.
const paragraphJoinMin = 30

// Repair repairs text for analysis. It is pure and never fails; invalid
// UTF-8 bytes become U+FFFD, one rune each.
func Repair(text string) *Text {
	t := &Text{}
	repair(text, t, nil)
	return t
}

// repair repairs text into t, reusing the capacity of t's slices and of src
// (a buffer for the text's runes), and returns src for reuse.
func repair(text string, t *Text, src []rune) []rune {
	// range decodes each invalid byte as one U+FFFD, the same rune count
	// that callers get from []rune(text).
	src = decodeRunes(text, src[:0])
	out := t.Runes[:0]
	orig := t.Orig[:0]
	lineLen := 0 // runes kept since the last paragraph break
	physLen := 0 // runes kept since the last line break of the source
	emit := func(r rune, i int) {
		out = append(out, r)
		orig = append(orig, i)
		lineLen++
		physLen++
	}
	for i := 0; i < len(src); i++ {
		r := src[i]
		if r > 0x3000 && r < 0xfeff {
			// CJK text: neither dropped nor space, and fold needs no context
			emit(fold(r, 0, 0), i)
			continue
		}
		if isDropped(r) {
			continue
		}
		if !isSpace(r) {
			if needsContext(r) {
				r = fold(r, prevRune(out), nextRune(src, i+1))
			} else {
				r = fold(r, 0, 0) // the context is not looked at
			}
			emit(r, i)
			continue
		}
		// A run of white space: find its end and whether it holds a newline.
		j, newlines := i, 0
		for j < len(src) && (isSpace(src[j]) || isDropped(src[j])) {
			if src[j] == '\n' || src[j] == '\u2029' || src[j] == '\u2028' {
				newlines++
			}
			j++
		}
		prev, next := prevRune(out), rune(0)
		if j < len(src) {
			next = src[j]
		}
		switch {
		case len(out) == 0 || j == len(src):
			// leading or trailing white space
		case newlines > 1 && physLen < paragraphJoinMin,
			newlines > 0 && !joinLines(prev, lineLen, src[j:]):
			// a short line before a blank line (a byline, 市长 胡衡华) ends
			// its paragraph even when lines joined before it: a PDF column
			// line that runs on is long
			emit('\n', i)
			lineLen = 0
		case startsItem(src[j:]):
			// a lost line break before an enumerated item (…基础 一是推进)
			emit('。', i)
		case isWordRune(prev) && isWordRune(next) && isASCIIWord(prev) && isASCIIWord(next):
			emit(' ', i)
		}
		if newlines > 0 {
			physLen = 0
		}
		i = j - 1
	}
	*t = Text{Runes: out, Orig: orig, N: len(src)}
	return src
}

// decodeRunes appends the runes of text to rs as range does: each invalid
// byte is one U+FFFD. Three-byte sequences, most of Chinese text, are
// decoded inline.
func decodeRunes(text string, rs []rune) []rune {
	for i := 0; i < len(text); {
		b0 := text[i]
		if b0 < utf8.RuneSelf {
			rs = append(rs, rune(b0))
			i++
			continue
		}
		if b0&0xf0 == 0xe0 && i+2 < len(text) {
			b1, b2 := text[i+1], text[i+2]
			r := rune(b0&0x0f)<<12 | rune(b1&0x3f)<<6 | rune(b2&0x3f)
			if b1&0xc0 == 0x80 && b2&0xc0 == 0x80 && r >= 0x800 && (r < 0xd800 || r > 0xdfff) {
				rs = append(rs, r)
				i += 3
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		rs = append(rs, r)
		i += n
	}
	return rs
}

func prevRune(out []rune) rune {
	if len(out) == 0 {
		return 0
	}
	return out[len(out)-1]
}

func nextRune(src []rune, i int) rune {
	for ; i < len(src); i++ {
		if !isSpace(src[i]) && !isDropped(src[i]) {
			return src[i]
		}
	}
	return 0
}

// joinLines reports whether a line break continues the paragraph: the line
// before it is long and does not end a sentence, and the next line does not
// open an item or heading.
func joinLines(prev rune, lineLen int, next []rune) bool {
	if lineLen < paragraphJoinMin || isTerminal(prev) || startsItem(next) || shortSentence(next) {
		return false
	}
	return true
}

// headlineLen is the longest first sentence that marks the next line as a
// new paragraph's headline (加快关键共性技术攻关。) even when the line before
// lost its closing punctuation.
const headlineLen = 24

func shortSentence(next []rune) bool {
	for i, r := range next {
		if i > headlineLen || r == '\n' {
			return false
		}
		if r == '。' {
			return i >= 4
		}
	}
	return false
}

func isTerminal(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '：', '…', '!', '?', ';', ':', ')', '”', '"', '」', '』':
		return true
	}
	return false
}

const ordinals = "一二三四五六七八九十"

// isOrdinal reports whether r is one of ordinals.
func isOrdinal(r rune) bool {
	switch r {
	case '一', '二', '三', '四', '五', '六', '七', '八', '九', '十':
		return true
	}
	return false
}

// startsItem reports whether s opens an enumerated item or a numbered
// heading: 一是, 二要, （三）, 四、, 第五条, 1. or 1、.
func startsItem(s []rune) bool {
	n := markerLen(s)
	return n > 0
}

// markerLen returns the length of the item or heading marker at the start of
// s, 0 if there is none.
func markerLen(s []rune) int {
	i := 0
	for i < len(s) && i < 3 && isOrdinal(s[i]) {
		i++
	}
	if i > 0 && i < len(s) {
		switch s[i] {
		case '是', '要', '、':
			return i + 1
		}
	}
	if len(s) > 2 && (s[0] == '(' || s[0] == '（') {
		j := 1
		for j < len(s) && j < 4 && (isOrdinal(s[j]) || unicode.IsDigit(s[j])) {
			j++
		}
		if j > 1 && j < len(s) && (s[j] == ')' || s[j] == '）') {
			return j + 1
		}
	}
	if len(s) > 2 && s[0] == '第' {
		j := 1
		for j < len(s) && j < 6 && (isOrdinal(s[j]) || s[j] == '百' || s[j] == '零' || unicode.IsDigit(s[j])) {
			j++
		}
		if j > 1 && j < len(s) && s[j] == '条' {
			return j + 1
		}
	}
	return 0
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0' ||
		r == '\u2028' || r == '\u2029' || r == '\v' || r == '\f' || (r > 0x7f && unicode.IsSpace(r))
}

func isDropped(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad':
		return true
	}
	return r < 0x20 && !isSpace(r) || r == 0x7f
}

// isWordRune reports whether r is a letter or digit. CJK unified
// ideographs, most of the text, are letters without a table search
// (TestCJKFastPaths).
func isWordRune(r rune) bool {
	if r >= cjkFirst && r < cjkEnd {
		return true
	}
	return r != 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isASCIIWord(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isHan(r rune) bool { return r >= cjkFirst && r < cjkEnd || unicode.Is(unicode.Han, r) }

// fold maps one rune to its analysis form: full-width ASCII variants to
// ASCII, Chinese brackets to ASCII parentheses, and ASCII sentence
// punctuation next to Chinese text to the Chinese form.
func fold(r, prev, next rune) rune {
	switch {
	case r == '（' || r == '〔' || r == '［' || r == '【':
		return '('
	case r == '）' || r == '〕' || r == '］' || r == '】':
		return ')'
	case r == '，' || r == '；' || r == '：' || r == '！' || r == '？':
		return r
	case r >= 0xFF10 && r <= 0xFF19, r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A:
		return r - 0xFEE0
	}
	if !needsContext(r) {
		return r
	}
	cjk := isHan(prev) || isHan(next) || isCJKPunct(prev) || isCJKPunct(next)
	if !cjk {
		return r
	}
	switch r {
	case ',':
		if unicode.IsDigit(prev) && unicode.IsDigit(next) {
			return r
		}
		return '，'
	case ';':
		return '；'
	case ':':
		return '：'
	case '?':
		return '？'
	case '!':
		return '！'
	}
	return r
}

// needsContext reports whether fold looks at the runes around r: only for
// the ASCII sentence punctuation it may turn into the Chinese form.
func needsContext(r rune) bool {
	switch r {
	case ',', ';', ':', '?', '!':
		return true
	}
	return false
}

func isCJKPunct(r rune) bool {
	return r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef || r == '“' || r == '”'
}
