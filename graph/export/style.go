package export

import (
	"fmt"
	"hash/fnv"
	"math"

	"kg/graph"
)

// rgb is a colour.
type rgb struct{ r, g, b uint8 }

func (c rgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

// Palette is the fixed colour of each known entity type, from the Tableau
// 10 palette (distinguishable, and kind to the common colour-vision
// deficiencies):
//
//	platform     #1f77b4 blue
//	field        #2ca02c green
//	institution  #ff7f0e orange
//	region       #9467bd purple
//	measure      #d62728 red
//
// Other types take one of #8c564b, #e377c2, #7f7f7f, #bcbd22, #17becf,
// chosen by a hash of the type name, so a type keeps its colour across
// exports.
var Palette = map[graph.EntityType]string{
	graph.Platform:    "#1f77b4",
	graph.Field:       "#2ca02c",
	graph.Institution: "#ff7f0e",
	graph.Region:      "#9467bd",
	graph.Measure:     "#d62728",
}

var (
	knownColors = map[graph.EntityType]rgb{
		graph.Platform:    {0x1f, 0x77, 0xb4},
		graph.Field:       {0x2c, 0xa0, 0x2c},
		graph.Institution: {0xff, 0x7f, 0x0e},
		graph.Region:      {0x94, 0x67, 0xbd},
		graph.Measure:     {0xd6, 0x27, 0x28},
	}
	otherColors = []rgb{
		{0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f}, {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf},
	}
)

func colorOf(t graph.EntityType) rgb {
	if c, ok := knownColors[t]; ok {
		return c
	}
	h := fnv.New32a()
	h.Write([]byte(t))
	return otherColors[h.Sum32()%uint32(len(otherColors))]
}

// nodeSize is the drawn size of a node: 4 + 4·ln(1+v) for v its mentions
// or degree, so a node mentioned a thousand times is about 8 times as large
// as one mentioned once, not a thousand.
func nodeSize(e *graph.Entity, by SizeBy) float64 {
	v := e.Mentions
	if by == SizeDegree {
		v = e.Degree
	}
	if v < 0 {
		v = 0
	}
	return round2(4 + 4*math.Log1p(float64(v)))
}

// edgeSize is the drawn thickness of an edge: 1 + ln(weight) for weights
// above 1.
func edgeSize(w float64) float64 {
	if w <= 1 || math.IsNaN(w) || math.IsInf(w, 0) {
		return 1
	}
	return round2(1 + math.Log(w))
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
