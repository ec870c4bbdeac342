// Package export writes kg's graph, or a selected slice of it, in the
// formats that Gephi and graph-drawing clients read directly:
//
//   - gexf: GEXF 1.3 for Gephi, with typed node and edge attributes,
//     colours by entity type, sizes, positions and, with Options.Dynamic,
//     spells from publication dates for Gephi's timeline.
//   - graphml: GraphML with typed keys (Gephi, networkx, igraph, yEd).
//   - csv: Gephi's spreadsheet import, nodes.csv and edges.csv (UTF-8 with
//     a byte-order mark so spreadsheet tools read Chinese correctly).
//   - json: node-link JSON, the interchange format of networkx and of kg's
//     own tools.
//   - cytoscape, graphology, d3, echarts: what Cytoscape.js, sigma.js and
//     graphology, D3's force examples and ECharts' graph series load.
//
// Two entry points share the encoders. EncodeSubgraph writes an in-memory
// graph.Subgraph (what GraphQL resolvers hold). Export streams the graph
// from a graph.Reader: entities and relations are read with EachEntity and
// EachRelation and written as they come, so memory stays flat however large
// the graph. Filters (Selection) that restrict the nodes need a set of the
// admitted node IDs to keep the output closed (no edge whose endpoint is
// missing); that set costs 16 bytes per admitted node (IDs are hashes, kept
// as 64-bit integers in a hash table at most half full), about 16 MB for a
// million nodes; Top keeps a
// heap of Top entries; ECharts output keeps 8 bytes per node to make names
// unique. Export reads the entities up to four times (selection, layout
// (stopping after MaxLayoutNodes+1), ECharts names, output) and the
// relations up to twice (layout, output). Each pass is one consistent
// view; a store written to meanwhile can differ between passes, so the
// output pass remembers the node IDs it wrote (16 bytes each again) and
// drops any edge whose endpoint it did not write: the output is closed
// whatever happens to the store.
//
// A Reader with a ReleaseMapped method (badgerstore.Store) has it called
// every 32768 records of each pass: Badger reads its files through memory
// maps, and every page a full scan touched would otherwise stay in the
// process's resident set (370 MB of the 1M/5M synthetic store's 570 MB
// peak). kg export also opens the store with a 4 MiB block cache, since a
// scan never reads a cached block again; the whole-graph GEXF export of
// that store then peaks near 125 MB resident.
//
// Layout (package kg/graph/layout) runs when Options.Layout is set and the
// selection has at most Options.MaxLayoutNodes nodes (default 10,000); it
// keeps the node IDs and edges of the selection in memory, a few megabytes
// at that size.
//
// --doc needs, for each entity, its documents (Reader.EntityDocuments) and,
// for each relation, its evidence (Reader.Evidence): the Reader has no
// per-document index, so a document selection reads much more than it
// writes. Positions are deterministic: the same graph gives
// the same positions.
//
// Output is deterministic too: nodes in ID order, edges ordered by From,
// Type, To, as the Reader streams them.
//
// Handler serves GET /export?format=...&types=...&... with the same
// selection as the kg export command.
package export
