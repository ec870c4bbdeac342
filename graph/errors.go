package graph

import "errors"

var (
	// ErrNotFound is returned when an entity, relation or document that a
	// read or delete names does not exist.
	ErrNotFound = errors.New("graph: not found")

	// ErrInvalid is returned when an argument is malformed: an empty ID, an
	// unknown entity or relation type, a depth out of range.
	ErrInvalid = errors.New("graph: invalid argument")

	// ErrVersion is returned by Open when the store on disk was written in
	// another format version.
	ErrVersion = errors.New("graph: unsupported store format version")

	// ErrLocked is returned by Open when another process holds the store.
	ErrLocked = errors.New("graph: store is locked by another process")

	// ErrCorrupt is returned when stored data cannot be decoded.
	ErrCorrupt = errors.New("graph: store is corrupt")

	// ErrClosed is returned by operations on a closed store.
	ErrClosed = errors.New("graph: store is closed")

	// ErrLimit is returned when an operation would exceed a configured limit
	// and cannot return a truncated answer instead.
	ErrLimit = errors.New("graph: limit exceeded")
)
