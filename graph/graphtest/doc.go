// Package graphtest is the conformance suite of the graph.Store contract.
// Every backend runs it in one line:
//
//	func TestConformance(t *testing.T) {
//		graphtest.TestAll(t, func(t testing.TB) graph.Store { return openMyStore(t) })
//	}
//
// open must return a new, empty store for each call, closed by the caller's
// t.Cleanup (the suite closes some stores itself; Close must tolerate a
// second call). The suite uses only the graph.Store methods.
//
// The fixture graph, applied by most tests, is three documents (d1 dated
// 2023-01-10, d2 dated 2024-05-01, d3 undated). Square brackets are
// platforms, parentheses fields, angle brackets regions, braces
// institutions, hashes measures; each edge is labelled with its documents
// and summed weight:
//
//	                   FOCUSES_ON d1+d2 w=3                 FOCUSES_ON d3 w=3
//	[西部(重庆)科学城] ───────────────────> (人工智能) <──────────────────── [天府实验室]
//	  ^  │  │  │                                                              │
//	  │  │  │  │ FOCUSES_ON d2 w=1                                            │ LOCATED_IN d3 w=1
//	  │  │  │  └──────────────────> (集成电路)                                 v
//	  │  │  │ LOCATED_IN d1 w=1                                             <成都>
//	  │  │  └──────────────────> <重庆> <──── LOCATED_IN d1 w=1 ──── {重庆大学}
//	  │  │                                                             │
//	  │  └──────────────── CO_OCCURS d1 w=1 (undirected) ──────────────┘
//	  │
//	  └── INVOLVES d2 w=1 ── #人才计划#
//
// 西部(重庆)科学城 is named "西部(重庆)科学城" by d1 and "西部（重庆）科学城"
// by d2 (one entity: the names normalise alike), with the alias "科学城" in
// d2. Among canonical surface forms used equally often the store picks the
// smallest string, so its Name is "西部(重庆)科学城" and its Aliases
// ["科学城", "西部（重庆）科学城"].
//
// Entity IDs sort as 人才计划 < 天府实验室 < 重庆大学 < 人工智能 <
// 西部(重庆)科学城 < 集成电路 < 重庆 < 成都, which fixes the tie orders the
// tests expect.
package graphtest
