package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"kg/graph"
	"kg/graph/badgerstore"
)

func TestStats(t *testing.T) {
	dir := sampleStore(t)
	code, out, errs := kg(t, "stats", "--db", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"documents  2", "entities  4", "platform  2", "field  2", "region  0", "relations  3", "FOCUSES_ON  3", "CO_OCCURS  0"} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("stats output lacks %q:\n%s", want, out)
		}
	}

	code, out, errs = kg(t, "stats", "--json", "--db", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var st graph.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats --json is not JSON: %v\n%s", err, out)
	}
	if st.Documents != 2 || st.Entities != 4 || st.Relations != 3 || st.ByType[graph.Field] != 2 || st.ByRel[graph.FocusesOn] != 3 {
		t.Errorf("stats --json = %+v", st)
	}

	// $KG_DB is the default store.
	var o, e bytes.Buffer
	code = runEnv(context.Background(), &env{stdout: &o, stderr: &e, getenv: func(k string) string {
		if k == "KG_DB" {
			return dir
		}
		return ""
	}}, []string{"stats", "--json"})
	if code != exitOK || !strings.Contains(o.String(), `"documents": 2`) {
		t.Errorf("stats with $KG_DB: %d %s %s", code, o.String(), e.String())
	}

	code, _, errs = kg(t, "stats", "--db", dir, "extra")
	if code != exitUsage {
		t.Errorf("stats with an argument: exit %d (%s)", code, errs)
	}
}

// squash collapses runs of spaces to two, so table tests do not depend on
// column widths.
func squash(s string) string {
	for strings.Contains(s, "   ") {
		s = strings.ReplaceAll(s, "   ", "  ")
	}
	return s
}

func TestDump(t *testing.T) {
	dir := sampleStore(t)
	code, out, errs := kg(t, "dump", "--db", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	s, err := badgerstore.Open(dir, badgerstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := graph.Dump(context.Background(), s, &want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if out != want.String() {
		t.Errorf("kg dump differs from graph.Dump:\n%s\nvs\n%s", out, want.String())
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2+4+3 {
		t.Errorf("dump has %d lines, want 9:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("dump line is not JSON: %s", l)
		}
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		args    []string
		code    int
		docs    int64
		stderrs []string
	}{
		{"by id", []string{"doc-a"}, exitOK, 1, []string{"deleted doc-a"}},
		{"by source", []string{"corpus/b.txt"}, exitOK, 1, []string{"deleted doc-b"}},
		{"by unclean source", []string{"corpus/./b.txt"}, exitOK, 1, []string{"deleted doc-b"}},
		{"both", []string{"doc-a", "corpus/b.txt"}, exitOK, 0, nil},
		{"unknown", []string{"nope"}, exitFailed, 2, []string{"kg delete: nope: no such document"}},
		{"some unknown", []string{"nope", "doc-a"}, exitPartial, 1, []string{"kg delete: nope: no such document", "1 of 2 inputs failed"}},
		{"all unknown", []string{"nope", "nada"}, exitFailed, 2, []string{"none of the 2 documents"}},
		{"none given", nil, exitUsage, 2, []string{"no document given"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := sampleStore(t)
			code, out, errs := kg(t, append([]string{"delete", "--db", dir}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errs)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			for _, w := range tc.stderrs {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
			s, err := badgerstore.Open(dir, badgerstore.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Documents != tc.docs {
				t.Errorf("%d documents left, want %d", st.Documents, tc.docs)
			}
		})
	}
	// Deleting from a missing store does not create one.
	dir := t.TempDir() + "/none"
	code, out, errs := kg(t, "delete", "--db", dir, "doc-a")
	oneLineErr(t, code, out, errs, "no kg store at")
}
