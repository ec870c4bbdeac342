package eval

import (
	"encoding/json"
	"fmt"
	"io"

	"kg/graph"
)

// Targets are the pooled scores the development documents must reach.
var Targets = struct {
	EntityMicroF1, EntityTypeF1           float64
	ExhaustivePrecision, ExhaustiveRecall float64 // FOCUSES_ON, RELIES_ON, LOCATED_IN
	SampleRecall                          float64 // INVOLVES, PART_OF
}{0.85, 0.75, 0.85, 0.75, 0.70}

// CheckTargets returns one message per target that r misses.
func CheckTargets(r *Result) []string {
	var out []string
	if m := r.EntityMicro(); m.F1() < Targets.EntityMicroF1 {
		out = append(out, fmt.Sprintf("entity micro-F1 %.3f < %.2f", m.F1(), Targets.EntityMicroF1))
	}
	for _, t := range graph.EntityTypes {
		if c := r.Entities[string(t)]; c != nil && c.F1() < Targets.EntityTypeF1 {
			out = append(out, fmt.Sprintf("%s F1 %.3f < %.2f", t, c.F1(), Targets.EntityTypeF1))
		}
	}
	for _, t := range []graph.RelationType{graph.FocusesOn, graph.ReliesOn, graph.LocatedIn} {
		c := r.Relations[string(t)]
		if c == nil {
			continue
		}
		if c.P() < Targets.ExhaustivePrecision {
			out = append(out, fmt.Sprintf("%s precision %.3f < %.2f", t, c.P(), Targets.ExhaustivePrecision))
		}
		if c.R() < Targets.ExhaustiveRecall {
			out = append(out, fmt.Sprintf("%s recall %.3f < %.2f", t, c.R(), Targets.ExhaustiveRecall))
		}
	}
	for _, t := range []graph.RelationType{graph.Involves, graph.PartOf} {
		if c := r.Relations[string(t)]; c != nil && c.R() < Targets.SampleRecall {
			out = append(out, fmt.Sprintf("%s recall %.3f < %.2f", t, c.R(), Targets.SampleRecall))
		}
	}
	return out
}

// WriteText prints a score table; verbose adds the false positives and
// misses.
func WriteText(w io.Writer, r *Result, verbose bool) {
	fmt.Fprintf(w, "%-12s %5s %5s %5s %6s %6s %6s\n", "type", "tp", "fp", "fn", "P", "R", "F1")
	line := func(name string, c Counts) {
		p := fmt.Sprintf("%6.3f", c.P())
		if c.NoPrecision {
			p = fmt.Sprintf("%6s", "-")
		}
		fmt.Fprintf(w, "%-12s %5d %5d %5d %s %6.3f %6.3f\n", name, c.TP, c.FP, c.FN, p, c.R(), c.F1())
	}
	for _, t := range graph.EntityTypes {
		if c := r.Entities[string(t)]; c != nil {
			line(string(t), *c)
		}
	}
	line("ENTITIES", r.EntityMicro())
	for _, t := range graph.RelationTypes {
		if c := r.Relations[string(t)]; c != nil {
			line(string(t), *c)
		}
	}
	line("RELATIONS", r.RelationMicro())
	if !verbose {
		return
	}
	for _, it := range r.FalsePos {
		fmt.Fprintf(w, "FP\t%s\t%s\t%s\n", it.Doc, it.Kind, it.Text)
	}
	for _, it := range r.Misses {
		fmt.Fprintf(w, "MISS\t%s\t%s\t%s\n", it.Doc, it.Kind, it.Text)
	}
}

// JSONScore is one line of the JSON report.
type JSONScore struct {
	TP, FP, FN int
	P          *float64 `json:"P"`
	R, F1      float64
}

func score(c Counts) JSONScore {
	s := JSONScore{TP: c.TP, FP: c.FP, FN: c.FN, R: c.R(), F1: c.F1()}
	if !c.NoPrecision {
		p := c.P()
		s.P = &p
	}
	return s
}

// WriteJSON prints the scores as one JSON object.
func WriteJSON(w io.Writer, r *Result, verbose bool) error {
	out := struct {
		Entities       map[string]JSONScore `json:"entities"`
		EntityMicro    JSONScore            `json:"entityMicro"`
		Relations      map[string]JSONScore `json:"relations"`
		RelationMicro  JSONScore            `json:"relationMicro"`
		Targets        []string             `json:"failedTargets"`
		FalsePositives []Item               `json:"falsePositives,omitempty"`
		Misses         []Item               `json:"misses,omitempty"`
	}{Entities: map[string]JSONScore{}, Relations: map[string]JSONScore{}, Targets: CheckTargets(r)}
	for k, c := range r.Entities {
		out.Entities[k] = score(*c)
	}
	for k, c := range r.Relations {
		out.Relations[k] = score(*c)
	}
	out.EntityMicro = score(r.EntityMicro())
	out.RelationMicro = score(r.RelationMicro())
	if out.Targets == nil {
		out.Targets = []string{}
	}
	if verbose {
		out.FalsePositives, out.Misses = r.FalsePos, r.Misses
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
