package schema

import (
	"fmt"
	"sync"

	"github.com/graphql-go/graphql"

	"kg/graph"
)

// New builds the GraphQL schema over a graph reader. With WithMutations the
// schema has a Mutation type as well; whether a request may run it is the
// handler's decision (WithToken).
func New(r graph.Reader, opts ...Option) (graphql.Schema, error) {
	return newSchema(r, newConfig(opts))
}

func newSchema(r graph.Reader, cfg *config) (graphql.Schema, error) {
	if r == nil {
		return graphql.Schema{}, fmt.Errorf("schema: nil graph reader")
	}
	res := &resolver{r: r, cfg: cfg, lim: cfg.limits, writeMu: &sync.Mutex{}}
	en := newEnums()
	jsonT := jsonScalar()

	var entityT, relationT, evidenceT, documentT *graphql.Object

	documentT = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Document",
		Description: "One source text.",
		Fields: graphql.Fields{
			"id":     {Type: nonNull(graphql.ID), Resolve: res.documentID},
			"title":  {Type: nonNull(graphql.String), Resolve: res.documentTitle},
			"source": {Type: nonNull(graphql.String), Description: "path or URL the text came from", Resolve: res.documentSource},
			"hash":   {Type: nonNull(graphql.String), Description: "hex SHA-256 of the decoded text", Resolve: res.documentHash},
			"issuer": {Type: graphql.String, Description: "issuing body, where the text states it", Resolve: res.documentIssuer},
			"date":   {Type: graphql.String, Description: "publication date, YYYY-MM-DD", Resolve: res.documentDate},
			"region": {Type: graphql.String, Description: "the document's own place", Resolve: res.documentRegion},
			"size":   {Type: nonNull(graphql.Int), Description: "length in characters", Resolve: res.documentSize},
		},
	})

	evidenceT = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Evidence",
		Description: "One sentence that supports a relation.",
		Fields: graphql.Fields{
			"document":   {Type: nonNull(documentT), Resolve: res.evidenceDocument},
			"documentId": {Type: nonNull(graphql.ID), Resolve: res.evidenceDocumentID},
			"sentence":   {Type: nonNull(graphql.String), Resolve: res.evidenceSentence},
			"start":      {Type: nonNull(graphql.Int), Description: "character offset into the document", Resolve: res.evidenceStart},
			"end":        {Type: nonNull(graphql.Int), Description: "end offset, exclusive", Resolve: res.evidenceEnd},
			"rule":       {Type: nonNull(graphql.String), Description: "the extraction rule that produced it", Resolve: res.evidenceRule},
		},
	})

	relationT = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Relation",
		Description: "A typed edge between two entities, with the sentences that support it.",
		Fields: (graphql.FieldsThunk)(func() graphql.Fields {
			return graphql.Fields{
				"id":            {Type: nonNull(graphql.ID), Description: "stable edge id", Resolve: res.relationID},
				"type":          {Type: nonNull(en.relationType), Resolve: res.relationType},
				"from":          {Type: nonNull(entityT), Resolve: res.relationFrom},
				"to":            {Type: nonNull(entityT), Resolve: res.relationTo},
				"fromId":        {Type: nonNull(graphql.ID), Description: "from's ID: cheaper than from { id } on large answers", Resolve: res.relationFromID},
				"toId":          {Type: nonNull(graphql.ID), Description: "to's ID: cheaper than to { id } on large answers", Resolve: res.relationToID},
				"weight":        {Type: nonNull(graphql.Float), Description: "sum of the documents' weights; for CO_OCCURS, sentences", Resolve: res.relationWeight},
				"documentCount": {Type: nonNull(graphql.Int), Resolve: res.relationDocs},
				"firstSeen":     {Type: graphql.String, Description: "earliest publication date of its documents", Resolve: res.relationFirst},
				"lastSeen":      {Type: graphql.String, Description: "latest publication date of its documents", Resolve: res.relationLast},
				"evidence": {
					Type:    listOf(evidenceT),
					Args:    graphql.FieldConfigArgument{"first": arg(graphql.Int, 5, "at most this many, by document then offset")},
					Resolve: res.relationEvidence,
				},
			}
		}),
	})

	entityT = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Entity",
		Description: "A typed, named node: platform, field, institution, region or measure.",
		Fields: (graphql.FieldsThunk)(func() graphql.Fields {
			return graphql.Fields{
				"id":            {Type: nonNull(graphql.ID), Resolve: res.entityID},
				"name":          {Type: nonNull(graphql.String), Description: "canonical name", Resolve: res.entityName},
				"type":          {Type: nonNull(en.entityType), Resolve: res.entityType},
				"aliases":       {Type: listOf(graphql.String), Description: "other surface forms", Resolve: res.entityAliases},
				"mentionCount":  {Type: nonNull(graphql.Int), Resolve: res.entityMentions},
				"documentCount": {Type: nonNull(graphql.Int), Resolve: res.entityDocs},
				"degree":        {Type: nonNull(graphql.Int), Description: "distinct relations, all types", Resolve: res.entityDegree},
				"firstSeen":     {Type: graphql.String, Description: "earliest publication date of its documents", Resolve: res.entityFirst},
				"lastSeen":      {Type: graphql.String, Description: "latest publication date of its documents", Resolve: res.entityLast},
				"relations": {
					Type: listOf(relationT),
					Args: graphql.FieldConfigArgument{
						"types":     arg(graphql.NewList(graphql.NewNonNull(en.relationType)), nil, "only these relation types"),
						"direction": arg(en.direction, graph.Both, ""),
						"minWeight": arg(graphql.Float, nil, "skip lighter relations"),
						"first":     arg(graphql.Int, 50, "heaviest first"),
					},
					Resolve: res.entityRelations,
				},
				"documents": {
					Type:    listOf(documentT),
					Args:    graphql.FieldConfigArgument{"first": arg(graphql.Int, 20, "")},
					Resolve: res.entityDocuments,
				},
			}
		}),
	})

	pathT := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Path",
		Description: "A chain of entities: relations[i] joins nodes[i] and nodes[i+1], in either direction.",
		Fields: graphql.Fields{
			"length":    {Type: nonNull(graphql.Int), Description: "number of relations", Resolve: res.pathLength},
			"nodes":     {Type: listOf(entityT), Resolve: res.pathNodes},
			"relations": {Type: listOf(relationT), Resolve: res.pathRelations},
		},
	})

	subgraphT := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Subgraph",
		Description: "A closed set of entities and the relations among them: no relation has an endpoint outside nodes.",
		Fields: graphql.Fields{
			"nodes":     {Type: listOf(entityT), Resolve: res.subgraphNodes},
			"relations": {Type: listOf(relationT), Resolve: res.subgraphRelations},
			"truncated": {Type: nonNull(graphql.Boolean), Description: "a limit cut the answer short", Resolve: res.subgraphTruncated},
			"asJSON": {
				Type:        nonNull(jsonT),
				Description: "The whole subgraph as one JSON value in a visualisation library's layout; much faster than typed fields for large graphs.",
				Args: graphql.FieldConfigArgument{
					"format": arg(en.format, NodeLink, ""),
					"layout": arg(graphql.Boolean, false, "add force-directed x, y positions (at most 10,000 nodes)"),
				},
				Resolve: res.subgraphJSON,
			},
		},
	})

	connection := func(name string, node graphql.Output, nodes, cursor, more, total graphql.FieldResolveFn) *graphql.Object {
		f := graphql.Fields{
			"nodes":       {Type: listOf(node), Resolve: nodes},
			"endCursor":   {Type: graphql.String, Description: "pass as after for the next page", Resolve: cursor},
			"hasNextPage": {Type: nonNull(graphql.Boolean), Resolve: more},
		}
		if total != nil {
			f["totalCount"] = &graphql.Field{Type: nonNull(graphql.Int), Description: "entities of the requested type in the whole graph", Resolve: total}
		}
		return graphql.NewObject(graphql.ObjectConfig{Name: name, Fields: f})
	}
	entityConnT := connection("EntityConnection", entityT, res.entityConnNodes, res.entityConnCursor, res.entityConnMore, res.entityConnTotal)
	documentConnT := connection("DocumentConnection", documentT, res.documentConnNodes, res.documentConnCursor, res.documentConnMore, nil)

	countT := func(name string, key graphql.Output) *graphql.Object {
		return graphql.NewObject(graphql.ObjectConfig{
			Name: name,
			Fields: graphql.Fields{
				"type":  {Type: nonNull(key), Resolve: res.countKey},
				"count": {Type: nonNull(graphql.Int), Resolve: res.countValue},
			},
		})
	}
	statsT := graphql.NewObject(graphql.ObjectConfig{
		Name: "Stats",
		Fields: graphql.Fields{
			"documents":       {Type: nonNull(graphql.Int), Resolve: res.statsDocuments},
			"entities":        {Type: nonNull(graphql.Int), Resolve: res.statsEntities},
			"relations":       {Type: nonNull(graphql.Int), Resolve: res.statsRelations},
			"entitiesByType":  {Type: listOf(countT("EntityTypeCount", en.entityType)), Resolve: res.statsByType},
			"relationsByType": {Type: listOf(countT("RelationTypeCount", en.relationType)), Resolve: res.statsByRel},
		},
	})

	relList := func() *graphql.ArgumentConfig {
		return arg(graphql.NewList(graphql.NewNonNull(en.relationType)), nil, "only these relation types (all if omitted)")
	}
	typeList := func(desc string) *graphql.ArgumentConfig {
		return arg(graphql.NewList(graphql.NewNonNull(en.entityType)), nil, desc)
	}
	const refDesc = "an entity ID, or a name or alias (the most mentioned entity of that name)"

	query := graphql.NewObject(graphql.ObjectConfig{
		Name: "Query",
		Fields: graphql.Fields{
			"entity": {
				Type:        entityT,
				Description: "One entity by ID, or by name: canonical names and aliases match after normalisation (full-width forms, bracket styles, case). Among several entities of that name, the most mentioned; narrow with type.",
				Args: graphql.FieldConfigArgument{
					"id":   arg(graphql.ID, nil, ""),
					"name": arg(graphql.String, nil, ""),
					"type": arg(en.entityType, nil, "with name: only this type"),
				},
				Resolve: res.queryEntity,
			},
			"search": {
				Type:        listOf(entityT),
				Description: "Entities whose normalised name or alias contains (or starts with) the text.",
				Args: graphql.FieldConfigArgument{
					"text":  arg(nonNull(graphql.String), nil, ""),
					"types": typeList("only these types"),
					"mode":  arg(en.searchMode, graph.Substring, ""),
					"first": arg(graphql.Int, 20, ""),
				},
				Resolve: res.querySearch,
			},
			"entities": {
				Type:        nonNull(entityConnT),
				Description: "Pages through entities, most mentioned first by default.",
				Args: graphql.FieldConfigArgument{
					"type":    arg(en.entityType, nil, ""),
					"orderBy": arg(en.order, graph.ByMentions, ""),
					"first":   arg(graphql.Int, 20, ""),
					"after":   arg(graphql.String, nil, "endCursor of the previous page"),
				},
				Resolve: res.queryEntities,
			},
			"neighbors": {
				Type:        nonNull(subgraphT),
				Description: "The entity and the entities within depth hops (closer first, heaviest edge first), with every allowed relation among them.",
				Args: graphql.FieldConfigArgument{
					"id":        arg(nonNull(graphql.ID), nil, refDesc),
					"depth":     arg(graphql.Int, 1, "1 to 3"),
					"relations": relList(),
					"direction": arg(en.direction, graph.Both, ""),
					"types":     typeList("only neighbours of these types"),
					"minWeight": arg(graphql.Float, nil, "skip lighter relations"),
					"first":     arg(graphql.Int, 50, "at most this many neighbours"),
				},
				Resolve: res.queryNeighbors,
			},
			"path": {
				Type:        pathT,
				Description: "A shortest path, or null when none is within maxDepth.",
				Args: graphql.FieldConfigArgument{
					"from":      arg(nonNull(graphql.ID), nil, refDesc),
					"to":        arg(nonNull(graphql.ID), nil, refDesc),
					"maxDepth":  arg(graphql.Int, 4, "1 to 8 relations"),
					"relations": relList(),
					"direction": arg(en.direction, graph.Both, "OUT follows relations from -> to"),
				},
				Resolve: res.queryPath,
			},
			"paths": {
				Type:        listOf(pathT),
				Description: "Every shortest path, then longer simple paths, up to maxDepth relations and first paths.",
				Args: graphql.FieldConfigArgument{
					"from":      arg(nonNull(graphql.ID), nil, refDesc),
					"to":        arg(nonNull(graphql.ID), nil, refDesc),
					"maxDepth":  arg(graphql.Int, 4, "1 to 6 relations"),
					"relations": relList(),
					"direction": arg(en.direction, graph.Both, ""),
					"first":     arg(graphql.Int, 10, ""),
					"parallel":  arg(graphql.Boolean, false, "list a chain of entities once per combination of the relations between its neighbours; otherwise once, through the heaviest"),
				},
				Resolve: res.queryPaths,
			},
			"subgraph": {
				Type:        nonNull(subgraphT),
				Description: "The seeds and the entities within depth hops of any of them, breadth first, with the relations among them.",
				Args: graphql.FieldConfigArgument{
					"ids":       arg(nonNull(graphql.NewList(nonNull(graphql.ID))), nil, "seed entities: "+refDesc),
					"depth":     arg(graphql.Int, 1, "0 to 3"),
					"relations": relList(),
					"types":     typeList("only entities of these types besides the seeds"),
					"limit":     arg(graphql.Int, 500, "node cap"),
				},
				Resolve: res.querySubgraph,
			},
			"relations": {
				Type:        listOf(relationT),
				Description: "Every relation joining two entities, either direction.",
				Args: graphql.FieldConfigArgument{
					"from": arg(nonNull(graphql.ID), nil, refDesc),
					"to":   arg(nonNull(graphql.ID), nil, refDesc),
				},
				Resolve: res.queryRelations,
			},
			"documents": {
				Type: nonNull(documentConnT),
				Args: graphql.FieldConfigArgument{
					"first": arg(graphql.Int, 20, ""),
					"after": arg(graphql.String, nil, "endCursor of the previous page"),
				},
				Resolve: res.queryDocuments,
			},
			"document": {
				Type:    documentT,
				Args:    graphql.FieldConfigArgument{"id": arg(nonNull(graphql.ID), nil, "")},
				Resolve: res.queryDocument,
			},
			"stats": {Type: nonNull(statsT), Resolve: res.queryStats},
		},
	})

	sc := graphql.SchemaConfig{Query: query}
	if cfg.editor != nil || cfg.ingester != nil {
		sc.Mutation = graphql.NewObject(graphql.ObjectConfig{
			Name: "Mutation",
			Fields: graphql.Fields{
				"ingest": {
					Type:        nonNull(documentT),
					Description: "Extract a text into the graph. A text with the same source replaces that document.",
					Args: graphql.FieldConfigArgument{
						"text":   arg(nonNull(graphql.String), nil, ""),
						"title":  arg(graphql.String, nil, ""),
						"date":   arg(graphql.String, nil, "YYYY-MM-DD"),
						"source": arg(graphql.String, nil, "path or URL; the document ID derives from it"),
					},
					Resolve: res.mutIngest,
				},
				"deleteDocument": {
					Type:        nonNull(graphql.Boolean),
					Description: "Retract everything a document contributed.",
					Args:        graphql.FieldConfigArgument{"id": arg(nonNull(graphql.ID), nil, "")},
					Resolve:     res.mutDelete,
				},
				"mergeEntities": {
					Type:        nonNull(entityT),
					Description: "Fold entities into one; the correction survives re-ingest.",
					Args: graphql.FieldConfigArgument{
						"into": arg(nonNull(graphql.ID), nil, ""),
						"from": arg(nonNull(graphql.NewList(nonNull(graphql.ID))), nil, ""),
					},
					Resolve: res.mutMerge,
				},
				"addAlias": {
					Type:        nonNull(entityT),
					Description: "Add a surface form to an entity; the correction survives re-ingest.",
					Args: graphql.FieldConfigArgument{
						"id":    arg(nonNull(graphql.ID), nil, ""),
						"alias": arg(nonNull(graphql.String), nil, ""),
					},
					Resolve: res.mutAddAlias,
				},
			},
		})
	}
	s, err := graphql.NewSchema(sc)
	if err != nil {
		return graphql.Schema{}, fmt.Errorf("schema: %w", err)
	}
	// graphql-go builds an enum's lookup tables on first use, without a
	// lock; build them now, before requests run concurrently.
	for _, t := range s.TypeMap() {
		if e, ok := t.(*graphql.Enum); ok && len(e.Values()) > 0 {
			e.Serialize(e.Values()[0].Value)
			e.ParseValue(e.Values()[0].Name)
		}
	}
	return s, nil
}
