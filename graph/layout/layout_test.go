package layout

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// ring builds n nodes in a cycle plus chords from every node to the one
// k steps ahead.
func ring(n, k int) ([]string, []Edge) {
	ids := make([]string, n)
	var edges []Edge
	for i := range ids {
		ids[i] = fmt.Sprintf("e%016x", i*7919)
		edges = append(edges, Edge{From: i, To: (i + 1) % n, Weight: 1})
		if k > 1 {
			edges = append(edges, Edge{From: i, To: (i + k) % n, Weight: 3})
		}
	}
	return ids, edges
}

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

func TestDeterministic(t *testing.T) {
	ids, edges := ring(300, 7)
	a := ForceDirected(ids, edges, Options{})
	b := ForceDirected(ids, edges, Options{})
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("node %d: %v then %v", i, a[i], b[i])
		}
	}
}

func TestNeighboursCloserThanStrangers(t *testing.T) {
	ids, edges := ring(200, 5)
	pts := ForceDirected(ids, edges, Options{})
	var near, all float64
	for _, e := range edges {
		near += dist(pts[e.From], pts[e.To])
	}
	near /= float64(len(edges))
	pairs := 0
	for i := 0; i < len(pts); i += 3 {
		for j := i + 1; j < len(pts); j += 5 {
			all += dist(pts[i], pts[j])
			pairs++
		}
	}
	all /= float64(pairs)
	if near*3 > all {
		t.Errorf("mean edge length %.1f is not well below mean distance %.1f", near, all)
	}
	for i, p := range pts {
		if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.IsInf(p.X, 0) || math.IsInf(p.Y, 0) {
			t.Fatalf("node %d at %v", i, p)
		}
	}
}

func TestComponentsStayInView(t *testing.T) {
	// Two triangles and an isolated node: gravity keeps them within a few
	// edge lengths of each other instead of drifting apart.
	ids := []string{"a", "b", "c", "d", "e", "f", "g"}
	edges := []Edge{{0, 1, 1}, {1, 2, 1}, {2, 0, 1}, {3, 4, 1}, {4, 5, 1}, {5, 3, 1}}
	pts := ForceDirected(ids, edges, Options{Scale: 1})
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			d := dist(pts[i], pts[j])
			if d < 0.05 || d > 30 {
				t.Errorf("nodes %s and %s are %.3f apart", ids[i], ids[j], d)
			}
		}
	}
}

func TestSmallAndDegenerate(t *testing.T) {
	if got := ForceDirected(nil, nil, Options{}); len(got) != 0 {
		t.Errorf("no nodes: %v", got)
	}
	if got := ForceDirected([]string{"x"}, []Edge{{0, 0, 1}, {0, 5, 1}}, Options{}); got[0] != (Point{}) {
		t.Errorf("one node: %v", got)
	}
	if p := Initial("x"); math.Hypot(p.X, p.Y) > 1 {
		t.Errorf("Initial outside the unit disc: %v", p)
	}
}

// TestTenThousandNodes checks that the largest layout kg computes by
// default stays within seconds.
func TestTenThousandNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ids, edges := ring(10000, 17)
	start := time.Now()
	pts := ForceDirected(ids, edges, Options{})
	if len(pts) != 10000 {
		t.Fatal(len(pts))
	}
	if el := time.Since(start); el > 60*time.Second {
		t.Errorf("10,000 nodes took %v", el)
	}
	t.Logf("10,000 nodes, %d edges: %v", len(edges), time.Since(start))
}

func BenchmarkForceDirected(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		ids, edges := ring(n, 17)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				ForceDirected(ids, edges, Options{})
			}
		})
	}
}
