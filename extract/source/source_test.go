package source

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const sample = "重庆市人民政府关于加快建设两江协同创新区的实施意见\n支持国家实验室在两江协同创新区布局，发展人工智能。\n"

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(b) {
		t.Fatal("GB18030 fixture is valid UTF-8: it would not test detection")
	}
	return b
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	if bigEndian {
		b = []byte{0xFE, 0xFF}
	} else {
		b = []byte{0xFF, 0xFE}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestDecode(t *testing.T) {
	random := make([]byte, 4096)
	x := uint32(2463534242)
	for i := range random {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		random[i] = byte(x)
		if random[i] == 0 {
			random[i] = 0xFF // no NUL: detection must not rely on it
		}
	}
	for _, tc := range []struct {
		name    string
		in      []byte
		want    string
		enc     string
		wantErr error
	}{
		{"utf-8", []byte(sample), sample, UTF8, nil},
		{"utf-8 with bom", append([]byte{0xEF, 0xBB, 0xBF}, sample...), sample, UTF8BOM, nil},
		{"utf-16le", utf16Bytes(sample, false), sample, UTF16LE, nil},
		{"utf-16be", utf16Bytes(sample, true), sample, UTF16BE, nil},
		{"utf-16 four-byte rune", utf16Bytes("科技𠀀创新", false), "科技𠀀创新", UTF16LE, nil},
		{"gb18030", gb18030(t, sample), sample, GB18030, nil},
		{"gbk", gbk(t, sample), sample, GB18030, nil},
		{"crlf", []byte("第一条\r\n第二条\r第三条"), "第一条\n第二条\n第三条", UTF8, nil},
		{"empty", nil, "", "", ErrEmpty},
		{"white space", []byte(" \n\t\r\n"), "", "", ErrEmpty},
		{"nul bytes", []byte("科技\x00\x00\x00创新\x00"), "", "", ErrBinary},
		{"control characters", []byte(strings.Repeat("\x01\x02abc", 20)), "", "", ErrBinary},
		{"random bytes", random, "", "", ErrEncoding},
		{"latin-1 binary", []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D}, "", "", ErrBinary},
		{"bad bytes after bom", []byte{0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0xFD}, "", "", ErrEncoding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := Decode(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Decode error = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want || enc != tc.enc {
				t.Errorf("Decode = %q, %q; want %q, %q", got, enc, tc.want, tc.enc)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte{0xFF, 0xFE, 0x31, 0x00, 0x32})
	f.Add([]byte{0xFE, 0xFF, 0xD8, 0x00})
	f.Add([]byte("\xd6\xd0\xce\xc4"))
	f.Fuzz(func(t *testing.T, b []byte) {
		text, _, err := Decode(b)
		if err != nil {
			return
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, '\r') || strings.TrimSpace(text) == "" {
			t.Fatalf("Decode(%q) = %q: invalid, has CR, or empty", b, text)
		}
	})
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// docxPart is one file inside a generated .docx.
type docxPart struct{ name, body string }

func makeDocx(t testing.TB, parts ...docxPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

func docxBody(paras ...string) docxPart {
	return docxPart{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document ` + wordNS + `><w:body>` + strings.Join(paras, "") + `<w:sectPr/></w:body></w:document>`}
}

var coreXML = docxPart{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8"?>` +
	`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
	`xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>关于促进科技成果转化的若干措施</dc:title></cp:coreProperties>`}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	pdfOK := false
	if _, err := exec.LookPath(pdftotext); err == nil {
		pdfOK = true
	}
	docx := makeDocx(t, coreXML, docxBody(
		`<w:p><w:r><w:t>关于促进科技成果转化的若干措施</w:t></w:r></w:p>`,
		`<w:p><w:r><w:t xml:space="preserve">一、支持</w:t></w:r><w:r><w:t>国家实验室</w:t></w:r><w:r><w:tab/><w:t>建设</w:t></w:r></w:p>`,
		`<w:p><w:r><w:t>二、删除</w:t></w:r><w:del><w:r><w:delText>不要的文字</w:delText></w:r></w:del><w:r><w:br/><w:t>换行后</w:t></w:r></w:p>`,
		`<w:p><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>重庆市科学技术局</w:t></w:r></w:p>`,
		`<w:p><w:r><w:t>2023年3月1日</w:t></w:r></w:p>`,
	))
	gbkHTML := gbk(t, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>关于印发重庆市科技创新促进条例的通知 - 重庆市人民政府网</title></head>`+
		`<body><p>各区县人民政府：</p><p>现将《重庆市科技创新促进条例》印发给你们。</p><p>重庆市人民政府</p><p>2022年6月30日</p></body></html>`)
	for _, tc := range []struct {
		name     string
		path     string
		format   string
		enc      string
		meta     Meta
		contains []string
		absent   []string
		needPDF  bool
	}{
		{
			name: "txt", path: "testdata/notice.txt", format: "txt", enc: UTF8,
			meta:     Meta{Title: "重庆市人民政府关于加快建设两江协同创新区的实施意见", Date: "2021-05-17", Issuer: "重庆市人民政府"},
			contains: []string{"二、本意见自印发之日起施行。\n"},
		},
		{
			name: "md", path: "testdata/report.md", format: "md", enc: UTF8,
			meta:     Meta{Title: "2025年重庆市政府工作报告", Date: "2025-01-19", Issuer: "重庆市人民政府"},
			contains: []string{"**西部（重庆）科学城**"},
		},
		{
			name: "html", path: "testdata/page.html", format: "html", enc: UTF8,
			meta: Meta{Title: "北京国际科技创新中心建设条例", Date: "2024-01-25", Issuer: "北京市人民代表大会"},
			contains: []string{
				"北京国际科技创新中心建设条例\n",
				"为了加快建设北京国际科技创新中心，推动中关村", // source line break between CJK removed
				"本市支持怀柔科学城、未来科学城建设&发展。\n国家实验室在本市布局。\n",
				"平台\t所在地\n",
				"怀柔综合性国家科学中心\t怀柔区\n",
				"  代码  保持\n  原样\n",
			},
			absent: []string{"样式", "脚本", "首页", "注释", "版权", "</p>"},
		},
		{
			name: "html gbk", path: writeFile(t, dir, "gbk.htm", gbkHTML), format: "html", enc: GB18030,
			meta:     Meta{Title: "关于印发重庆市科技创新促进条例的通知", Date: "2022-06-30", Issuer: "重庆市人民政府"},
			contains: []string{"现将《重庆市科技创新促进条例》印发给你们。\n"},
		},
		{
			name: "gb18030 txt", path: writeFile(t, dir, "gb.txt", gb18030(t, sample)), format: "txt", enc: GB18030,
			meta:     Meta{Title: "重庆市人民政府关于加快建设两江协同创新区的实施意见", Issuer: "重庆市人民政府"},
			contains: []string{"两江协同创新区布局"},
		},
		{
			name: "utf-16 txt", path: writeFile(t, dir, "u16.txt", utf16Bytes(sample, false)), format: "txt", enc: UTF16LE,
			meta:     Meta{Title: "重庆市人民政府关于加快建设两江协同创新区的实施意见", Issuer: "重庆市人民政府"},
			contains: []string{"两江协同创新区布局"},
		},
		{
			name: "date from file name", path: writeFile(t, dir, "科技简报_20230415.txt", []byte("科技简报\n国家实验室建设进展顺利。\n")), format: "txt", enc: UTF8,
			meta: Meta{Title: "科技简报", Date: "2023-04-15"},
		},
		{
			name: "docx", path: writeFile(t, dir, "measures.docx", docx), format: "docx", enc: UTF8,
			meta: Meta{Title: "关于促进科技成果转化的若干措施", Date: "2023-03-01", Issuer: "重庆市科学技术局"},
			contains: []string{
				"关于促进科技成果转化的若干措施\n一、支持国家实验室\t建设\n二、删除\n换行后\n重庆市科学技术局\n",
			},
			absent: []string{"不要的文字", "PAGE"},
		},
		{
			name: "pdf", path: writeFile(t, dir, "law.pdf", makePDF(t, "中华人民共和国科学技术进步法", "2021年12月24日 第十三届全国人民代表大会常务委员会第三十二次会议第二次修订", "第一条 为了全面促进科学技术进步，制定本法。")),
			format: "pdf", enc: UTF8, needPDF: true,
			meta:     Meta{Title: "中华人民共和国科学技术进步法", Date: "2021-12-24", Issuer: "全国人民代表大会常务委员会"},
			contains: []string{"第一条 为了全面促进科学技术进步，制定本法。"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needPDF && !pdfOK {
				t.Skip("pdftotext not installed (package poppler-utils)")
			}
			doc, err := Read(context.Background(), tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != tc.format || doc.Encoding != tc.enc {
				t.Errorf("format, encoding = %s, %s; want %s, %s", doc.Format, doc.Encoding, tc.format, tc.enc)
			}
			if doc.Meta != tc.meta {
				t.Errorf("meta = %+v\nwant   %+v", doc.Meta, tc.meta)
			}
			abs, _ := filepath.Abs(tc.path)
			if doc.Source != filepath.ToSlash(abs) || doc.Path != tc.path {
				t.Errorf("source, path = %s, %s; want %s, %s", doc.Source, doc.Path, abs, tc.path)
			}
			for _, s := range tc.contains {
				if !strings.Contains(doc.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, doc.Text)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(doc.Text, s) {
					t.Errorf("text has %q:\n%s", s, doc.Text)
				}
			}
			if !utf8.ValidString(doc.Text) || strings.ContainsRune(doc.Text, '\r') {
				t.Errorf("text is not valid UTF-8 with \\n line ends: %q", doc.Text)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "file.txt", []byte("科技"))
	if err := os.Mkdir(filepath.Join(dir, "folder.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		want error // nil: any error
	}{
		{"unsupported", writeFile(t, dir, "image.png", []byte("\x89PNG")), ErrUnsupported},
		{"missing", filepath.Join(dir, "missing.txt"), os.ErrNotExist},
		{"not a directory", filepath.Join(file, "child.txt"), nil},
		{"directory", filepath.Join(dir, "folder.txt"), nil},
		{"empty", writeFile(t, dir, "empty.txt", nil), ErrEmpty},
		{"binary", writeFile(t, dir, "binary.txt", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00")), ErrBinary},
		{"undecodable", writeFile(t, dir, "bad.md", []byte{0x81, 0x30, 0xFF, 0xFE, 0x80, 0x80, 0xA0, 0xA1, 0xFF}), ErrEncoding},
		{"docx not zip", writeFile(t, dir, "bad.docx", []byte("PK but not really")), ErrBinary},
		{"docx without body", writeFile(t, dir, "nobody.docx", makeDocx(t, coreXML)), ErrBinary},
		{"docx empty body", writeFile(t, dir, "emptybody.docx", makeDocx(t, docxBody(`<w:p/>`))), ErrEmpty},
		{"docx bad xml", writeFile(t, dir, "badxml.docx", makeDocx(t, docxPart{"word/document.xml", "<w:document><w:p>"})), nil},
		{"html only markup", writeFile(t, dir, "blank.html", []byte("<html><script>x()</script><p> </p></html>")), ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Read(context.Background(), tc.path)
			if err == nil {
				t.Fatalf("Read(%s) = %+v, want an error", tc.path, doc)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Read(%s) error = %v, want %v", tc.path, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q does not name the file on one line", err)
			}
		})
	}
}

func TestPDFErrors(t *testing.T) {
	dir := t.TempDir()
	notPDF := writeFile(t, dir, "fake.pdf", []byte("这不是PDF文件"))
	t.Run("not a pdf", func(t *testing.T) {
		if _, err := exec.LookPath(pdftotext); err != nil {
			t.Skip("pdftotext not installed (package poppler-utils)")
		}
		_, err := Read(context.Background(), notPDF)
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Fatalf("Read(fake.pdf) error = %v, want one line", err)
		}
	})
	t.Run("no pdftotext", func(t *testing.T) {
		old := pdftotext
		pdftotext = "pdftotext-not-installed-kg-test"
		defer func() { pdftotext = old }()
		_, err := Read(context.Background(), notPDF)
		if !errors.Is(err, ErrNoPdftotext) || !strings.Contains(err.Error(), "poppler-utils") {
			t.Fatalf("error = %v, want ErrNoPdftotext naming poppler-utils", err)
		}
	})
}

// makePDF writes a one-page PDF whose text layer holds lines, with a Type0
// font whose ToUnicode map gives each character back, as Chinese PDFs do.
// No glyphs are embedded: pdftotext reads only the map.
func makePDF(t testing.TB, lines ...string) []byte {
	t.Helper()
	cid := map[rune]int{}
	var runes []rune
	for _, l := range lines {
		for _, r := range l {
			if _, ok := cid[r]; !ok {
				cid[r] = len(runes) + 1
				runes = append(runes, r)
			}
		}
	}
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 14 TL 40 800 Td\n")
	for _, l := range lines {
		content.WriteString("<")
		for _, r := range l {
			fmt.Fprintf(&content, "%04X", cid[r])
		}
		content.WriteString("> Tj T*\n")
	}
	content.WriteString("ET\n")
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /KG-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	for i := 0; i < len(runes); i += 100 {
		chunk := runes[i:min(i+100, len(runes))]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(chunk))
		for j, r := range chunk {
			u := utf16.Encode([]rune{r})
			fmt.Fprintf(&cmap, "<%04X> <", i+j+1)
			for _, x := range u {
				fmt.Fprintf(&cmap, "%04X", x)
			}
			cmap.WriteString(">\n")
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap CMapName currentdict /CMap defineresource pop end end\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type0 /BaseFont /KGTest /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /KGTest /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /CIDToGIDMap /Identity >>",
		"<< /Type /FontDescriptor /FontName /KGTest /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", cmap.Len(), cmap.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestWalk(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"b.txt", "a.md", "sub/c.html", "sub/deeper/d.docx", "sub/e.PDF",
		".hidden.txt", ".git/config.txt", "sub/.cache/x.txt", "~$lock.docx",
		"image.png", "notes.TXT",
	} {
		writeFile(t, dir, name, []byte("科技"))
	}
	if err := os.Symlink(filepath.Join(dir, "missing.txt"), filepath.Join(dir, "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "b.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	explicit := writeFile(t, t.TempDir(), "x.png", nil)
	missing := filepath.Join(dir, "nope")

	var got []string
	var errs []string
	err := Walk(context.Background(), []string{dir, explicit, missing}, func(path string, err error) error {
		if err != nil {
			errs = append(errs, path)
			return nil
		}
		rel, rerr := filepath.Rel(dir, path)
		if rerr != nil || strings.HasPrefix(rel, "..") {
			rel = filepath.Base(path)
		}
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.md", "b.txt", "link.txt", "notes.TXT", "sub/c.html", "sub/deeper/d.docx", "sub/e.PDF", "x.png"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Walk found\n%q\nwant\n%q", got, want)
	}
	if !reflect.DeepEqual(errs, []string{missing}) {
		t.Errorf("Walk errors for %q, want %q", errs, []string{missing})
	}

	// An error from fn stops the walk; so does a cancelled context.
	stop := errors.New("stop")
	n := 0
	if err := Walk(context.Background(), []string{dir}, func(string, error) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Walk with failing fn = %v after %d calls, want stop after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Walk(ctx, []string{dir}, func(string, error) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with cancelled context = %v", err)
	}
}

func TestSourcePath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.ToSlash(filepath.Join(wd, "testdata", "notice.txt"))
	for _, p := range []string{"testdata/notice.txt", "./testdata/../testdata/notice.txt", filepath.Join(wd, "testdata", "notice.txt")} {
		if got, err := SourcePath(p); err != nil || got != want {
			t.Errorf("SourcePath(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
}
