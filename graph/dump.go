package graph

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// dumpLine is one line of Dump's output: exactly one of its fields is set.
type dumpLine struct {
	Document *Document `json:"document,omitempty"`
	Entity   *Entity   `json:"entity,omitempty"`
	Relation *Relation `json:"relation,omitempty"`
}

// Dump writes the whole graph as JSON lines in a deterministic order:
// documents by ID, then entities by ID, then relations by (From, Type, To)
// with all their evidence. Two stores that hold the same graph dump the same
// bytes, whatever their backend or history, so tests and users can diff
// them. Memory stays bounded by the largest relation's evidence.
func Dump(ctx context.Context, r Reader, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	after := ""
	for {
		page, err := r.Documents(ctx, after, 500)
		if err != nil {
			return fmt.Errorf("dump documents: %w", err)
		}
		for i := range page.Documents {
			if err := enc.Encode(dumpLine{Document: &page.Documents[i]}); err != nil {
				return fmt.Errorf("dump: %w", err)
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if err := r.EachEntity(ctx, func(e *Entity) error {
		return enc.Encode(dumpLine{Entity: e})
	}); err != nil {
		return fmt.Errorf("dump entities: %w", err)
	}
	if err := r.EachRelation(ctx, func(rel *Relation) error {
		ev, err := r.Evidence(ctx, rel.Key(), 0)
		if err != nil {
			return err
		}
		out := *rel
		out.Evidence = ev
		return enc.Encode(dumpLine{Relation: &out})
	}); err != nil {
		return fmt.Errorf("dump relations: %w", err)
	}
	return bw.Flush()
}
