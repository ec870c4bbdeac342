package source

import (
	"bytes"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// readHTML returns the visible text of an HTML page, one line per block
// element, the encoding it was in and the page's title.
func readHTML(b []byte) (text, enc, title string, err error) {
	page, enc, err := decodeHTML(b)
	if err != nil {
		return "", "", "", err
	}
	text, title, h1 := htmlText(page)
	text, err = finish(text)
	if err != nil {
		return "", "", "", err
	}
	if title = pageTitle(title); title == "" {
		title = h1
	}
	return text, enc, title, nil
}

// decodeHTML decodes like Decode, except that bytes which are not UTF-8 are
// first read in the charset the page declares (<meta charset>), if any.
func decodeHTML(b []byte) (string, string, error) {
	if utf8.Valid(b) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return decodeMarkup(b)
	}
	e, name, _ := charset.DetermineEncoding(b, "text/html")
	switch name {
	case "gbk", "gb18030", "gb2312", "windows-1252": // windows-1252: nothing declared
		return decodeMarkup(b)
	}
	s, err := decodeWith(e, b)
	if err != nil {
		return "", "", err
	}
	return s, name, nil
}

// decodeMarkup is Decode without the checks that apply to the extracted
// text, not to the markup.
func decodeMarkup(b []byte) (string, string, error) {
	s, enc, err := Decode(b)
	if errors.Is(err, ErrEmpty) {
		return "", enc, ErrEmpty
	}
	return s, enc, err
}

// Elements whose content is not the page's text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Select: true, atom.Nav: true, atom.Footer: true, atom.Head: true,
	atom.Button: true,
}

// Elements that end a line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Tr: true, atom.Table: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Aside: true, atom.Blockquote: true, atom.Pre: true, atom.Dt: true, atom.Dd: true,
	atom.Dl: true, atom.Address: true, atom.Figure: true, atom.Figcaption: true, atom.Form: true,
	atom.Hr: true, atom.Main: true, atom.Body: true, atom.Caption: true, atom.Center: true,
}

// htmlText walks the tokens of a page: text outside skipped elements, block
// elements as line ends, table cells separated by tabs. It also returns the
// <title> and the first <h1>.
func htmlText(page string) (text, title, h1 string) {
	z := html.NewTokenizer(strings.NewReader(page))
	var out, line, titleB, h1B strings.Builder
	skip, pre := 0, 0
	inTitle, inH1, h1Done := false, false, false
	var cells []string // finished cells of the current table row
	flush := func() {
		if s := collapse(line.String()); s != "" {
			cells = append(cells, s)
		}
		if len(cells) > 0 {
			out.WriteString(strings.Join(cells, "\t"))
			out.WriteByte('\n')
		}
		line.Reset()
		cells = cells[:0]
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // end of input (the tokenizer reads from a string)
		}
		tok := z.Token()
		a := tok.DataAtom
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch {
			case a == atom.Title:
				inTitle = tt == html.StartTagToken
			case skipped[a]:
				if tt == html.StartTagToken {
					skip++
				}
			case skip > 0:
			case blocks[a]:
				flush()
				if a == atom.Pre && tt == html.StartTagToken {
					pre++
				}
				if a == atom.H1 && !h1Done && tt == html.StartTagToken {
					inH1 = true
				}
			case a == atom.Td || a == atom.Th:
				if s := collapse(line.String()); s != "" {
					cells = append(cells, s)
				}
				line.Reset()
			case a == atom.Img:
				// Alternative text is not the page's text.
			}
		case html.EndTagToken:
			switch {
			case a == atom.Title:
				inTitle = false
			case skipped[a]:
				if skip > 0 {
					skip--
				}
			case skip > 0:
			case blocks[a]:
				if a == atom.Pre && pre > 0 {
					pre--
				}
				if a == atom.H1 && inH1 {
					inH1, h1Done = false, true
				}
				flush()
			}
		case html.TextToken:
			switch {
			case inTitle:
				titleB.WriteString(tok.Data)
			case skip > 0:
			case pre > 0:
				flush()
				out.WriteString(strings.Trim(tok.Data, "\n"))
				out.WriteByte('\n')
			default:
				line.WriteString(tok.Data)
				if inH1 {
					h1B.WriteString(tok.Data)
				}
			}
		}
	}
	flush()
	return out.String(), collapse(titleB.String()), collapse(h1B.String())
}

// collapse applies HTML's white-space rule to inline text: runs of white
// space become one space, except that a run with a line break between two
// East Asian characters disappears (text wrapped in the source, as CSS Text
// 3 does), and the ends are trimmed.
func collapse(s string) string {
	var b strings.Builder
	space, newline := false, false
	var prev rune
	for _, r := range s {
		if r == '\u00a0' {
			r = ' ' // &nbsp; indents Chinese paragraphs; it is layout here
		}
		if unicode.IsSpace(r) {
			space = true
			newline = newline || r == '\n' || r == '\r'
			continue
		}
		if space && b.Len() > 0 && !(newline && wide(prev) && wide(r)) {
			b.WriteByte(' ')
		}
		space, newline = false, false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// pageTitle takes the document's own title from a <title> like
// "关于…的通知_政策文件_某某市人民政府网": the first part, if it is not too
// short to be one.
func pageTitle(t string) string {
	for _, sep := range []string{"_", " - ", " | ", "|", "－", "——"} {
		if first, _, ok := strings.Cut(t, sep); ok && utf8.RuneCountInString(strings.TrimSpace(first)) >= 4 {
			t = strings.TrimSpace(first)
		}
	}
	return t
}
