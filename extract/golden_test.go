package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kg/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenEntity and goldenRelation are the reviewable form of a
// contribution: names instead of IDs, the original text under each span.
type goldenEntity struct {
	Type    graph.EntityType `json:"type"`
	Name    string           `json:"name"`
	Aliases []string         `json:"aliases,omitempty"`
	Spans   []string         `json:"spans"` // "start-end text"
}

type goldenRelation struct {
	Type   graph.RelationType `json:"type"`
	From   string             `json:"from"`
	To     string             `json:"to"`
	Weight float64            `json:"weight"`
	Rules  []string           `json:"rules"`
}

type golden struct {
	Region    string           `json:"region"`
	Entities  []goldenEntity   `json:"entities"`
	Relations []goldenRelation `json:"relations"`
}

// TestGolden extracts testdata/<case>.txt and compares with
// testdata/<case>.golden.json; -update rewrites the golden files. CO_OCCURS
// is left out of the files to keep them reviewable.
func TestGolden(t *testing.T) {
	x := newTestExtractor(t)
	cases, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			c, err := x.Extract(context.Background(), graph.Document{ID: name}, text)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(toGolden(c, text), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			checkGolden(t, filepath.Join("testdata", name+".golden.json"), got, "TestGolden")
		})
	}
}

func toGolden(c *graph.Contribution, text string) golden {
	orig := []rune(text)
	g := golden{Region: c.Doc.Region, Entities: []goldenEntity{}, Relations: []goldenRelation{}}
	names := map[string]string{}
	for _, e := range c.Entities {
		names[e.ID()] = string(e.Type) + ":" + e.Name
		ge := goldenEntity{Type: e.Type, Name: e.Name, Aliases: e.Aliases, Spans: []string{}}
		for _, s := range e.Spans {
			ge.Spans = append(ge.Spans, spanString(orig, s.Start, s.End))
		}
		g.Entities = append(g.Entities, ge)
	}
	for _, r := range c.Relations {
		if r.Type == graph.CoOccurs {
			continue
		}
		gr := goldenRelation{Type: r.Type, From: names[r.From], To: names[r.To], Weight: r.Weight}
		seen := map[string]bool{}
		for _, ev := range r.Evidence {
			if !seen[ev.Rule] {
				seen[ev.Rule] = true
				gr.Rules = append(gr.Rules, ev.Rule)
			}
		}
		g.Relations = append(g.Relations, gr)
	}
	return g
}

func spanString(orig []rune, a, b int) string {
	s := string(orig[a:b])
	if len([]rune(s)) > 24 {
		s = string([]rune(s)[:24]) + "…"
	}
	return strings.Join([]string{itoa(a), "-", itoa(b), " ", s}, "")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// checkGolden compares got with the golden file gpath, or rewrites the file
// when the test runs with -update. A difference names the first line that
// differs and the test to run with -update once the change is reviewed.
func checkGolden(t *testing.T, gpath string, got []byte, test string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(gpath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(gpath)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Fatalf("%s differs from %s at line %d:\n got %s\nwant %s\n(run go test ./extract -run %s -update and review the diff)", t.Name(), gpath, i+1, gl[i], wl[i], test)
		}
	}
	t.Fatalf("%s differs from %s: %d lines, want %d (run go test ./extract -run %s -update and review the diff)", t.Name(), gpath, len(gl), len(wl), test)
}
