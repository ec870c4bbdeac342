package layout

import (
	"hash/fnv"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/spatial/barneshut"
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

type particle struct{ pos r2.Vec }

func (p *particle) Coord2() r2.Vec { return p.pos }
func (p *particle) Mass() float64  { return 1 }

// ForceDirected returns positions for the nodes ids[i], joined by edges,
// centred on the origin. Edges with an endpoint out of range and
// self-loops are ignored.
func ForceDirected(ids []string, edges []Edge, opt Options) []Point {
	n := len(ids)
	out := make([]Point, n)
	if n <= 1 {
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
	scale := opt.Scale
	if scale <= 0 {
		scale = 40
	}

	// k, the ideal edge length, is 1; nodes start spread over a disc of
	// area about n so that the density is already about right.
	const k = 1.0
	radius := math.Sqrt(float64(n))
	ps := make([]particle, n)
	parts := make([]barneshut.Particle2, n)
	for i, id := range ids {
		p := Initial(id)
		ps[i].pos = r2.Vec{X: p.X * radius, Y: p.Y * radius}
		parts[i] = &ps[i]
	}
	type spring struct {
		a, b int
		w    float64
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

	repulse := func(_, _ barneshut.Particle2, m1, m2 float64, v r2.Vec) r2.Vec {
		d2 := v.X*v.X + v.Y*v.Y
		if d2 < 1e-18 {
			return r2.Vec{}
		}
		return r2.Scale(-m1*m2*k*k/d2, v)
	}

	disp := make([]r2.Vec, n)
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	temp0 := radius / 10
	for it := 0; it < iters; it++ {
		plane, err := barneshut.NewPlane(parts)
		if err != nil {
			// The positions have drifted beyond float precision; what we
			// have is the best layout there is.
			break
		}
		// Each node's repulsion is computed alone, so splitting the nodes
		// among workers does not change the sums.
		var wg sync.WaitGroup
		chunk := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				for i := lo; i < hi; i++ {
					f := plane.ForceOn(parts[i], theta, repulse)
					p := ps[i].pos
					f = r2.Sub(f, r2.Scale(gravity, p))
					disp[i] = f
				}
			}(lo, hi)
		}
		wg.Wait()
		for _, s := range springs {
			v := r2.Sub(ps[s.b].pos, ps[s.a].pos)
			d := math.Hypot(v.X, v.Y)
			// Attraction d²/k along v, scaled by the weight term.
			f := r2.Scale(s.w*d/k, v)
			disp[s.a] = r2.Add(disp[s.a], f)
			disp[s.b] = r2.Sub(disp[s.b], f)
		}
		// Linear cooling: the largest step shrinks from a tenth of the
		// drawing's radius to nearly nothing.
		temp := temp0 * (1 - float64(it)/float64(iters))
		for i := range ps {
			d := disp[i]
			l := math.Hypot(d.X, d.Y)
			if l < 1e-12 || math.IsNaN(l) || math.IsInf(l, 0) {
				continue
			}
			step := math.Min(l, temp)
			ps[i].pos = r2.Add(ps[i].pos, r2.Scale(step/l, d))
		}
	}

	var cx, cy float64
	for i := range ps {
		cx += ps[i].pos.X
		cy += ps[i].pos.Y
	}
	cx /= float64(n)
	cy /= float64(n)
	for i := range ps {
		out[i] = Point{X: round3((ps[i].pos.X - cx) * scale), Y: round3((ps[i].pos.Y - cy) * scale)}
	}
	return out
}

// round3 rounds to three decimals, so that printed positions do not carry
// noise digits.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
