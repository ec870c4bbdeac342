package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kg/seeds"
)

// syncBuffer is a bytes.Buffer that a running command and a test may use at
// once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// sampleGraphStore ingests the embedded sample corpus with the real
// extractor into a new store and returns its directory, closed.
func sampleGraphStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	st, err := openStore(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	x, closeX, err := newExtractor()
	if err != nil {
		t.Fatal(err)
	}
	defer closeX()
	if n, err := ingestSamples(context.Background(), &textIngester{st: st, x: x}, seeds.Corpus()); err != nil || n != 6 {
		t.Fatalf("ingest the samples: %d, %v", n, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// running is a kg command running in the background.
type running struct {
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan int
}

func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	e := &env{stdin: strings.NewReader(""), stdout: r.stdout, stderr: r.stderr, getenv: func(string) string { return "" }}
	go func() { r.done <- runEnv(ctx, e, args) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			t.Error("the command did not stop")
		}
	})
	return r
}

var urlPattern = regexp.MustCompile(`http://127\.0\.0\.1:\d+/graphql`)

// url waits for the command to print its GraphQL URL.
func (r *running) url(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if u := urlPattern.FindString(r.stderr.String() + r.stdout.String()); u != "" {
			return u
		}
		select {
		case code := <-r.done:
			t.Fatalf("the command exited with %d: %s", code, r.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no URL printed: %s", r.stderr)
	return ""
}

// stop cancels the command (as SIGINT does) and returns its exit code.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(20 * time.Second):
		t.Fatal("the command did not stop within 20s")
	}
	return -1
}

type gqlResult struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
}

func (r *gqlResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func post(t *testing.T, url, token, query string, vars map[string]any) *gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r gqlResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("answer is not JSON: %s", b)
	}
	r.status = resp.StatusCode
	return &r
}

// must fails the test when the answer has errors.
func (r *gqlResult) must(t *testing.T) *gqlResult {
	t.Helper()
	if len(r.Errors) > 0 || r.status != 200 {
		t.Fatalf("status %d, errors %+v", r.status, r.Errors)
	}
	return r
}

// at walks a decoded answer along a dotted path; numbers index lists.
func jsonAt(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func names(v any, path, field string) []string {
	l, _ := jsonAt(v, path).([]any)
	var out []string
	for _, e := range l {
		out = append(out, fmt.Sprint(jsonAt(e, field)))
	}
	return out
}

func has(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestServe runs kg serve on the sample graph with a token and drives it
// over real HTTP: queries, the ingest mutation through the real extractor,
// curation that survives re-ingest, refusals, and shutdown on cancel.
func TestServe(t *testing.T) {
	db := sampleGraphStore(t)
	token := "token-for-the-serve-test-0123456789"
	tf := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tf, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := start(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--token-file", tf, "--cors-origin", "http://localhost:3000")
	u := r.url(t)
	base := strings.TrimSuffix(u, "graphql")

	t.Run("healthz", func(t *testing.T) {
		resp, err := http.Get(base + "healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("healthz %d", resp.StatusCode)
		}
	})
	t.Run("the seed document's national key laboratories", func(t *testing.T) {
		// 000_ad5bc89167431ed4: 国家重点实验室 FOCUSES_ON 脑科学, 量子科技, 智能计算 (gold).
		res := post(t, u, "", `{ entity(name: "国家重点实验室") { type relations(types: [FOCUSES_ON], direction: OUT, first: 100) { to { name } } } }`, nil).must(t)
		got := names(res.Data, "entity.relations", "to.name")
		for _, want := range []string{"脑科学", "量子科技", "智能计算"} {
			if !has(got, want) {
				t.Errorf("国家重点实验室 FOCUSES_ON %q, want %s among them", got, want)
			}
		}
	})
	t.Run("unauthenticated mutation", func(t *testing.T) {
		res := post(t, u, "", `mutation { addAlias(id: "重庆大学", alias: "渝大") { name } }`, nil)
		if res.status != 401 || res.code() != "UNAUTHENTICATED" {
			t.Errorf("status %d code %q", res.status, res.code())
		}
	})

	text := "关于支持科技创新的通知\n\n支持重庆大学建设国家重点实验室，聚焦脑科学和集成电路研究。\n"
	ingest := func(t *testing.T) string {
		res := post(t, u, token, `mutation($t: String!) { ingest(text: $t, source: "notice.txt", date: "2025-06-01") { id title date } }`, map[string]any{"t": text}).must(t)
		if jsonAt(res.Data, "ingest.date") != "2025-06-01" {
			t.Errorf("ingested document %v", res.Data)
		}
		id, _ := jsonAt(res.Data, "ingest.id").(string)
		return id
	}
	var docID string
	t.Run("ingest", func(t *testing.T) {
		docID = ingest(t)
		res := post(t, u, "", `query($id: ID!) { document(id: $id) { title } }`, map[string]any{"id": docID}).must(t)
		if jsonAt(res.Data, "document.title") != "关于支持科技创新的通知" {
			t.Errorf("title read from the text: %v", res.Data)
		}
	})
	t.Run("curation survives re-ingest", func(t *testing.T) {
		post(t, u, token, `mutation { addAlias(id: "重庆大学", alias: "渝大") { name } }`, nil).must(t)
		res := post(t, u, "", `{ a: entity(name: "国家实验室") { id } b: entity(name: "国家重点实验室") { id } }`, nil).must(t)
		from, into := jsonAt(res.Data, "a.id"), jsonAt(res.Data, "b.id")
		if from == nil || into == nil {
			t.Fatalf("the sample graph lacks 国家实验室 or 国家重点实验室: %v", res.Data)
		}
		post(t, u, token, `mutation($i: ID!, $f: ID!) { mergeEntities(into: $i, from: [$f]) { id } }`, map[string]any{"i": into, "f": from}).must(t)

		// Re-ingest the posted notice and the seed document that names 国家实验室.
		ingest(t)
		seed, err := fs.ReadFile(seeds.Corpus(), "000_ad5bc89167431ed4.txt")
		if err != nil {
			t.Fatal(err)
		}
		post(t, u, token, `mutation($t: String!) { ingest(text: $t, source: "seeds/corpus/000_ad5bc89167431ed4.txt") { id } }`, map[string]any{"t": string(seed)}).must(t)

		res = post(t, u, "", `query($f: ID!) { alias: entity(name: "渝大") { name } merged: entity(name: "国家实验室") { id } gone: entity(id: $f) { id } }`, map[string]any{"f": from}).must(t)
		if jsonAt(res.Data, "alias.name") != "重庆大学" {
			t.Errorf("alias after re-ingest: %v", res.Data["alias"])
		}
		if jsonAt(res.Data, "merged.id") != into || res.Data["gone"] != nil {
			t.Errorf("merge after re-ingest: %v", res.Data)
		}
	})
	t.Run("delete", func(t *testing.T) {
		post(t, u, token, `mutation($id: ID!) { deleteDocument(id: $id) }`, map[string]any{"id": docID}).must(t)
		res := post(t, u, "", `query($id: ID!) { document(id: $id) { id } }`, map[string]any{"id": docID}).must(t)
		if res.Data["document"] != nil {
			t.Error("the document is still there")
		}
	})
	t.Run("CORS", func(t *testing.T) {
		req, _ := http.NewRequest("OPTIONS", u, nil)
		req.Header.Set("Origin", "http://localhost:3000")
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
			t.Errorf("preflight: %d %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})

	if code := r.stop(t); code != exitOK {
		t.Fatalf("exit %d: %s", code, r.stderr)
	}
	if !strings.Contains(r.stderr.String(), "kg: stopped") {
		t.Errorf("stderr: %s", r.stderr)
	}
	// The store was closed: it opens again.
	st, err := openStore(context.Background(), db, false)
	if err != nil {
		t.Fatalf("store after shutdown: %v", err)
	}
	st.Close()
}

// TestServeReadOnly serves without a token: the store is shared with
// kg query, and mutations are refused.
func TestServeReadOnly(t *testing.T) {
	db := sampleGraphStore(t)
	r := start(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--cache-mb", "8")
	u := r.url(t)
	for i := 0; i < 2; i++ {
		res := post(t, u, "", `{ entity(name: "国家重点实验室") { type } }`, nil).must(t)
		if jsonAt(res.Data, "entity.type") != "PLATFORM" {
			t.Errorf("answer %d with the cache: %v", i, res.Data)
		}
	}
	if res := post(t, u, "", `mutation { deleteDocument(id: "x") }`, nil); res.status != 403 || res.code() != "FORBIDDEN" {
		t.Errorf("mutation: %d %q", res.status, res.code())
	}
	code, out, errOut := kg(t, "query", "--db", db, "{ stats { documents } }")
	if code != exitOK || !strings.Contains(out, `"documents": 6`) {
		t.Errorf("kg query beside kg serve: exit %d, %s %s", code, out, errOut)
	}
	if code := r.stop(t); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestServeFlags(t *testing.T) {
	db := testStore(t)
	short := filepath.Join(t.TempDir(), "short")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"serve", "--db", db, "--nope"}, exitUsage, "flag provided but not defined"},
		{"argument", []string{"serve", "--db", db, "extra"}, exitUsage, "unexpected argument"},
		{"short token", []string{"serve", "--db", db, "--token-file", short}, exitUsage, "shorter than 16"},
		{"missing token file", []string{"serve", "--db", db, "--token-file", filepath.Join(t.TempDir(), "none")}, exitFailed, "token file"},
		{"bad address", []string{"serve", "--db", db, "--addr", "127.0.0.1:99999"}, exitFailed, "listen on"},
		{"no store", []string{"serve", "--db", filepath.Join(t.TempDir(), "none"), "--addr", "127.0.0.1:0"}, exitFailed, "no kg store"},
		{"bad timeout", []string{"serve", "--db", db, "--timeout", "0s"}, exitUsage, "must be positive"},
		{"cache on Dgraph", []string{"serve", "--db", "dgraph:127.0.0.1:9080", "--cache-mb", "8"}, exitUsage, "needs a Badger store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := kg(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}

// TestServeSlowClient: a client that sends half a request header is cut
// off by the server's header timeout instead of holding a connection.
func TestServeSlowClient(t *testing.T) {
	r := start(t, "serve", "--db", testStore(t), "--addr", "127.0.0.1:0")
	u := r.url(t)
	host := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/graphql")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /graphql HTTP/1.1\r\nHost: kg\r\nContent-Type: application/json\r\n"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server still held the connection after %v", time.Since(start))
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the connection was closed after %v", d)
	}
}
