// Package schema serves kg's graph over GraphQL: the schema, the limits
// every request is held to, and the HTTP handler.
//
// New builds the graphql-go schema over a graph.Reader; every field has one
// resolver that calls only the reader (mutations call the Editor and
// Ingester given with WithMutations). NewExecutor wraps the schema with the
// limits (Limits, DefaultLimits) and a cache of parsed queries, and
// NewHandler serves an executor over HTTP with CORS, bearer-token mutations
// and a self-contained query page.
//
// Arguments that name an entity (neighbors' id, path's from and to, ...)
// take an entity ID or a name; a name resolves, after graph.Normalize, to
// the most mentioned entity with that canonical name or alias.
//
// Errors carry extensions.code: BAD_INPUT, NOT_FOUND, LIMIT,
// UNAUTHENTICATED, FORBIDDEN or INTERNAL (see the Code constants).
//
// Subgraph.asJSON returns the whole subgraph as one pre-encoded JSON value.
// Visualisation clients should use it for anything larger than a few dozen
// nodes: graphql-go resolves typed fields one value at a time, which costs
// an order of magnitude more than encoding the graph once.
//
// Caveat: the EntityType and RelationType enums list the types of the
// extraction guidelines. The store accepts other type names; an entity of
// another type cannot be represented and its field resolves to an error.
package schema
