// Package dgraphstore implements graph.Store over a Dgraph cluster, for
// corpora and query loads that outgrow one machine's embedded Badger store.
//
// Open connects to one or more alphas over gRPC (github.com/dgraph-io/dgo),
// applies kg's DQL schema (see schema.go: node types, predicates, indexes)
// and checks its version. Entities are upserted by their stable
// graph.EntityID (an @upsert predicate), so several kg processes can ingest
// into one cluster at once without duplicating entities: Dgraph aborts one
// of two transactions that create the same entity, and Apply retries it.
//
// Each Apply or Delete is one Dgraph transaction. The document keeps the
// record of how its contribution was resolved, and entities and relations
// keep counts over their documents, so a Delete retracts exactly one
// document and the result does not depend on the order of writes.
//
// Relations are uid edges, one predicate per relation type, with @reverse
// and facets for weight, document count and dates. Neighbors and Subgraph
// expand all layers in one DQL request; ShortestPath uses DQL's shortest.
//
// Caveats: Merge and AddAlias re-apply the affected documents one
// transaction at a time, so a concurrent reader may see a merge half done.
package dgraphstore
