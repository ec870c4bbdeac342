// Package eval scores extraction output against gold annotations, as the
// gold guidelines (../shared/gold/GUIDELINES.md, "How output is scored")
// define it: names compared after NFKC, white-space removal and lower-casing;
// per-type precision, recall and F1; the containment rule for measures;
// one-to-one matching, longest overlap first; optional and "*" entries that
// cost nothing; relation precision only for FOCUSES_ON, RELIES_ON and
// LOCATED_IN; relation types without a required gold relation left out for
// that document; micro-averages over types.
//
// Load gold with LoadGold, turn a store's content into a Prediction with
// FromReader (or a contribution with FromContribution), Score the pair, and
// Add the results of several documents to pool them.
package eval
