// Package layout computes deterministic two-dimensional positions for graph
// drawings.
//
// ForceDirected is Fruchterman and Reingold's force-directed placement
// ("Graph drawing by force-directed placement", 1991) with the all-pairs
// repulsion approximated by a Barnes-Hut quadtree (quadtree.go), a weak
// gravity towards the centre, and attraction
// growing with the logarithm of edge weight. Each connected component is
// laid out alone and the components are packed in rows, largest first, so
// isolated nodes and small components sit beside the main one instead of
// being pushed to a distant ring. One iteration costs O(n log n + m); the
// default iteration count shrinks as graphs grow, so 10,000 nodes take a
// few seconds of CPU.
//
// Determinism: initial positions are derived from a hash of each node's ID
// (Initial), not from a random source, and forces are summed in a fixed
// order, so the same graph gives the same positions on the same platform,
// and adding a node does not move the start of the others. Forces are
// computed in parallel, but each node's force by itself, so the number of
// workers does not change the result.
//
// gonum's EadesR2 was considered: it seeds positions from a random source
// in the order a gonum graph yields its nodes (map order for simple graphs),
// which is not reproducible, and its logarithmic springs spread dense
// policy graphs poorly.
package layout
