package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxFileSize bounds the size of one input file; text documents this big
// are almost certainly not one document.
const MaxFileSize = 256 << 20

// Formats lists the extensions Read understands, without the dot.
var Formats = []string{"txt", "md", "html", "htm", "docx", "pdf"}

// Document is one file, read and decoded.
type Document struct {
	Path     string // the path as given or found by Walk
	Source   string // SourcePath(Path); graph.DocumentID(Source) is its ID
	Format   string // txt, md, html, docx or pdf
	Encoding string // the encoding the bytes were in (utf-8 for docx and pdf)
	Text     string // decoded UTF-8 text with "\n" line ends
	Meta            // title, date and issuer the document states
}

// SourcePath returns the absolute, cleaned, slash-separated form of path:
// the stable name of a file whatever directory kg runs from.
func SourcePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("source: %s: %w", path, err)
	}
	return filepath.ToSlash(abs), nil
}

// Supported reports whether Read understands the file's extension.
func Supported(path string) bool { return format(path) != "" }

func format(path string) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "htm":
		return "html"
	case "txt", "md", "html", "docx", "pdf":
		return ext
	case "markdown", "text":
		return map[string]string{"markdown": "md", "text": "txt"}[ext]
	}
	return ""
}

// hidden reports names Walk skips: dot files, and Office's "~$" lock files.
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")
}

// Walk calls fn for every input file under paths, in order: a file named
// directly is passed as it is (Read rejects an unsupported type); a
// directory is walked recursively in lexical order, skipping hidden files and
// directories and files Read does not support. A path that cannot be read is
// passed to fn with its error. An error returned by fn stops the walk and is
// returned; so is the context's error.
func Walk(ctx context.Context, paths []string, fn func(path string, err error) error) error {
	for _, root := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := os.Stat(root)
		if err != nil {
			if err := fn(root, err); err != nil {
				return err
			}
			continue
		}
		if !fi.IsDir() {
			if err := fn(root, nil); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				if path == root && d == nil {
					return fn(path, err)
				}
				// An unreadable directory or entry: report it, go on.
				if ferr := fn(path, err); ferr != nil {
					return ferr
				}
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if path != root && hidden(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !Supported(path) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
					return nil // a link to a directory or nowhere
				}
			} else if !d.Type().IsRegular() {
				return nil // sockets, devices, pipes
			}
			return fn(path, nil)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Read reads and decodes one file. Errors name the file and wrap one of the
// package's sentinel errors or the file system's.
func Read(ctx context.Context, path string) (*Document, error) {
	doc, err := read(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

func read(ctx context.Context, path string) (*Document, error) {
	f := format(path)
	if f == "" {
		return nil, fmt.Errorf("%w %q (want one of .%s)", ErrUnsupported, filepath.Ext(path), strings.Join(Formats, ", ."))
	}
	src, err := SourcePath(path)
	if err != nil {
		return nil, err
	}
	doc := &Document{Path: path, Source: src, Format: f, Encoding: UTF8}
	var hint string // a title the format states (HTML <title>, docx properties)
	switch f {
	case "pdf":
		doc.Text, err = readPDF(ctx, path)
	default:
		var b []byte
		if b, err = readFile(path); err != nil {
			return nil, err
		}
		switch f {
		case "docx":
			doc.Text, hint, err = readDocx(b)
		case "html":
			doc.Text, doc.Encoding, hint, err = readHTML(b)
		default:
			doc.Text, doc.Encoding, err = Decode(b)
			if f == "md" && err == nil {
				hint = mdTitle(doc.Text)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	doc.Meta = MetaOf(doc.Text, path)
	if hint != "" {
		doc.Title = hint
		if doc.Issuer == "" {
			doc.Issuer = issuerOf(hint, nil, nil)
		}
	}
	if doc.Title == "" {
		doc.Title = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return doc, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, errors.New("is a directory")
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, fi.Size(), MaxFileSize)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%w: limit %d bytes", ErrTooLarge, MaxFileSize)
	}
	return b, nil
}

// mdTitle returns the text of the first ATX heading (# Title) of a
// Markdown text, if it is among the first lines.
func mdTitle(text string) string {
	for _, l := range firstLines(text, headLines) {
		if strings.HasPrefix(l, "#") {
			t := strings.TrimSpace(strings.Trim(strings.TrimLeft(l, "#"), " #"))
			if t != "" {
				return t
			}
		}
	}
	return ""
}
