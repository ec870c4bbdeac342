//go:build linux

package badgerstore

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// pageOut asks the kernel to reclaim the pages of the store's mapped files
// that this process holds resident, while the store is being written. A
// bulk load writes every table through a shared memory map (Badger's table
// builder and value log), and each page written stays in the process's
// resident set until the file is unmapped at Close: loading an 800 MB
// store would show 800 MB more resident memory than the load holds.
//
// Unlike ReleaseMapped's MADV_DONTNEED, MADV_PAGEOUT never discards
// memory: on a page of a file it unmaps the page and writes it back if it
// is dirty; on anonymous memory, which an address unmapped by a
// concurrent compaction could have become, it can only swap (or, without
// swap, do nothing). So it is safe on a store being written, where
// mappings come and go. Kernels older than 5.4, which lack it, answer
// EINVAL: then nothing is reclaimed and nothing is reported.
func (s *Store) pageOut() error {
	dir, err := resolvedDir(s.dir)
	if err != nil {
		return err
	}
	maps, err := storeMappings(dir)
	if err != nil {
		return err
	}
	for _, m := range maps {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_PAGEOUT)
		switch {
		case errno == 0:
		case errors.Is(errno, syscall.EINVAL), errors.Is(errno, syscall.ENOMEM):
			// No MADV_PAGEOUT, or the range was unmapped meanwhile.
		default:
			return errno
		}
	}
	return nil
}
