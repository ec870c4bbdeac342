package export

import (
	"bufio"
	"context"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"

	"kg/graph"
)

// jsonWriter builds each element in buf and writes it out, so that large
// graphs stream without a document tree. Keys come in a fixed order.
type jsonWriter struct {
	w     *bufio.Writer
	buf   []byte
	count int // elements written in the current array
}

func (j *jsonWriter) raw(s string) error {
	_, err := j.w.WriteString(s)
	return err
}

// elem writes buf as the next element of the current array.
func (j *jsonWriter) elem() error {
	if j.count > 0 {
		if err := j.w.WriteByte(','); err != nil {
			return err
		}
	}
	j.count++
	_, err := j.w.Write(j.buf)
	j.buf = j.buf[:0]
	return err
}

func (j *jsonWriter) array(closeAndOpen string) error {
	j.count = 0
	return j.raw(closeAndOpen)
}

func (j *jsonWriter) flush(tail string) error {
	if err := j.raw(tail); err != nil {
		return err
	}
	return j.w.Flush()
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s to b as a JSON string, without HTML escaping.
// Invalid UTF-8 becomes U+FFFD; U+2028 and U+2029 are escaped so the output
// is also valid JavaScript. The GraphQL response encoder shares it.
func AppendJSONString(b []byte, s string) []byte { return appendString(b, s) }

// appendString is AppendJSONString.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendKey(b []byte, k string) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

func appendStringField(b []byte, k, v string) []byte {
	return appendString(appendKey(b, k), v)
}

func appendIntField(b []byte, k string, v int64) []byte {
	return strconv.AppendInt(appendKey(b, k), v, 10)
}

// appendFloat appends a finite float in the shortest form that reads back
// exactly; NaN and infinities, which JSON cannot carry, become 0.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func appendFloatField(b []byte, k string, v float64) []byte {
	return appendFloat(appendKey(b, k), v)
}

func appendStrings(b []byte, k string, vs []string) []byte {
	b = append(appendKey(b, k), '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendEntity appends the entity's descriptive fields; labelKey and
// typeKey name the name and entity-type fields ("label" and "type", or
// others where those mean something else to the client; an empty labelKey
// leaves the name out).
func appendEntity(b []byte, e *graph.Entity, labelKey, typeKey string) []byte {
	if labelKey != "" {
		b = appendStringField(b, labelKey, e.Name)
	}
	b = appendStringField(b, typeKey, string(e.Type))
	b = appendStrings(b, "aliases", nonNil(e.Aliases))
	b = appendIntField(b, "mentions", e.Mentions)
	b = appendIntField(b, "docs", e.Docs)
	b = appendIntField(b, "degree", e.Degree)
	if e.First != "" {
		b = appendStringField(b, "first", e.First)
	}
	if e.Last != "" {
		b = appendStringField(b, "last", e.Last)
	}
	if len(e.Attrs) > 0 {
		keys := make([]string, 0, len(e.Attrs))
		for k := range e.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(appendKey(b, "attrs"), '{')
		for _, k := range keys {
			b = appendStringField(b, k, e.Attrs[k])
		}
		b = append(b, '}')
	}
	return b
}

// appendRelation appends the relation's descriptive fields after the
// endpoints.
func appendRelation(b []byte, r *graph.Relation, typeKey string) []byte {
	b = appendStringField(b, typeKey, string(r.Type))
	b = appendFloatField(b, "weight", r.Weight)
	b = appendIntField(b, "docs", r.Docs)
	if r.First != "" {
		b = appendStringField(b, "first", r.First)
	}
	if r.Last != "" {
		b = appendStringField(b, "last", r.Last)
	}
	if r.Type.Undirected() {
		b = append(appendKey(b, "undirected"), "true"...)
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// nodeLinkEncoder writes node-link JSON, as networkx's node_link_data:
// {"directed":true,"multigraph":true,"graph":{...},"nodes":[...],"edges":[...]}.
// Edges carry "key" = relation type, so networkx keeps parallel edges of
// different types apart.
type nodeLinkEncoder struct{ jsonWriter }

func (j *nodeLinkEncoder) begin() error {
	return j.array(`{"directed":true,"multigraph":true,"graph":{"name":"kg"},"nodes":[`)
}

func (j *nodeLinkEncoder) node(n *node) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "id", n.ID)
	b = appendEntity(b, n.Entity, "label", "type")
	if n.hasPos {
		b = appendFloatField(b, "x", n.x)
		b = appendFloatField(b, "y", n.y)
	}
	j.buf = append(b, '}')
	return j.elem()
}

func (j *nodeLinkEncoder) edges() error { return j.array(`],"edges":[`) }

func (j *nodeLinkEncoder) edge(r *graph.Relation) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "id", r.Key().ID())
	b = appendStringField(b, "key", string(r.Type))
	b = appendStringField(b, "source", r.From)
	b = appendStringField(b, "target", r.To)
	j.buf = append(appendRelation(b, r, "type"), '}')
	return j.elem()
}

func (j *nodeLinkEncoder) end() error { return j.flush("]}\n") }

// cytoscapeEncoder writes Cytoscape.js elements JSON:
// {"elements":{"nodes":[{"data":{...},"position":{...},"classes":...}],"edges":[...]}}.
type cytoscapeEncoder struct{ jsonWriter }

func (j *cytoscapeEncoder) begin() error { return j.array(`{"elements":{"nodes":[`) }

func (j *cytoscapeEncoder) node(n *node) error {
	b := append(j.buf, `{"data":{`...)
	b = appendStringField(b, "id", n.ID)
	b = appendEntity(b, n.Entity, "label", "type")
	b = appendStringField(b, "color", colorOf(n.Type).hex())
	b = append(b, '}')
	if n.hasPos {
		b = append(appendKey(b, "position"), '{')
		b = appendFloatField(b, "x", n.x)
		b = appendFloatField(b, "y", n.y)
		b = append(b, '}')
	}
	b = appendStringField(b, "classes", string(n.Type))
	j.buf = append(b, '}')
	return j.elem()
}

func (j *cytoscapeEncoder) edges() error { return j.array(`],"edges":[`) }

func (j *cytoscapeEncoder) edge(r *graph.Relation) error {
	b := append(j.buf, `{"data":{`...)
	b = appendStringField(b, "id", r.Key().ID())
	b = appendStringField(b, "source", r.From)
	b = appendStringField(b, "target", r.To)
	b = appendStringField(b, "label", string(r.Type))
	b = appendRelation(b, r, "type")
	b = append(b, '}')
	b = appendStringField(b, "classes", string(r.Type))
	j.buf = append(b, '}')
	return j.elem()
}

func (j *cytoscapeEncoder) end() error { return j.flush("]}}\n") }

// graphologyEncoder writes graphology's serialized form, which sigma.js
// draws: a mixed multigraph whose nodes have numeric x, y, size and color.
// "type" means the rendering program to sigma.js, so the entity and
// relation types are entityType and relationType.
type graphologyEncoder struct {
	jsonWriter
	size SizeBy
}

func (j *graphologyEncoder) begin() error {
	return j.array(`{"attributes":{"name":"kg"},"options":{"type":"mixed","multi":true,"allowSelfLoops":false},"nodes":[`)
}

func (j *graphologyEncoder) node(n *node) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "key", n.ID)
	b = append(appendKey(b, "attributes"), '{')
	b = appendFloatField(b, "x", n.x)
	b = appendFloatField(b, "y", n.y)
	b = appendFloatField(b, "size", nodeSize(n.Entity, j.size))
	b = appendStringField(b, "color", colorOf(n.Type).hex())
	b = appendEntity(b, n.Entity, "label", "entityType")
	j.buf = append(b, '}', '}')
	return j.elem()
}

func (j *graphologyEncoder) edges() error { return j.array(`],"edges":[`) }

func (j *graphologyEncoder) edge(r *graph.Relation) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "key", r.Key().ID())
	b = appendStringField(b, "source", r.From)
	b = appendStringField(b, "target", r.To)
	if r.Type.Undirected() {
		b = append(appendKey(b, "undirected"), "true"...)
	}
	b = append(appendKey(b, "attributes"), '{')
	b = appendStringField(b, "label", string(r.Type))
	b = appendFloatField(b, "size", edgeSize(r.Weight))
	b = appendRelation(b, r, "relationType")
	j.buf = append(b, '}', '}')
	return j.elem()
}

func (j *graphologyEncoder) end() error { return j.flush("]}\n") }

// d3Encoder writes the {"nodes":[...],"links":[...]} shape of D3's force
// examples: "group" is the entity type and "value" the weight.
type d3Encoder struct{ jsonWriter }

func (j *d3Encoder) begin() error { return j.array(`{"nodes":[`) }

func (j *d3Encoder) node(n *node) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "id", n.ID)
	b = appendStringField(b, "group", string(n.Type))
	b = appendEntity(b, n.Entity, "label", "type")
	j.buf = append(b, '}')
	return j.elem()
}

func (j *d3Encoder) edges() error { return j.array(`],"links":[`) }

func (j *d3Encoder) edge(r *graph.Relation) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "id", r.Key().ID())
	b = appendStringField(b, "source", r.From)
	b = appendStringField(b, "target", r.To)
	b = appendFloatField(b, "value", r.Weight)
	j.buf = append(appendRelation(b, r, "type"), '}')
	return j.elem()
}

func (j *d3Encoder) end() error { return j.flush("]}\n") }

// echartsEncoder writes an ECharts option with one graph series: nodes in
// "data" with a category per entity type, "links" by node id, and the
// categories and legend. "label" and "type" are ECharts options, so the
// entity's name is "name" only and its type "entityType". ECharts needs unique data names; a name that two
// selected nodes share is suffixed with the entity type, e.g. "北京（region）".
type echartsEncoder struct {
	jsonWriter
	size   SizeBy
	dups   []uint64 // sorted hashes of names shared by several nodes
	cats   []graph.EntityType
	catIdx map[graph.EntityType]int
	posed  bool
}

func nameHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// prepare finds the shared names in one pass, keeping 8 bytes per node.
func (j *echartsEncoder) prepare(ctx context.Context, src source) error {
	var hs []uint64
	err := src.nodes(ctx, func(e *graph.Entity) error {
		hs = append(hs, nameHash(e.Name))
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(hs)
	for i := 1; i < len(hs); i++ {
		if hs[i] == hs[i-1] && (len(j.dups) == 0 || j.dups[len(j.dups)-1] != hs[i]) {
			j.dups = append(j.dups, hs[i])
		}
	}
	return nil
}

func (j *echartsEncoder) begin() error {
	j.cats = slices.Clone(graph.EntityTypes)
	j.catIdx = make(map[graph.EntityType]int)
	for i, t := range j.cats {
		j.catIdx[t] = i
	}
	return j.array(`{"series":[{"type":"graph","roam":true,"label":{"show":false},"data":[`)
}

func (j *echartsEncoder) node(n *node) error {
	ci, ok := j.catIdx[n.Type]
	if !ok {
		ci = len(j.cats)
		j.cats = append(j.cats, n.Type)
		j.catIdx[n.Type] = ci
	}
	name := n.Name
	if _, dup := slices.BinarySearch(j.dups, nameHash(name)); dup {
		name += "（" + string(n.Type) + "）"
	}
	b := append(j.buf, '{')
	b = appendStringField(b, "id", n.ID)
	b = appendStringField(b, "name", name)
	b = appendIntField(b, "category", int64(ci))
	b = appendIntField(b, "value", n.Mentions)
	b = appendFloatField(b, "symbolSize", nodeSize(n.Entity, j.size))
	if n.hasPos {
		j.posed = true
		b = appendFloatField(b, "x", n.x)
		b = appendFloatField(b, "y", n.y)
	}
	b = appendEntity(b, n.Entity, "", "entityType")
	j.buf = append(b, '}')
	return j.elem()
}

func (j *echartsEncoder) edges() error { return j.array(`],"links":[`) }

func (j *echartsEncoder) edge(r *graph.Relation) error {
	b := append(j.buf, '{')
	b = appendStringField(b, "id", r.Key().ID())
	b = appendStringField(b, "source", r.From)
	b = appendStringField(b, "target", r.To)
	b = appendFloatField(b, "value", r.Weight)
	b = appendStringField(b, "name", string(r.Type))
	j.buf = append(appendRelation(b, r, "relationType"), '}')
	return j.elem()
}

func (j *echartsEncoder) end() error {
	b := append(j.buf, `],"categories":[`...)
	for i, t := range j.cats {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendStringField(b, "name", string(t))
		b = append(appendKey(b, "itemStyle"), '{')
		b = appendStringField(b, "color", colorOf(t).hex())
		b = append(b, '}', '}')
	}
	b = append(b, ']')
	layout := "force"
	if j.posed {
		layout = "none"
	}
	b = appendStringField(b, "layout", layout)
	b = append(b, `}],"legend":[{"data":[`...)
	for i, t := range j.cats {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, string(t))
	}
	b = append(b, "]}]}\n"...)
	j.buf = b[:0]
	if _, err := j.w.Write(b); err != nil {
		return err
	}
	return j.w.Flush()
}
