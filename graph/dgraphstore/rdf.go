package dgraphstore

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"kg/graph"
)

// WriteRDF writes the graph r holds as RDF N-Quads in this package's node
// layout (see schema.go): entities with their fields and search keys,
// relations as rel.<TYPE> edges with facets and as Relation nodes,
// documents, mentions and evidence. With the schema from WriteRDFSchema,
// `dgraph live` or `dgraph bulk` loads it into a cluster that Open can read
// and graph.Dump gives the same bytes as from r.
//
// The export carries the graph, not the per-document bookkeeping that
// writes need (the documents' resolved contributions and the entities'
// counts over documents): a loaded export is for querying. To move a store
// to Dgraph and keep writing, use kg migrate.
func WriteRDF(ctx context.Context, r graph.Reader, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	q := nquads{w: bw}
	q.node("_:meta", "Meta")
	q.str("_:meta", "kg.meta", "schema")
	q.int("_:meta", "kg.version", schemaVersion)

	after := ""
	for {
		page, err := r.Documents(ctx, after, 1000)
		if err != nil {
			return fmt.Errorf("rdf documents: %w", err)
		}
		for _, d := range page.Documents {
			b := docBlank(d.ID)
			q.node(b, "Document")
			q.str(b, "d.id", d.ID)
			q.opt(b, "d.title", d.Title)
			q.opt(b, "d.source", d.Source)
			q.opt(b, "d.hash", d.Hash)
			q.opt(b, "d.issuer", d.Issuer)
			q.opt(b, "d.date", d.Date)
			q.opt(b, "d.region", d.Region)
			q.int(b, "d.size", d.Size)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}

	mentions := 0
	if err := r.EachEntity(ctx, func(e *graph.Entity) error {
		b := "_:" + blankSafe(e.ID)
		q.node(b, "Entity")
		q.str(b, "e.id", e.ID)
		q.str(b, "e.type", string(e.Type))
		q.str(b, "e.name", e.Name)
		norm := graph.Normalize(e.Name)
		q.str(b, "e.norm", norm)
		keys := map[string]bool{norm: true}
		for _, a := range e.Aliases {
			q.str(b, "e.aliases", a)
			if n := graph.Normalize(a); n != "" {
				keys[n] = true
			}
		}
		ks := sortedKeys(keys)
		for _, k := range ks {
			q.str(b, "e.keys", k)
		}
		for _, g := range grams(ks) {
			q.str(b, "e.grams", g)
		}
		if len(e.Attrs) > 0 {
			a, err := json.Marshal(e.Attrs)
			if err != nil {
				return err
			}
			q.str(b, "e.attrs", string(a))
		}
		q.int(b, "e.mentions", e.Mentions)
		q.int(b, "e.docs", e.Docs)
		q.int(b, "e.degree", e.Degree)
		q.opt(b, "e.first", e.First)
		q.opt(b, "e.last", e.Last)
		dms, err := r.EntityDocuments(ctx, e.ID, 0)
		if err != nil {
			return err
		}
		for _, dm := range dms {
			mentions++
			m := fmt.Sprintf("_:m%d", mentions)
			spans, err := json.Marshal(dm.Spans)
			if err != nil {
				return err
			}
			q.node(m, "Mention")
			q.edge(m, "m.entity", b, "")
			q.str(m, "m.doc", dm.Doc)
			q.str(m, "m.spans", string(spans))
		}
		return q.err
	}); err != nil {
		return fmt.Errorf("rdf entities: %w", err)
	}

	types := map[graph.RelationType]bool{}
	supports := 0
	if err := r.EachRelation(ctx, func(rel *graph.Relation) error {
		k := rel.Key()
		types[k.Type] = true
		micro := toMicro(rel.Weight)
		facets := fmt.Sprintf("w=%d, n=%d", micro, rel.Docs)
		if rel.First != "" {
			facets += fmt.Sprintf(", f=%s, l=%s", quote(facetDate(rel.First)), quote(facetDate(rel.Last)))
		}
		q.edge("_:"+blankSafe(k.From), relPred(k.Type), "_:"+blankSafe(k.To), facets)
		b := "_:r" + blankSafe(k.ID())
		q.node(b, "Relation")
		q.str(b, "r.id", k.ID())
		q.str(b, "r.key", relSortKey(k))
		q.str(b, "r.type", string(k.Type))
		q.str(b, "r.from", k.From)
		q.str(b, "r.to", k.To)
		q.float(b, "r.weight", rel.Weight)
		q.int(b, "r.docs", rel.Docs)
		q.opt(b, "r.first", rel.First)
		q.opt(b, "r.last", rel.Last)
		agg, err := json.Marshal(relAgg{Weight: micro, Docs: rel.Docs})
		if err != nil {
			return err
		}
		q.str(b, "r.agg", string(agg))
		ev, err := r.Evidence(ctx, k, 0)
		if err != nil {
			return err
		}
		byDoc := map[string][]graph.Evidence{}
		var docs []string
		for _, x := range ev {
			if _, ok := byDoc[x.Doc]; !ok {
				docs = append(docs, x.Doc)
			}
			byDoc[x.Doc] = append(byDoc[x.Doc], x)
		}
		for _, d := range docs {
			supports++
			s := fmt.Sprintf("_:s%d", supports)
			j, err := json.Marshal(byDoc[d])
			if err != nil {
				return err
			}
			q.node(s, "Support")
			q.str(s, "s.rid", k.ID())
			q.str(s, "s.doc", d)
			q.str(s, "s.evidence", string(j))
		}
		return q.err
	}); err != nil {
		return fmt.Errorf("rdf relations: %w", err)
	}
	ts := make([]string, 0, len(types))
	for t := range types {
		ts = append(ts, string(t))
	}
	sort.Strings(ts)
	for i, t := range ts {
		b := fmt.Sprintf("_:rt%d", i)
		q.node(b, "RelType")
		q.str(b, "rt.name", t)
		q.str(b, "rt.pred", relPred(graph.RelationType(t)))
	}
	if q.err != nil {
		return fmt.Errorf("rdf: %w", q.err)
	}
	return bw.Flush()
}

// WriteRDFSchema writes the DQL schema that WriteRDF's output needs: kg's
// schema plus one predicate per relation type r holds.
func WriteRDFSchema(ctx context.Context, r graph.Reader, w io.Writer) error {
	st, err := r.Stats(ctx)
	if err != nil {
		return fmt.Errorf("rdf schema: %w", err)
	}
	ts := make([]string, 0, len(st.ByRel))
	for t := range st.ByRel {
		ts = append(ts, string(t))
	}
	sort.Strings(ts)
	var b strings.Builder
	fmt.Fprintf(&b, "# kg DQL schema, version %d\n", schemaVersion)
	for _, t := range ts {
		b.WriteString(relPredSchema(relPred(graph.RelationType(t))) + "\n")
	}
	b.WriteString(baseSchema)
	_, err = io.WriteString(w, b.String())
	return err
}

// nquads writes N-Quads, remembering the first write error.
type nquads struct {
	w   *bufio.Writer
	err error
}

func (q *nquads) line(s string) {
	if q.err == nil {
		_, q.err = q.w.WriteString(s)
	}
}

func (q *nquads) node(b, typ string) { q.line(b + ` <dgraph.type> "` + typ + "\" .\n") }

func (q *nquads) str(b, pred, v string) { q.line(b + " <" + pred + "> " + quote(v) + " .\n") }

// opt writes a string predicate unless the value is empty: the store
// reads a missing predicate as "".
func (q *nquads) opt(b, pred, v string) {
	if v != "" {
		q.str(b, pred, v)
	}
}

func (q *nquads) int(b, pred string, v int64) {
	q.line(b + " <" + pred + `> "` + strconv.FormatInt(v, 10) + "\"^^<xs:int> .\n")
}

func (q *nquads) float(b, pred string, v float64) {
	q.line(b + " <" + pred + `> "` + strconv.FormatFloat(v, 'g', -1, 64) + "\"^^<xs:float> .\n")
}

func (q *nquads) edge(from, pred, to, facets string) {
	if facets != "" {
		facets = " (" + facets + ")"
	}
	q.line(from + " <" + pred + "> " + to + facets + " .\n")
}

// quote writes s as an N-Quads string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// blankSafe returns s if it can be a blank node label, else its hex form.
func blankSafe(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return "x" + hex.EncodeToString([]byte(s))
		}
	}
	return s
}

func docBlank(id string) string { return "_:d" + hex.EncodeToString([]byte(id)) }
