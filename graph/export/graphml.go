package export

import (
	"strconv"
	"strings"

	"kg/graph"
)

// graphmlHead declares the keys with the types Gephi, networkx and igraph
// all accept (string, long, double, boolean, int). x, y, size, r, g, b are
// the names Gephi's GraphML importer reads as position, size and colour.
const graphmlHead = `<?xml version="1.0" encoding="UTF-8"?>
<!-- kg 知识图谱导出：科技政策文件中的平台、领域、机构、地区与举措及其关系。UTF-8 编码。 -->
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
  <key id="label" for="node" attr.name="label" attr.type="string"/>
  <key id="type" for="node" attr.name="type" attr.type="string"/>
  <key id="aliases" for="node" attr.name="aliases" attr.type="string"/>
  <key id="mentions" for="node" attr.name="mentions" attr.type="long"/>
  <key id="docs" for="node" attr.name="docs" attr.type="long"/>
  <key id="degree" for="node" attr.name="degree" attr.type="long"/>
  <key id="first" for="node" attr.name="first" attr.type="string"/>
  <key id="last" for="node" attr.name="last" attr.type="string"/>
  <key id="size" for="node" attr.name="size" attr.type="double"/>
  <key id="r" for="node" attr.name="r" attr.type="int"/>
  <key id="g" for="node" attr.name="g" attr.type="int"/>
  <key id="b" for="node" attr.name="b" attr.type="int"/>
  <key id="x" for="node" attr.name="x" attr.type="double"/>
  <key id="y" for="node" attr.name="y" attr.type="double"/>
  <key id="e_label" for="edge" attr.name="label" attr.type="string"/>
  <key id="e_type" for="edge" attr.name="type" attr.type="string"/>
  <key id="e_weight" for="edge" attr.name="weight" attr.type="double"/>
  <key id="e_docs" for="edge" attr.name="docs" attr.type="long"/>
  <key id="e_first" for="edge" attr.name="first" attr.type="string"/>
  <key id="e_last" for="edge" attr.name="last" attr.type="string"/>
  <key id="e_undirected" for="edge" attr.name="undirected" attr.type="boolean"/>
  <graph id="kg" edgedefault="directed">
`

// graphmlEncoder writes GraphML. Aliases are one string joined with "|".
// As in GEXF, every edge is directed and CO_OCCURS edges carry
// undirected=true.
type graphmlEncoder struct {
	xmlWriter
	size SizeBy
}

func (x *graphmlEncoder) begin() error { return x.raw(graphmlHead) }

func appendData(b []byte, key, v string) []byte {
	b = append(b, `<data key="`...)
	b = append(b, key...)
	b = append(b, `">`...)
	b = appendXML(b, v)
	return append(b, `</data>`...)
}

func (x *graphmlEncoder) node(n *node) error {
	b := append(x.buf, `    <node`...)
	b = appendAttr(b, "id", n.ID)
	b = append(b, '>')
	b = appendData(b, "label", n.Name)
	b = appendData(b, "type", string(n.Type))
	b = appendData(b, "aliases", strings.Join(n.Aliases, "|"))
	b = appendData(b, "mentions", itoa(n.Mentions))
	b = appendData(b, "docs", itoa(n.Docs))
	b = appendData(b, "degree", itoa(n.Degree))
	if n.First != "" {
		b = appendData(b, "first", n.First)
	}
	if n.Last != "" {
		b = appendData(b, "last", n.Last)
	}
	b = appendData(b, "size", ftoa(nodeSize(n.Entity, x.size)))
	c := colorOf(n.Type)
	b = appendData(b, "r", strconv.Itoa(int(c.r)))
	b = appendData(b, "g", strconv.Itoa(int(c.g)))
	b = appendData(b, "b", strconv.Itoa(int(c.b)))
	if n.hasPos {
		b = appendData(b, "x", ftoa(n.x))
		b = appendData(b, "y", ftoa(n.y))
	}
	b = append(b, "</node>\n"...)
	x.buf = b
	return x.out()
}

func (x *graphmlEncoder) edges() error { return nil }

func (x *graphmlEncoder) edge(r *graph.Relation) error {
	b := append(x.buf, `    <edge`...)
	b = appendAttr(b, "id", r.Key().ID())
	b = appendAttr(b, "source", r.From)
	b = appendAttr(b, "target", r.To)
	b = append(b, '>')
	b = appendData(b, "e_label", string(r.Type))
	b = appendData(b, "e_type", string(r.Type))
	b = appendData(b, "e_weight", ftoa(r.Weight))
	b = appendData(b, "e_docs", itoa(r.Docs))
	if r.First != "" {
		b = appendData(b, "e_first", r.First)
	}
	if r.Last != "" {
		b = appendData(b, "e_last", r.Last)
	}
	b = appendData(b, "e_undirected", strconv.FormatBool(r.Type.Undirected()))
	b = append(b, "</edge>\n"...)
	x.buf = b
	return x.out()
}

func (x *graphmlEncoder) end() error {
	if err := x.raw("  </graph>\n</graphml>\n"); err != nil {
		return err
	}
	return x.w.Flush()
}
