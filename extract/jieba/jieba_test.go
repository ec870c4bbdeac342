package jieba

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var testWords = []Word{
	{Text: "两江协同创新区", Tag: "kgplatform"},
	{Text: "人工智能", Tag: "kgfield"},
	{Text: "国家实验室", Tag: "kgplatform", Freq: 5000},
}

var (
	sharedOnce sync.Once
	shared     *Segmenter
	sharedErr  error
)

// segmenter returns one Segmenter with testWords for the whole test binary:
// loading the dictionaries takes about a second.
func segmenter(t testing.TB) *Segmenter {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = New(testWords) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	os.Exit(code)
}

func TestUserWordIsOneToken(t *testing.T) {
	plain, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	const text = "重庆推动两江协同创新区建设，发展人工智能。"
	if got := plain.Cut(text); contains(got, "两江协同创新区") {
		t.Fatalf("without user words the term is already one word (%q): test proves nothing", got)
	}

	s := segmenter(t)
	if got := s.Cut(text); !contains(got, "两江协同创新区") {
		t.Errorf("Cut(%q) = %q, want 两江协同创新区 as one word", text, got)
	}
	tags := map[string]string{}
	for _, tok := range s.Tag(text) {
		tags[tok.Text] = tok.Tag
	}
	for _, w := range testWords[:2] {
		if tags[w.Text] != w.Tag {
			t.Errorf("Tag: %s has tag %q, want %q (all: %v)", w.Text, tags[w.Text], w.Tag, tags)
		}
	}
	// A user word that is also in the built-in dictionary takes our tag.
	if got := s.Tag("建设国家实验室")[1]; got.Text != "国家实验室" || got.Tag != "kgplatform" {
		t.Errorf("Tag(建设国家实验室)[1] = %+v, want 国家实验室/kgplatform", got)
	}
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

func TestTagOffsets(t *testing.T) {
	s := segmenter(t)
	for _, tc := range []struct{ name, text string }{
		{"cjk", "关于加快建设两江协同创新区的实施意见"},
		{"mixed", "到2025年，R&D经费投入强度达到2.5%，建成5G基站10万个。"},
		{"latin words", "支持 OpenHarmony 和 RISC-V 生态，AI for Science 计划"},
		{"four-byte runes", "𠀀𠀁科技创新😀中心 abc"},
		{"newlines and tabs", "第一条\n\t为了促进科技进步，\r\n制定本法。\n\n"},
		{"nul byte", "科技\x00创新"},
		{"invalid utf8", "科技\xff\xfe创新\xe4\xb8"},
		{"only separators", " \n，。\t"},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkTokens(t, tc.text, s.Tag(tc.text))
		})
	}
}

// checkTokens checks that toks cover text exactly, in order, with rune
// offsets that select each token's text.
func checkTokens(t *testing.T, text string, toks []Token) {
	t.Helper()
	runes := []rune(text)
	pos := 0
	for i, tok := range toks {
		if tok.Start != pos || tok.End <= tok.Start || tok.End > len(runes) {
			t.Fatalf("token %d %+v: want start %d, end in (start, %d]", i, tok, pos, len(runes))
		}
		want := string(runes[tok.Start:tok.End])
		if tok.Text != want && !strings.ContainsRune(want, utf8.RuneError) {
			t.Fatalf("token %d %+v: runes[%d:%d] = %q", i, tok, tok.Start, tok.End, want)
		}
		if tok.Tag == "" {
			t.Fatalf("token %d %+v has no tag", i, tok)
		}
		pos = tok.End
	}
	if pos != len(runes) {
		t.Fatalf("tokens cover %d of %d runes: %+v", pos, len(runes), toks)
	}
}

func TestCutConcatenates(t *testing.T) {
	s := segmenter(t)
	const text = "中华人民共和国科学技术进步法 (2021年修订)\n第一章 总则"
	got := s.Cut(text)
	if strings.Join(got, "") != text {
		t.Fatalf("Cut words do not concatenate to the text: %q", got)
	}
	if !contains(got, "科学技术") && !contains(got, "科学") {
		t.Errorf("Cut(%q) = %q: no recognisable word", text, got)
	}
}

func TestLongText(t *testing.T) {
	s := segmenter(t)
	line := "推动两江协同创新区与国家实验室合作，发展人工智能和生物医药产业。"
	var b strings.Builder
	for b.Len() < 3*maxChunk {
		b.WriteString(line)
		b.WriteString("\n")
	}
	text := b.String()
	toks := s.Tag(text)
	checkTokens(t, text, toks)
	// Chunks end at line ends, so every line is tagged as on its own.
	one := s.Tag(line + "\n")
	for i, tok := range toks {
		w := one[i%len(one)]
		if tok.Text != w.Text || tok.Tag != w.Tag {
			t.Fatalf("token %d = %+v, want %+v as in a single line", i, tok, w)
		}
	}

	// One line longer than a chunk: cut at separators, offsets still right.
	long := strings.Repeat("科技创新中心", maxChunk/6)
	checkTokens(t, long, s.Tag(long))
}

func TestChunkLen(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		max, want  int
	}{
		{"short", "abc", 10, 3},
		{"newline", "ab\ncd\nef", 7, 6},
		{"separator", "科技，创新", 8, 6},
		{"rune boundary", "科技创新", 7, 6},
		{"invalid bytes", "\xff\xff\xff\xff", 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := chunkLen(tc.text, tc.max); got != tc.want {
				t.Errorf("chunkLen(%q, %d) = %d, want %d", tc.text, tc.max, got, tc.want)
			}
		})
	}
}

// TestConcurrent runs Tag and Cut from many goroutines on one Segmenter
// and compares with sequential results; run with -race.
func TestConcurrent(t *testing.T) {
	s := segmenter(t)
	texts := []string{
		"重庆推动两江协同创新区建设，发展人工智能。",
		"国家实验室和新型研发机构是国家战略科技力量的重要组成部分。",
		"到2025年，R&D经费投入强度达到2.5%以上。",
		"支持 OpenHarmony 和 RISC-V 生态建设。",
	}
	want := make([][]Token, len(texts))
	for i, x := range texts {
		want[i] = s.Tag(x)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				k := (g + i) % len(texts)
				if got := s.Tag(texts[k]); !reflect.DeepEqual(got, want[k]) {
					errs <- fmt.Sprintf("goroutine %d: Tag(%q) = %+v, want %+v", g, texts[k], got, want[k])
					return
				}
				if got := strings.Join(s.Cut(texts[k]), ""); got != texts[k] {
					errs <- fmt.Sprintf("goroutine %d: Cut(%q) joined = %q", g, texts[k], got)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestNewRejectsBadWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    Word
	}{
		{"empty", Word{Tag: "kgfield"}},
		{"space", Word{Text: "科技 创新"}},
		{"comma", Word{Text: "科技，创新"}},
		{"invalid utf8", Word{Text: "科\xff"}},
		{"slash in tag", Word{Text: "科技", Tag: "a/b"}},
		{"negative freq", Word{Text: "科技", Freq: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := New([]Word{tc.w}); err == nil {
				s.Close()
				t.Fatalf("New(%+v) succeeded, want error", tc.w)
			}
		})
	}
}

func TestClose(t *testing.T) {
	s, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close() // twice is fine
	if got := s.Tag("科技创新"); got != nil {
		t.Errorf("Tag after Close = %v, want nil", got)
	}
}

// TestNoCacheDir loads without HOME or XDG_CACHE_HOME: the dictionaries go to
// a temporary directory that is removed once loaded.
func TestNoCacheDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("TMPDIR", tmp)
	s, err := New([]Word{{Text: "两江协同创新区", Tag: "kgplatform"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Cut("两江协同创新区"); len(got) != 1 {
		t.Errorf("Cut = %q, want one word", got)
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		t.Errorf("temporary dictionary directory left behind: %v", left)
	}
}

// TestCacheDir fills a cache directory, then reuses it; a truncated file is
// rewritten.
func TestCacheDir(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir, done, err := dictDir()
	if err != nil {
		t.Fatal(err)
	}
	done()
	if want := filepath.Join(cache, "kg", "jieba-"+dictSum()); dir != want {
		t.Fatalf("dictDir = %s, want %s", dir, want)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("dictionary directory: %v, mode %v; want 0700", err, fi.Mode())
	}
	main := filepath.Join(dir, "jieba.dict.utf8")
	if err := os.WriteFile(main, []byte("truncated"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, done, err = dictDir(); err != nil {
		t.Fatal(err)
	}
	done()
	b, err := os.ReadFile(main)
	if err != nil || string(b) != mainDict {
		t.Fatalf("truncated dictionary not rewritten (%d bytes, err %v)", len(b), err)
	}
}

func TestCheckDicts(t *testing.T) {
	dir := t.TempDir()
	if err := checkDicts([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing file: no error")
	}
	if err := checkDicts([]string{dir}); err == nil {
		t.Error("directory: no error")
	}
}

// TestEmbeddedDicts checks the embedded copies against dict/README.md's
// table of upstream checksums.
func TestEmbeddedDicts(t *testing.T) {
	for name, want := range map[string]string{
		mainDict:  "3043b77068e09c9904f27cad82f12b6ebe9dbdb5aeff3b25e45ab7f9c1122b55",
		hmmModel:  "f17790586ac86dd048c8adffed052c4bd2b28ed0682972c1275e59040c0589a7",
		stopWords: "b788b8a939d2e2fe079abd579ea98f12f9fb84370bfd0dddd81bb9381f7ab42c",
	} {
		sum := sha256.Sum256([]byte(name))
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("embedded dictionary (%d bytes) has sha256 %s, want %s", len(name), got, want)
		}
	}
}
