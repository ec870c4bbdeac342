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
// in a buffer of about limit bytes; a full buffer is sorted and written to
// a run file in the background while the next one fills (so at most two
// buffers are held), and runs are merged at the end. The last buffer is
// never written: it is merged from memory, so a load that fits in one
// buffer touches no temporary file.
//
// A record is stored as key length (u32), value length (u32), key, value.
type extSorter struct {
	dir   string
	limit int
	buf   []byte
	offs  []uint32 // record starts in buf
	runs  []string
	seq   *int // shared file counter of the sorters in dir
	spill chan error
	done  bool // sources was called: buf is sorted, add is refused
	fanIn int  // most run files merged at once
}

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
	if len(s.buf) > 0 && len(s.buf)+8+len(k)+len(v) > s.limit {
		if err := s.flush(); err != nil {
			return err
		}
	}
	s.offs = append(s.offs, uint32(len(s.buf)))
	s.buf = binary.BigEndian.AppendUint32(s.buf, uint32(len(k)))
	s.buf = binary.BigEndian.AppendUint32(s.buf, uint32(len(v)))
	s.buf = append(s.buf, k...)
	s.buf = append(s.buf, v...)
	return nil
}

func recAt(buf []byte, off uint32) (k, v []byte) {
	kl := binary.BigEndian.Uint32(buf[off:])
	vl := binary.BigEndian.Uint32(buf[off+4:])
	k = buf[off+8 : off+8+kl]
	return k, buf[off+8+kl : off+8+kl+vl]
}

func sortRecs(buf []byte, offs []uint32) {
	slices.SortFunc(offs, func(a, b uint32) int {
		ka, _ := recAt(buf, a)
		kb, _ := recAt(buf, b)
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
	buf, offs := s.buf, s.offs
	s.buf = make([]byte, 0, s.limit)
	s.offs = make([]uint32, 0, len(offs))
	s.spill = make(chan error, 1)
	go func(done chan<- error) { done <- writeRun(path, buf, offs) }(s.spill)
	return nil
}

func writeRun(path string, buf []byte, offs []uint32) error {
	sortRecs(buf, offs)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, o := range offs {
		kl := binary.BigEndian.Uint32(buf[o:])
		vl := binary.BigEndian.Uint32(buf[o+4:])
		if _, err := w.Write(buf[o : o+8+kl+vl]); err != nil {
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
		sortRecs(s.buf, s.offs)
		s.done = true
	}
	if err := s.compact(); err != nil {
		return nil, err
	}
	out, err := openRuns(s.runs)
	if err != nil {
		return nil, err
	}
	out = append(out, &memRun{buf: s.buf, offs: s.offs})
	return out, nil
}

// runSource yields records in key order. next returns io.EOF at the end;
// the returned slices are valid until the next call.
type runSource interface {
	next() (k, v []byte, err error)
	close() error
}

type memRun struct {
	buf  []byte
	offs []uint32
}

func (m *memRun) next() ([]byte, []byte, error) {
	if len(m.offs) == 0 {
		return nil, nil, io.EOF
	}
	k, v := recAt(m.buf, m.offs[0])
	m.offs = m.offs[1:]
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
