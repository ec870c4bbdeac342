// Package source reads the documents analysts have (plain text, Markdown,
// HTML, Word .docx and PDF) into decoded UTF-8 text with the metadata the
// text states: title, publication date and issuing body.
//
// Walk lists the files under the paths a user gives, one at a time and in a
// fixed order, so a caller can stream a large directory without holding it in
// memory; Read reads and decodes one file.
//
// Document identity: Source is the absolute, cleaned, slash-separated path of
// the file (SourcePath), and graph.DocumentID(Source) is the document's ID.
// The same file therefore keeps its ID whatever directory kg runs from and
// however the path is spelled (a/../b.txt, ./b.txt); moving or renaming the
// file gives it a new ID.
//
// Decoding: a byte order mark decides (UTF-8, UTF-16 LE/BE); otherwise valid
// UTF-8 is UTF-8, and anything else is tried as GB18030 (a superset of GBK
// and GB2312) and kept only if the result looks like Chinese text. HTML may
// also declare its charset. Line ends are normalised to "\n"; that text is
// what Document.Text holds and what offsets and hashes refer to.
//
// Caveats: PDF needs pdftotext from poppler-utils on PATH. The metadata
// heuristics (see Meta) are tuned to Chinese government documents and return
// "" rather than guess when nothing fits.
package source
