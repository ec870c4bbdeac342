// Package graph holds kg's model of a policy knowledge graph and the contract
// that every store implements.
//
// The model has three kinds of record:
//
//   - Document: one source text, with its metadata and content hash.
//   - Entity: a typed, named thing (platform, field, institution, region,
//     measure). Its ID is derived from its type and normalised name, so the
//     same entity found in two documents is one node.
//   - Relation: a typed edge between two entities, with a weight and the
//     Evidence (document, sentence, offsets, rule) that supports it.
//
// Writes are document-shaped: a Contribution is everything one document adds
// to the graph, and Writer.Apply replaces that document's previous
// contribution atomically. Deleting a document retracts exactly its
// contribution. Reads are expressed as whole operations (neighbourhood,
// shortest path, subgraph, search) so that a backend can execute them
// natively instead of through many single-key reads.
//
// Normalize is the one name-normalisation function; every comparison and
// index of names goes through it.
//
// Offsets in Evidence and Span are character (Unicode code point) offsets
// into the document's original text after decoding, half-open [Start, End).
package graph
