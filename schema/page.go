package schema

import (
	_ "embed"
	"net/http"
)

// page is the query page served to browsers: a self-contained HTML file
// (no scripts or styles from elsewhere), so it works on machines without
// network access. It takes the query from the URL fragment
// (#query=...&variables=...&run) so that links can share a query.
//
//go:embed page.html
var page []byte

func servePage(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(page)
}
