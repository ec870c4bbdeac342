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
// Queries run on a direct executor (direct.go) that calls the same
// resolvers and writes the JSON answer as it goes, with graphql-go's
// semantics (coercion, directives, fragments, null propagation, errors);
// mutations, schema introspection and anything it does not handle run on
// graphql-go's executor. The two are held to the same answers by a
// differential test.
//
// Arguments that name an entity (neighbors' id, path's from and to, ...)
// take an entity ID or a name; a name resolves, after graph.Normalize, to
// the most mentioned entity with that canonical name or alias.
//
// Errors carry extensions.code: BAD_INPUT, NOT_FOUND, LIMIT,
// UNAUTHENTICATED, FORBIDDEN or INTERNAL (see the Code constants).
//
// Subgraph.asJSON returns the whole subgraph as one pre-encoded JSON value.
// Visualisation clients should use it for large subgraphs: typed fields
// are resolved one value at a time, which costs more than encoding the
// graph once.
//
// Caveat: the EntityType and RelationType enums list the types of the
// extraction guidelines. The store accepts other type names; an entity of
// another type cannot be represented and its field resolves to an error.
package schema
