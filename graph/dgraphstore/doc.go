// Package dgraphstore implements graph.Store over a Dgraph cluster, for
// corpora and query loads that outgrow one machine's embedded Badger store.
//
// Open connects to one or more alphas over gRPC (github.com/dgraph-io/dgo),
// applies kg's DQL schema (schema.go: node types, predicates, indexes, and
// why each exists) and checks its version. A Store is safe for concurrent
// use, and several Stores, in one process or many, may write to one cluster
// at once.
//
// Writes. Entities are upserted by their stable graph.EntityID (an @upsert
// predicate): two writers that create the same entity conflict, Dgraph
// aborts one transaction and Apply retries it, so the cluster never holds
// an entity twice. Each Apply or Delete is one Dgraph transaction (three
// round trips), retried a bounded number of times on conflicts and on
// transient cluster errors; Apply is idempotent, so resending a write whose
// answer was lost is safe. The document keeps the record of how its
// contribution was resolved, and entities and relations keep counts over
// their documents, so a Delete retracts exactly one document and the graph
// does not depend on the order of writes: given the same documents it
// dumps (graph.Dump) byte for byte like the Badger store.
//
// Reads run in one read-only transaction each (one snapshot). Relations are
// uid edges, one predicate per relation type, with @reverse and facets for
// weight, document count and dates. Neighbors and Subgraph expand one DQL
// request per layer over the whole frontier, with the direction, relation,
// weight and type filters evaluated in Dgraph; ShortestPath uses DQL's
// shortest for the length and one more request to choose, among equally
// short paths, the one the contract asks for. Options.BestEffortReads
// trades read-after-write for one round trip less per read.
//
// Caveats: Merge and AddAlias re-apply the affected documents one
// transaction at a time, so a concurrent reader may see a merge half done
// (running the same Merge again completes it). Traversals reuse the list of
// relation types in use for two seconds, so a type first written by another
// process shows up in this one's traversals up to two seconds later. Search
// without text, or with a one-character substring, reads every matching
// entity before it pages.
package dgraphstore
