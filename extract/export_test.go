package extract

// NewSegmenter is newSegmenter for the external tests of package
// extract_test.
var NewSegmenter = newSegmenter
