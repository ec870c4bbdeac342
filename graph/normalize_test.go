package graph

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii brackets", "西部(重庆)科学城", "西部(重庆)科学城"},
		{"full-width brackets", "西部（重庆）科学城", "西部(重庆)科学城"},
		{"tortoise brackets", "西部〔重庆〕科学城", "西部(重庆)科学城"},
		{"lenticular brackets", "西部【重庆】科学城", "西部(重庆)科学城"},
		{"square brackets", "西部[重庆]科学城", "西部(重庆)科学城"},
		{"full-width square", "西部［重庆］科学城", "西部(重庆)科学城"},
		{"full-width latin", "ＡＩ创新中心", "ai创新中心"},
		{"upper case", "AI Lab", "ailab"},
		{"white space", " 人工 智能\t\n", "人工智能"},
		{"ideographic space", "人工\u3000智能", "人工智能"},
		{"zero width", "人工\u200b智能\ufeff", "人工智能"},
		{"control", "人工\x00智能\x1f", "人工智能"},
		{"full-width digits", "５Ｇ", "5g"},
		{"quotes", "“双一流”", "\"双一流\""},
		{"middle dots", "科技・创新•中心", "科技·创新·中心"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"empty", "", ""},
		{"only space", " \u3000 ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.in); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNormalizeEqualForms(t *testing.T) {
	forms := []string{"西部(重庆)科学城", "西部（重庆）科学城", "西部〔重庆〕科学城", "西部 ( 重庆 ) 科学城", "西部【重庆】科学城"}
	for _, f := range forms[1:] {
		if Normalize(f) != Normalize(forms[0]) {
			t.Errorf("%q and %q normalise apart: %q vs %q", f, forms[0], Normalize(f), Normalize(forms[0]))
		}
		if EntityID(Platform, f) != EntityID(Platform, forms[0]) {
			t.Errorf("%q and %q get different entity IDs", f, forms[0])
		}
	}
}

// TestNormalRunes checks every rune the fast path keeps: the full
// normalisation leaves it alone, and NFKC's properties say it neither
// decomposes nor combines with the rune before it, so that any string of
// such runes is normal too.
func TestNormalRunes(t *testing.T) {
	n := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !normalRune(r) {
			continue
		}
		n++
		s := string(r)
		if got := normalizeOnce(s); got != s {
			t.Errorf("normalRune(%U) but the normalisation gives %q", r, got)
		}
		p := norm.NFKC.PropertiesString(s)
		// BoundaryBefore: r combines with nothing before it. It may combine
		// with a mark after it (a + U+0301), but no mark is a normal rune.
		if p.CCC() != 0 || len(p.Decomposition()) != 0 || !p.BoundaryBefore() {
			t.Errorf("normalRune(%U) but NFKC may change it next to other runes", r)
		}
	}
	if n < 0x9FFF-0x4E00 {
		t.Errorf("only %d runes take the fast path", n)
	}
	for _, s := range []string{"推进“双一流”建设", "加快建设A、B《方案》。", "ＡＩ+智能"} {
		if got, want := Normalize(s), slowNormalize(s); got != want {
			t.Errorf("Normalize(%q) = %q, the full normalisation gives %q", s, got, want)
		}
	}
}

// FuzzNormalize checks the properties every caller relies on: the result is
// valid UTF-8, normalising again changes nothing, and it holds no white
// space or control characters.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"西部(重庆)科学城", "西部（重庆）科学城", "ＡＩ", "ǅ", "\u0345", "ﬁ", "a\xffb", "〔〕【】"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, again)
		}
		if isNormal(s) && slowNormalize(s) != s {
			t.Fatalf("fast path keeps %q, the full normalisation gives %q", s, slowNormalize(s))
		}
		for _, r := range n {
			if r == ' ' || r == '\t' || r == '\n' || r < 0x20 || r == 0x7f {
				t.Fatalf("Normalize(%q) = %q keeps %U", s, n, r)
			}
		}
	})
}

// slowNormalize is Normalize without the fast path.
func slowNormalize(s string) string {
	out := normalizeOnce(s)
	for i := 0; i < 4; i++ {
		next := normalizeOnce(out)
		if next == out {
			break
		}
		out = next
	}
	return out
}

func BenchmarkNormalize(b *testing.B) {
	for _, s := range []string{"重庆人工智能创新中心", "西部（重庆）科学城", "ＡＩ Lab"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				Normalize(s)
			}
		})
		b.Run("slow/"+s, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				slowNormalize(s)
			}
		})
	}
}
