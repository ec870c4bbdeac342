package export

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kg/graph"
)

// SplitTypes parses a comma-separated list of entity types ("platform,
// field"), lower-cased, empty items dropped.
func SplitTypes(s string) []graph.EntityType {
	var out []graph.EntityType
	for _, f := range strings.Split(s, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			out = append(out, graph.EntityType(f))
		}
	}
	return out
}

// SplitRelations parses a comma-separated list of relation types
// ("FOCUSES_ON,located_in"), upper-cased, empty items dropped.
func SplitRelations(s string) []graph.RelationType {
	var out []graph.RelationType
	for _, f := range strings.Split(s, ",") {
		if f = strings.ToUpper(strings.TrimSpace(f)); f != "" {
			out = append(out, graph.RelationType(f))
		}
	}
	return out
}

// ParseQuery reads an export request from URL query parameters, the same
// selection as the kg export command's flags: format (required), types,
// relations, min_weight, top, doc, since, until, around, depth, limit,
// layout (default true), dynamic, size (mentions or degree). Errors wrap
// graph.ErrInvalid.
func ParseQuery(q url.Values) (Format, Options, error) {
	var opts Options
	f, err := ParseFormat(q.Get("format"))
	if err != nil {
		return "", opts, err
	}
	s := &opts.Select
	s.Types = SplitTypes(q.Get("types"))
	s.Relations = SplitRelations(q.Get("relations"))
	s.Doc = q.Get("doc")
	s.Since, s.Until = q.Get("since"), q.Get("until")
	s.Around = q.Get("around")
	ints := []struct {
		name string
		dst  *int
	}{{"top", &s.Top}, {"depth", &s.Depth}, {"limit", &s.Limit}}
	for _, p := range ints {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return "", opts, fmt.Errorf("%w: %s=%q is not an integer", graph.ErrInvalid, p.name, v)
			}
			*p.dst = n
		}
	}
	mw := q.Get("min_weight")
	if mw == "" {
		mw = q.Get("minWeight")
	}
	if mw != "" {
		if s.MinWeight, err = strconv.ParseFloat(mw, 64); err != nil {
			return "", opts, fmt.Errorf("%w: min_weight=%q is not a number", graph.ErrInvalid, mw)
		}
	}
	bools := []struct {
		name string
		dst  *bool
		def  bool
	}{{"layout", &opts.Layout, true}, {"dynamic", &opts.Dynamic, false}}
	for _, p := range bools {
		*p.dst = p.def
		if v := q.Get(p.name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return "", opts, fmt.Errorf("%w: %s=%q is not true or false", graph.ErrInvalid, p.name, v)
			}
			*p.dst = b
		}
	}
	switch SizeBy(q.Get("size")) {
	case "", SizeMentions:
		opts.Size = SizeMentions
	case SizeDegree:
		opts.Size = SizeDegree
	default:
		return "", opts, fmt.Errorf("%w: size=%q, want mentions or degree", graph.ErrInvalid, q.Get("size"))
	}
	if err := s.Validate(); err != nil {
		return "", opts, err
	}
	return f, opts, nil
}

// Handler serves GET /export?format=...&... (see ParseQuery) from a
// Reader: the export streams with the format's content type and a
// Content-Disposition download name. A bad request is 400 and an unknown
// doc or around entity 404, as plain text. An error after the first byte
// aborts the connection, so that a client never takes a truncated export
// for a whole one.
type Handler struct {
	r graph.Reader
}

// NewHandler returns a Handler reading from r.
func NewHandler(r graph.Reader) *Handler { return &Handler{r: r} }

func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "export: use GET", http.StatusMethodNotAllowed)
		return
	}
	f, opts, err := ParseQuery(req.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.ContentType())
	hdr.Set("Content-Disposition", `attachment; filename="`+f.FileName()+`"`)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if req.Method == http.MethodHead {
		return
	}
	cw := &countingWriter{w: w}
	err = Export(req.Context(), h.r, cw, f, opts)
	if err == nil {
		return
	}
	if cw.n > 0 {
		// Headers and part of the body are gone; only cutting the
		// connection tells the client the file is incomplete.
		panic(http.ErrAbortHandler)
	}
	hdr.Del("Content-Disposition")
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, graph.ErrInvalid):
		status = http.StatusBadRequest
	case errors.Is(err, graph.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, req.Context().Err()) && req.Context().Err() != nil:
		return // the client went away
	}
	http.Error(w, err.Error(), status)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
