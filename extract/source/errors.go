package source

import "errors"

var (
	// ErrUnsupported is returned by Read for a file whose extension is not
	// one of Formats.
	ErrUnsupported = errors.New("source: unsupported file type")

	// ErrEmpty is returned when a file holds no text (empty, or only
	// whitespace once decoded).
	ErrEmpty = errors.New("source: no text")

	// ErrBinary is returned when a file's content is not text: NUL bytes or
	// many control characters after decoding.
	ErrBinary = errors.New("source: binary content, not text")

	// ErrEncoding is returned when a file is neither UTF-8 (or UTF-16 with a
	// byte order mark) nor plausible GB18030.
	ErrEncoding = errors.New("source: unknown text encoding")

	// ErrTooLarge is returned for a file bigger than MaxFileSize.
	ErrTooLarge = errors.New("source: file too large")

	// ErrNoPdftotext is returned for a PDF when pdftotext is not installed.
	ErrNoPdftotext = errors.New("source: reading PDF needs pdftotext from the poppler-utils package (e.g. apt-get install poppler-utils)")
)
