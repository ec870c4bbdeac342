package jieba

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yanyiwu/gojieba"
)

// Word is a user-dictionary entry. Tag is the part of speech Tag reports for
// it (kg uses its own, such as "kgplatform"); Freq 0 gives the median weight
// of the built-in dictionary, enough for a long domain term to win over its
// parts.
type Word struct {
	Text string
	Tag  string
	Freq int
}

// Token is a tagged word of a text. Start and End are rune offsets into the
// text given to Tag: []rune(text)[Start:End] is the word.
type Token struct {
	Text  string
	Tag   string
	Start int
	End   int
}

// Segmenter cuts and tags Chinese text. It is safe for concurrent use.
type Segmenter struct {
	mu sync.RWMutex // held for reading by every call, for writing by Close
	jb *gojieba.Jieba
}

// separators are the runes at which cppjieba always splits; a word that
// contains one can never be a token.
const separators = " \t\n\r\x00，。"

// New loads the embedded dictionaries and adds userWords to them.
func New(userWords []Word) (*Segmenter, error) {
	for _, w := range userWords {
		if err := checkWord(w); err != nil {
			return nil, err
		}
	}
	dir, done, err := dictDir()
	if err != nil {
		return nil, err
	}
	defer done() // cppjieba reads the files completely while loading
	var paths []string
	for _, f := range dictFiles() {
		paths = append(paths, dir+"/"+f.name)
	}
	if err := checkDicts(paths); err != nil {
		return nil, err
	}
	jb, err := newJieba(paths)
	if err != nil {
		return nil, err
	}
	for _, w := range userWords {
		jb.AddWordEx(w.Text, w.Freq, w.Tag)
	}
	return &Segmenter{jb: jb}, nil
}

func newJieba(paths []string) (jb *gojieba.Jieba, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("jieba: load dictionaries: %v", r)
		}
	}()
	return gojieba.NewJieba(paths...), nil
}

func checkWord(w Word) error {
	switch {
	case w.Text == "":
		return fmt.Errorf("jieba: empty user word (tag %q)", w.Tag)
	case !utf8.ValidString(w.Text) || !utf8.ValidString(w.Tag):
		return fmt.Errorf("jieba: user word %q is not valid UTF-8", w.Text)
	case strings.ContainsAny(w.Text, separators):
		return fmt.Errorf("jieba: user word %q contains a space or a separator (，。) and could never match", w.Text)
	case strings.ContainsAny(w.Tag, "/"+separators):
		return fmt.Errorf("jieba: tag %q of user word %q contains '/' or a space", w.Tag, w.Text)
	case w.Freq < 0:
		return fmt.Errorf("jieba: user word %q has negative frequency %d", w.Text, w.Freq)
	}
	return nil
}

// Close frees the dictionaries. Cut and Tag return nil after Close.
func (s *Segmenter) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jb != nil {
		s.jb.Free()
		s.jb = nil
	}
}

// Cut splits text into words: precise mode with the HMM for unknown words.
// The words concatenate to text, with each invalid UTF-8 byte replaced by
// U+FFFD and NUL by a space.
func (s *Segmenter) Cut(text string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.jb == nil {
		return nil
	}
	// No offsets are needed: cppjieba's words are the result, chunk after
	// chunk (only a NUL, which a C string cannot hold, comes back as a space).
	var words []string
	for len(text) > 0 {
		n := chunkLen(text, maxChunk)
		if words == nil {
			words = s.jb.Cut(cleanText(text[:n]), true)
		} else {
			words = append(words, s.jb.Cut(cleanText(text[:n]), true)...)
		}
		text = text[n:]
	}
	return words
}

// Tag splits text into words as Cut does and tags each with its part of
// speech: the user word's tag, the dictionary's, or cppjieba's guess ("eng"
// for Latin letters, "m" for digits, "x" otherwise).
func (s *Segmenter) Tag(text string) []Token {
	var toks []Token
	s.each(text, func(word, tag string, start, end int) {
		toks = append(toks, Token{Text: word, Tag: tag, Start: start, End: end})
	})
	return toks
}

// maxChunk bounds the text handed to cppjieba in one call, which decodes it
// into about 20 bytes per rune.
const maxChunk = 64 << 10

// each tags text chunk by chunk and calls fn for every word with its tag
// and rune offsets.
func (s *Segmenter) each(text string, fn func(word, tag string, start, end int)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.jb == nil {
		return
	}
	runeBase := 0
	for len(text) > 0 {
		n := chunkLen(text, maxChunk)
		orig := text[:n]
		text = text[n:]
		clean := cleanText(orig)
		// Words are sliced out of the original when cleaning kept every
		// byte offset (only NUL, which C strings cannot hold, was replaced).
		src := clean
		if len(clean) == len(orig) {
			src = orig
		}
		pos, runes := 0, runeBase
		for _, wt := range s.jb.Tag(clean) {
			w, t := wt, "x"
			if i := strings.LastIndexByte(wt, '/'); i >= 0 {
				w, t = wt[:i], wt[i+1:]
			}
			if w == "" {
				continue
			}
			if !strings.HasPrefix(clean[pos:], w) {
				// Never seen: cppjieba's words cover the input in order.
				// Resynchronise rather than report wrong offsets.
				j := strings.Index(clean[pos:], w)
				if j < 0 {
					continue
				}
				runes += utf8.RuneCountInString(clean[pos : pos+j])
				pos += j
			}
			n := utf8.RuneCountInString(w)
			fn(src[pos:pos+len(w)], t, runes, runes+n)
			pos += len(w)
			runes += n
		}
		runeBase += utf8.RuneCountInString(orig)
	}
}

// chunkLen returns the length of the first chunk of text: all of it if it is
// at most max bytes, else up to and including the last newline within max
// bytes, else the last other separator, else the last whole rune.
func chunkLen(text string, max int) int {
	if len(text) <= max {
		return len(text)
	}
	head := text[:max]
	if i := strings.LastIndexByte(head, '\n'); i >= 0 {
		return i + 1
	}
	if i := strings.LastIndexAny(head, "。， \t"); i >= 0 {
		_, size := utf8.DecodeRuneInString(head[i:])
		return i + size
	}
	n := max
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	if n == 0 {
		return max // no rune start at all: invalid bytes, cut anywhere
	}
	return n
}

// cleanText makes text acceptable to cppjieba without moving any rune: each
// invalid UTF-8 byte becomes U+FFFD (as ranging over a Go string counts it)
// and NUL becomes a space.
func cleanText(text string) string {
	if utf8.ValidString(text) && strings.IndexByte(text, 0) < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16)
	for _, r := range text {
		if r == 0 {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
