package schema

import (
	"github.com/graphql-go/graphql"

	"kg/graph"
)

// enums holds the enum types of the schema; enum values are the graph
// package's own constants, so resolvers receive graph.EntityType,
// graph.RelationType, graph.Direction and graph.EntityOrder directly.
type enums struct {
	entityType   *graphql.Enum
	relationType *graphql.Enum
	direction    *graphql.Enum
	order        *graphql.Enum
	format       *graphql.Enum
	searchMode   *graphql.Enum
}

func newEnums() *enums {
	et := graphql.EnumValueConfigMap{}
	for _, t := range graph.EntityTypes {
		et[upper(string(t))] = &graphql.EnumValueConfig{Value: t}
	}
	rt := graphql.EnumValueConfigMap{}
	for _, t := range graph.RelationTypes {
		rt[string(t)] = &graphql.EnumValueConfig{Value: t}
	}
	gf := graphql.EnumValueConfigMap{}
	for _, f := range GraphFormats {
		gf[string(f)] = &graphql.EnumValueConfig{Value: f}
	}
	return &enums{
		entityType: graphql.NewEnum(graphql.EnumConfig{
			Name:        "EntityType",
			Description: "The kind of an entity, as in the extraction guidelines.",
			Values:      et,
		}),
		relationType: graphql.NewEnum(graphql.EnumConfig{
			Name: "RelationType",
			Description: "The kind of a relation. FOCUSES_ON: platform or institution -> field; " +
				"RELIES_ON: platform or measure -> institution or platform; LOCATED_IN: -> region; " +
				"INVOLVES: measure -> platform, field or institution; PART_OF: measure -> measure; " +
				"CO_OCCURS: named in one sentence (undirected).",
			Values: rt,
		}),
		direction: graphql.NewEnum(graphql.EnumConfig{
			Name:        "Direction",
			Description: "Which edges of a node to follow.",
			Values: graphql.EnumValueConfigMap{
				"OUT":  {Value: graph.Out, Description: "edges from the node"},
				"IN":   {Value: graph.In, Description: "edges to the node"},
				"BOTH": {Value: graph.Both, Description: "either"},
			},
		}),
		order: graphql.NewEnum(graphql.EnumConfig{
			Name: "EntityOrder",
			Values: graphql.EnumValueConfigMap{
				"MENTIONS":  {Value: graph.ByMentions, Description: "most mentioned first"},
				"DEGREE":    {Value: graph.ByDegree, Description: "most relations first"},
				"NAME":      {Value: graph.ByName, Description: "by normalised name"},
				"DOCUMENTS": {Value: graph.ByDocs, Description: "named by most documents first"},
			},
		}),
		format: graphql.NewEnum(graphql.EnumConfig{
			Name:        "GraphFormat",
			Description: "JSON layouts of a subgraph for visualisation libraries.",
			Values:      gf,
		}),
		searchMode: graphql.NewEnum(graphql.EnumConfig{
			Name: "SearchMode",
			Values: graphql.EnumValueConfigMap{
				"PREFIX":    {Value: graph.Prefix, Description: "name or alias starts with the text"},
				"SUBSTRING": {Value: graph.Substring, Description: "name or alias contains the text"},
			},
		}),
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// jsonScalar carries a pre-encoded JSON value (json.RawMessage) through the
// executor untouched, so large graph payloads skip per-field resolution.
func jsonScalar() *graphql.Scalar {
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        "JSON",
		Description: "A JSON value, emitted as is.",
		Serialize:   func(v any) any { return v },
	})
}

func nonNull(t graphql.Type) graphql.Type { return graphql.NewNonNull(t) }

func listOf(t graphql.Type) graphql.Type {
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

func arg(t graphql.Input, def any, desc string) *graphql.ArgumentConfig {
	return &graphql.ArgumentConfig{Type: t, DefaultValue: def, Description: desc}
}
