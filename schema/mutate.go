package schema

import (
	"regexp"
	"strings"

	"github.com/graphql-go/graphql"
)

var datePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)

// The mutation resolvers hold writeMu: the store allows one Writer call at a
// time, and analysts' corrections are rare enough to queue behind an ingest.

func (res *resolver) mutIngest(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	if res.cfg.ingester == nil {
		return nil, errorf(CodeForbidden, "this server cannot ingest: no extractor configured")
	}
	text, _ := argString(p, "text")
	title, _ := argString(p, "title")
	date, _ := argString(p, "date")
	source, _ := argString(p, "source")
	if strings.TrimSpace(text) == "" {
		return nil, errorf(CodeBadInput, "ingest: text is empty")
	}
	if date != "" && !datePattern.MatchString(date) {
		return nil, errorf(CodeBadInput, "ingest: date %q is not YYYY-MM-DD", date)
	}
	res.writeMu.Lock()
	id, err := res.cfg.ingester.Ingest(p.Context, text, title, date, source)
	res.writeMu.Unlock()
	if err != nil {
		return nil, coded(err)
	}
	d, err := res.r.Document(p.Context, id)
	if err != nil {
		return nil, coded(err)
	}
	return d, nil
}

func (res *resolver) mutDelete(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	if res.cfg.editor == nil {
		return nil, errorf(CodeForbidden, "this server cannot edit the graph")
	}
	id, _ := argString(p, "id")
	res.writeMu.Lock()
	err := res.cfg.editor.Delete(p.Context, id)
	res.writeMu.Unlock()
	if err != nil {
		return nil, coded(err)
	}
	return true, nil
}

func (res *resolver) mutMerge(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	if res.cfg.editor == nil {
		return nil, errorf(CodeForbidden, "this server cannot edit the graph")
	}
	into, err := res.entityRef(p.Context, mustString(p.Args["into"]))
	if err != nil {
		return nil, err
	}
	refs, _ := p.Args["from"].([]any)
	if len(refs) == 0 {
		return nil, errorf(CodeBadInput, "mergeEntities: from is empty")
	}
	if len(refs) > res.lim.MaxFirst {
		return nil, errorf(CodeLimit, "mergeEntities: at most %d entities at once", res.lim.MaxFirst)
	}
	from := make([]string, 0, len(refs))
	for _, r := range refs {
		id, err := res.entityRef(p.Context, mustString(r))
		if err != nil {
			return nil, err
		}
		if id == into {
			return nil, errorf(CodeBadInput, "mergeEntities: cannot merge %s into itself", id)
		}
		from = append(from, id)
	}
	res.writeMu.Lock()
	err = res.cfg.editor.Merge(p.Context, into, from)
	res.writeMu.Unlock()
	if err != nil {
		return nil, coded(err)
	}
	return res.entity(p.Context, into)
}

func (res *resolver) mutAddAlias(p graphql.ResolveParams) (any, error) {
	if err := ctxErr(p); err != nil {
		return nil, err
	}
	if res.cfg.editor == nil {
		return nil, errorf(CodeForbidden, "this server cannot edit the graph")
	}
	id, err := res.entityRef(p.Context, mustString(p.Args["id"]))
	if err != nil {
		return nil, err
	}
	alias, _ := argString(p, "alias")
	if strings.TrimSpace(alias) == "" {
		return nil, errorf(CodeBadInput, "addAlias: alias is empty")
	}
	res.writeMu.Lock()
	err = res.cfg.editor.AddAlias(p.Context, id, alias)
	res.writeMu.Unlock()
	if err != nil {
		return nil, coded(err)
	}
	return res.entity(p.Context, id)
}

func mustString(v any) string { s, _ := v.(string); return s }
