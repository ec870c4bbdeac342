package graph

import (
	"errors"
	"strings"
	"testing"
)

func TestEntityID(t *testing.T) {
	a := EntityID(Platform, "西部(重庆)科学城")
	if !strings.HasPrefix(a, "e") || len(a) != 17 {
		t.Errorf("entity ID %q is not e + 16 hex digits", a)
	}
	if EntityID(Region, "西部(重庆)科学城") == a {
		t.Error("the type is not part of the ID")
	}
	if EntityID(Platform, "西部（重庆）科学城 ") != a {
		t.Error("surface forms that normalise alike get different IDs")
	}
	if d := DocumentID("corpus/a.txt"); !strings.HasPrefix(d, "d") || d == DocumentID("corpus/b.txt") {
		t.Errorf("document IDs %q", d)
	}
}

func TestRelationKey(t *testing.T) {
	k := RelationKey{From: "eb", Type: CoOccurs, To: "ea"}
	if c := k.Canonical(); c.From != "ea" || c.To != "eb" {
		t.Errorf("undirected key not ordered: %+v", c)
	}
	d := RelationKey{From: "eb", Type: FocusesOn, To: "ea"}
	if d.Canonical() != d {
		t.Error("directed key reordered")
	}
	if k.ID() == d.ID() || !strings.HasPrefix(k.ID(), "r") {
		t.Errorf("relation IDs %q %q", k.ID(), d.ID())
	}
	if !CoOccurs.Undirected() || FocusesOn.Undirected() {
		t.Error("Undirected")
	}
}

func TestValidate(t *testing.T) {
	a := EntityContribution{Type: Platform, Name: "甲平台"}
	b := EntityContribution{Type: Field, Name: "人工智能"}
	good := func() *Contribution {
		return &Contribution{
			Doc:       Document{ID: "d"},
			Entities:  []EntityContribution{a, b},
			Relations: []RelationContribution{{From: a.ID(), To: b.ID(), Type: FocusesOn, Weight: 1, Evidence: []Evidence{{Start: 1, End: 2}}}},
		}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("valid contribution refused: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(c *Contribution)
	}{
		{"no doc id", func(c *Contribution) { c.Doc.ID = "" }},
		{"no type", func(c *Contribution) { c.Entities[0].Type = "" }},
		{"blank name", func(c *Contribution) { c.Entities[1].Name = " \u3000" }},
		{"no relation type", func(c *Contribution) { c.Relations[0].Type = "" }},
		{"foreign endpoint", func(c *Contribution) { c.Relations[0].To = "e0000000000000000" }},
		{"self loop", func(c *Contribution) { c.Relations[0].To = c.Relations[0].From }},
		{"negative offset", func(c *Contribution) { c.Relations[0].Evidence[0].Start = -1 }},
		{"reversed offsets", func(c *Contribution) { c.Relations[0].Evidence[0].End = 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mutate(c)
			if err := c.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
		})
	}
}
