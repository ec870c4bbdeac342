package main

import (
	"fmt"

	"kg/extract"
	"kg/extract/jieba"
	"kg/seeds"
)

// newExtractor builds what every command that extracts uses (ingest, eval,
// serve's ingest mutation, demo): the jieba segmenter with the seeds
// lexicon's names as user words, and an extractor over the embedded
// lexicon. Loading the dictionaries takes about half a second; build one per
// command and share it: both are safe for concurrent use. close frees the
// segmenter once no extraction is running.
func newExtractor() (x *extract.Extractor, close func(), err error) {
	seg, err := newSegmenter()
	if err != nil {
		return nil, nil, err
	}
	x, err = extract.New(extract.Options{Segmenter: seg})
	if err != nil {
		seg.Close()
		return nil, nil, fmt.Errorf("build extractor: %w", err)
	}
	return x, seg.Close, nil
}

// newSegmenter loads the jieba segmenter with the seeds lexicon's names as
// user words.
func newSegmenter() (*jieba.Segmenter, error) {
	words, err := seeds.UserWords()
	if err != nil {
		return nil, fmt.Errorf("load lexicon: %w", err)
	}
	uw := make([]jieba.Word, len(words))
	for i, w := range words {
		uw[i] = jieba.Word{Text: w.Text, Tag: w.Tag, Freq: w.Freq}
	}
	seg, err := jieba.New(uw)
	if err != nil {
		return nil, fmt.Errorf("load segmenter: %w", err)
	}
	return seg, nil
}
