package schema

import (
	"context"
	"html"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// chromium finds a Chromium to drive, or skips: CI installs the Debian
// package; a developer machine may not have it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("KG_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (apt-get install chromium, or set KG_CHROMIUM): the query page is not tested in a browser")
	return ""
}

// dumpDOM loads url in headless Chromium, lets its scripts run (virtual
// time runs until the page is idle, fetches included) and returns the DOM.
func dumpDOM(t *testing.T, bin, u string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-dev-shm-usage", "--no-first-run", "--user-data-dir="+t.TempDir(),
		"--virtual-time-budget=15000", "--dump-dom", u)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return string(out)
}

// TestPageInBrowser opens the query page in a real browser with a query in
// the link, and checks that the page ran it against the server and shows
// the answer, and that the schema panel loaded by introspection.
func TestPageInBrowser(t *testing.T) {
	bin := chromium(t)
	f := newFixture(t)
	srv := newTestServer(t, f)
	query := `{ entity(name: "重庆大学") { name relations(types: [RELIES_ON], direction: IN) { from { name } } } }`
	for _, path := range []string{"/", "/graphql"} {
		t.Run(path, func(t *testing.T) {
			u := srv.URL + path + "#run&query=" + url.QueryEscape(query)
			dom := html.UnescapeString(dumpDOM(t, bin, u))
			if !strings.Contains(dom, `id="result" data-state="done"`) {
				i := strings.Index(dom, `id="result"`)
				t.Fatalf("the page did not show a result: %.600s", dom[max(i, 0):])
			}
			for _, want := range []string{`"name": "重庆大学"`, `"name": "两江协同创新区"`, `"name": "国家重点实验室"`, "HTTP 200"} {
				if !strings.Contains(dom, want) {
					t.Errorf("the page does not show %s", want)
				}
			}
			if !strings.Contains(dom, `id="docs" data-state="done"`) || !strings.Contains(dom, "query neighbors(id: ID!") {
				i := strings.Index(dom, `id="docs"`)
				t.Errorf("the schema panel did not load: %.400s", dom[max(i, 0):])
			}
		})
	}
	t.Run("graph view", func(t *testing.T) {
		q := `{ neighbors(id: "国家重点实验室") { asJSON } }`
		dom := dumpDOM(t, bin, srv.URL+"/#run&query="+url.QueryEscape(q))
		if strings.Count(dom, "<circle") != 5 {
			t.Errorf("the graph view drew %d nodes, want 5", strings.Count(dom, "<circle"))
		}
	})
}
