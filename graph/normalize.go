package graph

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// bracketFold maps the bracket forms that NFKC leaves alone onto ASCII
// parentheses, so 西部(重庆)科学城, 西部（重庆）科学城 and 西部〔重庆〕科学城
// compare equal.
var bracketFold = strings.NewReplacer(
	"〔", "(", "〕", ")",
	"【", "(", "】", ")",
	"〖", "(", "〗", ")",
	"［", "(", "］", ")",
	"[", "(", "]", ")",
	"｛", "(", "｝", ")",
	"{", "(", "}", ")",
	"﹙", "(", "﹚", ")",
	"“", "\"", "”", "\"",
	"‘", "'", "’", "'",
	"·", "·", "•", "·", "・", "·",
)

// Normalize returns the form of a name used wherever names are compared or
// indexed: Unicode NFKC (full-width to half-width), all bracket styles as
// ASCII parentheses, white space and control characters removed, letters
// lower-cased. Invalid UTF-8 is replaced by U+FFFD. It is pure and
// idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	if isNormal(s) {
		return s
	}
	// Lower-casing can, rarely, produce a string that is not in NFKC form
	// (and the reverse); repeat until stable so the function is idempotent.
	// Two rounds settle every input the fuzzer has found; four is a bound.
	out := normalizeOnce(s)
	if isNormal(out) {
		return out // one round settled it: “双一流” -> "双一流"
	}
	for i := 0; i < 4; i++ {
		next := normalizeOnce(out)
		if next == out {
			break
		}
		out = next
	}
	return out
}

// isNormal reports whether s is made only of characters every step of
// Normalize leaves alone (normalRune). Most Chinese names are, and skipping
// the NFKC pass for them makes Normalize several times faster on the write
// path.
func isNormal(s string) bool {
	for _, r := range s {
		if !normalRune(r) {
			return false
		}
	}
	return true
}

// normalRune reports whether r is a character that Normalize leaves alone
// in a string of such characters: NFKC neither decomposes it nor composes it
// with the character before it, no bracket folding maps it, it is no white
// space or control character, and it is its own lower case. CJK unified ideographs, printable
// ASCII but for upper-case letters and the brackets folded to parentheses,
// and the enumeration comma, full stop and title marks that run through
// measure names (推进…、…《…》). TestNormalRunes checks every one.
func normalRune(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
	case r > ' ' && r < 0x7f:
		return !(r >= 'A' && r <= 'Z') && r != '[' && r != ']' && r != '{' && r != '}'
	case r == '、' || r == '。' || r == '《' || r == '》' || r == '〇':
	default:
		return false
	}
	return true
}

func normalizeOnce(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Bracket folding before and after NFKC: NFKC maps some compatibility
	// forms onto characters the replacer folds.
	s = norm.NFKC.String(bracketFold.Replace(s))
	s = bracketFold.Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.IsControl(r), r == '\u200b', r == '\ufeff', r == '\u200c', r == '\u200d':
			continue
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
