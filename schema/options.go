package schema

import (
	"context"
	"log/slog"
	"time"

	"kg/graph"
)

// Limits bound what one request may cost. The zero value of a field means
// its default (DefaultLimits); a negative value is not allowed.
type Limits struct {
	// MaxDepth is the deepest nesting of fields in a query, not counting
	// introspection (__schema, __type), which is bounded by
	// MaxIntrospectionDepth instead. Default 12.
	MaxDepth int
	// MaxIntrospectionDepth bounds introspection selections so the standard
	// GraphiQL introspection query (depth 13) passes. Default 20.
	MaxIntrospectionDepth int
	// MaxCost bounds the estimated number of values a query resolves: each
	// field costs 1, and a field with a first/limit argument multiplies the
	// cost of its selection by that argument. Default 50,000.
	MaxCost int
	// MaxFields caps the field selections written in the query text, and
	// ten times that the selections after expanding fragments. graphql-go's
	// validation takes time that grows faster than the square of the
	// number of fields (2,000 fields take seconds), so a long query is
	// refused before validation. Default 300; GraphiQL's introspection
	// query has about 60.
	MaxFields int
	// MaxFirst caps every first argument; larger values are clamped.
	// Default 500.
	MaxFirst int
	// MaxNodes caps the nodes of a subgraph payload (subgraph's limit is
	// clamped to it). Default 5,000.
	MaxNodes int
	// MaxEdges caps the relations of a subgraph payload; a payload cut
	// short has truncated: true. Default 20,000.
	MaxEdges int
	// MaxAliases caps the aliased fields of one request, which would
	// otherwise let one request run the same expensive field many times.
	// Default 30.
	MaxAliases int
	// MaxBatch caps the operations of one batched POST. Default 10.
	MaxBatch int
	// MaxBodyBytes caps a request body (413 beyond). Default 4 MiB, enough
	// for an ingest mutation carrying a long policy document.
	MaxBodyBytes int64
	// MaxQueryBytes caps the query text. Default 64 KiB.
	MaxQueryBytes int
	// Timeout bounds the execution of one request; resolvers stop at the
	// next store call when it expires. Default 10 s.
	Timeout time.Duration
	// MaxPathExpansions caps the adjacency lists the paths field may read.
	// Default 20,000.
	MaxPathExpansions int
}

// DefaultLimits are the limits used for zero fields of Limits.
var DefaultLimits = Limits{
	MaxDepth:              12,
	MaxIntrospectionDepth: 20,
	MaxCost:               50_000,
	MaxFields:             300,
	MaxFirst:              500,
	MaxNodes:              5_000,
	MaxEdges:              20_000,
	MaxAliases:            30,
	MaxBatch:              10,
	MaxBodyBytes:          4 << 20,
	MaxQueryBytes:         64 << 10,
	Timeout:               10 * time.Second,
	MaxPathExpansions:     20_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxDepth, d.MaxDepth)
	set(&l.MaxIntrospectionDepth, d.MaxIntrospectionDepth)
	set(&l.MaxCost, d.MaxCost)
	set(&l.MaxFields, d.MaxFields)
	set(&l.MaxFirst, d.MaxFirst)
	set(&l.MaxNodes, d.MaxNodes)
	set(&l.MaxEdges, d.MaxEdges)
	set(&l.MaxAliases, d.MaxAliases)
	set(&l.MaxBatch, d.MaxBatch)
	set(&l.MaxQueryBytes, d.MaxQueryBytes)
	set(&l.MaxPathExpansions, d.MaxPathExpansions)
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Ingester extracts one text into the graph and returns the new document's
// ID. cmd/kg wires it to the extractor; the schema package itself knows
// nothing about extraction.
type Ingester interface {
	Ingest(ctx context.Context, text, title, date, source string) (docID string, err error)
}

// Editor is what the mutations need from the store besides reading:
// analysts' corrections and deleting a document.
type Editor interface {
	graph.Curator
	Delete(ctx context.Context, docID string) error
}

// Option configures New, NewExecutor and NewHandler.
type Option func(*config)

type config struct {
	limits   Limits
	editor   Editor
	ingester Ingester
	token    string
	origins  []string
	logger   *slog.Logger
	encode   GraphEncoder
	cache    int64 // bytes of answers the handler may keep; 0: none
}

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	c.limits = c.limits.withDefaults()
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.encode == nil {
		c.encode = defaultEncoder
	}
	return c
}

// WithLimits sets the request limits; zero fields keep their defaults.
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithMutations adds the Mutation type: ingest (needs ing; nil leaves it
// failing with FORBIDDEN), deleteDocument, mergeEntities and addAlias (need
// ed). A handler serves mutations only with WithToken as well.
func WithMutations(ed Editor, ing Ingester) Option {
	return func(c *config) { c.editor, c.ingester = ed, ing }
}

// WithToken makes the handler accept mutations from requests that carry
// "Authorization: Bearer <token>". Without it the handler refuses every
// mutation.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithCORSOrigins allows cross-origin requests from the given origins
// ("*" allows any). Without it no CORS headers are sent.
func WithCORSOrigins(origins ...string) Option {
	return func(c *config) { c.origins = append(c.origins, origins...) }
}

// WithResultCache lets the handler keep up to maxBytes of encoded answers
// to queries and serve a repeated query from them. Mutations through the
// handler invalidate everything cached before them; a store that another
// process may write must not be served with a cache.
func WithResultCache(maxBytes int64) Option { return func(c *config) { c.cache = maxBytes } }

// WithLogger makes the handler log failed requests; it is silent otherwise.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithGraphEncoder replaces the encoder of Subgraph.asJSON.
func WithGraphEncoder(enc GraphEncoder) Option { return func(c *config) { c.encode = enc } }
