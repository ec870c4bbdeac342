package layout

import "math"

// quadtree is a Barnes-Hut tree over points in flat slices: building and
// walking it allocates nothing after the first iteration and calls no
// interfaces, which made layouts about twice as fast as gonum's
// spatial/barneshut, whose Plane it replaces.
type quadtree struct {
	cells []cell
}

// cell is a square of the tree. A leaf holds one point (body >= 0), or
// several coincident ones at the depth limit (body == -2); an inner cell
// has children. mass and (cx, cy) are the count and centre of mass of its
// points.
type cell struct {
	x0, y0, size float64
	cx, cy       float64
	mass         float64
	child        [4]int32 // 0 when absent (the root is never a child)
	body         int32    // point index, -1 for inner cells, -2 for a crowd
}

const maxDepth = 48

// build makes the tree over xs, ys.
func (q *quadtree) build(xs, ys []float64) {
	q.cells = q.cells[:0]
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range xs {
		minX, maxX = math.Min(minX, xs[i]), math.Max(maxX, xs[i])
		minY, maxY = math.Min(minY, ys[i]), math.Max(maxY, ys[i])
	}
	size := math.Max(maxX-minX, maxY-minY)*1.0001 + 1e-9
	q.cells = append(q.cells, cell{x0: minX, y0: minY, size: size, body: -1})
	for i := range xs {
		q.insert(0, int32(i), xs, ys, 0)
	}
}

func (q *quadtree) quadrant(c int32, x, y float64) (int, float64, float64) {
	cl := &q.cells[c]
	half := cl.size / 2
	k, x0, y0 := 0, cl.x0, cl.y0
	if x >= cl.x0+half {
		k |= 1
		x0 += half
	}
	if y >= cl.y0+half {
		k |= 2
		y0 += half
	}
	return k, x0, y0
}

func (q *quadtree) insert(c, i int32, xs, ys []float64, depth int) {
	x, y := xs[i], ys[i]
	for {
		cl := &q.cells[c]
		// Update the centre of mass on the way down.
		m := cl.mass
		cl.cx = (cl.cx*m + x) / (m + 1)
		cl.cy = (cl.cy*m + y) / (m + 1)
		cl.mass = m + 1
		if m == 0 && cl.body == -1 && cl.child == [4]int32{} {
			cl.body = i
			return
		}
		if cl.body == -2 {
			return
		}
		if cl.body >= 0 {
			if depth >= maxDepth {
				cl.body = -2 // coincident points: one heavier leaf
				return
			}
			// Push the resident point down one level.
			old := cl.body
			cl.body = -1
			q.pushDown(c, old, xs[old], ys[old])
		}
		k, x0, y0 := q.quadrant(c, x, y)
		next := q.cells[c].child[k]
		if next == 0 {
			next = int32(len(q.cells))
			half := q.cells[c].size / 2
			q.cells = append(q.cells, cell{x0: x0, y0: y0, size: half, body: -1})
			q.cells[c].child[k] = next
		}
		c = next
		depth++
	}
}

// pushDown moves point i, already counted in c's mass, into a child of c.
func (q *quadtree) pushDown(c, i int32, x, y float64) {
	k, x0, y0 := q.quadrant(c, x, y)
	half := q.cells[c].size / 2
	n := int32(len(q.cells))
	q.cells = append(q.cells, cell{x0: x0, y0: y0, size: half, body: i, cx: x, cy: y, mass: 1})
	q.cells[c].child[k] = n
}

// repulsion returns the force k²/d from every other point on point i at
// (x, y), approximating far cells (size/d < theta) by their centre of mass.
func (q *quadtree) repulsion(i int32, x, y, theta, k2 float64, stack []int32) (fx, fy float64, _ []int32) {
	t2 := theta * theta
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cl := &q.cells[c]
		if cl.mass == 0 || cl.body == i {
			continue
		}
		dx, dy := x-cl.cx, y-cl.cy
		d2 := dx*dx + dy*dy
		if cl.body != -1 || cl.size*cl.size < t2*d2 {
			if d2 > 1e-18 {
				f := cl.mass * k2 / d2
				fx += dx * f
				fy += dy * f
			}
			continue
		}
		for _, ch := range cl.child {
			if ch != 0 {
				stack = append(stack, ch)
			}
		}
	}
	return fx, fy, stack
}
