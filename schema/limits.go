package schema

import (
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// nestingLimit rejects text whose brackets nest deeper than max before
// the parser sees it: graphql-go's parser recurses once per level, and a
// request of a million "{" would otherwise exhaust the stack.
func nestingLimit(q string, max int) bool {
	depth := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; c {
		case '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
		case '"':
			if strings.HasPrefix(q[i:], `"""`) {
				end := strings.Index(q[i+3:], `"""`)
				if end < 0 {
					return true
				}
				i += end + 5
				continue
			}
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case '{', '[', '(':
			depth++
			if depth > max {
				return false
			}
		case '}', ']', ')':
			depth--
		}
	}
	return true
}

// analysis is what the limits need to know about one operation.
type analysis struct {
	op       *ast.OperationDefinition
	cost     int
	aliases  int
	expanded int // field selections visited, fragments expanded
}

type analyzer struct {
	sc    *graphql.Schema
	lim   Limits
	frags map[string]*ast.FragmentDefinition
	vars  map[string]any
	a     analysis
	err   *Error
}

// analyze picks the operation to run and checks it against the depth, cost
// and alias limits, expanding fragments. It runs before validation, whose
// cost on hostile queries is not bounded, and stops as soon as a limit is
// passed, so its own work is bounded by MaxCost.
func analyze(sc *graphql.Schema, doc *ast.Document, opName string, vars map[string]any, lim Limits) (*analysis, *Error) {
	z := &analyzer{sc: sc, lim: lim, frags: map[string]*ast.FragmentDefinition{}, vars: vars}
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			ops = append(ops, d)
		case *ast.FragmentDefinition:
			if d.Name != nil {
				z.frags[d.Name.Value] = d
			}
		}
	}
	switch {
	case len(ops) == 0:
		return nil, errorf(CodeBadInput, "the document has no operation")
	case opName == "" && len(ops) > 1:
		return nil, errorf(CodeBadInput, "the document has %d operations: say which in operationName", len(ops))
	case opName == "":
		z.a.op = ops[0]
	default:
		for _, op := range ops {
			if op.Name != nil && op.Name.Value == opName {
				z.a.op = op
			}
		}
		if z.a.op == nil {
			return nil, errorf(CodeBadInput, "no operation named %q", opName)
		}
	}
	var root graphql.Type = sc.QueryType()
	if z.a.op.Operation == ast.OperationTypeMutation && sc.MutationType() != nil {
		root = sc.MutationType()
	}
	z.a.cost = z.selections(z.a.op.SelectionSet, root, 0, false, map[string]bool{})
	if z.err != nil {
		return nil, z.err
	}
	return &z.a, nil
}

// selections returns the estimated cost of a selection set on type parent
// (nil when unknown: validation will report it) at the given depth; it
// records the first limit passed in z.err and then returns early.
func (z *analyzer) selections(ss *ast.SelectionSet, parent graphql.Type, depth int, intro bool, open map[string]bool) int {
	if ss == nil || z.err != nil {
		return 0
	}
	total := 0
	for _, sel := range ss.Selections {
		if z.err != nil {
			return total
		}
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == nil {
				continue
			}
			name := s.Name.Value
			in := intro || strings.HasPrefix(name, "__")
			z.a.expanded++
			if z.a.expanded > 10*z.lim.MaxFields {
				z.err = errorf(CodeLimit, "more than %d fields once fragments are expanded", 10*z.lim.MaxFields)
				return total
			}
			if s.Alias != nil && s.Alias.Value != "" && s.Alias.Value != name {
				z.a.aliases++
				if z.a.aliases > z.lim.MaxAliases {
					z.err = errorf(CodeLimit, "more than %d aliased fields", z.lim.MaxAliases)
					return total
				}
			}
			d := depth + 1
			if in && d > z.lim.MaxIntrospectionDepth {
				z.err = errorf(CodeLimit, "introspection nests deeper than %d", z.lim.MaxIntrospectionDepth)
				return total
			}
			if !in && d > z.lim.MaxDepth {
				z.err = errorf(CodeLimit, "query nests deeper than %d fields", z.lim.MaxDepth)
				return total
			}
			var def *graphql.FieldDefinition
			if !in {
				def = fieldDef(parent, name)
			}
			var childType graphql.Type
			if def != nil {
				childType, _ = graphql.GetNamed(def.Type).(graphql.Type)
			}
			child := z.selections(s.SelectionSet, childType, d, in, open)
			cost := 1
			if in {
				cost += child
			} else {
				cost = satAdd(cost, satMul(z.multiplier(s, def), child))
			}
			total = satAdd(total, cost)
		case *ast.InlineFragment:
			t := parent
			if s.TypeCondition != nil && s.TypeCondition.Name != nil {
				t = z.sc.Type(s.TypeCondition.Name.Value)
			}
			total = satAdd(total, z.selections(s.SelectionSet, t, depth, intro, open))
		case *ast.FragmentSpread:
			if s.Name == nil {
				continue
			}
			f, ok := z.frags[s.Name.Value]
			if !ok || open[s.Name.Value] {
				continue // unknown or cyclic: validation reports it
			}
			open[s.Name.Value] = true
			t := parent
			if f.TypeCondition != nil && f.TypeCondition.Name != nil {
				t = z.sc.Type(f.TypeCondition.Name.Value)
			}
			total = satAdd(total, z.selections(f.SelectionSet, t, depth, intro, open))
			delete(open, s.Name.Value)
		}
		if total > z.lim.MaxCost && z.err == nil {
			z.err = errorf(CodeLimit, "query cost exceeds %d (each field costs 1; lists multiply by their first or limit)", z.lim.MaxCost)
		}
	}
	return total
}

// multiplier is how many times a field's selection is resolved: the value
// of its first or limit argument, else that argument's default; 1 for
// fields without one.
func (z *analyzer) multiplier(f *ast.Field, def *graphql.FieldDefinition) int {
	if def == nil {
		return 1
	}
	var page *graphql.Argument
	for _, a := range def.Args {
		if a.Name() == "first" || a.Name() == "limit" {
			page = a
		}
	}
	if page == nil {
		return 1
	}
	n, found := 0, false
	for _, a := range f.Arguments {
		if a.Name == nil || a.Name.Value != page.Name() {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			if x, err := strconv.Atoi(v.Value); err == nil {
				n, found = x, true
			}
		case *ast.Variable:
			if v.Name == nil {
				continue
			}
			if z.vars == nil {
				// Checking the query text alone: the variable's value is
				// not known yet, so count the field once.
				n, found = 1, true
				continue
			}
			switch x := z.vars[v.Name.Value].(type) {
			case float64:
				n, found = int(min(max(x, -1), 1e9)), true
			case int:
				n, found = x, true
			default:
				n, found = z.variableDefault(v.Name.Value)
			}
		}
	}
	if !found {
		n, _ = page.DefaultValue.(int)
	}
	capN := z.lim.MaxFirst
	if page.Name() == "limit" {
		capN = z.lim.MaxNodes
	}
	return max(1, min(n, capN))
}

func fieldDef(parent graphql.Type, name string) *graphql.FieldDefinition {
	switch p := parent.(type) {
	case *graphql.Object:
		return p.Fields()[name]
	case *graphql.Interface:
		return p.Fields()[name]
	}
	return nil
}

// variableDefault is the default value an operation declares for an Int
// variable, as in query($n: Int = 100).
func (z *analyzer) variableDefault(name string) (int, bool) {
	for _, vd := range z.a.op.VariableDefinitions {
		if vd.Variable == nil || vd.Variable.Name == nil || vd.Variable.Name.Value != name {
			continue
		}
		if iv, ok := vd.DefaultValue.(*ast.IntValue); ok {
			if x, err := strconv.Atoi(iv.Value); err == nil {
				return x, true
			}
		}
	}
	return 0, false
}

const costCap = 1 << 40

func satAdd(a, b int) int { return min(a+b, costCap) }

func satMul(a, b int) int {
	if a != 0 && b > costCap/a {
		return costCap
	}
	return min(a*b, costCap)
}

// fragmentCycle names a fragment that spreads itself, directly or through
// others, or returns "". graphql-go's validation recurses without end on
// such a document (its overlapping-fields rule runs before the cycle rule)
// and the stack overflow would kill the server, so cycles are refused
// before validation.
func fragmentCycle(doc *ast.Document) string {
	frags := map[string]*ast.FragmentDefinition{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			frags[f.Name.Value] = f
		}
	}
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(name string) string
	var spreads func(ss *ast.SelectionSet) string
	spreads = func(ss *ast.SelectionSet) string {
		if ss == nil {
			return ""
		}
		for _, sel := range ss.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if c := spreads(s.SelectionSet); c != "" {
					return c
				}
			case *ast.InlineFragment:
				if c := spreads(s.SelectionSet); c != "" {
					return c
				}
			case *ast.FragmentSpread:
				if s.Name != nil {
					if c := visit(s.Name.Value); c != "" {
						return c
					}
				}
			}
		}
		return ""
	}
	visit = func(name string) string {
		f, ok := frags[name]
		if !ok {
			return ""
		}
		switch state[name] {
		case open:
			return name
		case done:
			return ""
		}
		state[name] = open
		c := spreads(f.SelectionSet)
		state[name] = done
		return c
	}
	for name := range frags {
		if c := visit(name); c != "" {
			return c
		}
	}
	return ""
}

// countFields counts the field selections written in a document, in every
// operation and fragment.
func countFields(doc *ast.Document) int {
	n := 0
	var walk func(ss *ast.SelectionSet)
	walk = func(ss *ast.SelectionSet) {
		if ss == nil {
			return
		}
		for _, sel := range ss.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				n++
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			walk(d.SelectionSet)
		case *ast.FragmentDefinition:
			walk(d.SelectionSet)
		}
	}
	return n
}
