package export

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"kg/graph"
)

// The CSV columns. Gephi's spreadsheet import reads Id and Label for
// nodes and Source, Target, Type (Directed/Undirected), Id, Label and
// Weight for edges; the other columns become attributes. Every edge is
// Directed, as in the GEXF export; Kind is the relation type.
var (
	nodeColumns = []string{"Id", "Label", "Type", "Aliases", "Mentions", "Docs", "Degree", "First", "Last", "Color", "Size"}
	edgeColumns = []string{"Source", "Target", "Type", "Id", "Label", "Weight", "Kind", "Docs", "First", "Last", "Undirected"}
)

// bom is the UTF-8 byte-order mark that tells spreadsheet tools the file
// is UTF-8, so Chinese names do not come out garbled.
const bom = "\ufeff"

// csvEncoder writes nodes.csv and edges.csv to two writers.
type csvEncoder struct {
	nw, ew   *bufio.Writer
	nodes    *csv.Writer
	edgesCSV *csv.Writer
	row      []string
}

func newCSVEncoder(nodes, edges io.Writer) *csvEncoder {
	nw, ew := bufio.NewWriterSize(nodes, 64<<10), bufio.NewWriterSize(edges, 64<<10)
	return &csvEncoder{nw: nw, ew: ew, nodes: csv.NewWriter(nw), edgesCSV: csv.NewWriter(ew)}
}

func (c *csvEncoder) begin() error {
	if _, err := c.nw.WriteString(bom); err != nil {
		return err
	}
	return c.nodes.Write(nodeColumns)
}

// csvText removes what spreadsheet tools choke on: control characters and
// invalid UTF-8 (the csv package quotes newlines, but a name should not
// carry one).
func csvText(s string) string {
	return strings.Join(strings.Fields(stripInvalid(s)), " ")
}

func (c *csvEncoder) node(n *node) error {
	aliases := make([]string, len(n.Aliases))
	for i, a := range n.Aliases {
		aliases[i] = csvText(a)
	}
	c.row = append(c.row[:0],
		n.ID, csvText(n.Name), string(n.Type), strings.Join(aliases, "|"),
		itoa(n.Mentions), itoa(n.Docs), itoa(n.Degree), n.First, n.Last,
		colorOf(n.Type).hex(), ftoa(nodeSize(n.Entity, SizeMentions)))
	return c.nodes.Write(c.row)
}

func (c *csvEncoder) edges() error {
	c.nodes.Flush()
	if err := c.nodes.Error(); err != nil {
		return err
	}
	if err := c.nw.Flush(); err != nil {
		return err
	}
	if _, err := c.ew.WriteString(bom); err != nil {
		return err
	}
	return c.edgesCSV.Write(edgeColumns)
}

func (c *csvEncoder) edge(r *graph.Relation) error {
	c.row = append(c.row[:0],
		r.From, r.To, "Directed", r.Key().ID(), string(r.Type), ftoa(r.Weight),
		string(r.Type), itoa(r.Docs), r.First, r.Last, strconv.FormatBool(r.Type.Undirected()))
	return c.edgesCSV.Write(c.row)
}

func (c *csvEncoder) end() error {
	c.edgesCSV.Flush()
	if err := c.edgesCSV.Error(); err != nil {
		return err
	}
	return c.ew.Flush()
}

// zipCSVEncoder writes nodes.csv and edges.csv as two entries of a zip
// archive on one stream (HTTP, EncodeSubgraph).
type zipCSVEncoder struct {
	zw *zip.Writer
	*csvEncoder
}

func newZipCSVEncoder(w io.Writer) *zipCSVEncoder { return &zipCSVEncoder{zw: zip.NewWriter(w)} }

func (z *zipCSVEncoder) begin() error {
	nw, err := z.zw.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate})
	if err != nil {
		return err
	}
	z.csvEncoder = newCSVEncoder(nw, io.Discard)
	return z.csvEncoder.begin()
}

func (z *zipCSVEncoder) edges() error {
	z.nodes.Flush()
	if err := z.nodes.Error(); err != nil {
		return err
	}
	if err := z.nw.Flush(); err != nil {
		return err
	}
	ew, err := z.zw.CreateHeader(&zip.FileHeader{Name: "edges.csv", Method: zip.Deflate})
	if err != nil {
		return err
	}
	z.ew.Reset(ew)
	if _, err := z.ew.WriteString(bom); err != nil {
		return err
	}
	return z.edgesCSV.Write(edgeColumns)
}

func (z *zipCSVEncoder) end() error {
	if err := z.csvEncoder.end(); err != nil {
		return err
	}
	return z.zw.Close()
}
