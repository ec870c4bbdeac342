// Package seeds holds the data kg ships inside its binary: the domain
// lexicon that extraction and segmentation start from, and the sample corpus
// that "kg demo" ingests. Everything is embedded with go:embed, so a kg
// binary copied to another machine needs no files beside it.
package seeds
