package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/graphql-go/graphql"
	gqlast "github.com/graphql-go/graphql/language/ast"
	gqlparser "github.com/graphql-go/graphql/language/parser"

	"kg/graph"
)

// faultyReader fails on purpose, so that field errors and their
// propagation show up in answers: Entity fails with a plain error for one
// ID (an INTERNAL field error inside lists of non-null items) and
// EntityRelations panics for another (a resolver panic).
type faultyReader struct {
	graph.Reader
	failEntity, panicRelations string
}

func (r *faultyReader) Entity(ctx context.Context, id string) (*graph.Entity, error) {
	if id == r.failEntity {
		return nil, errors.New("disk on fire")
	}
	return r.Reader.Entity(ctx, id)
}

func (r *faultyReader) EntityRelations(ctx context.Context, id string, f graph.Filter, limit int) ([]graph.Relation, error) {
	if id == r.panicRelations {
		panic("relations index corrupt")
	}
	return r.Reader.EntityRelations(ctx, id, f, limit)
}

// pair is the direct executor and graphql-go's, over one reader.
type pair struct {
	x, ref *Executor
}

func newPair(t testing.TB, r graph.Reader) *pair {
	t.Helper()
	x, err := NewExecutor(r)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := NewExecutor(r)
	if err != nil {
		t.Fatal(err)
	}
	ref.noDirect = true
	return &pair{x: x, ref: ref}
}

// canonical is a response as a client decodes it, with its errors in a
// fixed order: graphql-go resolves sibling fields in map order, so the
// order of their errors is not part of its answer.
func canonical(t testing.TB, r *Response) any {
	t.Helper()
	// Errorf, not Fatalf: goroutines call it too.
	b, err := json.Marshal(r)
	if err != nil {
		t.Errorf("marshal: %v", err)
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Errorf("decode %s: %v", b, err)
		return nil
	}
	if errs, ok := v["errors"].([]any); ok {
		slices.SortFunc(errs, func(a, b any) int {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			return strings.Compare(string(ja), string(jb))
		})
	}
	v["status"] = r.Status
	return v
}

// check runs one request on both executors and fails the test when the
// answers differ. graphql-go's answer can depend on its map order (which
// non-null field fails first nulls its parent and stops the siblings, and
// with a few fields one order can come up one time in eight), so it is
// asked again, up to 200 times, before the answers are called different.
// It reports whether the direct executor answered.
func (p *pair) check(t testing.TB, query string, vars map[string]any) bool {
	t.Helper()
	ctx := context.Background()
	runs, falls := p.x.directRuns.Load(), p.x.fallbacks.Load()
	got := canonical(t, p.x.Do(ctx, Request{Query: query, Variables: vars}, ReadOnly))
	direct := p.x.directRuns.Load() > runs
	if p.x.fallbacks.Load() > falls {
		t.Errorf("the direct executor gave up on %s", query)
	}
	if !direct {
		// Refused before running, or left to graphql-go by design
		// (introspection, whose type order is graphql-go's map order).
		return false
	}
	var want any
	for range 200 {
		want = canonical(t, p.ref.Do(ctx, Request{Query: query, Variables: vars}, ReadOnly))
		if reflect.DeepEqual(got, want) {
			return direct
		}
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	vb, _ := json.Marshal(vars)
	t.Errorf("answers differ\nquery: %s\nvariables: %s\ndirect:     %.3000s\ngraphql-go: %.3000s", query, vb, gb, wb)
	return direct
}

// testQueries collects every GraphQL operation written as a string in this
// package's tests and in kg's command tests (which serve this schema).
func testQueries(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	cmd, _ := filepath.Glob(filepath.Join("..", "cmd", "kg", "*_test.go"))
	files = append(files, cmd...)
	var out []string
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			if strings.HasPrefix(name, "..") {
				continue // another package's, mid-edit: its queries are a bonus
			}
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || seen[s] || !strings.Contains(s, "{") {
				return true
			}
			doc, err := gqlparser.Parse(gqlparser.ParseParams{Source: s})
			if err != nil {
				return true
			}
			for _, d := range doc.Definitions {
				if _, ok := d.(*gqlast.OperationDefinition); ok {
					seen[s] = true
					out = append(out, s)
					break
				}
			}
			return true
		})
	}
	return out
}

// variableSets gives values for a query's variables: each set gives every
// variable a value of a pool drawn from the fixture (valid and not).
func variableSets(t testing.TB, query string, f *fixture, n int) []map[string]any {
	doc, err := gqlparser.Parse(gqlparser.ParseParams{Source: query})
	if err != nil {
		t.Fatal(err)
	}
	var defs []*gqlast.VariableDefinition
	for _, d := range doc.Definitions {
		if op, ok := d.(*gqlast.OperationDefinition); ok {
			defs = append(defs, op.VariableDefinitions...)
		}
	}
	if len(defs) == 0 {
		return []map[string]any{nil}
	}
	rng := rand.New(rand.NewPCG(uint64(len(query)), 1))
	g := &gen{rng: rng, f: f}
	var sets []map[string]any
	for range n {
		vars := map[string]any{}
		for _, vd := range defs {
			if rng.IntN(8) == 0 {
				continue // left out: its default, or a missing non-null
			}
			vars[vd.Variable.Name.Value] = g.jsonValue(vd.Type)
		}
		sets = append(sets, vars)
	}
	return sets
}

// TestDirectMatchesGraphQLGo runs every query of this package's tests,
// with several sets of variables, and a hand-written set covering the
// corners of execution, on the direct executor and on graphql-go's: the
// answers (data, errors with their messages, locations, paths and codes,
// and status) must be the same.
func TestDirectMatchesGraphQLGo(t *testing.T) {
	f := newFixture(t)
	lab, cqu := f.id(t, "国家重点实验室"), f.id(t, "重庆大学")
	for _, reader := range []struct {
		name string
		r    graph.Reader
	}{
		{"store", f.store},
		{"faulty", &faultyReader{Reader: f.store, failEntity: cqu, panicRelations: f.id(t, "两江协同创新区")}},
	} {
		t.Run(reader.name, func(t *testing.T) {
			p := newPair(t, reader.r)
			direct := 0
			queries := testQueries(t)
			if len(queries) < 40 {
				t.Fatalf("found only %d queries in the tests", len(queries))
			}
			for _, q := range queries {
				for _, vars := range variableSets(t, q, f, 4) {
					if p.check(t, q, vars) {
						direct++
					}
				}
			}
			for _, tc := range directCases(lab, cqu) {
				if p.check(t, tc.query, tc.vars) {
					direct++
				}
			}
			if direct < 100 {
				t.Errorf("the direct executor answered only %d requests", direct)
			}
			t.Logf("%d test queries; %d requests answered directly", len(queries), direct)
		})
	}
}

type directCase struct {
	query string
	vars  map[string]any
}

func directCases(lab, cqu string) []directCase {
	rel := `relations { type weight fromId toId from { id name } to { id name } evidence(first: 2) { sentence start end rule documentId document { id title date } } }`
	return []directCase{
		{`{ a: entity(name: "国家重点实验室") { n: name t: type } b: entity(name: "重庆大学") { name aliases } }`, nil},
		{`{ entity(name: "国家重点实验室") { name } entity(name: "国家重点实验室") { id type } }`, nil},
		{`{ e: entity(name: "国家重点实验室") { name ... on Entity { id } ...F } } fragment F on Entity { degree relations(first: 2) { type } }`, nil},
		{`{ e: entity(name: "国家重点实验室") { ...F ...F } } fragment F on Entity { name ...G } fragment G on Entity { id ...F }`, nil},
		{`query($s: Boolean!, $i: Boolean!) { entity(name: "重庆大学") { name @skip(if: $s) id @include(if: $i) type @skip(if: $s) @include(if: $i) ... @skip(if: $i) { degree } } }`, map[string]any{"s": true, "i": false}},
		{`query($s: Boolean!, $i: Boolean!) { entity(name: "重庆大学") { name @skip(if: $s) id @include(if: $i) type @skip(if: $s) @include(if: $i) ... @skip(if: $i) { degree } } }`, map[string]any{"s": false, "i": true}},
		{`{ entity(name: "重庆大学") { __typename name } __typename stats { __typename } }`, nil},
		{`{ entity(id: "e0000000000000000") { name } }`, nil},
		{`{ entity(id: "x", name: "y") { name } }`, nil},
		{`{ neighbors(id: "no such entity") { nodes { name } } }`, nil},
		{`{ neighbors(id: "重庆大学", depth: 0) { nodes { name } } stats { entities } }`, nil},
		{`{ neighbors(id: "重庆大学", depth: 9) { nodes { name } } }`, nil},
		{`{ stats { entities } e: entity(name: "重庆大学") { relations(first: -1) { type } } f: entity(name: "国家重点实验室") { name } }`, nil},
		{`query($id: ID!, $d: Int) { neighbors(id: $id, depth: $d, first: 50) { nodes { id name type aliases mentionCount documentCount degree firstSeen lastSeen } ` + rel + ` truncated } }`, map[string]any{"id": lab, "d": 1}},
		{`query($id: ID!, $d: Int) { neighbors(id: $id, depth: $d) { nodes { id name } relations { from { id } to { id } } asJSON } }`, map[string]any{"id": cqu, "d": 2.0}},
		{`query($id: ID!) { neighbors(id: $id, relations: [FOCUSES_ON, RELIES_ON], direction: OUT, types: [FIELD, INSTITUTION], minWeight: 1) { nodes { name } asJSON(format: CYTOSCAPE) } }`, map[string]any{"id": lab}},
		{`query($t: [RelationType!]) { entity(name: "国家重点实验室") { relations(types: $t, direction: BOTH) { type to { name } } } }`, map[string]any{"t": []any{"FOCUSES_ON"}}},
		{`query($t: [RelationType!]) { entity(name: "国家重点实验室") { relations(types: $t) { type } } }`, map[string]any{"t": "RELIES_ON"}},
		{`query($t: [RelationType!]) { entity(name: "国家重点实验室") { relations(types: $t) { type } } }`, map[string]any{"t": []any{"NOPE"}}},
		{`query($n: Int = 2) { search(text: "国", first: $n) { name } }`, nil},
		{`query($n: Int = 2) { search(text: "国", first: $n) { name } }`, map[string]any{"n": 1.5}},
		{`query($n: Int!) { search(text: "国", first: $n) { name } }`, nil},
		{`query($x: String) { search(text: $x) { name } }`, map[string]any{"x": 5.0}},
		{`{ search(text: "国", types: PLATFORM, mode: PREFIX) { name type } entities(type: FIELD, orderBy: NAME, first: 2) { nodes { name } endCursor hasNextPage totalCount } }`, nil},
		{`{ entities(first: 2, after: "not a cursor") { nodes { name } } }`, nil},
		{`{ path(from: "两江协同创新区", to: "集成电路") { length nodes { name } relations { type from { name } to { name } } } p: path(from: "上海", to: "重庆") { length } }`, nil},
		{`{ paths(from: "两江协同创新区", to: "集成电路", maxDepth: 3, parallel: true) { length nodes { name } } }`, nil},
		{`{ subgraph(ids: ["重庆大学", "集成电路"], depth: 1, limit: 5) { nodes { name } relations { type } truncated asJSON(format: D3) } }`, nil},
		{`{ relations(from: "国家重点实验室", to: "脑科学") { id type weight documentCount firstSeen lastSeen evidence { sentence document { title } } } }`, nil},
		{`{ documents(first: 1) { nodes { id title source hash issuer date region size } endCursor hasNextPage } document(id: "dseed00000000001") { title } d2: document(id: "nope") { title } }`, nil},
		{`{ stats { documents entities relations entitiesByType { type count } relationsByType { type count } } }`, nil},
		{`{ entity(name: "国家重点实验室") { documents(first: 5) { title } relations(first: 3) { evidence(first: 0) { sentence } } } }`, nil},
		{`query A { stats { entities } } query B { stats { documents } }`, nil},
		{`{ __schema { queryType { name } } }`, nil},
		{`mutation { addAlias(id: "x", alias: "y") { name } }`, nil},
		{`{ entity(name: "国家重点实验室") { nosuchfield } }`, nil},
		{`{ entity(name: "国家重点实验室") { relations { from { relations { to { relations { from { name } } } } } } } }`, nil},
	}
}

// TestDirectRandomQueries compares the two executors on queries generated
// from the schema: aliases (clashing ones too), fragments, directives,
// variables, arguments in and out of their domains, errors and nulls.
func TestDirectRandomQueries(t *testing.T) {
	f := newFixture(t)
	n := 300
	if testing.Short() {
		n = 60
	}
	for _, reader := range []struct {
		name string
		r    graph.Reader
	}{
		{"store", f.store},
		{"faulty", &faultyReader{Reader: f.store, failEntity: f.id(t, "重庆大学"), panicRelations: f.id(t, "两江协同创新区")}},
	} {
		t.Run(reader.name, func(t *testing.T) {
			p := newPair(t, reader.r)
			direct, withData := 0, 0
			for i := range n {
				g := &gen{rng: rand.New(rand.NewPCG(uint64(i), 7)), f: f, sc: p.x.Schema()}
				q, vars := g.query()
				if p.check(t, q, vars) {
					direct++
				}
				if t.Failed() {
					return
				}
				if r := p.x.Do(context.Background(), Request{Query: q, Variables: vars}, ReadOnly); r.ran && r.Data != nil {
					withData++
				}
			}
			// Most generated queries must be valid and run, or the test
			// compares refusals only.
			if direct < n/2 || withData < n/3 {
				t.Errorf("of %d queries %d ran directly and %d had data", n, direct, withData)
			}
			t.Logf("%d queries, %d answered directly, %d with data", n, direct, withData)
		})
	}
}

// FuzzDirect feeds queries generated from the fuzzer's bytes to both
// executors.
func FuzzDirect(f *testing.F) {
	for _, s := range []string{"", "a", "neighbors", "\x01\x02\x03\x04\x05\x06\x07\x08", "zzzzzzzzzzzzzzzzzzzz"} {
		f.Add([]byte(s))
	}
	fx := newFixture(f)
	p := newPair(f, fx.store)
	faulty := newPair(f, &faultyReader{Reader: fx.store, failEntity: fx.id(f, "重庆大学"), panicRelations: fx.id(f, "两江协同创新区")})
	f.Fuzz(func(t *testing.T, seed []byte) {
		var s [32]byte
		copy(s[:], seed)
		src := rand.NewChaCha8(s)
		g := &gen{rng: rand.New(src), f: fx, sc: p.x.Schema()}
		q, vars := g.query()
		p.check(t, q, vars)
		faulty.check(t, q, vars)
	})
}

// gen writes random queries over the schema.
type gen struct {
	rng   *rand.Rand
	f     *fixture
	sc    graphql.Schema
	vars  map[string]any
	decls []string
	frags []string
	nfrag int
}

func (g *gen) pick(n int) int { return g.rng.IntN(n) }

func (g *gen) query() (string, map[string]any) {
	g.vars = map[string]any{}
	root := g.sc.QueryType()
	var b strings.Builder
	sel := g.selection(root, 0, map[string]bool{})
	b.WriteString("query")
	if len(g.decls) > 0 {
		b.WriteString("(" + strings.Join(g.decls, ", ") + ")")
	}
	b.WriteString(" " + sel)
	for _, fr := range g.frags {
		b.WriteString("\n" + fr)
	}
	return b.String(), g.vars
}

// selection writes a selection set on t; used holds the response keys
// already taken in it (fragments add to their parent's).
func (g *gen) selection(t *graphql.Object, depth int, used map[string]bool) string {
	fields := t.Fields()
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	slices.Sort(names)
	var parts []string
	for range 1 + g.pick(3) {
		switch g.pick(12) {
		case 0:
			parts = append(parts, "__typename")
			continue
		case 1:
			parts = append(parts, "... on "+t.Name()+" "+g.selection(t, depth, used))
			continue
		case 2:
			g.nfrag++
			name := fmt.Sprintf("F%d", g.nfrag)
			g.frags = append(g.frags, "fragment "+name+" on "+t.Name()+" "+g.selection(t, depth, used))
			parts = append(parts, "..."+name+g.directive())
			continue
		}
		name := names[g.pick(len(names))]
		def := fields[name]
		obj, isObj := graphql.GetNamed(def.Type).(*graphql.Object)
		if isObj && depth >= 3 {
			continue
		}
		// Mostly a fresh response key: the same key twice must select
		// the same field with the same arguments, and usually does not
		// (a validation error, which is tested too, now and then).
		key := name
		switch {
		case g.pick(10) == 0:
			key = []string{"a", "b", "x"}[g.pick(3)]
		case used[key] && g.pick(8) != 0:
			key = fmt.Sprintf("%s%d", name, len(parts))
		}
		used[key] = true
		s := name
		if key != name {
			s = key + ": " + name
		}
		s += g.args(def.Args) + g.directive()
		if isObj {
			s += " " + g.selection(obj, depth+1, map[string]bool{})
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		parts = append(parts, "__typename")
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func (g *gen) directive() string {
	switch g.pick(10) {
	case 0:
		return " @skip(if: " + g.boolArg() + ")"
	case 1:
		return " @include(if: " + g.boolArg() + ")"
	case 2:
		return " @skip(if: " + g.boolArg() + ") @include(if: " + g.boolArg() + ")"
	}
	return ""
}

func (g *gen) boolArg() string {
	if g.pick(2) == 0 {
		return []string{"true", "false"}[g.pick(2)]
	}
	name := fmt.Sprintf("v%d", len(g.decls))
	g.decls = append(g.decls, "$"+name+": Boolean!")
	g.vars[name] = g.pick(2) == 0
	return "$" + name
}

// args writes some of a field's arguments, as literals or variables.
func (g *gen) args(defs []*graphql.Argument) string {
	var parts []string
	for _, a := range defs {
		_, required := a.Type.(*graphql.NonNull)
		if !required && g.pick(3) != 0 {
			continue
		}
		if required && g.pick(30) == 0 {
			continue // a missing required argument: a validation error
		}
		if g.pick(3) == 0 {
			name := fmt.Sprintf("v%d", len(g.decls))
			g.decls = append(g.decls, "$"+name+": "+a.Type.String())
			if g.pick(10) != 0 {
				g.vars[name] = g.jsonOf(a.Type)
			}
			parts = append(parts, a.Name()+": $"+name)
			continue
		}
		parts = append(parts, a.Name()+": "+g.literal(a.Type))
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (g *gen) names() []string {
	return []string{"国家重点实验室", "重庆大学", "重大", "两江协同创新区", "集成电路", "上海", "西部（重庆）科学城", "nobody", "", "e0000000000000000",
		g.f.ids["脑科学"], g.f.ids["重庆"], docSeed}
}

// jsonOf is a variable value for type t, as JSON decodes it.
func (g *gen) jsonOf(t graphql.Type) any {
	switch t := t.(type) {
	case *graphql.NonNull:
		return g.jsonOf(t.OfType)
	case *graphql.List:
		if g.pick(4) == 0 {
			return g.jsonOf(t.OfType)
		}
		l := []any{}
		for range g.pick(3) {
			l = append(l, g.jsonOf(t.OfType))
		}
		return l
	case *graphql.Enum:
		vals := t.Values()
		if g.pick(15) == 0 {
			return "NOPE"
		}
		return vals[g.pick(len(vals))].Name
	case *graphql.Scalar:
		switch t.Name() {
		case "Int":
			return []any{0.0, 1.0, 2.0, 3.0, -1.0, 5.0, 1.5, "2"}[g.pick(8)]
		case "Float":
			return []any{0.0, 1.0, 2.5, "x"}[g.pick(4)]
		case "Boolean":
			return g.pick(2) == 0
		default:
			ns := g.names()
			return ns[g.pick(len(ns))]
		}
	}
	return nil
}

// literal is an argument literal for type t.
func (g *gen) literal(t graphql.Type) string {
	switch t := t.(type) {
	case *graphql.NonNull:
		return g.literal(t.OfType)
	case *graphql.List:
		if g.pick(4) == 0 {
			return g.literal(t.OfType)
		}
		var l []string
		for range g.pick(3) {
			l = append(l, g.literal(t.OfType))
		}
		return "[" + strings.Join(l, ", ") + "]"
	case *graphql.Enum:
		vals := t.Values()
		return vals[g.pick(len(vals))].Name
	case *graphql.Scalar:
		switch t.Name() {
		case "Int":
			return []string{"0", "1", "2", "3", "-1", "5", "4"}[g.pick(7)]
		case "Float":
			return []string{"0", "1", "2.5"}[g.pick(3)]
		case "Boolean":
			return []string{"true", "false"}[g.pick(2)]
		default:
			ns := g.names()
			return strconv.Quote(ns[g.pick(len(ns))])
		}
	}
	return "null"
}

// jsonValue is a variable value for a declared type.
func (g *gen) jsonValue(t gqlast.Type) any {
	switch t := t.(type) {
	case *gqlast.NonNull:
		return g.jsonValue(t.Type)
	case *gqlast.List:
		return []any{g.jsonValue(t.Type)}
	case *gqlast.Named:
		switch t.Name.Value {
		case "Int":
			return []any{0.0, 1.0, 2.0, 5.0, -1.0, 1.5}[g.pick(6)]
		case "Float":
			return []any{0.0, 1.0, 2.5}[g.pick(3)]
		case "Boolean":
			return g.pick(2) == 0
		case "String", "ID":
			ns := g.names()
			return ns[g.pick(len(ns))]
		case "EntityType":
			return []any{"PLATFORM", "FIELD", "REGION", "bad"}[g.pick(4)]
		case "RelationType":
			return []any{"FOCUSES_ON", "RELIES_ON", "CO_OCCURS"}[g.pick(3)]
		case "Direction":
			return []any{"IN", "OUT", "BOTH"}[g.pick(3)]
		}
	}
	return nil
}

// TestDirectSharedPlan runs one query from many goroutines with different
// variables: they share its plan, which must stay read-only (run with
// -race), and each must get its own answer.
func TestDirectSharedPlan(t *testing.T) {
	f := newFixture(t)
	p := newPair(t, f.store)
	q := `query($id: ID!, $n: Int) { neighbors(id: $id, first: $n) { nodes { name relations(first: $n) { type } } } }`
	names := []string{"国家重点实验室", "重庆大学", "两江协同创新区", "集成电路"}
	want := map[string]any{}
	for _, n := range names {
		want[n] = canonical(t, p.ref.Do(context.Background(), Request{Query: q, Variables: map[string]any{"id": n, "n": 2.0}}, ReadOnly))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				n := names[(g+i)%len(names)]
				got := canonical(t, p.x.Do(context.Background(), Request{Query: q, Variables: map[string]any{"id": n, "n": 2.0}}, ReadOnly))
				if !reflect.DeepEqual(got, want[n]) {
					errs <- n
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for n := range errs {
		t.Errorf("%s: the answer differs from graphql-go's", n)
	}
	if p.x.directRuns.Load() != 200 {
		t.Errorf("%d requests ran directly, want 200", p.x.directRuns.Load())
	}
}
