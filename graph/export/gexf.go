package export

import (
	"strconv"

	"kg/graph"
)

// gexfHead opens a GEXF 1.3 document. The comment in Chinese near the top
// is there on purpose: Gephi guesses a file's encoding from its first few
// kilobytes, and a file whose first Chinese character comes late can be
// read as Latin-1.
const gexfHead = `<?xml version="1.0" encoding="UTF-8"?>
<!-- kg 知识图谱导出：科技政策文件中的平台、领域、机构、地区与举措及其关系。UTF-8 编码。 -->
<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
  <meta>
    <creator>kg</creator>
    <description>Knowledge graph of science and technology policy documents (科技政策知识图谱)</description>
  </meta>
`

// gexfAttributes declares the typed node and edge attributes. Dates are
// ISO strings (GEXF has no date attribute type; ISO dates sort as text).
const gexfAttributes = `    <attributes class="node">
      <attribute id="type" title="type" type="string"/>
      <attribute id="aliases" title="aliases" type="liststring"/>
      <attribute id="mentions" title="mentions" type="long"/>
      <attribute id="docs" title="docs" type="long"/>
      <attribute id="degree" title="degree" type="long"/>
      <attribute id="first" title="first" type="string"/>
      <attribute id="last" title="last" type="string"/>
    </attributes>
    <attributes class="edge">
      <attribute id="relation" title="relation" type="string"/>
      <attribute id="docs" title="docs" type="long"/>
      <attribute id="first" title="first" type="string"/>
      <attribute id="last" title="last" type="string"/>
      <attribute id="undirected" title="undirected" type="boolean"/>
    </attributes>
    <nodes>
`

// gexfEncoder writes GEXF 1.3 for Gephi. Every edge is directed, as the
// graph's default says: CO_OCCURS relations, which have no direction, go
// from the smaller ID to the larger and carry undirected=true, because
// networkx refuses a directed graph with undirected edges. Edge kind and
// label are the relation type, so parallel edges of different types stay
// apart in Gephi.
type gexfEncoder struct {
	xmlWriter
	dynamic bool
	size    SizeBy
}

func (x *gexfEncoder) begin() error {
	if err := x.raw(gexfHead); err != nil {
		return err
	}
	graphTag := `  <graph defaultedgetype="directed" mode="static">` + "\n"
	if x.dynamic {
		graphTag = `  <graph defaultedgetype="directed" mode="dynamic" timeformat="date" timerepresentation="interval">` + "\n"
	}
	if err := x.raw(graphTag); err != nil {
		return err
	}
	return x.raw(gexfAttributes)
}

// appendSpell appends a spell from first on, open-ended: once a document
// has named a node or edge, it stays in the timeline.
func (x *gexfEncoder) appendSpell(b []byte, first string) []byte {
	if !x.dynamic || !validDate(first) {
		return b
	}
	// xsd:date wants a whole date; a year or month starts on its first day.
	switch len(first) {
	case 4:
		first += "-01-01"
	case 7:
		first += "-01"
	}
	b = append(b, `<spells><spell`...)
	b = appendAttr(b, "start", first)
	return append(b, `/></spells>`...)
}

func (x *gexfEncoder) node(n *node) error {
	b := append(x.buf, `      <node`...)
	b = appendAttr(b, "id", n.ID)
	b = appendAttr(b, "label", cleanLabel(n.Name))
	b = append(b, '>')
	b = append(b, `<attvalues>`...)
	b = appendAttValue(b, "type", string(n.Type))
	b = appendAttValue(b, "aliases", listString(n.Aliases))
	b = appendAttValue(b, "mentions", itoa(n.Mentions))
	b = appendAttValue(b, "docs", itoa(n.Docs))
	b = appendAttValue(b, "degree", itoa(n.Degree))
	if n.First != "" {
		b = appendAttValue(b, "first", n.First)
	}
	if n.Last != "" {
		b = appendAttValue(b, "last", n.Last)
	}
	b = append(b, `</attvalues>`...)
	b = x.appendSpell(b, n.First)
	c := colorOf(n.Type)
	b = append(b, `<viz:color r="`...)
	b = strconv.AppendUint(b, uint64(c.r), 10)
	b = append(b, `" g="`...)
	b = strconv.AppendUint(b, uint64(c.g), 10)
	b = append(b, `" b="`...)
	b = strconv.AppendUint(b, uint64(c.b), 10)
	b = append(b, `"/><viz:size`...)
	b = appendFloatAttr(b, "value", nodeSize(n.Entity, x.size))
	b = append(b, `/>`...)
	if n.hasPos {
		b = append(b, `<viz:position`...)
		b = appendFloatAttr(b, "x", n.x)
		b = appendFloatAttr(b, "y", n.y)
		b = append(b, ` z="0"/>`...)
	}
	b = append(b, "</node>\n"...)
	x.buf = b
	return x.out()
}

func (x *gexfEncoder) edges() error { return x.raw("    </nodes>\n    <edges>\n") }

func (x *gexfEncoder) edge(r *graph.Relation) error {
	b := append(x.buf, `      <edge`...)
	b = appendAttr(b, "id", r.Key().ID())
	b = appendAttr(b, "source", r.From)
	b = appendAttr(b, "target", r.To)
	b = appendAttr(b, "label", relationLabel(r))
	b = appendAttr(b, "kind", string(r.Type))
	b = appendFloatAttr(b, "weight", r.Weight)
	b = append(b, `><attvalues>`...)
	b = appendAttValue(b, "relation", string(r.Type))
	b = appendAttValue(b, "docs", itoa(r.Docs))
	if r.First != "" {
		b = appendAttValue(b, "first", r.First)
	}
	if r.Last != "" {
		b = appendAttValue(b, "last", r.Last)
	}
	b = appendAttValue(b, "undirected", strconv.FormatBool(r.Type.Undirected()))
	b = append(b, `</attvalues>`...)
	b = x.appendSpell(b, r.First)
	b = append(b, "</edge>\n"...)
	x.buf = b
	return x.out()
}

func (x *gexfEncoder) end() error {
	if err := x.raw("    </edges>\n  </graph>\n</gexf>\n"); err != nil {
		return err
	}
	return x.w.Flush()
}
