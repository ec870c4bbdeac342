package extract

import "strings"

// span is a half-open range of rune offsets into the repaired text.
type span struct{ start, end int }

func (s span) contains(o span) bool { return s.start <= o.start && o.end <= s.end }
func (s span) len() int             { return s.end - s.start }

// sentence is one sentence of a paragraph and its comma-separated clauses.
// marker is the length of an enumeration marker (一是, （三）, 第五条) at the
// start of the sentence, 0 if there is none.
type sentence struct {
	span
	clauses []clause
}

// clause is a comma-separated part of a sentence. marker is the length of
// the item marker that opens it (一是, 二要, （三）), 0 if none.
type clause struct {
	span
	marker int
}

// paragraph is a line of the repaired text. heading marks a title or
// section heading: short, without closing punctuation, or numbered (（三）,
// 三、, 第二章).
type paragraph struct {
	span
	sents   []sentence
	heading bool
	level   int // heading level: 1 for 一、/第X章, 2 for （一）, 3 for 第X条, 0 otherwise
}

// Splitter splits repaired text into paragraphs, sentences and clauses.
type Splitter struct{}

// Split returns the paragraphs of runes.
func (Splitter) Split(runes []rune) []paragraph {
	return split(runes, &splitSlab{})
}

// splitSlab holds the sentences and clauses of a text in two slices, which
// the paragraphs and sentences take parts of: one allocation for many, and
// reusable from text to text.
type splitSlab struct {
	paras   []paragraph
	sents   []sentence
	clauses []clause
}

func (sl *splitSlab) reset() {
	sl.paras, sl.sents, sl.clauses = sl.paras[:0], sl.sents[:0], sl.clauses[:0]
}

// split returns the paragraphs of runes, kept in sl.
func split(runes []rune, sl *splitSlab) []paragraph {
	start := 0
	for i := 0; i <= len(runes); i++ {
		if i < len(runes) && runes[i] != '\n' {
			continue
		}
		if p, ok := splitParagraph(runes, span{start, i}, sl); ok {
			sl.paras = append(sl.paras, p)
		}
		start = i + 1
	}
	if len(sl.paras) == 0 {
		return nil
	}
	return sl.paras
}

func splitParagraph(runes []rune, ps span, sl *splitSlab) (paragraph, bool) {
	for ps.start < ps.end && isSpace(runes[ps.start]) {
		ps.start++
	}
	if ps.start >= ps.end {
		return paragraph{}, false
	}
	p := paragraph{span: ps}
	start := ps.start
	first := len(sl.sents)
	for i := ps.start; i <= ps.end; i++ {
		if i < ps.end && !isSentenceEnd(runes[i]) {
			continue
		}
		if i > start {
			sl.sents = append(sl.sents, splitSentence(runes, span{start, i}, sl))
		}
		start = i + 1
	}
	if n := len(sl.sents); n > first {
		p.sents = sl.sents[first:n:n]
	}
	text := runes[ps.start:ps.end]
	last := runes[ps.end-1]
	switch {
	case len(text) > 2 && text[0] == '第' && (strings.HasPrefix(string(text[:min(6, len(text))]), "第") && containsAny(text[:min(6, len(text))], "章节编")):
		p.heading, p.level = true, 1
	case markerLen(text) > 0 && text[markerLen(text)-1] == '、':
		p.heading, p.level = true, 1
	case markerLen(text) > 0 && text[markerLen(text)-1] == ')':
		p.heading, p.level = true, 2
	case markerLen(text) > 0 && text[markerLen(text)-1] == '条':
		p.level = 3
	case len(p.sents) == 1 && len(text) <= 40 && !isTerminal(last) && last != '。':
		p.heading = true
	}
	return p, true
}

func containsAny(rs []rune, chars string) bool {
	for _, r := range rs {
		if strings.ContainsRune(chars, r) {
			return true
		}
	}
	return false
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';':
		return true
	}
	return false
}

func isClauseEnd(r rune) bool { return r == '，' || r == ',' || r == '：' || r == ':' }

func splitSentence(runes []rune, ss span, sl *splitSlab) sentence {
	s := sentence{span: ss}
	first := len(sl.clauses)
	start := ss.start
	depth := 0 // brackets and quotes: a comma inside them splits no clause
	quoted := false
	for i := ss.start; i <= ss.end; i++ {
		if i < ss.end {
			switch runes[i] {
			case '(', '（', '“', '《':
				depth++
			case ')', '）', '”', '》':
				if depth > 0 {
					depth--
				}
			case '"':
				// ASCII quotes open and close alike: toggle
				if quoted {
					depth--
				} else {
					depth++
				}
				quoted = !quoted
			}
			if !isClauseEnd(runes[i]) || depth > 0 {
				continue
			}
		}
		if i > start {
			c := clause{span: span{start, i}}
			c.marker = markerLen(runes[start:i])
			if c.marker > 0 && c.marker == c.len() {
				c.marker = 0
			}
			sl.clauses = append(sl.clauses, c)
		}
		start = i + 1
	}
	if n := len(sl.clauses); n > first {
		s.clauses = sl.clauses[first:n:n]
	}
	return s
}
