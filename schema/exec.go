package schema

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"kg/graph"
)

// Request is one GraphQL operation as clients send it.
type Request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// Access says whether a request may run a mutation.
type Access int

const (
	// ReadOnly refuses mutations with FORBIDDEN: the server has no token.
	ReadOnly Access = iota
	// Unauthenticated refuses mutations with UNAUTHENTICATED: the server
	// has a token and the request did not present it.
	Unauthenticated
	// ReadWrite allows mutations.
	ReadWrite
	// QueryOnly refuses mutations with FORBIDDEN: they were sent over GET.
	QueryOnly
)

// Response is the answer to one Request. Status is the HTTP status the
// handler sends for it alone: 200 when the operation ran (even with field
// errors), 4xx when it was refused before running.
type Response struct {
	Data   any
	Errors []gqlerrors.FormattedError
	Status int
	ran    bool
	query  bool // a query (not a mutation) ran
}

// MarshalJSON writes the GraphQL response shape: "data" is present (maybe
// null) when the operation ran, absent when it was refused.
func (r *Response) MarshalJSON() ([]byte, error) { return r.appendJSON(nil) }

// sizeHint is a capacity for the response's JSON: an answer of the direct
// executor is already encoded, and its buffer need not grow by doubling.
func (r *Response) sizeHint() int {
	if m, ok := r.Data.(json.RawMessage); ok {
		return len(m) + 256
	}
	return 1024
}

func (r *Response) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	if r.ran {
		b = append(b, `"data":`...)
		var err error
		if b, err = appendJSON(b, r.Data); err != nil {
			return nil, err
		}
	}
	if len(r.Errors) > 0 || !r.ran {
		if r.ran {
			b = append(b, ',')
		}
		errs, err := json.Marshal(r.Errors)
		if err != nil {
			return nil, err
		}
		b = append(b, `"errors":`...)
		b = append(b, errs...)
	}
	return append(b, '}'), nil
}

func refusal(status int, err *Error) *Response {
	return &Response{Status: status, Errors: []gqlerrors.FormattedError{formatted(err)}}
}

func formatted(err *Error) gqlerrors.FormattedError {
	return gqlerrors.FormattedError{Message: err.Msg, Extensions: err.Extensions()}
}

// Executor runs requests against a schema with the limits applied: query
// size and nesting, depth, cost, aliases, mutation access and time. The
// handler and "kg query" both use it.
type Executor struct {
	schema graphql.Schema
	cfg    *config
	cache  *docCache
	gen    atomic.Uint64 // mutations run so far: answers cached before one are stale

	// noDirect runs every operation on graphql-go's executor: the tests'
	// reference for the direct one.
	noDirect bool
	// fallbacks counts queries the direct executor began and handed to
	// graphql-go (direct.go says when).
	fallbacks atomic.Int64
	// directRuns counts queries the direct executor answered.
	directRuns atomic.Int64
	enumNames  map[*graphql.Enum]map[any]string // for the direct executor
}

// generation counts the mutations this executor has run.
func (x *Executor) generation() uint64 { return x.gen.Load() }

// NewExecutor builds the schema over r and an executor for it.
func NewExecutor(r graph.Reader, opts ...Option) (*Executor, error) {
	cfg := newConfig(opts)
	s, err := newSchema(r, cfg)
	if err != nil {
		return nil, err
	}
	return &Executor{schema: s, cfg: cfg, cache: newDocCache(512), enumNames: enumNames(&s)}, nil
}

// Schema returns the executor's schema.
func (x *Executor) Schema() graphql.Schema { return x.schema }

// Limits returns the limits in force, defaults filled in.
func (x *Executor) Limits() Limits { return x.cfg.limits }

// Do runs one request. It never panics on input; every refusal carries an
// extensions code.
func (x *Executor) Do(ctx context.Context, req Request, access Access) *Response {
	lim := x.cfg.limits
	if strings.TrimSpace(req.Query) == "" {
		return refusal(http.StatusBadRequest, errorf(CodeBadInput, "no query"))
	}
	if len(req.Query) > lim.MaxQueryBytes {
		return refusal(http.StatusRequestEntityTooLarge, errorf(CodeLimit, "query is longer than %d bytes", lim.MaxQueryBytes))
	}
	p, err := x.prepare(req.Query)
	if err != nil {
		return refusal(http.StatusBadRequest, err)
	}
	vars := req.Variables
	if vars == nil {
		vars = map[string]any{}
	}
	a, err := analyze(&x.schema, p.doc, req.OperationName, vars, lim)
	if err != nil {
		return refusal(http.StatusBadRequest, err)
	}
	if len(p.invalid) > 0 {
		return &Response{Status: http.StatusBadRequest, Errors: withCodes(p.invalid, CodeBadInput)}
	}
	if a.op.Operation == ast.OperationTypeMutation {
		switch access {
		case ReadOnly:
			return refusal(http.StatusForbidden, errorf(CodeForbidden, "mutations are disabled: the server was started without a token"))
		case QueryOnly:
			return refusal(http.StatusMethodNotAllowed, errorf(CodeForbidden, "mutations must be sent with POST"))
		case Unauthenticated:
			return refusal(http.StatusUnauthorized, errorf(CodeUnauthenticated, "mutations need an Authorization: Bearer token"))
		}
	} else if a.op.Operation != ast.OperationTypeQuery {
		return refusal(http.StatusBadRequest, errorf(CodeBadInput, "%s operations are not supported", a.op.Operation))
	}
	if a.op.Operation == ast.OperationTypeMutation {
		// After it, whatever was cached may be stale, even if it failed
		// halfway.
		defer x.gen.Add(1)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	if a.op.Operation == ast.OperationTypeQuery && p.direct && !x.noDirect {
		if out := x.runDirect(ctx, p, a.op, req.Variables); out != nil {
			x.directRuns.Add(1)
			x.finishErrors(ctx, out)
			return out
		}
	}
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        x.schema,
		AST:           p.doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       ctx,
	})
	out := &Response{Data: res.Data, Errors: res.Errors, Status: http.StatusOK, ran: true,
		query: a.op.Operation == ast.OperationTypeQuery}
	x.finishErrors(ctx, out)
	return out
}

// finishErrors gives every error a code. Errors without a path come from
// before execution (variables that do not fit their types) or from the
// deadline; they make the response a refusal.
func (x *Executor) finishErrors(ctx context.Context, r *Response) {
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	for i := range r.Errors {
		e := &r.Errors[i]
		if e.Extensions != nil && e.Extensions["code"] != nil {
			continue
		}
		code := CodeInternal
		switch {
		case timedOut || strings.Contains(e.Message, context.DeadlineExceeded.Error()):
			code = CodeLimit
			e.Message = "the request took longer than " + x.cfg.limits.Timeout.String() + " and was stopped"
		case len(e.Path) == 0:
			code = CodeBadInput
		}
		e.Extensions = map[string]any{"code": code}
	}
	if r.Data == nil && len(r.Errors) > 0 && len(r.Errors[0].Path) == 0 {
		if r.Errors[0].Extensions["code"] == CodeBadInput {
			r.ran = false
			r.Status = http.StatusBadRequest
		}
	}
}

func withCodes(errs []gqlerrors.FormattedError, code string) []gqlerrors.FormattedError {
	out := make([]gqlerrors.FormattedError, len(errs))
	for i, e := range errs {
		if e.Extensions == nil {
			e.Extensions = map[string]any{"code": code}
		}
		out[i] = e
	}
	return out
}

// prepared is a parsed query and the result of validating it, cached by
// query text: clients send the same few queries with different variables,
// and parsing plus validation cost more than a small neighbourhood read.
type prepared struct {
	doc     *ast.Document
	invalid []gqlerrors.FormattedError
	direct  bool // the direct executor may run its queries
	// plan is the direct executor's plan of the operation last run,
	// unless its shape depends on variables.
	plan atomic.Pointer[plan]
	size atomic.Int64 // bytes of the last direct answer's data
}

func (x *Executor) prepare(q string) (p *prepared, perr *Error) {
	// graphql-go's parser and validator assume well-formed input in places
	// (a variable without a type panics in validation); such a query is the
	// client's mistake, not the server's.
	defer func() {
		if v := recover(); v != nil {
			p, perr = nil, errorf(CodeBadInput, "malformed query: %v", v)
		}
	}()
	if p := x.cache.get(q); p != nil {
		return p, nil
	}
	// Deep nesting is refused before parsing: the parser recurses per level.
	if !nestingLimit(q, 2*x.cfg.limits.MaxIntrospectionDepth+8) {
		return nil, errorf(CodeLimit, "query nests too deeply")
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(q), Name: "GraphQL request"})})
	if err != nil {
		return nil, &Error{Code: CodeBadInput, Msg: syntaxMessage(err), Err: err}
	}
	if n := countFields(doc); n > x.cfg.limits.MaxFields {
		return nil, errorf(CodeLimit, "the query selects %d fields; at most %d", n, x.cfg.limits.MaxFields)
	}
	if name := fragmentCycle(doc); name != "" {
		return nil, errorf(CodeBadInput, "fragment %q spreads itself", name)
	}
	p = &prepared{doc: doc, direct: directable(doc)}
	// Limits are checked per request (they depend on variables); validation
	// runs once per query text, after a first analysis passed, because
	// graphql-go's validation can be slow on hostile documents.
	if _, aerr := analyze(&x.schema, doc, "", nil, x.cfg.limits); aerr != nil && aerr.Code == CodeLimit {
		return nil, aerr
	}
	v := graphql.ValidateDocument(&x.schema, doc, nil)
	if !v.IsValid {
		p.invalid = v.Errors
	}
	x.cache.put(q, p)
	return p, nil
}

func syntaxMessage(err error) string {
	var fe gqlerrors.FormattedError
	if errors.As(err, &fe) {
		return fe.Message
	}
	return err.Error()
}

// docCache is a small LRU of prepared queries.
type docCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	p   *prepared
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *docCache) get(k string) *prepared {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry).p
	}
	return nil
}

func (c *docCache) put(k string, p *prepared) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{k, p})
	for c.ll.Len() > c.max {
		el := c.ll.Back()
		c.ll.Remove(el)
		delete(c.items, el.Value.(*cacheEntry).key)
	}
}
