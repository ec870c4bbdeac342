package layout

import (
	"hash/fnv"
	"math"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/spatial/r2"
)

// Point is a position in the plane.
type Point struct{ X, Y float64 }

// Edge joins nodes From and To (indexes into the ID slice). Weight scales
// the attraction logarithmically; weights at or below 1 count as 1.
type Edge struct {
	From, To int
	Weight   float64
}

// Options tune ForceDirected. The zero value is a good default.
type Options struct {
	// Iterations is the number of steps; 0 picks one from the graph's size
	// (300 up to 1,000 nodes, falling to 150 at 10,000).
	Iterations int
	// Theta is the Barnes-Hut accuracy parameter; 0 means 0.9. Smaller is
	// more accurate and slower; 0 exactly would be all pairs, so it is not
	// selectable.
	Theta float64
	// Gravity pulls every node towards the origin in proportion to its
	// distance; 0 means 0.05.
	Gravity float64
	// Scale multiplies the final coordinates: the ideal edge length of the
	// algorithm is 1; 0 means 40, which suits Gephi's default node sizes.
	Scale float64
}

// Initial is the start position of the node with the given ID: a point of
// the unit disc derived from a 64-bit FNV-1a hash of the ID.
func Initial(id string) Point {
	h := fnv.New64a()
	h.Write([]byte(id))
	v := h.Sum64()
	// Two independent 32-bit halves give the radius and the angle; the
	// square root spreads the points evenly over the disc's area.
	r := math.Sqrt(float64(v>>32) / (1 << 32))
	a := 2 * math.Pi * float64(v&0xffffffff) / (1 << 32)
	return Point{X: r * math.Cos(a), Y: r * math.Sin(a)}
}

// iterations is the default number of steps for n nodes: enough for small
// graphs to settle, bounded for large ones.
func iterations(n int) int {
	switch {
	case n <= 1000:
		return 300
	case n >= 10000:
		return 150
	default:
		return 300 - (n-1000)*150/9000
	}
}

// ForceDirected returns positions for the nodes ids[i], joined by edges,
// centred on the origin. Edges with an endpoint out of range and
// self-loops are ignored.
//
// Each connected component is laid out by itself and the components are
// then packed in rows, largest first: in one simulation, repulsion from the
// big component pushes small ones and isolated nodes to a distant ring
// that wastes the drawing.
func ForceDirected(ids []string, edges []Edge, opt Options) []Point {
	n := len(ids)
	out := make([]Point, n)
	if n == 0 {
		return out
	}
	scale := opt.Scale
	if scale <= 0 {
		scale = 40
	}
	springs := make([]spring, 0, len(edges))
	for _, e := range edges {
		if e.From < 0 || e.From >= n || e.To < 0 || e.To >= n || e.From == e.To {
			continue
		}
		w := 1.0
		if e.Weight > 1 {
			w = 1 + math.Log(e.Weight)
		}
		springs = append(springs, spring{e.From, e.To, w})
	}

	comps := components(n, springs)
	// Springs by component, with endpoints renumbered within it.
	local := make([]int, n)
	compOf := make([]int, n)
	for c, nodes := range comps {
		for i, v := range nodes {
			local[v], compOf[v] = i, c
		}
	}
	compSprings := make([][]spring, len(comps))
	for _, s := range springs {
		c := compOf[s.a]
		compSprings[c] = append(compSprings[c], spring{local[s.a], local[s.b], s.w})
	}

	pos := make([]r2.Vec, n)
	boxes := make([]box, len(comps))
	for c, nodes := range comps {
		cids := make([]string, len(nodes))
		for i, v := range nodes {
			cids[i] = ids[v]
		}
		pts := simulate(cids, compSprings[c], opt)
		b := box{min: r2.Vec{X: math.Inf(1), Y: math.Inf(1)}, max: r2.Vec{X: math.Inf(-1), Y: math.Inf(-1)}}
		for i, v := range nodes {
			pos[v] = pts[i]
			b.min = r2.Vec{X: math.Min(b.min.X, pts[i].X), Y: math.Min(b.min.Y, pts[i].Y)}
			b.max = r2.Vec{X: math.Max(b.max.X, pts[i].X), Y: math.Max(b.max.Y, pts[i].Y)}
		}
		boxes[c] = b
	}
	offsets := pack(boxes)
	for c, nodes := range comps {
		for _, v := range nodes {
			pos[v] = r2.Add(pos[v], offsets[c])
		}
	}

	var cx, cy float64
	for _, p := range pos {
		cx += p.X
		cy += p.Y
	}
	cx /= float64(n)
	cy /= float64(n)
	for i, p := range pos {
		out[i] = Point{X: round3((p.X - cx) * scale), Y: round3((p.Y - cy) * scale)}
	}
	return out
}

type spring struct {
	a, b int
	w    float64
}

type box struct{ min, max r2.Vec }

// components returns the connected components, each a sorted list of node
// indexes, largest first, then by smallest node.
func components(n int, springs []spring) [][]int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, s := range springs {
		a, b := find(s.a), find(s.b)
		if a != b {
			if a < b {
				parent[b] = a
			} else {
				parent[a] = b
			}
		}
	}
	byRoot := make(map[int]int)
	var comps [][]int
	for v := 0; v < n; v++ {
		r := find(v)
		c, ok := byRoot[r]
		if !ok {
			c = len(comps)
			byRoot[r] = c
			comps = append(comps, nil)
		}
		comps[c] = append(comps[c], v)
	}
	sort.SliceStable(comps, func(i, j int) bool { return len(comps[i]) > len(comps[j]) })
	return comps
}

// pack places the boxes in rows, in order, with a gap of two ideal edge
// lengths, the rows about as wide as the whole is tall. It returns the
// offset to add to each box's points.
func pack(boxes []box) []r2.Vec {
	const gap = 2.0
	var area, widest float64
	for _, b := range boxes {
		w, h := b.max.X-b.min.X+gap, b.max.Y-b.min.Y+gap
		area += w * h
		widest = math.Max(widest, w)
	}
	rowWidth := math.Max(math.Sqrt(area)*1.2, widest)
	offsets := make([]r2.Vec, len(boxes))
	var x, y, rowHeight float64
	for i, b := range boxes {
		w, h := b.max.X-b.min.X+gap, b.max.Y-b.min.Y+gap
		if x > 0 && x+w > rowWidth {
			x, y, rowHeight = 0, y+rowHeight, 0
		}
		offsets[i] = r2.Vec{X: x - b.min.X, Y: y - b.min.Y}
		x += w
		rowHeight = math.Max(rowHeight, h)
	}
	return offsets
}

// simulate runs the force-directed simulation on one connected component
// and returns positions in units of the ideal edge length.
func simulate(ids []string, springs []spring, opt Options) []r2.Vec {
	n := len(ids)
	out := make([]r2.Vec, n)
	switch n {
	case 1:
		return out
	case 2:
		out[1] = r2.Vec{X: 1}
		return out
	}
	iters := opt.Iterations
	if iters <= 0 {
		iters = iterations(n)
	}
	theta := opt.Theta
	if theta <= 0 {
		theta = 0.9
	}
	gravity := opt.Gravity
	if gravity <= 0 {
		gravity = 0.05
	}

	// k, the ideal edge length, is 1; nodes start spread over a disc of
	// area about n so that the density is already about right.
	const k = 1.0
	radius := math.Sqrt(float64(n))
	xs, ys := make([]float64, n), make([]float64, n)
	for i, id := range ids {
		p := Initial(id)
		xs[i], ys[i] = p.X*radius, p.Y*radius
	}
	dx, dy := make([]float64, n), make([]float64, n)
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	if n < 512 {
		workers = 1 // goroutines cost more than they save
	}
	var tree quadtree
	stacks := make([][]int32, workers)
	temp0 := radius / 10
	for it := 0; it < iters; it++ {
		tree.build(xs, ys)
		// Each node's repulsion is computed alone, so splitting the nodes
		// among workers does not change the sums.
		repulsion := func(w, lo, hi int) {
			for i := lo; i < hi; i++ {
				var fx, fy float64
				fx, fy, stacks[w] = tree.repulsion(int32(i), xs[i], ys[i], theta, k*k, stacks[w])
				dx[i] = fx - gravity*xs[i]
				dy[i] = fy - gravity*ys[i]
			}
		}
		if workers == 1 {
			repulsion(0, 0, n)
		} else {
			var wg sync.WaitGroup
			chunk := (n + workers - 1) / workers
			for w, lo := 0, 0; lo < n; w, lo = w+1, lo+chunk {
				wg.Add(1)
				go func(w, lo, hi int) {
					defer wg.Done()
					repulsion(w, lo, hi)
				}(w, lo, min(lo+chunk, n))
			}
			wg.Wait()
		}
		for _, s := range springs {
			vx, vy := xs[s.b]-xs[s.a], ys[s.b]-ys[s.a]
			// Attraction d²/k along v, scaled by the weight term.
			f := s.w * math.Sqrt(vx*vx+vy*vy) / k
			dx[s.a] += vx * f
			dy[s.a] += vy * f
			dx[s.b] -= vx * f
			dy[s.b] -= vy * f
		}
		// Linear cooling: the largest step shrinks from a tenth of the
		// drawing's radius to nearly nothing.
		temp := temp0 * (1 - float64(it)/float64(iters))
		for i := range xs {
			l := math.Sqrt(dx[i]*dx[i] + dy[i]*dy[i])
			if l < 1e-12 || math.IsNaN(l) || math.IsInf(l, 0) {
				continue
			}
			step := math.Min(l, temp) / l
			xs[i] += dx[i] * step
			ys[i] += dy[i] * step
		}
	}
	for i := range xs {
		out[i] = r2.Vec{X: xs[i], Y: ys[i]}
	}
	return out
}

// round3 rounds to three decimals, so that printed positions do not carry
// noise digits.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
