package schema

import (
	"io"

	"kg/graph"
	"kg/graph/export"
)

// GraphFormat names a JSON layout of a subgraph for visualisation clients.
type GraphFormat string

// The layouts Subgraph.asJSON offers, each written by package export.
const (
	NodeLink   GraphFormat = "NODE_LINK"  // networkx node-link: {nodes, links}
	Cytoscape  GraphFormat = "CYTOSCAPE"  // Cytoscape.js elements
	Graphology GraphFormat = "GRAPHOLOGY" // graphology serialisation
	D3         GraphFormat = "D3"         // d3-force {nodes, links}
	ECharts    GraphFormat = "ECHARTS"    // ECharts graph series
)

// GraphFormats lists the layouts in the order the schema shows them.
var GraphFormats = []GraphFormat{NodeLink, Cytoscape, Graphology, D3, ECharts}

var exportFormat = map[GraphFormat]export.Format{
	NodeLink:   export.JSON,
	Cytoscape:  export.Cytoscape,
	Graphology: export.Graphology,
	D3:         export.D3,
	ECharts:    export.ECharts,
}

// GraphEncoder writes sg to w in the given layout, with force-directed
// positions when layout is set. The subgraph is closed (every relation's
// endpoints are among its nodes) and the encoder must keep it so.
type GraphEncoder func(w io.Writer, format GraphFormat, sg *graph.Subgraph, layout bool) error

// defaultEncoder is package export's encoder of the same layout.
func defaultEncoder(w io.Writer, format GraphFormat, sg *graph.Subgraph, layout bool) error {
	f, ok := exportFormat[format]
	if !ok {
		return errorf(CodeBadInput, "unknown graph format %q", format)
	}
	return export.EncodeSubgraph(w, f, sg, export.Options{Layout: layout})
}
