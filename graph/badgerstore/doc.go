// Package badgerstore keeps a kg graph in a Badger database: Open returns a
// *Store, which implements graph.Store.
//
// The whole key layout, with the reason for every index, is at the top of
// keys.go. Each change (Apply, Delete, Merge, AddAlias) is computed in
// memory from a snapshot and committed as one Badger transaction; a change
// too large for one transaction goes through a redo journal (journal.go),
// so after a crash at any point every document is wholly in the graph or
// not at all. Entity and relation records hold counts over their
// documents, so the graph a set of documents produces does not depend on
// the order they were applied, replaced or deleted in: two stores holding
// the same documents dump the same bytes.
//
// BulkLoad builds a new store from a stream of contributions several times
// faster than Apply, with weaker guarantees while it runs (see its comment).
//
// Caveats: one process opens a store for writing at a time (graph.ErrLocked
// otherwise); in one process, writers are serialised and readers run
// concurrently with them. A read-only Open of a store that a crash left
// needing recovery recovers it first with a short writable open.
package badgerstore
