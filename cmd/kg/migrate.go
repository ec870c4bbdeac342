package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"kg/graph"
	"kg/graph/dgraphstore"
)

type migrateOptions struct {
	from, to string
	fresh    bool
	verify   bool
	progress bool
}

// runMigrate copies a graph from one store to another, typically from the
// embedded Badger store to a Dgraph cluster when a corpus outgrows one
// machine:
//
//	kg migrate --from badger:kg-data --to dgraph:127.0.0.1:9080,127.0.0.1:9081
func runMigrate(ctx context.Context, e *env, args []string) error {
	var o migrateOptions
	fs := newFlags(e, "migrate", "--from SPEC --to SPEC [--fresh] [--verify]")
	fs.StringVar(&o.from, "from", "", "source store: badger:DIR or dgraph:HOST:PORT[,...]")
	fs.StringVar(&o.to, "to", "", "target store: badger:DIR or dgraph:HOST:PORT[,...]; must be empty")
	fs.BoolVar(&o.fresh, "fresh", false, "drop everything on a Dgraph target first")
	fs.BoolVar(&o.verify, "verify", false, "compare the dumps of both stores afterwards")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if o.from == "" || o.to == "" {
		return usagef("both --from and --to are required")
	}
	from, err := parseStoreSpec(o.from)
	if err != nil {
		return err
	}
	to, err := parseStoreSpec(o.to)
	if err != nil {
		return err
	}
	if from.String() == to.String() {
		return usagef("--from and --to name the same store")
	}
	if o.fresh && to.kind != "dgraph" {
		return usagef("--fresh only applies to a Dgraph target")
	}
	o.progress = migrateTerminal(e.stderr)

	src, err := from.open(ctx, true, nil)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := to.open(ctx, false, nil)
	if err != nil {
		return err
	}
	defer dst.Close()
	if o.fresh {
		if d, ok := dst.(*dgraphstore.Store); ok {
			if err := d.DropAll(ctx); err != nil {
				return fmt.Errorf("clear target: %w", err)
			}
		}
	}
	if st, err := dst.Stats(ctx); err != nil {
		return fmt.Errorf("read target: %w", err)
	} else if st.Documents > 0 || st.Entities > 0 {
		return fmt.Errorf("target %s already holds %d documents (use an empty target, or --fresh for Dgraph)", to, st.Documents)
	}

	start := time.Now()
	cs, warn, err := contributionsOf(ctx, src)
	if err != nil {
		return fmt.Errorf("read %s: %w", from, err)
	}
	for _, w := range warn {
		fmt.Fprintf(e.stderr, "kg migrate: warning: %s\n", w)
	}
	var bar *progressbar.ProgressBar
	if o.progress {
		bar = progressbar.NewOptions(len(cs),
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("migrate"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("docs"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetWidth(20))
	}
	if err := applyAll(ctx, dst, cs, func() {
		if bar != nil {
			bar.Add(1)
		}
	}); err != nil {
		return err
	}
	if bar != nil {
		bar.Finish()
	}
	st, err := dst.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read target: %w", err)
	}
	fmt.Fprintf(e.stderr, "kg migrate: %d documents, %d entities, %d relations from %s to %s in %s\n",
		st.Documents, st.Entities, st.Relations, from, to, time.Since(start).Round(time.Millisecond))
	if o.verify {
		a, err := dumpHash(ctx, src)
		if err != nil {
			return fmt.Errorf("dump %s: %w", from, err)
		}
		b, err := dumpHash(ctx, dst)
		if err != nil {
			return fmt.Errorf("dump %s: %w", to, err)
		}
		if a != b {
			return fmt.Errorf("verify: the dumps of %s and %s differ", from, to)
		}
		fmt.Fprintf(e.stderr, "kg migrate: verified, both dumps are sha256:%x\n", a[:8])
	}
	return nil
}

func migrateTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func dumpHash(ctx context.Context, r graph.Reader) ([32]byte, error) {
	h := sha256.New()
	if err := graph.Dump(ctx, r, h); err != nil {
		return [32]byte{}, err
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out, nil
}

// applyAll applies contributions in order, calling done after each.
func applyAll(ctx context.Context, w graph.Writer, cs []*graph.Contribution, done func()) error {
	for _, c := range cs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.Apply(ctx, c); err != nil {
			return fmt.Errorf("apply %s: %w", c.Doc.ID, err)
		}
		done()
	}
	return nil
}

// contributionsOf rebuilds, from what the graph.Reader contract exposes,
// one contribution per document that gives back the same graph when applied
// to an empty store: graph.Dump of the target equals the source's.
//
// The reader shows totals, not every document's share, so the rebuilt
// shares are one consistent split of the totals: each document that
// mentions an entity contributes its spans with the entity's canonical name,
// aliases and attributes; each relation's weight is split among the
// documents with evidence for it in proportion to their evidence (exactly,
// in the stores' micro-units). What cannot be recovered: which document gave
// which alias or attribute value (so a later delete on the target can keep
// an alias the source would drop), and curation records (curated aliases
// arrive as contributed aliases). Those limits are reported as warnings
// where they change something. Memory is proportional to the graph.
func contributionsOf(ctx context.Context, r graph.Reader) ([]*graph.Contribution, []string, error) {
	var warn []string
	docs := map[string]*graph.Contribution{}
	var order []string
	after := ""
	for {
		page, err := r.Documents(ctx, after, 1000)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range page.Documents {
			docs[d.ID] = &graph.Contribution{Doc: d}
			order = append(order, d.ID)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	var ents []graph.Entity
	if err := r.EachEntity(ctx, func(e *graph.Entity) error {
		ents = append(ents, *e)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	mentionedBy := map[string][]string{} // entity -> documents, in ID order
	for i := range ents {
		e := &ents[i]
		name := e.Name
		if graph.EntityID(e.Type, name) != e.ID {
			// Only a merge gives an entity a name that does not derive its
			// ID; one of its aliases may.
			found := false
			for _, a := range e.Aliases {
				if graph.EntityID(e.Type, a) == e.ID {
					name, found = a, true
					break
				}
			}
			if !found {
				warn = append(warn, fmt.Sprintf("entity %s (%s) has no name that derives its ID; it arrives as %s",
					e.ID, e.Name, graph.EntityID(e.Type, e.Name)))
			}
		}
		dms, err := r.EntityDocuments(ctx, e.ID, 0)
		if err != nil {
			return nil, nil, err
		}
		for _, dm := range dms {
			c := docs[dm.Doc]
			if c == nil {
				return nil, nil, fmt.Errorf("%w: entity %s mentioned by unknown document %s", graph.ErrCorrupt, e.ID, dm.Doc)
			}
			var aliases []string
			for _, a := range e.Aliases {
				if a != name {
					aliases = append(aliases, a)
				}
			}
			if name != e.Name {
				aliases = append(aliases, e.Name)
			}
			c.Entities = append(c.Entities, graph.EntityContribution{
				Type: e.Type, Name: name, Aliases: aliases, Attrs: e.Attrs, Spans: dm.Spans,
			})
			mentionedBy[e.ID] = append(mentionedBy[e.ID], dm.Doc)
		}
	}
	short := 0
	if err := r.EachRelation(ctx, func(rel *graph.Relation) error {
		ev, err := r.Evidence(ctx, rel.Key(), 0)
		if err != nil {
			return err
		}
		byDoc := map[string][]graph.Evidence{}
		var rdocs []string
		for _, x := range ev {
			if _, ok := byDoc[x.Doc]; !ok {
				rdocs = append(rdocs, x.Doc)
			}
			byDoc[x.Doc] = append(byDoc[x.Doc], x)
		}
		if int64(len(rdocs)) < rel.Docs {
			// Documents that support the relation without evidence: take
			// them from those that mention both ends.
			short++
			both := map[string]bool{}
			for _, d := range mentionedBy[rel.From] {
				both[d] = true
			}
			for _, d := range mentionedBy[rel.To] {
				if both[d] && byDoc[d] == nil && int64(len(rdocs)) < rel.Docs {
					rdocs = append(rdocs, d)
					byDoc[d] = []graph.Evidence{}
				}
			}
		}
		sort.Strings(rdocs)
		shares := splitWeight(rel.Weight, rdocs, byDoc)
		for i, d := range rdocs {
			c := docs[d]
			if c == nil {
				return fmt.Errorf("%w: relation evidence from unknown document %s", graph.ErrCorrupt, d)
			}
			evs := byDoc[d]
			for j := range evs {
				evs[j].Doc = ""
			}
			c.Relations = append(c.Relations, graph.RelationContribution{
				From: rel.From, To: rel.To, Type: rel.Type, Weight: shares[i], Evidence: evs,
			})
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if short > 0 {
		warn = append(warn, fmt.Sprintf("%d relations are supported by documents without evidence; those documents were chosen among the ones naming both ends", short))
	}
	out := make([]*graph.Contribution, 0, len(order))
	for _, id := range order {
		out = append(out, docs[id])
	}
	return out, warn, nil
}

// splitWeight divides a relation's weight among its documents in
// proportion to their evidence (equally when there is none), in the
// micro-units the stores sum in, so that the shares add up exactly.
func splitWeight(w float64, docs []string, ev map[string][]graph.Evidence) []float64 {
	const scale = 1e6
	total := int64(math.Round(w * scale))
	n := len(docs)
	out := make([]float64, n)
	if n == 0 {
		return out
	}
	var evTotal int64
	for _, d := range docs {
		evTotal += int64(max(len(ev[d]), 1))
	}
	var given int64
	micro := make([]int64, n)
	for i, d := range docs {
		micro[i] = total * int64(max(len(ev[d]), 1)) / evTotal
		given += micro[i]
	}
	micro[0] += total - given
	for i := range micro {
		out[i] = float64(micro[i]) / scale
	}
	return out
}

// rdfFormats are the kg export formats exportRDF writes: the graph as RDF
// N-Quads for Dgraph's live or bulk loader, and the DQL schema to load them
// with (`dgraph live -f graph.rdf -s graph.schema`).
var rdfFormats = []string{"rdf", "rdf-schema"}

// exportRDF writes r as N-Quads (format "rdf") or their schema
// ("rdf-schema") to w.
func exportRDF(ctx context.Context, r graph.Reader, w io.Writer, format string) error {
	switch format {
	case "rdf":
		return dgraphstore.WriteRDF(ctx, r, w)
	case "rdf-schema":
		return dgraphstore.WriteRDFSchema(ctx, r, w)
	}
	return usagef("unknown RDF format %q (want rdf or rdf-schema)", format)
}
