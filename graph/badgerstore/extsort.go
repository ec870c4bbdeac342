package badgerstore

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// extSorter sorts key/value records that may not fit in memory, for
// BulkLoad's StreamWriter, which needs every key in order. Records collect
// in memory up to about limit bytes; a full buffer is sorted and written to
// a run file in the background while the next one fills (so at most two
// buffers are held), and runs are merged at the end. The last buffer is
// never written: it is merged from memory, so a load that fits in one
// buffer touches no temporary file.
//
// In memory, records are appended to chunks of chunkBytes (a record never
// spans two chunks, so a growing buffer is never copied), and the sort
// index holds each key's first eight bytes beside its place, so that most
// comparisons are one integer compare rather than two lookups and a
// bytes.Compare. In a run file a record is stored as key length (u32),
// value length (u32), key, value.
type extSorter struct {
	dir    string
	limit  int
	chunks [][]byte
	size   int // bytes held in chunks
	recs   []recRef
	runs   []string
	seq    *int // shared file counter of the sorters in dir
	spill  chan error
	done   bool // sources was called: recs are sorted, add is refused
	fanIn  int  // most run files merged at once
}

// recRef places one record held in memory.
type recRef struct {
	pre   uint64 // the key's first 8 bytes, big-endian, zero-padded
	chunk uint32
	off   uint32 // of the record's header in the chunk
}

// chunkBytes is the size of the chunks records are appended to.
const chunkBytes = 1 << 20

// maxFanIn bounds the run files open at once in a merge (each also holds a
// 256 KiB read buffer). The 1M/5M synth graph makes about 100 runs of
// 32 MiB; bigger loads first merge runs into longer ones.
const maxFanIn = 128

func newExtSorter(dir string, limit int, seq *int) *extSorter {
	return &extSorter{dir: dir, limit: limit, seq: seq, fanIn: maxFanIn}
}

func (s *extSorter) nextRun() string {
	*s.seq++
	return filepath.Join(s.dir, fmt.Sprintf("run-%06d", *s.seq))
}

// compact merges run files, fanIn at a time, until at most fanIn are left
// (one slot is kept for the in-memory buffer).
func (s *extSorter) compact() error {
	for len(s.runs) > s.fanIn-1 {
		group := s.runs[:s.fanIn]
		srcs, err := openRuns(group)
		if err != nil {
			return err
		}
		path := s.nextRun()
		f, err := os.Create(path)
		if err != nil {
			closeRuns(srcs)
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var hdr [8]byte
		err = mergeRuns(srcs, func(k, v []byte) error {
			binary.BigEndian.PutUint32(hdr[:], uint32(len(k)))
			binary.BigEndian.PutUint32(hdr[4:], uint32(len(v)))
			w.Write(hdr[:])
			w.Write(k)
			_, err := w.Write(v)
			return err
		})
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		for _, p := range group {
			os.Remove(p)
		}
		s.runs = append(s.runs[s.fanIn:], path)
	}
	return nil
}

func openRuns(paths []string) ([]runSource, error) {
	var out []runSource
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			closeRuns(out)
			return nil, err
		}
		out = append(out, &fileRun{f: f, r: bufio.NewReaderSize(f, 256<<10)})
	}
	return out, nil
}

func (s *extSorter) add(k, v []byte) error {
	if s.done {
		return errors.New("record added after the merge began")
	}
	if len(k) > 1<<30 || len(v) > 1<<30 {
		return fmt.Errorf("record of %d bytes is too large", len(k)+len(v))
	}
	n := 8 + len(k) + len(v)
	if s.size > 0 && s.size+n > s.limit {
		if err := s.flush(); err != nil {
			return err
		}
	}
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+n > cap(s.chunks[last]) {
		s.chunks = append(s.chunks, make([]byte, 0, max(chunkBytes, n)))
		last++
	}
	c := s.chunks[last]
	s.recs = append(s.recs, recRef{pre: keyPrefix(k), chunk: uint32(last), off: uint32(len(c))})
	c = binary.BigEndian.AppendUint32(c, uint32(len(k)))
	c = binary.BigEndian.AppendUint32(c, uint32(len(v)))
	c = append(c, k...)
	s.chunks[last] = append(c, v...)
	s.size += n
	return nil
}

// keyPrefix is k's first eight bytes as a big-endian integer, zero-padded:
// prefixes order as the keys do, and equal prefixes leave the order to the
// whole keys.
func keyPrefix(k []byte) uint64 {
	if len(k) >= 8 {
		return binary.BigEndian.Uint64(k)
	}
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

func recAt(chunks [][]byte, r recRef) (rec, k, v []byte) {
	c := chunks[r.chunk]
	kl := binary.BigEndian.Uint32(c[r.off:])
	vl := binary.BigEndian.Uint32(c[r.off+4:])
	start := r.off + 8
	return c[r.off : start+kl+vl], c[start : start+kl], c[start+kl : start+kl+vl]
}

func sortRecs(chunks [][]byte, recs []recRef) {
	slices.SortFunc(recs, func(a, b recRef) int {
		if a.pre != b.pre {
			if a.pre < b.pre {
				return -1
			}
			return 1
		}
		_, ka, _ := recAt(chunks, a)
		_, kb, _ := recAt(chunks, b)
		return bytes.Compare(ka, kb)
	})
}

// wait waits for the spill in progress, if any.
func (s *extSorter) wait() error {
	if s.spill == nil {
		return nil
	}
	err := <-s.spill
	s.spill = nil
	return err
}

// flush hands the buffer to a background spill and starts a new one.
func (s *extSorter) flush() error {
	if err := s.wait(); err != nil {
		return err
	}
	path := s.nextRun()
	s.runs = append(s.runs, path)
	chunks, recs := s.chunks, s.recs
	s.chunks, s.size = nil, 0
	s.recs = make([]recRef, 0, len(recs))
	s.spill = make(chan error, 1)
	go func(done chan<- error) { done <- writeRun(path, chunks, recs) }(s.spill)
	return nil
}

func writeRun(path string, chunks [][]byte, recs []recRef) error {
	sortRecs(chunks, recs)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, r := range recs {
		rec, _, _ := recAt(chunks, r)
		if _, err := w.Write(rec); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sources returns the sorter's runs for a merge: its files and its
// in-memory buffer, sorted. The sorter takes no more records; sources may
// be called again for another pass.
func (s *extSorter) sources() ([]runSource, error) {
	if err := s.wait(); err != nil {
		return nil, err
	}
	if !s.done {
		sortRecs(s.chunks, s.recs)
		s.done = true
	}
	if err := s.compact(); err != nil {
		return nil, err
	}
	out, err := openRuns(s.runs)
	if err != nil {
		return nil, err
	}
	out = append(out, &memRun{chunks: s.chunks, recs: s.recs})
	return out, nil
}

// runSource yields records in key order. next returns io.EOF at the end;
// the returned slices are valid until the next call.
type runSource interface {
	next() (k, v []byte, err error)
	close() error
}

type memRun struct {
	chunks [][]byte
	recs   []recRef
}

func (m *memRun) next() ([]byte, []byte, error) {
	if len(m.recs) == 0 {
		return nil, nil, io.EOF
	}
	_, k, v := recAt(m.chunks, m.recs[0])
	m.recs = m.recs[1:]
	return k, v, nil
}

func (m *memRun) close() error { return nil }

type fileRun struct {
	f   *os.File
	r   *bufio.Reader
	hdr [8]byte
	rec []byte
}

func (f *fileRun) next() ([]byte, []byte, error) {
	if _, err := io.ReadFull(f.r, f.hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil, fmt.Errorf("run %s: truncated", f.f.Name())
		}
		return nil, nil, err
	}
	kl := binary.BigEndian.Uint32(f.hdr[:])
	vl := binary.BigEndian.Uint32(f.hdr[4:])
	n := int(kl) + int(vl)
	if cap(f.rec) < n {
		f.rec = make([]byte, n)
	}
	f.rec = f.rec[:n]
	if _, err := io.ReadFull(f.r, f.rec); err != nil {
		return nil, nil, fmt.Errorf("run %s: %w", f.f.Name(), err)
	}
	return f.rec[:kl], f.rec[kl:], nil
}

func (f *fileRun) close() error { return f.f.Close() }

func closeRuns(rs []runSource) {
	for _, r := range rs {
		r.close()
	}
}

type mergeItem struct {
	src  runSource
	k, v []byte
}

type mergeHeap []*mergeItem

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return bytes.Compare(h[i].k, h[j].k) < 0 }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)        { *h = append(*h, x.(*mergeItem)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// mergeRuns calls fn with every record of the sources in key order and
// closes them. Two records with one key are an error: every key a bulk
// load writes is unique. The slices passed to fn are valid only during
// the call.
func mergeRuns(srcs []runSource, fn func(k, v []byte) error) error {
	defer closeRuns(srcs)
	h := make(mergeHeap, 0, len(srcs))
	for _, s := range srcs {
		k, v, err := s.next()
		if err == io.EOF {
			continue
		}
		if err != nil {
			return err
		}
		h = append(h, &mergeItem{src: s, k: k, v: v})
	}
	heap.Init(&h)
	var last []byte
	first := true
	for len(h) > 0 {
		it := h[0]
		if !first && bytes.Equal(it.k, last) {
			return fmt.Errorf("duplicate key %q", it.k)
		}
		first = false
		last = append(last[:0], it.k...)
		if err := fn(it.k, it.v); err != nil {
			return err
		}
		k, v, err := it.src.next()
		switch {
		case err == io.EOF:
			heap.Pop(&h)
		case err != nil:
			return err
		default:
			it.k, it.v = k, v
			heap.Fix(&h, 0)
		}
	}
	return nil
}
