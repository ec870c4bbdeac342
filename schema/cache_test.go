package schema

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestResultCache: a repeated query is answered from the cache, with the
// same bytes; a mutation makes every earlier answer stale; answers with
// errors and mutations are not kept.
func TestResultCache(t *testing.T) {
	f := newFixture(t)
	srv := newTestServer(t, f, WithResultCache(1<<20), WithMutations(f.store, lineIngester{f.store}), WithToken(testToken))
	send := func(t *testing.T, body string, token bool) (status int, cache, answer string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token {
			req.Header.Set("Authorization", "Bearer "+testToken)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("X-Kg-Cache"), string(b)
	}
	q := gqlBody(`query($n: String!) { entity(name: $n) { name aliases } }`, map[string]any{"n": "重庆大学"})
	_, c1, a1 := send(t, q, false)
	_, c2, a2 := send(t, q, false)
	if c1 != "miss" || c2 != "hit" || a1 != a2 {
		t.Fatalf("first %q %s, second %q %s", c1, a1, c2, a2)
	}
	// Other variables are another query.
	if _, c, _ := send(t, gqlBody(`query($n: String!) { entity(name: $n) { name aliases } }`, map[string]any{"n": "重庆"}), false); c != "miss" {
		t.Errorf("other variables: %q", c)
	}
	// Errors are not kept.
	bad := gqlBody(`{ neighbors(id: "不存在") { truncated } }`, nil)
	send(t, bad, false)
	if _, c, _ := send(t, bad, false); c != "" {
		t.Errorf("an answer with errors came from the cache (%q)", c)
	}
	// A mutation makes the cached answer stale.
	if st, c, a := send(t, gqlBody(`mutation { addAlias(id: "重庆大学", alias: "CQU") { name } }`, nil), true); st != 200 || c != "" {
		t.Fatalf("mutation: %d %q %s", st, c, a)
	}
	_, c3, a3 := send(t, q, false)
	if c3 != "miss" || !strings.Contains(a3, "CQU") {
		t.Errorf("after the mutation: %q %s", c3, a3)
	}
}

func TestResultCacheEviction(t *testing.T) {
	c := newResultCache(1600) // entries of at most 100 bytes
	for i := range 20 {
		c.put(fmt.Sprint("k", i), 1, make([]byte, 90)) // 92 bytes with the key
	}
	if c.size > 1600 || c.size < 1500 {
		t.Errorf("size %d, want just under the budget", c.size)
	}
	if c.get("k0", 1) != nil || c.get("k19", 1) == nil {
		t.Error("not least recently used first")
	}
	if c.get("k19", 2) != nil {
		t.Error("an entry of another generation was served")
	}
	c.put("big", 1, make([]byte, 200))
	if c.get("big", 1) != nil {
		t.Error("an entry over a sixteenth of the budget was kept")
	}
}
