package extract

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestRepair(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"space inside words", "市 委五届十次全会,审议通过", "市委五届十次全会，审议通过"},
		{"full-width brackets", "西部（重庆）科学城", "西部(重庆)科学城"},
		{"latin words keep a space", "PCT 国际 and AI model", "PCT国际and AI model"},
		{"lost break before an item", "发展基础 一是推进", "发展基础。一是推进"},
		{"short line ends a paragraph", "标题\n正文。", "标题\n正文。"},
		{"long line continues", strings.Repeat("字", 35) + "\n\n接着", strings.Repeat("字", 35) + "接着"},
		{"short line before a blank line ends a paragraph", strings.Repeat("字", 35) + "\n市长 某某\n\n五年来，", strings.Repeat("字", 35) + "市长某某\n五年来，"},
		{"number comma stays", "1,000个", "1,000个"},
		{"full-width digits", "２０２４年", "2024年"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Repair(tc.in)
			if got.Clean() != tc.want {
				t.Errorf("Repair(%q) = %q, want %q", tc.in, got.Clean(), tc.want)
			}
			checkMapping(t, tc.in, got)
		})
	}
}

// checkMapping verifies the offset map: in range, increasing, and every
// repaired rune comes from an original rune that folds to it (or from white
// space, for the inserted separators).
func checkMapping(t testing.TB, in string, got *Text) {
	orig := []rune(in)
	if got.N != len(orig) {
		t.Fatalf("N = %d, want %d", got.N, len(orig))
	}
	if len(got.Orig) != len(got.Runes) || utf8.RuneCountInString(got.Clean()) != len(got.Runes) {
		t.Fatalf("lengths differ: %d offsets, %d runes", len(got.Orig), len(got.Runes))
	}
	prev := -1
	for i, o := range got.Orig {
		if o <= prev || o >= len(orig) {
			t.Fatalf("offset %d of rune %d out of order or range (prev %d, n %d)", o, i, prev, len(orig))
		}
		prev = o
		r, src := got.Runes[i], orig[o]
		if isSpace(src) {
			if r != '\n' && r != '。' && r != ' ' {
				t.Fatalf("rune %d %q maps to white space", i, r)
			}
			continue
		}
		if matchKey(string(src)) != matchKey(string(r)) && fold(src, '中', '中') != r && !(src == r) {
			if !strings.ContainsRune(",;:?!，；：？！", src) {
				t.Fatalf("rune %d %q maps to %q", i, r, src)
			}
		}
	}
	// a span of the repaired text maps onto original text whose non-space
	// runes are exactly the span's non-space runes (up to folding)
	for s := 0; s < len(got.Runes); s += 3 {
		e := min(len(got.Runes), s+7)
		a, b := got.Span(s, e)
		if a < 0 || b > len(orig) || a > b {
			t.Fatalf("Span(%d,%d) = %d,%d", s, e, a, b)
		}
		if strip(string(orig[a:b])) != strip(string(got.Runes[s:e])) {
			t.Fatalf("Span(%d,%d): original %q, repaired %q", s, e, string(orig[a:b]), string(got.Runes[s:e]))
		}
	}
}

// strip drops white space and inserted separators and folds, for comparing
// original and repaired text.
func strip(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isSpace(r) || r == '。' || isDropped(r) {
			continue
		}
		r = lowerASCII(fold(r, '中', '中'))
		switch r {
		case ',':
			r = '，'
		case ';':
			r = '；'
		case ':':
			r = '：'
		case '?':
			r = '？'
		case '!':
			r = '！'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func FuzzRepair(f *testing.F) {
	for _, s := range []string{"市 委五届十次全会,审议通过", "西部（重庆）科学城\n\n一是推进", "a b\tc\r\n", "\xff\xfe 中", "２０２４ ,;:", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Repair(s)
		if !utf8.ValidString(got.Clean()) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		checkMapping(t, s, got)
		again := Repair(s)
		if again.Clean() != got.Clean() {
			t.Fatal("not deterministic")
		}
	})
}

// FuzzDecodeRunes checks the inline decoder against the language's own
// conversion, which decodes as range does.
func FuzzDecodeRunes(f *testing.F) {
	for _, s := range []string{"重庆 AI", "a\xffb", "\xe4\xb8", "\xed\xa0\x80", "\xe0\x80\x80", "\xef\xbf\xbd", "𝔸中", "\xe4\xb8\xad\xe4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := decodeRunes(s, nil), []rune(s)
		if len(got) != len(want) {
			t.Fatalf("decodeRunes(%q) = %q, want %q", s, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("decodeRunes(%q) = %q, want %q", s, got, want)
			}
		}
	})
}

// TestCJKFastPaths checks that every rune isWordRune and isHan accept
// without asking package unicode is a Han letter.
func TestCJKFastPaths(t *testing.T) {
	for r := rune(cjkFirst); r < cjkEnd; r++ {
		if !unicode.IsLetter(r) || !unicode.Is(unicode.Han, r) {
			t.Fatalf("%U is in the CJK fast path but not a Han letter", r)
		}
	}
}
