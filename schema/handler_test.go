package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kg/graph"
	"kg/graph/badgerstore"
)

const testToken = "s3cret-token"

// lineIngester stands in for the extractor, which lives in cmd/kg (the
// schema package must not import it): each line "type name" of the text
// is an entity, and consecutive entities are joined by CO_OCCURS. It
// writes through the real store.
type lineIngester struct{ st *badgerstore.Store }

func (li lineIngester) Ingest(ctx context.Context, text, title, date, source string) (string, error) {
	if source == "" {
		source = "inline:" + title
	}
	c := graph.Contribution{Doc: graph.Document{ID: graph.DocumentID(source), Title: title, Date: date, Source: source, Hash: strings.Repeat("c", 64), Size: int64(len([]rune(text)))}}
	var prev string
	for i, line := range strings.Split(strings.TrimSpace(text), "\n") {
		typ, name, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			return "", fmt.Errorf("%w: line %d is not \"type name\"", graph.ErrInvalid, i+1)
		}
		ec := graph.EntityContribution{Type: graph.EntityType(typ), Name: name, Spans: []graph.Span{{Start: i, End: i + 1}}}
		c.Entities = append(c.Entities, ec)
		if prev != "" && prev != ec.ID() {
			a, b := prev, ec.ID()
			if b < a {
				a, b = b, a
			}
			c.Relations = append(c.Relations, graph.RelationContribution{From: a, To: b, Type: graph.CoOccurs, Weight: 1,
				Evidence: []graph.Evidence{{Sentence: line, Start: i, End: i + 1, Rule: "test"}}})
		}
		prev = ec.ID()
	}
	if err := li.st.Apply(ctx, &c); err != nil {
		return "", err
	}
	return c.Doc.ID, nil
}

func newTestServer(t testing.TB, f *fixture, opts ...Option) *httptest.Server {
	t.Helper()
	h, err := NewHandler(f.store, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

type httpCase struct {
	name    string
	method  string
	path    string
	header  map[string]string
	body    string
	status  int
	code    string // extensions.code of the first error, "" for none
	check   func(t *testing.T, resp *http.Response, body []byte)
	noJSON  bool // the answer is not a JSON GraphQL response
	timeout time.Duration
}

func (tc httpCase) run(t *testing.T, srv *httptest.Server) {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, srv.URL+tc.path, strings.NewReader(tc.body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range tc.header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != tc.status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
	}
	if !tc.noJSON && len(body) > 0 {
		var r result
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, body)
		}
		if r.code() != tc.code {
			t.Fatalf("code %q, want %q; body %s", r.code(), tc.code, body)
		}
	}
	if tc.check != nil {
		tc.check(t, resp, body)
	}
}

func gqlBody(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

func TestHandler(t *testing.T) {
	f := newFixture(t)
	srv := newTestServer(t, f, WithLimits(Limits{MaxBodyBytes: 2048, MaxBatch: 3}), WithCORSOrigins("http://allowed.example"))
	contains := func(s string) func(t *testing.T, resp *http.Response, body []byte) {
		return func(t *testing.T, resp *http.Response, body []byte) {
			t.Helper()
			if !strings.Contains(string(body), s) {
				t.Errorf("answer does not contain %q: %.300s", s, body)
			}
		}
	}
	header := func(k, want string) func(t *testing.T, resp *http.Response, body []byte) {
		return func(t *testing.T, resp *http.Response, body []byte) {
			t.Helper()
			if got := resp.Header.Get(k); got != want {
				t.Errorf("header %s = %q, want %q", k, got, want)
			}
		}
	}
	q := url.QueryEscape
	tests := []httpCase{
		{name: "POST query", path: "/graphql", body: gqlBody(`{ entity(name: "重庆大学") { name } }`, nil), status: 200, check: contains(`"name":"重庆大学"`)},
		{name: "POST with variables", path: "/graphql", body: gqlBody(`query($n: String!) { entity(name: $n) { type } }`, map[string]any{"n": "重庆"}), status: 200, check: contains(`"type":"REGION"`)},
		{name: "POST variables as a string", path: "/graphql", body: `{"query":"query($n: String!) { entity(name: $n) { type } }","variables":"{\"n\":\"重庆\"}"}`, status: 200, check: contains(`"type":"REGION"`)},
		{name: "POST application/graphql", path: "/graphql", header: map[string]string{"Content-Type": "application/graphql"}, body: `{ stats { documents } }`, status: 200, check: contains(`"documents":2`)},
		{name: "GET query", method: "GET", path: "/graphql?query=" + q(`{ stats { documents } }`), status: 200, check: contains(`"documents":2`)},
		{name: "GET with variables", method: "GET", path: "/graphql?query=" + q(`query($n: String!) { entity(name: $n) { name } }`) + "&variables=" + q(`{"n":"重大"}`), status: 200, check: contains(`"name":"重庆大学"`)},
		{name: "GET mutation refused", method: "GET", path: "/graphql?query=" + q(`mutation { deleteDocument(id: "x") }`), status: 405, code: CodeForbidden},
		{name: "GET without query", method: "GET", path: "/graphql", status: 400, code: CodeBadInput},
		{name: "GET malformed variables", method: "GET", path: "/graphql?query=" + q(`{ stats { documents } }`) + "&variables=" + q(`{"n":`), status: 400, code: CodeBadInput},
		{name: "page for browsers", method: "GET", path: "/graphql", header: map[string]string{"Accept": "text/html,application/xhtml+xml"}, status: 200, noJSON: true, check: func(t *testing.T, resp *http.Response, body []byte) {
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<textarea id=\"query\"")) {
				t.Errorf("not the query page: %s %.100s", resp.Header.Get("Content-Type"), body)
			}
			for _, ext := range []string{"src=\"http", "href=\"http", "cdn"} {
				if bytes.Contains(bytes.ToLower(body), []byte(ext)) {
					t.Errorf("the page loads something from elsewhere (%s)", ext)
				}
			}
		}},
		{name: "page at the root", method: "GET", path: "/", status: 200, noJSON: true, check: contains("kg GraphQL")},
		{name: "healthz", method: "GET", path: "/healthz", status: 200, check: contains(`"status":"ok"`)},
		{name: "unknown path", method: "GET", path: "/nope", status: 404, code: CodeNotFound},
		{name: "PUT", method: "PUT", path: "/graphql", body: "{}", status: 405, code: CodeBadInput, check: header("Allow", "GET, POST, OPTIONS")},
		{name: "malformed JSON", path: "/graphql", body: `{"query": "{ stats { documents } }"`, status: 400, code: CodeBadInput},
		{name: "JSON that is not an object", path: "/graphql", body: `"hello"`, status: 400, code: CodeBadInput},
		{name: "no query", path: "/graphql", body: `{"variables": {}}`, status: 400, code: CodeBadInput},
		{name: "trailing data", path: "/graphql", body: `{"query": "{ stats { documents } }"} {}`, status: 400, code: CodeBadInput},
		{name: "variables not an object", path: "/graphql", body: `{"query": "{ stats { documents } }", "variables": [1]}`, status: 400, code: CodeBadInput},
		{name: "wrong content type", path: "/graphql", header: map[string]string{"Content-Type": "text/plain"}, body: gqlBody(`{ stats { documents } }`, nil), status: 415, code: CodeBadInput},
		{name: "body too large", path: "/graphql", body: gqlBody(`{ stats { documents } }`+strings.Repeat(" ", 3000), nil), status: 413, code: CodeLimit},
		{name: "syntax error", path: "/graphql", body: gqlBody(`{ stats { `, nil), status: 400, code: CodeBadInput},
		{name: "not found inside a query is 200", path: "/graphql", body: gqlBody(`{ neighbors(id: "e0000000000000000") { truncated } }`, nil), status: 200, code: CodeNotFound, check: contains(`"data":null`)},
		{name: "batch", path: "/graphql", body: `[{"query":"{ stats { documents } }"},{"query":"{ entity(name: \"重庆\") { type } }"},{"query":"{ x"}]`, status: 200, noJSON: true, check: func(t *testing.T, resp *http.Response, body []byte) {
			var rs []result
			if err := json.Unmarshal(body, &rs); err != nil || len(rs) != 3 {
				t.Fatalf("batch answer %s: %v", body, err)
			}
			if rs[0].code() != "" || rs[1].code() != "" || rs[2].code() != CodeBadInput {
				t.Errorf("batch codes %q %q %q", rs[0].code(), rs[1].code(), rs[2].code())
			}
		}},
		{name: "batch too large", path: "/graphql", body: `[{"query":"{ stats { documents } }"},{"query":"{ stats { documents } }"},{"query":"{ stats { documents } }"},{"query":"{ stats { documents } }"}]`, status: 400, code: CodeLimit},
		{name: "empty batch", path: "/graphql", body: `[]`, status: 400, code: CodeBadInput},
		{name: "mutation without a token configured", path: "/graphql", body: gqlBody(`mutation { deleteDocument(id: "x") }`, nil), status: 403, code: CodeForbidden},
		{name: "CORS allowed origin", path: "/graphql", header: map[string]string{"Origin": "http://allowed.example"}, body: gqlBody(`{ stats { documents } }`, nil), status: 200, check: header("Access-Control-Allow-Origin", "http://allowed.example")},
		{name: "CORS other origin gets no header", path: "/graphql", header: map[string]string{"Origin": "http://evil.example"}, body: gqlBody(`{ stats { documents } }`, nil), status: 200, check: header("Access-Control-Allow-Origin", "")},
		{name: "CORS preflight allowed", method: "OPTIONS", path: "/graphql", header: map[string]string{"Origin": "http://allowed.example", "Access-Control-Request-Method": "POST"}, status: 204, check: header("Access-Control-Allow-Headers", "Content-Type, Authorization")},
		{name: "CORS preflight refused", method: "OPTIONS", path: "/graphql", header: map[string]string{"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}, status: 403, code: CodeForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, srv) })
	}
}

// TestMutations drives the mutations over HTTP with and without the token,
// and checks that merges and aliases survive re-ingest of the documents.
func TestMutations(t *testing.T) {
	f := newFixture(t)
	srv := newTestServer(t, f, WithMutations(f.store, lineIngester{f.store}), WithToken(testToken))
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	post := func(t *testing.T, query string, vars map[string]any) *result {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(gqlBody(query, vars)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r result
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		r.status = resp.StatusCode
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", query, r.Errors)
		}
		return &r
	}
	refusals := []httpCase{
		{name: "no token", path: "/graphql", body: gqlBody(`mutation { addAlias(id: "重庆大学", alias: "CQU") { name } }`, nil), status: 401, code: CodeUnauthenticated, check: func(t *testing.T, resp *http.Response, _ []byte) {
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate header")
			}
		}},
		{name: "wrong token", path: "/graphql", header: map[string]string{"Authorization": "Bearer wrong"}, body: gqlBody(`mutation { addAlias(id: "重庆大学", alias: "CQU") { name } }`, nil), status: 401, code: CodeUnauthenticated},
		{name: "token prefix", path: "/graphql", header: map[string]string{"Authorization": "Bearer " + testToken[:4]}, body: gqlBody(`mutation { addAlias(id: "重庆大学", alias: "CQU") { name } }`, nil), status: 401, code: CodeUnauthenticated},
		{name: "basic auth", path: "/graphql", header: map[string]string{"Authorization": "Basic " + testToken}, body: gqlBody(`mutation { addAlias(id: "重庆大学", alias: "CQU") { name } }`, nil), status: 401, code: CodeUnauthenticated},
		{name: "queries need no token", path: "/graphql", body: gqlBody(`{ stats { documents } }`, nil), status: 200},
		{name: "GET mutation with the token", method: "GET", header: auth, path: "/graphql?query=" + url.QueryEscape(`mutation { deleteDocument(id: "x") }`), status: 405, code: CodeForbidden},
		{name: "bad date", path: "/graphql", header: auth, body: gqlBody(`mutation { ingest(text: "field 脑科学", date: "2024-13-01") { id } }`, nil), status: 200, code: CodeBadInput},
		{name: "empty text", path: "/graphql", header: auth, body: gqlBody(`mutation { ingest(text: " ") { id } }`, nil), status: 200, code: CodeBadInput},
		{name: "merge into itself", path: "/graphql", header: auth, body: gqlBody(`mutation { mergeEntities(into: "重庆大学", from: ["重大"]) { id } }`, nil), status: 200, code: CodeBadInput},
		{name: "delete unknown document", path: "/graphql", header: auth, body: gqlBody(`mutation { deleteDocument(id: "nope") }`, nil), status: 200, code: CodeNotFound},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, srv) })
	}
	if r := post(t, `{ entity(name: "CQU") { id } }`, nil); get(r.Data, "entity") != nil {
		t.Fatal("a refused mutation changed the graph")
	}

	t.Run("addAlias", func(t *testing.T) {
		r := post(t, `mutation { addAlias(id: "重庆大学", alias: "CQU") { name aliases } }`, nil)
		if got := fmt.Sprint(get(r.Data, "addAlias.aliases")); !strings.Contains(got, "CQU") {
			t.Errorf("aliases %s", got)
		}
		if r := post(t, `{ entity(name: "cqu") { name } }`, nil); get(r.Data, "entity.name") != "重庆大学" {
			t.Errorf("entity(name: cqu) = %v", r.Data)
		}
	})
	t.Run("mergeEntities", func(t *testing.T) {
		r := post(t, `mutation { mergeEntities(into: "国家重点实验室", from: ["国家技术创新中心"]) { name aliases mentionCount } }`, nil)
		if got := fmt.Sprint(get(r.Data, "mergeEntities.aliases")); !strings.Contains(got, "国家技术创新中心") {
			t.Errorf("aliases after merge %s", got)
		}
		r = post(t, `{ entity(name: "国家重点实验室") { relations(types: [FOCUSES_ON]) { to { name } } } }`, nil)
		if got := strs(r.Data, "entity.relations", "to.name"); !contains(got, "集成电路") {
			t.Errorf("merged entity's relations %q lack 集成电路", got)
		}
	})
	t.Run("survive re-ingest", func(t *testing.T) {
		for i := range f.docs {
			if err := f.store.Apply(context.Background(), &f.docs[i]); err != nil {
				t.Fatal(err)
			}
		}
		r := post(t, `{ a: entity(name: "CQU") { name } b: entity(name: "国家技术创新中心") { name } }`, nil)
		if get(r.Data, "a.name") != "重庆大学" || get(r.Data, "b.name") != "国家重点实验室" {
			t.Errorf("after re-ingest: %v", r.Data)
		}
	})
	t.Run("ingest and delete", func(t *testing.T) {
		r := post(t, `mutation($t: String!) { ingest(text: $t, title: "新文件", date: "2025-03-05", source: "new.txt") { id title date } }`,
			map[string]any{"t": "platform 新型研发机构\nfield 人工智能"})
		id, _ := get(r.Data, "ingest.id").(string)
		if id == "" || get(r.Data, "ingest.date") != "2025-03-05" {
			t.Fatalf("ingest answered %v", r.Data)
		}
		r = post(t, `{ relations(from: "新型研发机构", to: "人工智能") { type evidence { document { title } } } }`, nil)
		if get(r.Data, "relations.0.evidence.0.document.title") != "新文件" {
			t.Errorf("ingested relation: %v", r.Data)
		}
		post(t, `mutation($id: ID!) { deleteDocument(id: $id) }`, map[string]any{"id": id})
		if r := post(t, `{ entity(name: "新型研发机构") { id } }`, nil); get(r.Data, "entity") != nil {
			t.Errorf("entity still there after delete: %v", r.Data)
		}
	})
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestConcurrentQueriesDuringIngest runs queries from several clients while
// documents are ingested and deleted through the API (run with -race).
func TestConcurrentQueriesDuringIngest(t *testing.T) {
	f := newFixture(t)
	srv := newTestServer(t, f, WithMutations(f.store, lineIngester{f.store}), WithToken(testToken))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	send := func(body string, token bool) (*result, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token {
			req.Header.Set("Authorization", "Bearer "+testToken)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var r result
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			return nil, err
		}
		if resp.StatusCode != 200 || len(r.Errors) > 0 {
			return nil, fmt.Errorf("status %d: %+v", resp.StatusCode, r.Errors)
		}
		return &r, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	queries := []string{
		`{ neighbors(id: "国家重点实验室", depth: 2) { nodes { name } relations { type from { id } to { id } } } }`,
		`{ paths(from: "两江协同创新区", to: "集成电路") { length } }`,
		`{ entities(first: 50) { nodes { name mentionCount } } stats { entities } }`,
		`{ search(text: "研发") { name relations { type } } }`,
	}
	const writes = 10
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < writes; i++ {
			body := gqlBody(`mutation($t: String!, $s: String!) { ingest(text: $t, source: $s) { id } }`,
				map[string]any{"t": fmt.Sprintf("platform 研发平台%d\nfield 脑科学\ninstitution 重庆大学", i), "s": fmt.Sprintf("doc%d.txt", i%3)})
			if _, err := send(body, true); err != nil {
				errs <- fmt.Errorf("ingest %d: %w", i, err)
				return
			}
		}
	}()
	var reads sync.WaitGroup
	done := make(chan struct{})
	for c := 0; c < 4; c++ {
		reads.Add(1)
		go func(c int) {
			defer reads.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				r, err := send(gqlBody(queries[(c+i)%len(queries)], nil), false)
				if err != nil {
					errs <- fmt.Errorf("client %d query %d: %w", c, i, err)
					return
				}
				if sg, ok := get(r.Data, "neighbors").(map[string]any); ok {
					ids := map[string]bool{}
					for _, id := range strs(sg, "nodes", "name") {
						ids[id] = true
					}
					if len(ids) == 0 {
						errs <- fmt.Errorf("client %d: empty neighbourhood", c)
						return
					}
				}
			}
		}(c)
	}
	wg.Wait()
	close(done)
	reads.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r, err := send(gqlBody(`{ search(text: "研发平台") { name } }`, nil), false)
	if err != nil {
		t.Fatal(err)
	}
	// Sources doc0..doc2 were re-ingested in turn; the last three
	// versions hold 研发平台7, 8 and 9.
	got := strs(r.Data, "search", "name")
	if len(got) != 3 {
		t.Errorf("after the ingests: %q, want the three latest platforms", got)
	}
}
