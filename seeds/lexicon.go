package seeds

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed lexicon/*.tsv
var lexiconFS embed.FS

// LexEntry is one line of the domain lexicon: a canonical name, its type
// (platform, field, institution or region), other surface forms and free
// tags (for regions: province, municipality, city:<province>, econ, geo).
type LexEntry struct {
	Type    string
	Name    string
	Aliases []string
	Tags    []string
}

// Lexicon returns the domain lexicon, every file of seeds/lexicon in name
// order and lines in file order. Lines are `type<TAB>name<TAB>aliases<TAB>tags`
// with `|` between aliases and between tags; `#` lines are comments.
func Lexicon() ([]LexEntry, error) {
	names, err := fs.Glob(lexiconFS, "lexicon/*.tsv")
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	sort.Strings(names)
	var out []LexEntry
	for _, n := range names {
		f, err := lexiconFS.Open(n)
		if err != nil {
			return nil, fmt.Errorf("lexicon %s: %w", n, err)
		}
		entries, err := parseLexicon(f, n)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}

func parseLexicon(r fs.File, name string) ([]LexEntry, error) {
	var out []LexEntry
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		cols := strings.Split(s, "\t")
		if len(cols) < 2 || cols[0] == "" || strings.TrimSpace(cols[1]) == "" {
			return nil, fmt.Errorf("lexicon %s:%d: want type and name", name, line)
		}
		e := LexEntry{Type: cols[0], Name: strings.TrimSpace(cols[1])}
		if len(cols) > 2 {
			e.Aliases = splitBar(cols[2])
		}
		if len(cols) > 3 {
			e.Tags = splitBar(cols[3])
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lexicon %s: %w", name, err)
	}
	return out, nil
}

func splitBar(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// UserWord is an entry of a segmenter's user dictionary.
type UserWord struct {
	Text string
	Tag  string // "kg" + the entity type: kgplatform, kgfield, kginstitution, kgregion
	Freq int
}

// UserWords returns the lexicon's names and aliases (two characters or
// more) as user-dictionary words, so that a segmenter keeps domain terms in
// one token. The result is sorted by text and has no duplicates.
func UserWords() ([]UserWord, error) {
	lex, err := Lexicon()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []UserWord
	add := func(text, typ string) {
		if len([]rune(text)) < 2 || seen[text] || strings.ContainsAny(text, " \t\r\n\x00，。") {
			return
		}
		seen[text] = true
		out = append(out, UserWord{Text: text, Tag: "kg" + typ, Freq: 20000})
	}
	for _, e := range lex {
		add(e.Name, e.Type)
		for _, a := range e.Aliases {
			add(a, e.Type)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out, nil
}
