package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuery(t *testing.T) {
	db := sampleGraphStore(t)
	qf := filepath.Join(t.TempDir(), "q.graphql")
	os.WriteFile(qf, []byte(`{ stats { documents } }`), 0o644)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string // substrings of stdout
		stderr string
	}{
		{name: "fields of the national key laboratories", args: []string{"query", "--db", db, `{ entity(name: "国家重点实验室") { relations(types: [FOCUSES_ON], direction: OUT, first: 100) { to { name } } } }`}, stdout: []string{`"name": "脑科学"`, `"name": "量子科技"`}},
		{name: "variables", args: []string{"query", "--db", db, "-var", "n=西部科学城", "-var", "k=5", `query($n: String!, $k: Int) { entity(name: $n) { name relations(first: $k) { type } } }`}, stdout: []string{`"name": "西部(重庆)科学城"`}},
		{name: "query from a file", args: []string{"query", "--db", db, "--compact", "@" + qf}, stdout: []string{`{"data":{"stats":{"documents":6}}}`}},
		{name: "query from stdin", args: []string{"query", "--db", db, "-"}, stdin: `{ stats { documents } }`, stdout: []string{`"documents": 6`}},
		{name: "syntax error", args: []string{"query", "--db", db, `{ stats { `}, code: exitFailed, stdout: []string{`"code": "BAD_INPUT"`}, stderr: "kg query: BAD_INPUT: Syntax Error"},
		{name: "not found", args: []string{"query", "--db", db, `{ neighbors(id: "不存在的实体") { truncated } }`}, code: exitFailed, stdout: []string{`"data": null`}, stderr: "kg query: NOT_FOUND: no entity named"},
		{name: "mutation", args: []string{"query", "--db", db, `mutation { deleteDocument(id: "x") }`}, code: exitFailed, stderr: "FORBIDDEN"},
		{name: "no query", args: []string{"query", "--db", db}, code: exitUsage, stderr: "no query given"},
		{name: "two queries", args: []string{"query", "--db", db, "{ a }", "{ b }"}, code: exitUsage, stderr: "one query at a time"},
		{name: "bad variable", args: []string{"query", "--db", db, "-var", "novalue", "{ stats { documents } }"}, code: exitUsage, stderr: "not name=value"},
		{name: "no store", args: []string{"query", "--db", filepath.Join(t.TempDir(), "none"), "{ stats { documents } }"}, code: exitFailed, stderr: "no kg store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := kgIn(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %.300s stderr %s", code, tc.code, out, errOut)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %s: %.500s", s, out)
				}
			}
			if tc.stderr != "" && !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tc.stderr)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("stderr is not one line: %q", errOut)
			}
			if out != "" && !json.Valid([]byte(out)) {
				t.Errorf("stdout is not JSON: %.200s", out)
			}
		})
	}
}

// kgIn runs the command line in-process with stdin.
func kgIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb strings.Builder
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = runEnv(context.Background(), e, args)
	return code, out.String(), errb.String()
}
