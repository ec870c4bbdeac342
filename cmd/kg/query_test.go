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

// devCorpusStore ingests the three development documents of ../shared
// with kg ingest, or skips when ../shared is absent.
func devCorpusStore(t *testing.T) string {
	t.Helper()
	var paths []string
	for _, n := range []string{"000_ad5bc89167431ed4.txt", "bj_sci_center_reg_2024_ch2.txt", "gd_gwr_2026_sci.txt"} {
		p := filepath.Join("..", "..", "..", "shared", "corpus", n)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no development corpus (%v)", err)
		}
		paths = append(paths, p)
	}
	db := filepath.Join(t.TempDir(), "db")
	if code, _, errOut := kg(t, append([]string{"ingest", "--db", db}, paths...)...); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	return db
}

// TestQueryDevCorpus asks questions of the three development documents
// whose answers the texts state (and the gold annotations of ../shared/gold
// record): each want is a fragment the JSON answer must contain.
func TestQueryDevCorpus(t *testing.T) {
	db := devCorpusStore(t)
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"鹏城实验室 focuses on 先进通信技术, with the sentence (gd)",
			`{ entity(name: "鹏城实验室") { relations(types: [FOCUSES_ON]) { to { name } evidence { sentence document { title } } } } }`,
			[]string{`"name":"先进通信技术"`, `鹏城实验室先进通信技术研发取得突破`, `"title":"2026年广东省政府工作报告"`}},
		{"广州实验室 is in 广州 (gd)",
			`{ entity(name: "广州实验室") { relations(types: [LOCATED_IN], direction: OUT) { to { name } } } }`,
			[]string{`"name":"广州"`}},
		{"北京怀柔综合性国家科学中心 relies on 怀柔科学城 and is in 北京 (bj)",
			`{ entity(name: "北京怀柔综合性国家科学中心") { relations(types: [RELIES_ON, LOCATED_IN], direction: OUT) { type to { name } } } }`,
			[]string{`{"to":{"name":"怀柔科学城"},"type":"RELIES_ON"}`, `{"to":{"name":"北京"},"type":"LOCATED_IN"}`}},
		{"fields of the national technology innovation centres (seed)",
			`{ entity(name: "国家技术创新中心") { relations(types: [FOCUSES_ON], direction: OUT, first: 50) { to { name } } } }`,
			[]string{`"name":"智能汽车"`, `"name":"集成电路"`, `"name":"先进感知"`, `"name":"轻金属材料"`, `"name":"生物医药"`}},
		{"the integrated-circuit manufacturing innovation centre (seed)",
			`{ entity(name: "集成电路特色工艺及封装测试国家级制造业创新中心") { type relations(types: [FOCUSES_ON]) { to { name } } } }`,
			[]string{`"type":"PLATFORM"`, `"name":"集成电路"`}},
		{"a path of one relation (bj)",
			`{ path(from: "北京怀柔综合性国家科学中心", to: "北京") { length nodes { name } } }`,
			[]string{`"length":1`}},
		{"国家实验室 is named by all three documents",
			`{ entity(name: "国家实验室") { documentCount documents { title } } }`,
			[]string{`"documentCount":3`, `"title":"北京国际科技创新中心建设条例"`, `"title":"让科技创新更好地支撑引领重庆高质量发展"`}},
		{"full-width brackets and aliases (seed)",
			`{ a: entity(name: "西部（重庆）科学城") { name } b: entity(name: "西部科学城") { name } }`,
			[]string{`"a":{"name":"西部(重庆)科学城"}`, `"b":{"name":"西部(重庆)科学城"}`}},
		{"laboratories by substring",
			`{ search(text: "实验室", types: [PLATFORM], first: 50) { name } }`,
			[]string{`"name":"广州实验室"`, `"name":"鹏城实验室"`, `"name":"国家重点实验室"`}},
		{"documents with their dates",
			`{ documents { nodes { title date } } }`,
			[]string{`{"date":"2024-01-25","title":"北京国际科技创新中心建设条例"}`, `{"date":"2026-01-26","title":"2026年广东省政府工作报告"}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := kg(t, "query", "--db", db, "--compact", tc.query)
			if code != exitOK {
				t.Fatalf("exit %d: %s %s", code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("answer lacks %s:\n%.1500s", w, out)
				}
			}
		})
	}
}
