package synth

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"kg/graph"
)

type summary struct {
	docs      int
	entities  map[string]graph.EntityType
	names     map[string]string
	relations map[graph.RelationKey]bool
	degree    map[string]int
	digest    [32]byte
}

func collect(t *testing.T, cfg Config) *summary {
	t.Helper()
	s := &summary{entities: map[string]graph.EntityType{}, names: map[string]string{}, relations: map[graph.RelationKey]bool{}, degree: map[string]int{}}
	h := sha256.New()
	err := Generate(context.Background(), cfg, func(c *graph.Contribution) error {
		if err := c.Validate(); err != nil {
			return err
		}
		s.docs++
		b, _ := json.Marshal(c)
		h.Write(b)
		types := map[string]graph.EntityType{}
		for _, e := range c.Entities {
			id := e.ID()
			types[id] = e.Type
			s.entities[id] = e.Type
			if prev, ok := s.names[id]; ok && prev != e.Name {
				t.Errorf("entity %s named %q and %q", id, prev, e.Name)
			}
			s.names[id] = e.Name
		}
		for _, r := range c.Relations {
			k := graph.RelationKey{From: r.From, Type: r.Type, To: r.To}.Canonical()
			if !s.relations[k] {
				s.degree[r.From]++
				s.degree[r.To]++
			}
			s.relations[k] = true
			if !allowed(types[r.From], r.Type, types[r.To]) {
				t.Errorf("%s %s %s breaks the model", types[r.From], r.Type, types[r.To])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copy(s.digest[:], h.Sum(nil))
	return s
}

func allowed(from graph.EntityType, rt graph.RelationType, to graph.EntityType) bool {
	ti := func(t graph.EntityType) int {
		for i, x := range graph.EntityTypes {
			if x == t {
				return i
			}
		}
		return -1
	}
	for _, o := range options[ti(from)] {
		if o.rel == rt && o.to == ti(to) {
			return true
		}
	}
	// CO_OCCURS is stored either way round.
	if rt == graph.CoOccurs {
		for _, o := range options[ti(to)] {
			if o.rel == rt && o.to == ti(from) {
				return true
			}
		}
	}
	return false
}

func TestGenerateExactSizes(t *testing.T) {
	tests := []Config{
		{Entities: 500, Relations: 2000, Docs: 40, Seed: 1},
		{Entities: 50, Relations: 300, Docs: 7, Seed: 2},
		{Entities: 3000, Relations: 3000, Seed: 3}, // default Docs
		{Entities: 20, Relations: 0, Docs: 3, Seed: 4},
	}
	for _, cfg := range tests {
		s := collect(t, cfg)
		wantDocs := cfg.Docs
		if wantDocs == 0 {
			wantDocs = max(1, cfg.Relations/50)
		}
		if len(s.entities) != cfg.Entities || len(s.relations) != cfg.Relations || s.docs != wantDocs {
			t.Errorf("%+v: %d entities, %d relations, %d documents", cfg, len(s.entities), len(s.relations), s.docs)
		}
		for i := range cfg.Entities {
			typ, name := cfg.Entity(i)
			if s.names[cfg.EntityID(i)] != name || s.entities[cfg.EntityID(i)] != typ {
				t.Fatalf("Entity(%d) = %s %q, generated %q", i, typ, name, s.names[cfg.EntityID(i)])
			}
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Entities: 400, Relations: 1500, Docs: 30, Seed: 9}
	a, b := collect(t, cfg), collect(t, cfg)
	if a.digest != b.digest {
		t.Error("the same seed gave different documents")
	}
	cfg.Seed = 10
	if c := collect(t, cfg); c.digest == a.digest {
		t.Error("another seed gave the same documents")
	}
	if x, y := cfg.Sample(1, 10), cfg.Sample(1, 10); !slices.Equal(x, y) {
		t.Error("Sample is not deterministic")
	}
}

func TestGeneratePowerLaw(t *testing.T) {
	cfg := Config{Entities: 5000, Relations: 25000, Seed: 1}
	s := collect(t, cfg)
	var degs []int
	for _, d := range s.degree {
		degs = append(degs, d)
	}
	for range cfg.Entities - len(degs) {
		degs = append(degs, 0)
	}
	sort.Ints(degs)
	median, top := degs[len(degs)/2], degs[len(degs)-1]
	if top < 10*max(median, 1) {
		t.Errorf("degrees not heavy-tailed: median %d, max %d", median, top)
	}
	t.Logf("degree median %d, p99 %d, max %d", median, degs[len(degs)*99/100], top)
}

func TestNamesDistinct(t *testing.T) {
	for _, typ := range graph.EntityTypes {
		seen := map[string]int{}
		for k := range 40000 {
			n := graph.Normalize(entityName(typ, k))
			if j, ok := seen[n]; ok {
				t.Fatalf("%s %d and %d share the name %q", typ, j, k, n)
			}
			seen[n] = k
		}
	}
}
