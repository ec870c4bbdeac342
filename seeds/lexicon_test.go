package seeds

import (
	"testing"
)

func TestLexicon(t *testing.T) {
	lex, err := Lexicon()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	names := map[string]string{}
	for _, e := range lex {
		switch e.Type {
		case "platform", "field", "institution", "region":
		default:
			t.Errorf("%s: unknown type %q", e.Name, e.Type)
		}
		types[e.Type]++
		key := e.Type + "\x00" + e.Name
		if prev, ok := names[key]; ok {
			t.Errorf("%s %s listed twice (%s)", e.Type, e.Name, prev)
		}
		names[key] = e.Name
	}
	for _, want := range []string{"platform", "field", "institution", "region"} {
		if types[want] < 20 {
			t.Errorf("only %d entries of type %s", types[want], want)
		}
	}
	for _, tc := range []struct{ typ, name, alias string }{
		{"region", "重庆", "渝"},
		{"institution", "中国科学院", "中科院"},
		{"region", "粤港澳大湾区", "大湾区"},
	} {
		found := false
		for _, e := range lex {
			if e.Type == tc.typ && e.Name == tc.name {
				for _, a := range e.Aliases {
					found = found || a == tc.alias
				}
			}
		}
		if !found {
			t.Errorf("%s %s with alias %s missing", tc.typ, tc.name, tc.alias)
		}
	}
}

func TestUserWords(t *testing.T) {
	words, err := UserWords()
	if err != nil {
		t.Fatal(err)
	}
	if len(words) < 500 {
		t.Fatalf("%d user words", len(words))
	}
	for i, w := range words {
		if len([]rune(w.Text)) < 2 || w.Tag == "" || w.Freq <= 0 {
			t.Errorf("bad word %+v", w)
		}
		if i > 0 && words[i-1].Text >= w.Text {
			t.Errorf("not sorted or duplicate at %q", w.Text)
		}
	}
}
