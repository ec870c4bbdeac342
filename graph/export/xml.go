package export

import (
	"bufio"
	"strconv"
	"strings"
	"unicode/utf8"

	"kg/graph"
)

// xmlWriter writes XML text with escaping that also removes what XML 1.0
// cannot carry at all: control characters other than tab, newline and
// carriage return, U+FFFE and U+FFFF, and invalid UTF-8.
type xmlWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (x *xmlWriter) raw(s string) error {
	_, err := x.w.WriteString(s)
	return err
}

func (x *xmlWriter) out() error {
	_, err := x.w.Write(x.buf)
	x.buf = x.buf[:0]
	return err
}

// xmlValid reports whether XML 1.0 allows r in a document.
func xmlValid(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// stripInvalid returns s without the characters XML 1.0 cannot carry and
// without invalid UTF-8.
func stripInvalid(s string) string {
	ok := true
	for _, r := range s {
		if !xmlValid(r) || r == utf8.RuneError {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var sb strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue
			}
		}
		if xmlValid(r) {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// appendXML appends s escaped for an attribute value or text. Tab, newline
// and carriage return are written as character references so attribute
// normalisation keeps them.
func appendXML(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch c {
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '"':
				esc = "&quot;"
			case '\'':
				esc = "&apos;"
			case '\t':
				esc = "&#9;"
			case '\n':
				esc = "&#10;"
			case '\r':
				esc = "&#13;"
			default:
				if c >= 0x20 {
					i++
					continue
				}
				esc = "" // stripped
			}
			b = append(b, s[start:i]...)
			b = append(b, esc...)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !xmlValid(r) {
			b = append(b, s[start:i]...)
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// appendAttr appends ` name="value"`.
func appendAttr(b []byte, name, value string) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, '=', '"')
	b = appendXML(b, value)
	return append(b, '"')
}

func appendFloatAttr(b []byte, name string, v float64) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, '=', '"')
	b = appendFloat(b, v)
	return append(b, '"')
}

// cleanLabel returns s with characters XML cannot carry removed and
// whitespace runs collapsed, for xsd:token attributes such as GEXF labels.
func cleanLabel(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// listString writes a GEXF liststring value as Gephi writes it:
// "[a, b]". Commas inside an alias become the full-width "，", which keeps
// Chinese text readable and the list unambiguous.
func listString(vs []string) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strings.NewReplacer(",", "，", "[", "［", "]", "］").Replace(cleanLabel(v)))
	}
	sb.WriteByte(']')
	return sb.String()
}

// attvalue appends <attvalue for="k" value="v"/>.
func appendAttValue(b []byte, k, v string) []byte {
	b = append(b, `<attvalue`...)
	b = appendAttr(b, "for", k)
	b = appendAttr(b, "value", v)
	return append(b, "/>"...)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func ftoa(v float64) string { return string(appendFloat(nil, v)) }

// relationLabel is the text Gephi shows on an edge.
func relationLabel(r *graph.Relation) string { return string(r.Type) }
