package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"

	"kg/graph"
	"kg/graph/export"
)

// The direct executor runs query operations over our own schema and writes
// the answer straight into a JSON buffer. graphql-go's executor builds a
// map per object, a ResolveInfo and a response path per field, and
// serialises strings through fmt.Sprintf: on a depth-1 neighbourhood (some
// 870 values) that is four fifths of a request's CPU. The direct executor
// calls the same resolver functions with the same arguments and gives the
// same answer, errors included: argument and variable coercion, @skip and
// @include, fragments, aliases, merged fields, null propagation to the
// nearest nullable parent, error messages, locations and paths all follow
// graphql-go v0.8.1's executor (values.go, executor.go), which
// TestDirectMatchesGraphQLGo and FuzzDirect check.
//
// What it does not handle it leaves to graphql-go: mutations, the
// introspection fields __schema and __type, abstract types, variables that
// do not fit their types (graphql-go words the error), and anything
// unexpected at run time (a resolver value of a kind our resolvers never
// return). Queries are read-only, so running one again from the start with
// graphql-go is safe.
//
// Three differences are deliberate. Object keys come out sorted, as
// appendJSON sorts graphql-go's maps; the fields are therefore resolved in
// that order, where graphql-go resolves them in map order: there the order
// of sibling fields' errors is random, and so is which of two failing
// non-null siblings nulls their parent (and is reported); here it is the
// first by key. It runs on the request's goroutine: at the time limit
// graphql-go answers at once and leaves its goroutine running, while the
// direct executor stops at the next resolver (every resolver checks the
// context) or the next check of the context, every 64 fields, and then
// gives the same answer. And resolvers get a ResolveInfo without Path,
// Schema, Fragments and RootValue, which ours do not read.

// errFallback aborts a direct execution that met something it does not
// handle; the query then runs on graphql-go.
var errFallback = errors.New("schema: the direct executor does not handle this query")

// errAbort aborts a direct execution whose context is done.
var errAbort = errors.New("schema: request context done")

// directable reports whether the direct executor may run operations of doc:
// only executable definitions and no introspection of the schema.
func directable(doc *ast.Document) bool {
	ok := true
	var walk func(ss *ast.SelectionSet)
	walk = func(ss *ast.SelectionSet) {
		if ss == nil || !ok {
			return
		}
		for _, sel := range ss.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == nil || s.Name.Value == "__schema" || s.Name.Value == "__type" {
					ok = false
					return
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
			default:
				ok = false
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			walk(d.SelectionSet)
		case *ast.FragmentDefinition:
			walk(d.SelectionSet)
		default:
			return false
		}
	}
	return ok
}

// dfield is one entry of a collected selection set: a response key and
// the field selections merged under it, in the order graphql-go collects
// them (its arguments are those of the first). A tree of them is the plan
// of an operation; it is read-only once built, and shared by the requests
// that run the operation when no @skip or @include of it depends on a
// variable.
type dfield struct {
	key     string
	keyJSON []byte // "key":
	name    string
	asts    []*ast.Field
	nodes   []ast.Node
	def     *graphql.FieldDefinition // nil for __typename
	idx     int                      // numbers the plan's fields
	static  bool                     // the arguments use no variable: args holds them
	args    map[string]any
	sub     []*dfield // the collected sub-selection of an object field
	subType *graphql.Object
}

// plan is the collected field tree of one operation.
type plan struct {
	op     *ast.OperationDefinition
	root   []*dfield
	fields int
}

// direct is the state of one direct execution.
type direct struct {
	sc    *graphql.Schema
	ctx   context.Context
	op    *ast.OperationDefinition
	vars  map[string]any
	frags map[string]*ast.FragmentDefinition
	enums map[*graphql.Enum]map[any]string
	args  []map[string]any // the arguments of fields that use variables, by idx
	// dynamic: the plan depends on variables (through @skip or @include)
	// and may not be shared.
	dynamic bool
	nfields int
	b       []byte
	errs    []gqlerrors.FormattedError
	path    []step
	n       int // fields resolved, for the periodic context check
}

// step is one step of the response path: a field's response key, or an
// index when f is nil. Boxing keys and indexes into a []any at every step
// would allocate; the path is built only for an error.
type step struct {
	f *dfield
	i int
}

// runDirect runs a query operation with the direct executor. It returns
// nil when the query must run on graphql-go instead.
func (x *Executor) runDirect(ctx context.Context, p *prepared, op *ast.OperationDefinition, inputs map[string]any) (resp *Response) {
	vars, ok := coerceVariables(&x.schema, op, inputs)
	if !ok {
		return nil
	}
	// The answer's buffer starts at the size of the last answer to the
	// same query: growing it by doubling would copy it several times.
	size := min(max(int(p.size.Load()), 512), 1<<20)
	d := &direct{sc: &x.schema, ctx: ctx, op: op, vars: vars,
		enums: x.enumNames, b: make([]byte, 0, size+size/8), path: make([]step, 0, 16)}
	defer func() {
		if v := recover(); v != nil {
			if v == errAbort {
				resp = timedOut(ctx)
				return
			}
			// errFallback, or a fault of the direct executor: graphql-go
			// answers. Tests count these to see that the direct path ran.
			x.fallbacks.Add(1)
			resp = nil
		}
	}()
	root := x.schema.QueryType()
	pl := p.plan.Load()
	if pl == nil || pl.op != op {
		pl = d.buildPlan(p.doc, root)
		if !d.dynamic {
			p.plan.Store(pl)
		}
	}
	fields := pl.root
	d.args = make([]map[string]any, pl.fields)
	// graphql-go gives root resolvers an empty map as their source.
	src := map[string]any{}
	d.b = append(d.b, '{')
	for i, f := range fields {
		if i > 0 {
			d.b = append(d.b, ',')
		}
		d.b = append(d.b, f.keyJSON...)
		d.path = append(d.path[:0], step{f: f})
		if e := d.field(root, src, f); e != nil {
			// A null in a non-null root field nulls the whole answer, and
			// graphql-go then reports that error alone.
			if ctx.Err() != nil {
				return timedOut(ctx)
			}
			return &Response{Errors: []gqlerrors.FormattedError{gqlerrors.FormatError(e)}, Status: http.StatusOK, ran: true, query: true}
		}
	}
	d.b = append(d.b, '}')
	if ctx.Err() != nil {
		return timedOut(ctx)
	}
	if n := int64(len(d.b)); n != p.size.Load() {
		p.size.Store(n) // only when it changes: every request reads the line
	}
	return &Response{Data: json.RawMessage(d.b), Errors: d.errs, Status: http.StatusOK, ran: true, query: true}
}

// timedOut is graphql-go's answer when the context ends before execution
// does.
func timedOut(ctx context.Context) *Response {
	return &Response{Errors: []gqlerrors.FormattedError{gqlerrors.FormatError(ctx.Err())}, Status: http.StatusOK, ran: true, query: true}
}

// field resolves f on src, an object of type parent, and appends its value.
// A non-nil result is an error that nulls the enclosing object: the field
// is non-null and its value is null.
func (d *direct) field(parent *graphql.Object, src any, f *dfield) *gqlerrors.Error {
	if f.def == nil { // __typename
		d.b = export.AppendJSONString(d.b, parent.Name())
		return nil
	}
	if d.n++; d.n&63 == 0 && d.ctx.Err() != nil {
		panic(errAbort)
	}
	start := len(d.b)
	args := f.args
	if !f.static {
		if args = d.args[f.idx]; args == nil {
			args = d.argValues(f.def.Args, f.asts[0].Arguments)
			d.args[f.idx] = args
		}
	}
	v, perr := resolve(f.def.Resolve, graphql.ResolveParams{
		Source:  src,
		Args:    args,
		Context: d.ctx,
		Info: graphql.ResolveInfo{
			FieldName:      f.name,
			FieldASTs:      f.asts,
			ReturnType:     f.def.Type,
			ParentType:     parent,
			Operation:      d.op,
			VariableValues: d.vars,
		},
	})
	if perr != nil {
		return d.fail(start, f.def.Type, graphql.NewLocatedErrorWithPath(perr, f.nodes, d.pathCopy()))
	}
	if _, e := d.complete(f.def.Type, parent, f, v); e != nil {
		return d.fail(start, f.def.Type, e)
	}
	return nil
}

// resolve calls a resolver; a panic in it is a field error, as in
// graphql-go.
func resolve(fn graphql.FieldResolveFn, p graphql.ResolveParams) (v any, perr any) {
	defer func() {
		if r := recover(); r != nil {
			v, perr = nil, r
		}
	}()
	v, err := fn(p)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// fail records e against a field of type t whose value started at start:
// a nullable field becomes null and keeps the error; a non-null one passes
// the error up.
func (d *direct) fail(start int, t graphql.Type, e *gqlerrors.Error) *gqlerrors.Error {
	if _, ok := t.(*graphql.NonNull); ok {
		return e
	}
	d.errs = append(d.errs, gqlerrors.FormatError(e))
	d.b = append(d.b[:start], "null"...)
	return nil
}

// pathCopy is the response path as graphql-go gives it: keys and indexes.
func (d *direct) pathCopy() []any {
	out := make([]any, len(d.path))
	for i, s := range d.path {
		if s.f != nil {
			out[i] = s.f.key
		} else {
			out[i] = s.i
		}
	}
	return out
}

// complete appends v as a value of type t; null reports that it appended
// null.
func (d *direct) complete(t graphql.Type, parent *graphql.Object, f *dfield, v any) (null bool, e *gqlerrors.Error) {
	if nn, ok := t.(*graphql.NonNull); ok {
		null, e := d.complete(nn.OfType, parent, f, v)
		if e != nil {
			return false, e
		}
		if null {
			return false, graphql.NewLocatedErrorWithPath(
				fmt.Sprintf("Cannot return null for non-nullable field %v.%v.", parent, f.name), f.nodes, d.pathCopy())
		}
		return false, nil
	}
	if nullish(v) {
		d.b = append(d.b, "null"...)
		return true, nil
	}
	switch t := t.(type) {
	case *graphql.List:
		return false, d.list(t, parent, f, v)
	case *graphql.Scalar:
		return d.scalar(t, v), nil
	case *graphql.Enum:
		if name, ok := d.enums[t][v]; ok {
			d.b = export.AppendJSONString(d.b, name)
			return false, nil
		}
		return d.leaf(t.Serialize(v)), nil
	case *graphql.Object:
		if t != f.subType {
			panic(errFallback)
		}
		return false, d.object(t, f, v)
	}
	panic(errFallback) // an abstract type: graphql-go resolves it
}

// list appends the items of v, each completed as t's item type.
func (d *direct) list(t *graphql.List, parent *graphql.Object, f *dfield, v any) *gqlerrors.Error {
	item := t.OfType
	d.b = append(d.b, '[')
	at := len(d.path)
	d.path = append(d.path, step{})
	one := func(i int, x any) *gqlerrors.Error {
		if i > 0 {
			d.b = append(d.b, ',')
		}
		d.path[at].i = i
		start := len(d.b)
		if _, e := d.complete(item, parent, f, x); e != nil {
			return d.fail(start, item, e)
		}
		return nil
	}
	switch l := v.(type) {
	case []any:
		for i, x := range l {
			if e := one(i, x); e != nil {
				d.path = d.path[:at]
				return e
			}
		}
	case []string:
		for i, x := range l {
			if e := one(i, x); e != nil {
				d.path = d.path[:at]
				return e
			}
		}
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			panic(errFallback) // graphql-go's "expected iterable" error
		}
		for i := 0; i < rv.Len(); i++ {
			if e := one(i, rv.Index(i).Interface()); e != nil {
				d.path = d.path[:at]
				return e
			}
		}
	}
	d.path = d.path[:at]
	d.b = append(d.b, ']')
	return nil
}

// scalar appends v serialised as t. The common cases skip Serialize, whose
// result they equal: String and ID format with fmt.Sprintf("%v"), which
// returns a string as it is.
func (d *direct) scalar(t *graphql.Scalar, v any) (null bool) {
	switch t {
	case graphql.String, graphql.ID:
		if s, ok := v.(string); ok {
			d.b = export.AppendJSONString(d.b, s)
			return false
		}
	case graphql.Int:
		if n, ok := v.(int); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			d.b = strconv.AppendInt(d.b, int64(n), 10)
			return false
		}
	case graphql.Boolean:
		if x, ok := v.(bool); ok {
			d.b = strconv.AppendBool(d.b, x)
			return false
		}
	}
	return d.leaf(t.Serialize(v))
}

// leaf appends a serialised leaf value the way the response encoder would.
func (d *direct) leaf(v any) (null bool) {
	if nullish(v) {
		d.b = append(d.b, "null"...)
		return true
	}
	b, err := appendJSON(d.b, v)
	if err != nil {
		// The whole response would fail to encode; let graphql-go's
		// path report it the same way.
		panic(errFallback)
	}
	d.b = b
	return false
}

// object appends the selection of f on v, an object of type t.
func (d *direct) object(t *graphql.Object, f *dfield, v any) *gqlerrors.Error {
	d.b = append(d.b, '{')
	at := len(d.path)
	d.path = append(d.path, step{})
	for i, s := range f.sub {
		if i > 0 {
			d.b = append(d.b, ',')
		}
		d.b = append(d.b, s.keyJSON...)
		d.path[at].f = s
		if e := d.field(t, v, s); e != nil {
			d.path = d.path[:at]
			return e
		}
	}
	d.path = d.path[:at]
	d.b = append(d.b, '}')
	return nil
}

// buildPlan collects the fields of d.op and, for every object field, of
// its selection, all the way down: the operation's depth and size are
// bounded by the limits before it runs, and fragment cycles refused.
func (d *direct) buildPlan(doc *ast.Document, root *graphql.Object) *plan {
	d.frags = map[string]*ast.FragmentDefinition{}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok {
			key := ""
			if f.Name != nil {
				key = f.Name.Value
			}
			d.frags[key] = f
		}
	}
	d.nfields = 0
	pl := &plan{op: d.op, root: d.build(root, []*ast.SelectionSet{d.op.SelectionSet})}
	pl.fields = d.nfields
	return pl
}

func (d *direct) build(t *graphql.Object, sets []*ast.SelectionSet) []*dfield {
	if t.IsTypeOf != nil {
		panic(errFallback)
	}
	fields := d.collect(t, sets)
	for _, f := range fields {
		f.idx = d.nfields
		d.nfields++
		if f.def == nil {
			continue
		}
		if f.static = !usesVariables(f.asts[0].Arguments); f.static {
			f.args = d.argValues(f.def.Args, f.asts[0].Arguments)
		}
		switch nt := graphql.GetNamed(f.def.Type).(type) {
		case *graphql.Object:
			sub := make([]*ast.SelectionSet, 0, len(f.asts))
			for _, a := range f.asts {
				if a != nil && a.SelectionSet != nil {
					sub = append(sub, a.SelectionSet)
				}
			}
			f.subType, f.sub = nt, d.build(nt, sub)
		case *graphql.Interface, *graphql.Union:
			panic(errFallback)
		}
	}
	return fields
}

// usesVariables reports whether argument values name a variable.
func usesVariables(args []*ast.Argument) bool {
	var uses func(v ast.Value) bool
	uses = func(v ast.Value) bool {
		switch v := v.(type) {
		case *ast.Variable:
			return true
		case *ast.ListValue:
			return slices.ContainsFunc(v.Values, uses)
		case *ast.ObjectValue:
			for _, f := range v.Fields {
				if f != nil && uses(f.Value) {
					return true
				}
			}
		}
		return false
	}
	for _, a := range args {
		if a != nil && uses(a.Value) {
			return true
		}
	}
	return false
}

// collect gathers the fields selected on an object of type t, as
// graphql-go's collectFields does (one visited-fragment set across the
// selection sets), sorted by response key.
func (d *direct) collect(t *graphql.Object, sets []*ast.SelectionSet) []*dfield {
	byKey := map[string]*dfield{}
	var out []*dfield
	visited := map[string]bool{}
	var walk func(ss *ast.SelectionSet)
	walk = func(ss *ast.SelectionSet) {
		if ss == nil {
			return
		}
		for _, sel := range ss.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if !d.include(s.Directives) {
					continue
				}
				key := ""
				if s.Alias != nil && s.Alias.Value != "" {
					key = s.Alias.Value
				} else if s.Name != nil {
					key = s.Name.Value
				}
				if f := byKey[key]; f != nil {
					f.asts = append(f.asts, s)
					f.nodes = append(f.nodes, s)
					continue
				}
				f := &dfield{key: key, asts: []*ast.Field{s}, nodes: []ast.Node{s}}
				if s.Name != nil {
					f.name = s.Name.Value
				}
				byKey[key] = f
				out = append(out, f)
			case *ast.InlineFragment:
				if !d.include(s.Directives) || !d.conditionMatches(s.TypeCondition, t) {
					continue
				}
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				name := ""
				if s.Name != nil {
					name = s.Name.Value
				}
				if visited[name] || !d.include(s.Directives) {
					continue
				}
				visited[name] = true
				fr, ok := d.frags[name]
				if !ok || !d.conditionMatches(fr.TypeCondition, t) {
					continue
				}
				walk(fr.SelectionSet)
			default:
				panic(errFallback)
			}
		}
	}
	for _, ss := range sets {
		walk(ss)
	}
	kept := out[:0]
	for _, f := range out {
		if f.name == "__typename" {
			kept = append(kept, f)
		} else if f.def = t.Fields()[f.name]; f.def != nil {
			if f.def.Resolve == nil {
				panic(errFallback) // graphql-go's default resolver
			}
			kept = append(kept, f)
		}
		// graphql-go leaves out a field its type does not have.
		f.keyJSON = append(export.AppendJSONString(nil, f.key), ':')
	}
	slices.SortFunc(kept, func(a, b *dfield) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	return kept
}

// include applies @skip and @include, @skip first.
func (d *direct) include(dirs []*ast.Directive) bool {
	var skip, incl *ast.Directive
	for _, dir := range dirs {
		if dir == nil || dir.Name == nil {
			continue
		}
		switch dir.Name.Value {
		case graphql.SkipDirective.Name:
			skip = dir
		case graphql.IncludeDirective.Name:
			incl = dir
		}
	}
	if (skip != nil && usesVariables(skip.Arguments)) || (incl != nil && usesVariables(incl.Arguments)) {
		d.dynamic = true
	}
	if skip != nil {
		if v, ok := d.argValues(graphql.SkipDirective.Args, skip.Arguments)["if"].(bool); ok && v {
			return false
		}
	}
	if incl != nil {
		if v, ok := d.argValues(graphql.IncludeDirective.Args, incl.Arguments)["if"].(bool); ok && !v {
			return false
		}
	}
	return true
}

func (d *direct) conditionMatches(cond *ast.Named, t *graphql.Object) bool {
	if cond == nil {
		return true
	}
	name := ""
	if cond.Name != nil {
		name = cond.Name.Value
	}
	ct := d.sc.Type(name)
	switch ct := ct.(type) {
	case nil:
		panic(errFallback)
	case *graphql.Interface:
		return ct.Name() == t.Name() || d.sc.IsPossibleType(ct, t)
	case *graphql.Union:
		return ct.Name() == t.Name() || d.sc.IsPossibleType(ct, t)
	}
	return ct == graphql.Type(t) || ct.Name() == t.Name()
}

// argValues is graphql-go's getArgumentValues: each argument from its
// literal or variable, else its default; nulls are left out.
func (d *direct) argValues(defs []*graphql.Argument, asts []*ast.Argument) map[string]any {
	out := make(map[string]any, len(defs))
	for _, def := range defs {
		var lit ast.Value
		for _, a := range asts {
			if a.Name != nil && a.Name.Value == def.PrivateName {
				lit = a.Value // the last of a repeated name, as graphql-go's map keeps
			}
		}
		v := valueFromAST(lit, def.Type, d.vars)
		if nullish(v) {
			v = def.DefaultValue
		}
		if !nullish(v) {
			out[def.PrivateName] = v
		}
	}
	return out
}

// valueFromAST is graphql-go's valueFromAST for the input types of our
// schema (scalars, enums and lists of them).
func valueFromAST(v ast.Value, t graphql.Input, vars map[string]any) any {
	if v == nil {
		return nil
	}
	if vr, ok := v.(*ast.Variable); ok {
		if vr.Name == nil || vars == nil {
			return nil
		}
		return vars[vr.Name.Value]
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return valueFromAST(v, t.OfType, vars)
	case *graphql.List:
		values := []any{}
		if l, ok := v.(*ast.ListValue); ok {
			for _, item := range l.Values {
				values = append(values, valueFromAST(item, t.OfType, vars))
			}
			return values
		}
		return append(values, valueFromAST(v, t.OfType, vars))
	case *graphql.Scalar:
		return t.ParseLiteral(v)
	case *graphql.Enum:
		return t.ParseLiteral(v)
	}
	panic(errFallback) // input objects: none in our schema
}

// coerceVariables is graphql-go's getVariableValues for values that fit
// their types; ok is false when one does not, and graphql-go must word the
// error.
func coerceVariables(sc *graphql.Schema, op *ast.OperationDefinition, inputs map[string]any) (vals map[string]any, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			vals, ok = nil, false
		}
	}()
	vals = make(map[string]any, len(op.VariableDefinitions))
	for _, vd := range op.VariableDefinitions {
		if vd == nil || vd.Variable == nil || vd.Variable.Name == nil {
			continue
		}
		t := typeFromAST(sc, vd.Type)
		if t == nil || !graphql.IsInputType(t) {
			return nil, false
		}
		in := inputs[vd.Variable.Name.Value]
		if !validInput(in, t) {
			return nil, false
		}
		if nullish(in) && vd.DefaultValue != nil {
			vals[vd.Variable.Name.Value] = valueFromAST(vd.DefaultValue, t, nil)
		} else {
			vals[vd.Variable.Name.Value] = coerceValue(t, in)
		}
	}
	return vals, true
}

func typeFromAST(sc *graphql.Schema, t ast.Type) graphql.Input {
	switch t := t.(type) {
	case *ast.List:
		if in := typeFromAST(sc, t.Type); in != nil {
			return graphql.NewList(in)
		}
	case *ast.NonNull:
		if in := typeFromAST(sc, t.Type); in != nil {
			return graphql.NewNonNull(in)
		}
	case *ast.Named:
		if t.Name == nil {
			return nil
		}
		switch nt := sc.Type(t.Name.Value).(type) {
		case *graphql.Scalar:
			return nt
		case *graphql.Enum:
			return nt
		}
	}
	return nil
}

// validInput is graphql-go's isValidInputValue without its messages.
func validInput(v any, t graphql.Input) bool {
	if nullish(v) {
		_, nonNull := t.(*graphql.NonNull)
		return !nonNull
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return validInput(v, t.OfType)
	case *graphql.List:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() == reflect.Slice {
			for i := 0; i < rv.Len(); i++ {
				if !validInput(rv.Index(i).Interface(), t.OfType) {
					return false
				}
			}
			return true
		}
		return validInput(v, t.OfType)
	case *graphql.Scalar:
		return !nullish(t.ParseValue(v))
	case *graphql.Enum:
		return !nullish(t.ParseValue(v))
	}
	return false
}

// coerceValue is graphql-go's coerceValue for our input types.
func coerceValue(t graphql.Input, v any) any {
	if nullish(v) {
		return nil
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return coerceValue(t.OfType, v)
	case *graphql.List:
		values := []any{}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Slice {
			for i := 0; i < rv.Len(); i++ {
				values = append(values, coerceValue(t.OfType, rv.Index(i).Interface()))
			}
			return values
		}
		return append(values, coerceValue(t.OfType, v))
	case *graphql.Scalar:
		if p := t.ParseValue(v); !nullish(p) {
			return p
		}
	case *graphql.Enum:
		if p := t.ParseValue(v); !nullish(p) {
			return p
		}
	}
	return nil
}

// enumNames maps each enum value of sc to its name, as Enum.Serialize
// does for a value that is not a pointer, without its reflection and the
// allocation of the name it returns.
func enumNames(sc *graphql.Schema) map[*graphql.Enum]map[any]string {
	out := map[*graphql.Enum]map[any]string{}
	for _, t := range sc.TypeMap() {
		e, ok := t.(*graphql.Enum)
		if !ok {
			continue
		}
		names, dups := map[any]string{}, map[any]bool{}
		for _, v := range e.Values() {
			if v.Value == nil || reflect.TypeOf(v.Value).Kind() == reflect.Pointer || !reflect.TypeOf(v.Value).Comparable() {
				continue
			}
			if _, dup := names[v.Value]; dup || dups[v.Value] {
				// Serialize's lookup keeps one of them; let it decide.
				delete(names, v.Value)
				dups[v.Value] = true
				continue
			}
			names[v.Value] = v.Name
		}
		out[e] = names
	}
	return out
}

// nullish is graphql-go's isNullish: nil, a nil pointer, or NaN. The
// common values of our resolvers are decided without reflection.
func nullish(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string, bool, int, []any, []string, json.RawMessage,
		graph.EntityType, graph.RelationType, graph.Direction, graph.EntityOrder, graph.SearchMode, GraphFormat:
		return false
	case float64:
		return math.IsNaN(x)
	case *graph.Entity:
		return x == nil
	case *relation:
		return x == nil
	case *subgraph:
		return x == nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}
