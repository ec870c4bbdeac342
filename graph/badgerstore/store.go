package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// Options configure Open. The zero value opens a store for reading and
// writing, silently.
type Options struct {
	// ReadOnly opens the store without writing to it (unless a crash left
	// it needing recovery, done first); other read-only opens may share it,
	// a writer may not.
	ReadOnly bool
	// Logger receives Badger's messages and the store's own (recovery at
	// Open). Nil: silent.
	Logger *slog.Logger
	// MemTableSize is Badger's memtable size in bytes; 0 means 64 MiB.
	// Badger's largest transaction is 15% of it; a document whose change is
	// larger goes through the redo journal. Tests set it small to exercise
	// that path.
	MemTableSize int64
	// BlockCacheSize is Badger's block cache in bytes; 0 means 64 MiB.
	BlockCacheSize int64
}

// Store is a graph.Store kept in a Badger database in one directory.
type Store struct {
	db     *badger.DB
	log    *slog.Logger
	opts   Options
	dir    string
	closed atomic.Bool

	// mu is held for reading by every read and by ordinary commits, and
	// for writing by Close and by the replay of a journalled change, so
	// that no reader sees half of a change spread over several Badger
	// transactions.
	mu sync.RWMutex
	// inflight counts reads in progress; Close waits for them.
	inflight sync.WaitGroup
	// wmu serialises writers (Apply, Delete, Merge, AddAlias, BulkLoad).
	wmu sync.Mutex
	// bulkRun is BulkLoad's sorted run size; 0 means bulkRunBytes. Tests
	// set it small to make a load spill.
	bulkRun int
	// pageOutAfter is how many bytes BulkLoad writes between two calls of
	// pageOut; 0 means pageOutBytes. Tests set it small.
	pageOutAfter int
}

var _ graph.Store = (*Store)(nil)

// Open opens the store in dir, creating it unless opts.ReadOnly. A missing
// store opened read-only is graph.ErrNotFound; a store held by another
// process is graph.ErrLocked; another format version graph.ErrVersion;
// undecodable files graph.ErrCorrupt.
func Open(dir string, opts Options) (*Store, error) {
	s, err := open(dir, opts)
	if opts.ReadOnly && errors.Is(err, errNeedsRecovery) {
		// A crash left work that only a writable open can finish: finish
		// it, then open read-only as asked.
		rw := opts
		rw.ReadOnly = false
		w, err := open(dir, rw)
		if err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return open(dir, opts)
	}
	return s, err
}

// errNeedsRecovery marks read-only opens refused because of a crash.
var errNeedsRecovery = fmt.Errorf("%w: the store needs crash recovery", graph.ErrCorrupt)

func open(dir string, opts Options) (s *Store, err error) {
	if err := checkDir(dir, opts.ReadOnly); err != nil {
		return nil, err
	}
	if err := dropEmptyLogs(dir, opts); err != nil {
		return nil, err
	}
	bo := badger.DefaultOptions(dir).
		WithLogger(badgerLogger{opts.Logger}).
		WithReadOnly(opts.ReadOnly).
		WithDetectConflicts(false). // one writer at a time: wmu
		WithNumVersionsToKeep(1).
		WithBlockCacheSize(64 << 20).
		WithValueThreshold(1 << 10).
		// Badger writes a bulk load's tables at the bottom level, 32 ×
		// the base table size each, building each in a buffer twice
		// that size: 512 KiB (rather than 2 MiB) keeps a load's table
		// buffers at 32 MiB instead of 128 MiB, and level-1 tables of
		// an ordinary write small.
		WithBaseTableSize(512 << 10)
	if opts.MemTableSize > 0 {
		bo = bo.WithMemTableSize(opts.MemTableSize)
	}
	if opts.BlockCacheSize > 0 {
		bo = bo.WithBlockCacheSize(opts.BlockCacheSize)
	}
	// Badger panics on some damaged files instead of returning an error.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("open %s: %w: %v", dir, graph.ErrCorrupt, r)
		}
	}()
	db, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, translateOpen(err))
	}
	s = &Store{db: db, log: opts.Logger, opts: opts, dir: dir}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return s, nil
}

// checkDir refuses directories that are not kg stores: a read-only open
// needs one to exist; a writable open creates one in a missing or empty
// directory but does not scatter files into some other directory.
func checkDir(dir string, readOnly bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if readOnly {
			return fmt.Errorf("open %s: %w: no store", dir, graph.ErrNotFound)
		}
		return nil
	case err != nil:
		return fmt.Errorf("open %s: %w", dir, err)
	}
	if len(entries) == 0 {
		if readOnly {
			return fmt.Errorf("open %s: %w: no store", dir, graph.ErrNotFound)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("open %s: %w: directory is not empty and holds no store", dir, graph.ErrCorrupt)
		}
		return fmt.Errorf("open %s: %w", dir, err)
	}
	return nil
}

// dropEmptyLogs removes the empty .mem and .vlog files a crash can leave
// between creating such a file and writing its header: Badger v4.9 refuses
// to open a directory holding one (dgraph-io/badger#2207). An empty file
// holds no data, so removing it loses nothing. A read-only open cannot
// remove them; it asks for a recovery open instead.
func dropEmptyLogs(dir string, opts Options) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // a missing directory is handled by Badger or checkDir
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		if opts.ReadOnly {
			return errNeedsRecovery
		}
		if opts.Logger != nil {
			opts.Logger.Info("removing an empty log file left by a crash", "file", name)
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("open %s: %w", dir, err)
		}
	}
	return nil
}

func translateOpen(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return graph.ErrLocked
	case strings.Contains(msg, "Log truncate required"):
		return errNeedsRecovery
	case errors.Is(err, os.ErrPermission):
		return err
	}
	return fmt.Errorf("%w: %s", graph.ErrCorrupt, oneLine(msg))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// init checks the format version, writing it into a new store, and
// finishes or drops an interrupted journalled change.
func (s *Store) init() error {
	var ver []byte
	var empty, bulk bool
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		item, err := txn.Get(metaKey(metaVer))
		if err == nil {
			ver, err = item.ValueCopy(nil)
		}
		if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		_, err = txn.Get(metaKey(metaBulk))
		bulk = err == nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %v", graph.ErrCorrupt, err)
	}
	switch {
	case ver == nil && empty && !s.opts.ReadOnly:
		if err := s.db.Update(func(txn *badger.Txn) error {
			return txn.Set(metaKey(metaVer), appendU32(nil, formatVersion))
		}); err != nil {
			return fmt.Errorf("write format version: %w", err)
		}
	case ver == nil && empty:
		return fmt.Errorf("%w: empty store", graph.ErrNotFound)
	case ver == nil:
		return fmt.Errorf("%w: no format version", graph.ErrCorrupt)
	case len(ver) != 4:
		return fmt.Errorf("%w: bad format version record", graph.ErrCorrupt)
	default:
		if v, _, _ := readU32(ver); v != formatVersion {
			return fmt.Errorf("%w: store has version %d, this kg reads version %d", graph.ErrVersion, v, formatVersion)
		}
	}
	if bulk {
		return fmt.Errorf("%w: a bulk load was interrupted; remove the store and load again", graph.ErrCorrupt)
	}
	return s.recoverJournal(context.Background())
}

// Close closes the store. Reads and writes after Close are graph.ErrClosed.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.closed.Swap(true) {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	s.inflight.Wait()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.dir, err)
	}
	return nil
}

// view runs fn in a read transaction. The snapshot is taken under the read
// lock, so it never falls in the middle of a journalled change; fn itself
// runs unlocked and may call other reads.
func (s *Store) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed.Load() {
		s.mu.RUnlock()
		return graph.ErrClosed
	}
	s.inflight.Add(1)
	txn := s.db.NewTransaction(false)
	s.mu.RUnlock()
	defer s.inflight.Done()
	defer txn.Discard()
	err := fn(txn)
	if errors.Is(err, badger.ErrDBClosed) {
		err = graph.ErrClosed
	}
	return err
}

// badgerLogger adapts slog for Badger; with no logger it drops everything.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) { b.logf(slog.LevelError, f, a...) }
func (b badgerLogger) Warningf(f string, a ...any) {
	b.logf(slog.LevelWarn, f, a...)
}
func (b badgerLogger) Infof(f string, a ...any)  { b.logf(slog.LevelInfo, f, a...) }
func (b badgerLogger) Debugf(f string, a ...any) { b.logf(slog.LevelDebug, f, a...) }

func (b badgerLogger) logf(level slog.Level, f string, a ...any) {
	if b.l == nil {
		return
	}
	b.l.Log(context.Background(), level, strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
