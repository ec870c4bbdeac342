package schema

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzHandler sends arbitrary bodies (as JSON POST, as a bare GraphQL POST
// and as a GET query) to the handler over the fixture graph. Whatever the
// input, the answer is a JSON GraphQL response with a status below 500 and
// every error carries a code, within the request timeout. Seeds are in
// testdata/fuzz/FuzzHandler.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ stats { documents } }"}`,
		`{"query":"{ neighbors(id: \"国家重点实验室\", depth: 2) { nodes { name } asJSON } }"}`,
		`{"query":"query($n:Int){ search(text:\"国\", first:$n){ name } }","variables":{"n":-5}}`,
		`{"query":"{ paths(from:\"两江协同创新区\", to:\"集成电路\"){ length } }"}`,
		`[{"query":"{ stats { documents } }"},{"query":"{"}]`,
		`{"query":"{ a:__schema{types{fields{type{fields{type{name}}}}}} }"}`,
		`{"query":"fragment A on Query { ...A } { ...A }"}`,
		`{"query":"{ entity(name:\"\\u0000\") { id } }"}`,
		`{"query": 5}`,
		`{"variables":"{"}`,
		`{ entity(id: "x") { relations { from { relations { to { name } } } } } }`,
	} {
		f.Add(s)
	}
	fx := newFixture(f)
	h, err := NewHandler(fx.store, WithLimits(Limits{Timeout: 500 * time.Millisecond}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		reqs := []*http.Request{
			httptest.NewRequest("POST", "/graphql", strings.NewReader(body)),
			httptest.NewRequest("POST", "/graphql", strings.NewReader(body)),
			httptest.NewRequest("GET", "/graphql?query="+url.QueryEscape(body), nil),
		}
		reqs[0].Header.Set("Content-Type", "application/json")
		reqs[1].Header.Set("Content-Type", "application/graphql")
		for _, req := range reqs {
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, req)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s took %v", req.Method, d)
			}
			if rec.Code >= 500 {
				t.Fatalf("%s %q: status %d: %s", req.Method, body, rec.Code, rec.Body)
			}
			checkAnswer(t, rec.Body.Bytes())
		}
	})
}

// checkAnswer checks that b is a GraphQL response (or a batch of them)
// whose errors all carry a code.
func checkAnswer(t *testing.T, b []byte) {
	t.Helper()
	var many []map[string]json.RawMessage
	var one map[string]json.RawMessage
	if err := json.Unmarshal(b, &one); err == nil {
		many = append(many, one)
	} else if err := json.Unmarshal(b, &many); err != nil {
		t.Fatalf("answer is not JSON: %v: %.200s", err, b)
	}
	for _, m := range many {
		if _, ok := m["errors"]; !ok {
			if _, ok := m["data"]; !ok {
				t.Fatalf("answer has neither data nor errors: %.200s", b)
			}
			continue
		}
		var errs []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		}
		if err := json.Unmarshal(m["errors"], &errs); err != nil {
			t.Fatalf("errors: %v", err)
		}
		for _, e := range errs {
			if e.Extensions.Code == "" {
				t.Errorf("an error without a code: %.300s", b)
			}
		}
	}
}
