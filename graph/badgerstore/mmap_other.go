//go:build !linux

package badgerstore

// ReleaseMapped gives back the resident pages of Badger's memory-mapped
// files on Linux (see mmap.go); elsewhere it does nothing.
func (s *Store) ReleaseMapped() error { return nil }
