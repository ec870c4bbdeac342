package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"kg/graph"
	"kg/graph/layout"
)

// Format names an output format.
type Format string

// The formats. JSON is node-link JSON.
const (
	JSON       Format = "json"
	Cytoscape  Format = "cytoscape"
	Graphology Format = "graphology"
	D3         Format = "d3"
	ECharts    Format = "echarts"
	GEXF       Format = "gexf"
	GraphML    Format = "graphml"
	CSV        Format = "csv"
)

// Formats lists every format in a fixed order.
var Formats = []Format{JSON, Cytoscape, Graphology, D3, ECharts, GEXF, GraphML, CSV}

// ParseFormat returns the format named s (case-insensitive; "nodelink" and
// "node-link" are JSON).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "node-link", "nodelink":
		return JSON, nil
	case JSON, Cytoscape, Graphology, D3, ECharts, GEXF, GraphML, CSV:
		return f, nil
	}
	return "", fmt.Errorf("%w: unknown export format %q (want one of %s)", graph.ErrInvalid, s, formatList())
}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// ContentType is the MIME type of a format's single-stream output. CSV is
// written as a zip archive holding nodes.csv and edges.csv when it goes to
// one stream.
func (f Format) ContentType() string {
	switch f {
	case GEXF:
		return "application/gexf+xml; charset=utf-8"
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case CSV:
		return "application/zip"
	default:
		return "application/json; charset=utf-8"
	}
}

// FileName is the conventional download name of a format's single-stream
// output, "kg" plus an extension.
func (f Format) FileName() string {
	switch f {
	case GEXF:
		return "kg.gexf"
	case GraphML:
		return "kg.graphml"
	case CSV:
		return "kg-csv.zip"
	case JSON:
		return "kg.json"
	default:
		return "kg." + string(f) + ".json"
	}
}

// SizeBy says what a node's drawn size follows.
type SizeBy string

// The size measures.
const (
	SizeMentions SizeBy = "mentions" // number of mentions over all documents
	SizeDegree   SizeBy = "degree"   // number of distinct relations
)

// DefaultMaxLayoutNodes is the largest selection that gets a layout.
const DefaultMaxLayoutNodes = 10000

// Options control an export. The zero value exports everything, without
// layout, sized by mentions.
type Options struct {
	Select Selection
	// Layout computes force-directed positions when the selection has at
	// most MaxLayoutNodes nodes. Positions go into gexf, graphology,
	// cytoscape, echarts and json output.
	Layout         bool
	MaxLayoutNodes int // 0 means DefaultMaxLayoutNodes
	// LayoutIterations overrides the layout's iteration count (0: its
	// default, which shrinks as graphs grow).
	LayoutIterations int
	// Dynamic makes a GEXF graph dynamic: each node and edge gets a spell
	// starting at its first publication date, so Gephi's timeline shows the
	// graph growing.
	Dynamic bool
	// Size is what viz:size and the clients' size attributes follow;
	// "" means SizeMentions.
	Size SizeBy
}

func (o *Options) maxLayout() int {
	if o.MaxLayoutNodes > 0 {
		return o.MaxLayoutNodes
	}
	return DefaultMaxLayoutNodes
}

// EncodeSubgraph writes an in-memory subgraph in format f to w, after
// applying opts.Select (except Doc and Around, which need a Reader and are
// refused with graph.ErrInvalid). The output is closed: no edge whose
// endpoint is missing, even if sg carries such edges. CSV goes out as a zip
// archive of nodes.csv and edges.csv.
func EncodeSubgraph(w io.Writer, f Format, sg *graph.Subgraph, opts Options) error {
	if opts.Select.Doc != "" || opts.Select.Around != "" {
		return fmt.Errorf("%w: export: doc and around selections need a graph reader", graph.ErrInvalid)
	}
	if err := opts.Select.Validate(); err != nil {
		return err
	}
	if sg == nil {
		sg = &graph.Subgraph{}
	}
	src := newSliceSource(sg.Nodes, sg.Relations, &opts.Select)
	return encode(context.Background(), w, f, src, &opts)
}

// Export streams the graph held by r, restricted by opts.Select, in format
// f to w. CSV goes out as a zip archive; use ExportCSV for two files.
func Export(ctx context.Context, r graph.Reader, w io.Writer, f Format, opts Options) error {
	src, err := newSource(ctx, withRelease(r), &opts.Select)
	if err != nil {
		return err
	}
	return encode(ctx, w, f, src, &opts)
}

// ExportCSV streams the graph held by r, restricted by opts.Select, as
// Gephi spreadsheet CSV: nodes to nodes, edges to edges.
func ExportCSV(ctx context.Context, r graph.Reader, nodes, edges io.Writer, opts Options) error {
	src, err := newSource(ctx, withRelease(r), &opts.Select)
	if err != nil {
		return err
	}
	enc := newCSVEncoder(nodes, edges)
	return run(ctx, enc, src, &opts)
}

// source yields the selected nodes in ID order, then the selected edges
// (both of whose endpoints are selected) ordered by From, Type, To.
type source interface {
	nodes(ctx context.Context, fn func(*graph.Entity) error) error
	edges(ctx context.Context, fn func(*graph.Relation) error) error
}

// node is what encoders get: the entity and its position.
type node struct {
	*graph.Entity
	x, y   float64
	hasPos bool // from the layout; otherwise x, y are a stable fallback
}

// encoder writes one format. Calls come in the order begin, node*, edges,
// edge*, end.
type encoder interface {
	begin() error
	node(n *node) error
	edges() error
	edge(r *graph.Relation) error
	end() error
}

// preparer is an encoder that needs a look at the nodes before begin
// (ECharts, to make names unique).
type preparer interface {
	prepare(ctx context.Context, src source) error
}

func newEncoder(f Format, w io.Writer, opts *Options) (encoder, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch f {
	case JSON:
		return &nodeLinkEncoder{jsonWriter: jsonWriter{w: bw}}, nil
	case Cytoscape:
		return &cytoscapeEncoder{jsonWriter: jsonWriter{w: bw}}, nil
	case Graphology:
		return &graphologyEncoder{jsonWriter: jsonWriter{w: bw}, size: opts.Size}, nil
	case D3:
		return &d3Encoder{jsonWriter: jsonWriter{w: bw}}, nil
	case ECharts:
		return &echartsEncoder{jsonWriter: jsonWriter{w: bw}, size: opts.Size}, nil
	case GEXF:
		return &gexfEncoder{xmlWriter: xmlWriter{w: bw}, dynamic: opts.Dynamic, size: opts.Size}, nil
	case GraphML:
		return &graphmlEncoder{xmlWriter: xmlWriter{w: bw}, size: opts.Size}, nil
	case CSV:
		return newZipCSVEncoder(w), nil
	}
	return nil, fmt.Errorf("%w: unknown export format %q", graph.ErrInvalid, f)
}

func encode(ctx context.Context, w io.Writer, f Format, src source, opts *Options) error {
	enc, err := newEncoder(f, w, opts)
	if err != nil {
		return err
	}
	return run(ctx, enc, src, opts)
}

func run(ctx context.Context, enc encoder, src source, opts *Options) error {
	var pos map[string]layout.Point
	if opts.Layout {
		var err error
		if pos, err = positions(ctx, src, opts); err != nil {
			return err
		}
	}
	if p, ok := enc.(preparer); ok {
		if err := p.prepare(ctx, src); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := enc.begin(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// The IDs written are remembered (16 bytes each) so that no edge goes
	// out whose endpoint did not, even if the store changed between the
	// node and edge passes.
	written := &idSet{}
	var n node
	err := src.nodes(ctx, func(e *graph.Entity) error {
		written.add(e.ID)
		n.Entity = e
		if p, ok := pos[e.ID]; ok {
			n.x, n.y, n.hasPos = p.X, p.Y, true
		} else {
			n.x, n.y, n.hasPos = fallbackPosition(e.ID)
		}
		return enc.node(&n)
	})
	if err != nil {
		return fmt.Errorf("export nodes: %w", err)
	}
	if err := enc.edges(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err = src.edges(ctx, func(r *graph.Relation) error {
		if !written.has(r.From) || !written.has(r.To) {
			return nil
		}
		return enc.edge(r)
	})
	if err != nil {
		return fmt.Errorf("export edges: %w", err)
	}
	if err := enc.end(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// errTooLarge stops the layout's collection pass.
var errTooLarge = errors.New("too many nodes for a layout")

// positions lays out the selection if it has at most opts.maxLayout()
// nodes; otherwise it returns nil.
func positions(ctx context.Context, src source, opts *Options) (map[string]layout.Point, error) {
	max := opts.maxLayout()
	var ids []string
	err := src.nodes(ctx, func(e *graph.Entity) error {
		if len(ids) == max {
			return errTooLarge
		}
		ids = append(ids, e.ID)
		return nil
	})
	if errors.Is(err, errTooLarge) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export layout: %w", err)
	}
	sort.Strings(ids)
	index := func(id string) int {
		i := sort.SearchStrings(ids, id)
		if i < len(ids) && ids[i] == id {
			return i
		}
		return -1
	}
	var edges []layout.Edge
	err = src.edges(ctx, func(r *graph.Relation) error {
		a, b := index(r.From), index(r.To)
		if a >= 0 && b >= 0 {
			edges = append(edges, layout.Edge{From: a, To: b, Weight: r.Weight})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export layout: %w", err)
	}
	pts := layout.ForceDirected(ids, edges, layout.Options{Iterations: opts.LayoutIterations})
	pos := make(map[string]layout.Point, len(ids))
	for i, id := range ids {
		pos[id] = pts[i]
	}
	return pos, nil
}

// fallbackPosition places a node without a layout at a stable point of a
// disc derived from its ID, so clients that need coordinates (sigma.js)
// can draw it and a later layout can start from there.
func fallbackPosition(id string) (x, y float64, hasPos bool) {
	p := layout.Initial(id)
	return p.X * 1000, p.Y * 1000, false
}
