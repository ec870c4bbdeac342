package source

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Meta is what a document says about itself. Any field may be "".
type Meta struct {
	Title  string
	Date   string // YYYY-MM-DD
	Issuer string
}

// How far from the top and the bottom of a text metadata is looked for, in
// non-empty lines, and how long a line may be to count as a header line.
const (
	headLines   = 20 // title candidates
	dateLines   = 8  // header lines searched for dates and issuers
	tailLines   = 6  // signature block at the end
	maxTitle    = 80 // runes
	maxHeader   = 150
	maxSignLine = 40
)

// MetaOf reads title, date and issuer from a document's text; path (may be
// "") is the last resort for the date. See Title, Date and Issuer.
func MetaOf(text, path string) Meta {
	head := firstLines(text, headLines)
	tail := lastLines(text, tailLines)
	m := Meta{Title: titleOf(head)}
	m.Date = dateOf(head, tail, path)
	m.Issuer = issuerOf(m.Title, head, tail)
	return m
}

// titleOf returns the first short heading-like line: at most maxTitle runes,
// not a sentence (no final 。；：！？), not a date or a document number. A
// long first line (a header run together by a scraper) may hold the title as
// "…关于…的意见"; that part is taken.
func titleOf(head []string) string {
	for i, l := range head {
		l = strings.TrimSpace(strings.TrimLeft(l, "#"))
		n := utf8.RuneCountInString(l)
		if n > maxTitle {
			if i < 3 {
				if t := aboutTitle(l); t != "" {
					return t
				}
			}
			continue
		}
		if n < 2 || strings.ContainsAny(lastRune(l), "。；：:！？!?;，,") ||
			!hasWordRune(l) || strings.HasPrefix(l, "来源") || docNumber.MatchString(l) ||
			onlyDate(l) {
			continue
		}
		return l
	}
	return ""
}

var (
	// Document numbers: 渝府发〔2021〕12号, 国发[2020]5号.
	docNumber = regexp.MustCompile(`[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号\s*$`)
	// "…关于…的意见（试行）" inside a longer line.
	aboutRe = regexp.MustCompile(`[\p{Han}、 ]{0,30}关于[^。！？\n]{2,80}?(?:意见|通知|决定|办法|规定|方案|规划|条例|细则|报告|批复|函|纲要|措施|公告|通告|建议)(?:（[^）\n]{1,10}）)?`)
	// Header markers after which an issuer's name starts.
	headerMarks = []string{"号", "文件"}
)

func aboutTitle(l string) string {
	var t string
	for _, m := range aboutRe.FindAllStringIndex(l, -1) {
		// 《…关于…的决定》 cites another document.
		if strings.HasSuffix(l[:m[0]], "《") || strings.HasPrefix(l[m[1]:], "》") {
			continue
		}
		t = l[m[0]:m[1]]
		break
	}
	if t == "" {
		return ""
	}
	prefix, rest, _ := strings.Cut(t, "关于")
	for _, m := range headerMarks {
		if i := strings.LastIndex(prefix, m); i >= 0 {
			prefix = prefix[i+len(m):]
		}
	}
	return strings.TrimSpace(prefix) + "关于" + rest
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

func hasWordRune(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) }) >= 0
}

func onlyDate(l string) bool {
	rest := strings.Trim(dateSpans(l, " "), " （）()【】[]—-")
	return rest == "" && rest != l
}

// dateOf returns the publication date: the latest full date among the header
// lines (a law's header lists its adoption and amendments, the latest is the
// version at hand), else the first in the signature block at the end, else
// one in the file name.
func dateOf(head, tail []string, path string) string {
	best := ""
	for _, l := range head[:min(len(head), dateLines)] {
		if utf8.RuneCountInString(l) > maxHeader {
			continue
		}
		for _, d := range datesIn(l) {
			best = max(best, d)
		}
	}
	if best != "" {
		return best
	}
	for _, l := range tail {
		if utf8.RuneCountInString(l) > 3*maxSignLine {
			continue
		}
		if ds := datesIn(l); len(ds) > 0 {
			return ds[0]
		}
	}
	if path != "" {
		if ds := datesIn(fileDate(filepath.Base(path))); len(ds) > 0 {
			return ds[0]
		}
	}
	return ""
}

var (
	arabicDate = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	hanDate    = regexp.MustCompile(`([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日`)
	isoDate    = regexp.MustCompile(`(?:^|[^\d])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[^\d]|$)`)
	nameDate   = regexp.MustCompile(`(?:^|\D)((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:\D|$)`)
	fullWidth  = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9")
)

// fileDate rewrites a date in a file name (20210517, 2021-05-17,
// 2021_05_17) as an ISO date, or returns "".
func fileDate(name string) string {
	m := nameDate.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	return m[1] + "-" + m[2] + "-" + m[3]
}

// datesIn returns the valid dates written in l, in order, as YYYY-MM-DD.
func datesIn(l string) []string {
	l = fullWidth.Replace(l)
	type hit struct {
		at int
		d  string
	}
	var hits []hit
	// "自2022年1月1日起施行" is when a text takes effect, not when it was
	// issued.
	effective := func(end int) bool { return strings.HasPrefix(strings.TrimSpace(l[end:]), "起") }
	for _, m := range arabicDate.FindAllStringSubmatchIndex(l, -1) {
		if d := ymd(atoi(l[m[2]:m[3]]), atoi(l[m[4]:m[5]]), atoi(l[m[6]:m[7]])); d != "" && !effective(m[1]) {
			hits = append(hits, hit{m[0], d})
		}
	}
	for _, m := range hanDate.FindAllStringSubmatchIndex(l, -1) {
		if d := ymd(hanYear(l[m[2]:m[3]]), hanNumber(l[m[4]:m[5]]), hanNumber(l[m[6]:m[7]])); d != "" && !effective(m[1]) {
			hits = append(hits, hit{m[0], d})
		}
	}
	for _, m := range isoDate.FindAllStringSubmatchIndex(l, -1) {
		if d := ymd(atoi(l[m[2]:m[3]]), atoi(l[m[4]:m[5]]), atoi(l[m[6]:m[7]])); d != "" {
			hits = append(hits, hit{m[2], d})
		}
	}
	// Order by position (the three patterns cannot overlap).
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	ds := make([]string, len(hits))
	for i, h := range hits {
		ds[i] = h.d
	}
	return ds
}

// dateSpans returns l with every date replaced by repl.
func dateSpans(l, repl string) string {
	l = fullWidth.Replace(l)
	l = arabicDate.ReplaceAllString(l, repl)
	return hanDate.ReplaceAllString(l, repl)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func ymd(y, m, d int) string {
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "" // 2月30日
	}
	return t.Format("2006-01-02")
}

var hanDigits = map[rune]int{'〇': 0, '零': 0, '○': 0, 'Ｏ': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// hanYear reads 二〇二一 digit by digit.
func hanYear(s string) int {
	y := 0
	for _, r := range s {
		y = y*10 + hanDigits[r]
	}
	return y
}

// hanNumber reads 一 to 三十一.
func hanNumber(s string) int {
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return hanDigits[rs[0]]
	case len(rs) == 2 && rs[0] == '十':
		return 10 + hanDigits[rs[1]]
	case len(rs) == 2 && rs[1] == '十':
		return hanDigits[rs[0]] * 10
	case len(rs) == 3 && rs[1] == '十':
		return hanDigits[rs[0]]*10 + hanDigits[rs[2]]
	}
	return -1
}

// Organ names an issuer line ends with.
var organSuffixes = []string{
	"人民政府", "人民政府办公厅", "人民政府办公室", "人民代表大会", "人民代表大会常务委员会",
	"国务院", "国务院办公厅", "中共中央", "中共中央办公厅", "委员会", "办公厅",
	"科学技术部", "科技部", "科学技术厅", "科技厅", "科学技术局", "科技局",
	"财政部", "财政厅", "财政局",
}

func organ(s string) bool {
	for _, suf := range organSuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

var (
	// 重庆市人民政府市长 胡衡华; 国务院总理 李克强.
	speakerRe = regexp.MustCompile(`^(国务院|\p{Han}{2,12}?人民政府)(?:总理|副总理|省长|市长|主席|县长|区长|州长)`)
	// 广东省省长 孟凡利.
	governorRe = regexp.MustCompile(`^(\p{Han}{2,10}?[省市])(?:省长|市长)\s`)
	// 2026年安徽省政府工作报告; 陕西省2026年政府工作报告; 2026年政府工作报告（云南省）.
	reportRe = regexp.MustCompile(`^(?:\d{4}年)?(\p{Han}{2,10}?(?:省|市|自治区))(?:\d{4}年)?(?:人民)?政府工作报告|政府工作报告[（(](\p{Han}{2,10}?(?:省|市|自治区))[）)]`)
	// 北京市第十六届人民代表大会第二次会议通过; 第十三届全国人民代表大会常务委员会.
	congressRe = regexp.MustCompile(`(全国|\p{Han}{2,8}?(?:省|市|自治区))?第[一二三四五六七八九十百〇零]+届(全国)?(人民代表大会(?:常务委员会)?)`)
)

// issuerOf returns the issuing body where the text states it: before 关于 in
// the title, the government whose work report it is, a speaker's office or
// an adopting congress in the header, a signature line at the end, or a
// header line that is an organ's name.
func issuerOf(title string, head, tail []string) string {
	if prefix, _, ok := strings.Cut(title, "关于"); ok {
		prefix = strings.TrimSpace(prefix)
		if prefix != "" && utf8.RuneCountInString(prefix) <= 30 && organ(prefix) {
			return prefix
		}
	}
	if strings.Contains(title, "国务院政府工作报告") {
		return "国务院"
	}
	if m := reportRe.FindStringSubmatch(title); m != nil {
		return m[1] + m[2] + "人民政府"
	}
	top := head[:min(len(head), dateLines)]
	for _, l := range top {
		if utf8.RuneCountInString(l) > maxHeader {
			continue
		}
		if m := speakerRe.FindStringSubmatch(l); m != nil {
			return m[1]
		}
		if m := governorRe.FindStringSubmatch(l); m != nil {
			return m[1] + "人民政府"
		}
		if containsAny(l, "通过", "修订", "修正", "批准") {
			if m := congressRe.FindStringSubmatch(dateSpans(l, " ")); m != nil {
				return m[1] + m[2] + m[3]
			}
		}
	}
	for i := len(tail) - 1; i >= 0; i-- {
		if s := signature(tail[i]); s != "" {
			return s
		}
	}
	for _, l := range top {
		if s := signature(strings.TrimSuffix(strings.TrimSpace(l), "文件")); s != "" {
			return s
		}
	}
	return ""
}

// signature returns a line's organ name once dates and 印发 are removed, if
// the line is short and is nothing else.
func signature(l string) string {
	l = strings.TrimSpace(dateSpans(l, "\x00"))
	if i := strings.IndexByte(l, 0); i >= 0 {
		l = l[:i] // the organ comes before the date
	}
	l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), "印发"))
	if l == "" || utf8.RuneCountInString(l) > maxSignLine || strings.ContainsAny(l, "。，；：！？,;:") {
		return ""
	}
	if organ(l) {
		return l
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// firstLines returns up to n non-empty lines from the top of text, trimmed.
func firstLines(text string, n int) []string {
	var out []string
	for len(out) < n && text != "" {
		l, rest, _ := strings.Cut(text, "\n")
		text = rest
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// lastLines returns up to n non-empty lines from the bottom of text, trimmed,
// in text order.
func lastLines(text string, n int) []string {
	var out []string
	for len(out) < n && text != "" {
		i := strings.LastIndexByte(text, '\n')
		l := text[i+1:]
		text = text[:max(i, 0)]
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
		if i < 0 {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
