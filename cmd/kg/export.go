package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"kg/graph"
	"kg/graph/badgerstore"
	"kg/graph/export"
)

// exportOptions is what kg export's flags say.
type exportOptions struct {
	db        string
	format    string
	out       string
	types     string
	relations string
	opts      export.Options
}

const exportUsage = `--format F [-o FILE|DIR] [filters]

Formats: gexf (Gephi), graphml, csv (Gephi spreadsheet: nodes.csv and
edges.csv in the -o DIR), json (node-link), cytoscape, graphology, d3,
echarts; rdf and rdf-schema (the whole graph as N-Quads and its DQL schema,
for dgraph live or bulk; filters do not apply). Output goes to stdout
unless -o is given (csv needs -o DIR).
Filters combine: --types and --relations are comma-separated lists,
--doc ID keeps what one document contributed, --around NAME --depth K
the neighbourhood of an entity (name, alias or ID).`

func runExport(ctx context.Context, e *env, args []string) error {
	var o exportOptions
	fs := newFlags(e, "export", exportUsage)
	db := dbFlag(e, fs)
	sel := &o.opts.Select
	fs.StringVar(&o.format, "format", "", "output `format`: gexf, graphml, csv, json, cytoscape, graphology, d3, echarts")
	fs.StringVar(&o.out, "o", "", "output `file` (a directory for csv); default stdout")
	fs.StringVar(&o.types, "types", "", "keep only these entity `types` (comma-separated)")
	fs.StringVar(&o.relations, "relations", "", "keep only these relation `types` (comma-separated)")
	fs.Float64Var(&sel.MinWeight, "min-weight", 0, "drop relations lighter than `w`")
	fs.IntVar(&sel.Top, "top", 0, "keep the `N` entities of highest degree")
	fs.StringVar(&sel.Doc, "doc", "", "keep what one document contributed (document `ID` or source path)")
	fs.StringVar(&sel.Since, "since", "", "keep what was published on or after `DATE` (YYYY[-MM[-DD]])")
	fs.StringVar(&sel.Until, "until", "", "keep what was published on or before `DATE` (YYYY[-MM[-DD]])")
	fs.StringVar(&sel.Around, "around", "", "keep the neighbourhood of the entity `NAME` (or ID)")
	fs.IntVar(&sel.Depth, "depth", 1, "hops from --around, 1 to 3")
	fs.IntVar(&sel.Limit, "limit", export.DefaultAroundLimit, "most `nodes` an --around selection keeps")
	layout := fs.Bool("layout", true, "compute positions when the export has at most --layout-max nodes")
	fs.IntVar(&o.opts.MaxLayoutNodes, "layout-max", export.DefaultMaxLayoutNodes, "largest export (`nodes`) that gets a layout")
	fs.BoolVar(&o.opts.Dynamic, "dynamic", false, "gexf: nodes and edges appear at their first publication date (Gephi timeline)")
	size := fs.String("size", "mentions", "node size follows `mentions` or degree")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	o.db = *db
	o.opts.Layout = *layout
	o.opts.Size = export.SizeBy(*size)
	if o.opts.Size != export.SizeMentions && o.opts.Size != export.SizeDegree {
		return usagef("--size %q: want mentions or degree", *size)
	}
	if o.format == "" {
		return usagef("--format is required (gexf, graphml, csv, json, cytoscape, graphology, d3, echarts, rdf, rdf-schema)")
	}
	if slices.Contains(rdfFormats, o.format) {
		// RDF is the whole graph in the Dgraph backend's node layout, for
		// dgraph live/bulk; the slice filters do not apply to it.
		st, err := openExportStore(ctx, o.db)
		if err != nil {
			return err
		}
		defer st.Close()
		if o.out == "" || o.out == "-" {
			return exportRDF(ctx, st, e.stdout, o.format)
		}
		return exportWriteFile(o.out, func(w io.Writer) error { return exportRDF(ctx, st, w, o.format) })
	}
	f, err := export.ParseFormat(o.format)
	if err != nil {
		return usagef("%v", err)
	}
	if f == export.CSV && o.out == "" {
		return usagef("csv writes nodes.csv and edges.csv: give the directory with -o DIR")
	}
	sel.Types = export.SplitTypes(o.types)
	sel.Relations = export.SplitRelations(o.relations)
	if err := sel.Validate(); err != nil {
		return usagef("%v", err)
	}

	st, err := openExportStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := exportCheckTypes(ctx, st, sel); err != nil {
		return err
	}
	if sel.Doc != "" {
		if sel.Doc, err = exportResolveDoc(ctx, st, sel.Doc); err != nil {
			return err
		}
	}

	if f == export.CSV {
		return exportCSVDir(ctx, st, o.out, o.opts)
	}
	if o.out == "" || o.out == "-" {
		return export.Export(ctx, st, e.stdout, f, o.opts)
	}
	return exportWriteFile(o.out, func(w io.Writer) error {
		return export.Export(ctx, st, w, f, o.opts)
	})
}

// exportBlockCache is the Badger block cache kg export reads through. An
// export scans each table once in key order, so a block is never read
// again from the cache: 64 MiB of cached blocks (the store's default) was
// a third of the whole-graph export's resident memory. Badger needs some
// cache for compressed tables; a few megabytes keep the hot blocks of
// --doc and --around lookups.
const exportBlockCache = 4 << 20

// openExportStore opens the store read-only for an export: a Badger store
// with a small block cache, another store as openStore does.
func openExportStore(ctx context.Context, db string) (graph.Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sp, err := parseStoreSpec(db)
	if err != nil {
		return nil, err
	}
	if sp.kind != "badger" {
		return openStore(ctx, db, true)
	}
	s, err := badgerstore.Open(sp.dir, badgerstore.Options{ReadOnly: true, BlockCacheSize: exportBlockCache})
	if err != nil {
		return nil, storeError(sp.dir, err)
	}
	return s, nil
}

// exportCheckTypes refuses entity and relation types that are neither known nor
// in the graph: a typo would otherwise export an empty graph.
func exportCheckTypes(ctx context.Context, r graph.Reader, sel *export.Selection) error {
	if len(sel.Types) == 0 && len(sel.Relations) == 0 {
		return nil
	}
	stats, err := r.Stats(ctx)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, t := range sel.Types {
		if _, ok := stats.ByType[t]; !ok && !slices.Contains(graph.EntityTypes, t) {
			return usagef("--types: unknown entity type %q (known: %s)", t, exportJoinTypes(graph.EntityTypes))
		}
	}
	for _, t := range sel.Relations {
		if _, ok := stats.ByRel[t]; !ok && !slices.Contains(graph.RelationTypes, t) {
			return usagef("--relations: unknown relation type %q (known: %s)", t, exportJoinTypes(graph.RelationTypes))
		}
	}
	return nil
}

func exportJoinTypes[T ~string](ts []T) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// exportResolveDoc accepts a document ID or the source path it was ingested
// from.
func exportResolveDoc(ctx context.Context, r graph.Reader, doc string) (string, error) {
	_, err := r.Document(ctx, doc)
	if err == nil {
		return doc, nil
	}
	if !errors.Is(err, graph.ErrNotFound) && !errors.Is(err, graph.ErrInvalid) {
		return "", fmt.Errorf("export --doc %s: %w", doc, err)
	}
	src := filepath.ToSlash(filepath.Clean(doc))
	if _, err := r.Document(ctx, graph.DocumentID(src)); err == nil {
		return graph.DocumentID(src), nil
	}
	// Documents ingested with an ID of their own: look for the source.
	after := ""
	for {
		page, err := r.Documents(ctx, after, 500)
		if err != nil {
			return "", fmt.Errorf("export --doc %s: %w", doc, err)
		}
		for _, d := range page.Documents {
			if d.Source != "" && filepath.ToSlash(filepath.Clean(d.Source)) == src {
				return d.ID, nil
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	return "", fmt.Errorf("export --doc %s: no document with that ID or source path: %w", doc, graph.ErrNotFound)
}

// exportCSVDir writes nodes.csv and edges.csv into dir, each replaced only
// when the whole export succeeded.
func exportCSVDir(ctx context.Context, r graph.Reader, dir string, opts export.Options) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return exportWriteFile(filepath.Join(dir, "nodes.csv"), func(nodes io.Writer) error {
		return exportWriteFile(filepath.Join(dir, "edges.csv"), func(edges io.Writer) error {
			return export.ExportCSV(ctx, r, nodes, edges, opts)
		})
	})
}

// exportWriteFile writes path through a temporary file in the same
// directory, renamed into place when write succeeds, so a failed export
// never leaves a truncated file that looks whole. A path that exists and
// is not a regular file (/dev/null, a named pipe, a terminal) is written
// directly: renaming over it would replace the device or pipe with a
// file.
func exportWriteFile(path string, write func(io.Writer) error) (err error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() && !info.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("export %s: %w", path, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	return nil
}
