//go:build linux

package badgerstore

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"kg/graph"
)

// ReleaseMapped gives back the pages of the store's files that this process
// holds through Badger's memory maps, so that a long scan does not keep
// every page it has read resident. Badger maps its table (.sst), value log
// (.vlog) and memtable (.mem) files with MAP_SHARED (ristretto's
// z/mmap_linux.go), and the kernel counts every page a scan touched as this
// process's resident memory until the mapping goes: a full scan of a 1.5 GB
// store reaches hundreds of megabytes of resident set that nothing will
// read again.
//
// ReleaseMapped finds those mappings in /proc/self/maps and advises
// MADV_DONTNEED on them. For a shared file mapping that only drops the
// page-table entries: the pages stay in the page cache, nothing written is
// lost (shared pages are the page cache), and the next access, by an
// iterator still running in another goroutine too, faults the page back
// in. It costs a minor fault per page read again.
//
// It acts only on a store opened ReadOnly, whose mappings stay in place
// until Close (which waits for it): a writable store's compactions unmap
// tables at any time, and advising an address that has just been reused
// for other memory would destroy that memory. On a writable store it does
// nothing. The same directory opened twice in one process is not
// supported: the other Store's Close could unmap a file of the shared
// directory while this call advises it. Elsewhere than on Linux it does
// nothing.
func (s *Store) ReleaseMapped() error {
	if !s.opts.ReadOnly {
		return nil
	}
	// Close takes mu for writing before it unmaps anything.
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed.Load() {
		return graph.ErrClosed
	}
	dir, err := resolvedDir(s.dir)
	if err != nil {
		return fmt.Errorf("release mapped %s: %w", s.dir, err)
	}
	maps, err := storeMappings(dir)
	if err != nil {
		return fmt.Errorf("release mapped %s: %w", s.dir, err)
	}
	for _, m := range maps {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, syscall.MADV_DONTNEED); errno != 0 {
			return fmt.Errorf("release mapped %s: madvise %s: %w", s.dir, m.path, errno)
		}
	}
	return nil
}

// resolvedDir is dir as /proc/self/maps names it: absolute, without
// symbolic links.
func resolvedDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// mapping is one line of /proc/self/maps.
type mapping struct {
	start, end uintptr
	path       string
}

// storeMappings returns the shared mappings of Badger's data files in dir.
// Private mappings are left alone: MADV_DONTNEED would discard their
// copied-on-write pages.
func storeMappings(dir string) ([]mapping, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mapping
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		m, perms, ok := parseMapsLine(sc.Bytes())
		if !ok || len(perms) < 4 || perms[3] != 's' {
			continue
		}
		if filepath.Dir(m.path) != dir || !dataFile(m.path) {
			continue
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// dataFile reports whether name is one of the files Badger maps.
func dataFile(name string) bool {
	return strings.HasSuffix(name, ".sst") || strings.HasSuffix(name, ".vlog") || strings.HasSuffix(name, ".mem")
}

// parseMapsLine parses "start-end perms offset dev inode path" (proc(5));
// the path, which may hold spaces, is the rest of the line after the
// inode. Lines without a path are not ok.
func parseMapsLine(line []byte) (m mapping, perms string, ok bool) {
	var fields [5][]byte
	rest := line
	for i := range fields {
		rest = bytes.TrimLeft(rest, " ")
		j := bytes.IndexByte(rest, ' ')
		if j < 0 {
			return mapping{}, "", false
		}
		fields[i], rest = rest[:j], rest[j:]
	}
	path := string(bytes.TrimLeft(rest, " "))
	if path == "" {
		return mapping{}, "", false
	}
	start, end, found := bytes.Cut(fields[0], []byte{'-'})
	if !found {
		return mapping{}, "", false
	}
	a, err1 := strconv.ParseUint(string(start), 16, 64)
	b, err2 := strconv.ParseUint(string(end), 16, 64)
	if err1 != nil || err2 != nil || b <= a {
		return mapping{}, "", false
	}
	return mapping{start: uintptr(a), end: uintptr(b), path: path}, string(fields[1]), true
}
