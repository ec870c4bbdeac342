package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// pdftotext is the program that reads PDFs, looked up on PATH.
var pdftotext = "pdftotext"

// readPDF returns the text layer of a PDF through poppler's pdftotext, in
// reading order: plain mode, not -layout, which pads columns with spaces
// that would split Chinese words. Pages are separated by a line end.
func readPDF(ctx context.Context, path string) (string, error) {
	bin, err := exec.LookPath(pdftotext)
	if err != nil {
		return "", ErrNoPdftotext
	}
	// An absolute path cannot be mistaken for an option.
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-q", "-enc", "UTF-8", "-eol", "unix", abs, "-")
	cmd.Stdout = &limitWriter{w: &stdout, n: MaxFileSize}
	cmd.Stderr = &limitWriter{w: &stderr, n: 4 << 10}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("pdftotext failed (not a PDF, damaged or encrypted?): %s", oneLine(msg))
		}
		return "", fmt.Errorf("pdftotext: %w", err)
	}
	text := strings.ReplaceAll(strings.ToValidUTF8(stdout.String(), "\uFFFD"), "\f", "\n")
	text, err = finish(text)
	if errors.Is(err, ErrEmpty) {
		return "", fmt.Errorf("%w (a scanned PDF without a text layer?)", ErrEmpty)
	}
	return text, err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// limitWriter keeps the first n bytes and drops the rest, so a runaway
// child cannot exhaust memory.
type limitWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if k := l.n - l.w.Len(); k > 0 {
		l.w.Write(p[:min(k, len(p))])
	}
	return len(p), nil
}
