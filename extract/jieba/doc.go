// Package jieba segments and part-of-speech tags Chinese text with gojieba
// (cppjieba). It is the only package of kg that imports gojieba, so cgo
// lives here and nowhere else.
//
// The dictionaries are embedded in the binary (see dict/README.md for their
// provenance and licence). New writes them to a private directory the first
// time (the user cache directory, kg/jieba-<hash>, reused by later runs; a
// temporary directory removed right after loading when there is no usable
// cache directory), checks the files, and loads them with explicit paths, so
// a kg binary needs neither the Go module cache nor files beside it.
//
// Main types: Segmenter (one long-lived instance, built by New with the
// user dictionary), Word (a user-dictionary entry) and Token (a tagged word
// with rune offsets).
//
// Caveats:
//   - A Segmenter is safe for concurrent use by many goroutines: cppjieba's
//     cutting and tagging only read the dictionary, which is complete when
//     New returns (user words are added at construction, never later).
//   - Loading takes about half a second and some hundred megabytes (kg
//     ingest of one small file peaks at 180 MB resident); build one
//     Segmenter per process and share it.
//   - cppjieba always splits at spaces, tabs, newlines, '，' and '。', so a
//     user word containing one could never match; New rejects it.
//   - Text is cut in pieces of at most 64 KiB at line ends, which does not
//     change the result (lines are cut independently anyway) and bounds the
//     memory cppjieba needs per call.
package jieba
