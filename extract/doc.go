// Package extract turns the text of a Chinese policy document into typed
// entities and relations with evidence: a graph.Contribution.
//
// The pipeline is a chain of small stages, each testable alone:
//
//   - Repair (Text): removes the white space PDF extraction leaves inside
//     words, joins broken lines, folds full-width forms, and keeps a map from
//     every repaired rune back to the original, so that every offset the
//     package emits is a rune offset into the ORIGINAL text.
//   - Splitter: paragraphs, sentences, comma clauses and enumeration markers
//     (一是, 二要, （三）, 第五条).
//   - Lexicon: the seeds lexicon (platforms, fields, institutions, regions),
//     matched longest first with map lookups by length.
//   - suffix rules (…科学城, …实验室, …大学) with left boundaries at stop words,
//     and enumeration lists (A、B、C等领域) whose items take the type the
//     classifier implies; coordinated names share their head.
//   - measures: headline sentences, enumerated items and action clauses, with
//     PART_OF to their headline or section heading.
//   - canonicalisation: one entity per type and normalised name or alias.
//   - relations: FOCUSES_ON, RELIES_ON, LOCATED_IN, INVOLVES, PART_OF and
//     CO_OCCURS, each with the sentence, original offsets and the rule name.
//
// An Extractor is built once with New and is safe for concurrent use.
// Output is deterministic: entities and relations are sorted.
//
// Caveat: the rules are tuned for the register of Chinese science-and-
// technology policy (government work reports, regulations, plans); other
// text yields fewer and noisier entities.
package extract
