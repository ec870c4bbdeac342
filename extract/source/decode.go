package source

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding names reported in Document.Encoding.
const (
	UTF8    = "utf-8"
	UTF8BOM = "utf-8-bom"
	UTF16LE = "utf-16le"
	UTF16BE = "utf-16be"
	GB18030 = "gb18030"
)

// Decode turns the bytes of a text file into UTF-8 text and names the
// encoding it found. See the package comment for the rules. The text has
// "\n" line ends; it is checked to be text (ErrBinary) and non-empty
// (ErrEmpty).
func Decode(b []byte) (text, enc string, err error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
		if !utf8.Valid(b) {
			return "", "", fmt.Errorf("%w: byte order mark says UTF-8 but the bytes are not", ErrEncoding)
		}
		text, enc = string(b), UTF8BOM
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		text, enc = decodeUTF16(b[2:], false), UTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		text, enc = decodeUTF16(b[2:], true), UTF16BE
	case utf8.Valid(b):
		text, enc = string(b), UTF8
	default:
		if bytes.IndexByte(b, 0) >= 0 {
			return "", "", ErrBinary
		}
		text, err = decodeWith(simplifiedchinese.GB18030, b)
		if err != nil || !plausibleChinese(text) {
			return "", "", fmt.Errorf("%w: not UTF-8, and not Chinese text in GB18030", ErrEncoding)
		}
		enc = GB18030
	}
	if text, err = finish(text); err != nil {
		return "", "", err
	}
	return text, enc, nil
}

// finish normalises line ends and rejects binary or empty text.
func finish(text string) (string, error) {
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	if isBinary(text) {
		return "", ErrBinary
	}
	if strings.TrimSpace(text) == "" {
		return "", ErrEmpty
	}
	return text, nil
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	s := string(utf16.Decode(u))
	if len(b)%2 == 1 {
		s += string(utf8.RuneError) // a dangling byte
	}
	return s
}

func decodeWith(e encoding.Encoding, b []byte) (string, error) {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// isBinary reports text that is not prose: any NUL, or more than one in a
// hundred runes a control character or U+FFFD (a decoding failure).
func isBinary(text string) bool {
	if strings.IndexByte(text, 0) >= 0 {
		return true
	}
	bad, n := 0, 0
	for _, r := range text {
		n++
		switch {
		case r == '\n' || r == '\t' || r == '\f' || r == '\v':
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == utf8.RuneError:
			bad++
		}
	}
	return bad > 0 && bad*100 > n
}

// plausibleChinese reports whether text decoded as GB18030 looks like
// Chinese prose: at least 95% of its runes are ASCII, CJK ideographs or
// CJK and full-width punctuation, and at most one in a thousand is U+FFFD.
// Bytes of another encoding or of a binary file decode mostly into rare
// ideographs, symbols and private-use characters.
func plausibleChinese(text string) bool {
	common, bad, n := 0, 0, 0
	for _, r := range text {
		n++
		switch {
		case r == utf8.RuneError:
			bad++
		case r < 0x80 && (r >= 0x20 || r == '\n' || r == '\r' || r == '\t'),
			r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
			r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
			r >= 0xFF00 && r <= 0xFFEF, // full-width forms
			r >= 0x2000 && r <= 0x206F, // general punctuation
			r >= 0x2460 && r <= 0x24FF, // circled numbers ①
			r == 0xB7 || r == 0xD7 || r == 0xF7:
			common++
		}
	}
	return n > 0 && bad*1000 <= n && common*100 >= 95*n
}
