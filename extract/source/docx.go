package source

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// readDocx returns the text of a Word document: each paragraph of
// word/document.xml on its own line, tabs and breaks kept, deleted text
// (tracked changes) and field codes left out; and the title from the
// document properties, if set.
func readDocx(b []byte) (text, title string, err error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", "", fmt.Errorf("not a .docx file (%v): %w", err, ErrBinary)
	}
	var body *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			body = f
		case "docProps/core.xml":
			title = coreTitle(f)
		}
	}
	if body == nil {
		return "", "", fmt.Errorf("not a .docx file (no word/document.xml): %w", ErrBinary)
	}
	rc, err := body.Open()
	if err != nil {
		return "", "", fmt.Errorf("docx: %w", err)
	}
	defer rc.Close()
	text, err = docxText(io.LimitReader(rc, 4*MaxFileSize))
	if err != nil {
		return "", "", err
	}
	text, err = finish(text)
	return text, title, err
}

func docxText(r io.Reader) (string, error) {
	d := xml.NewDecoder(r)
	var out, para strings.Builder
	inText := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("docx: word/document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText++
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				para.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText--
			case "p":
				out.WriteString(strings.TrimRight(para.String(), " \t"))
				out.WriteByte('\n')
				para.Reset()
			}
		case xml.CharData:
			if inText > 0 {
				para.Write(t)
			}
		}
	}
	out.WriteString(para.String())
	return out.String(), nil
}

// coreTitle reads dc:title from docProps/core.xml; "" on any problem.
func coreTitle(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	var core struct {
		Title string `xml:"http://purl.org/dc/elements/1.1/ title"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&core); err != nil {
		return ""
	}
	return strings.TrimSpace(core.Title)
}
