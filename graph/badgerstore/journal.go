package badgerstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"kg/graph"
)

// The redo journal makes a change atomic when it is larger than one Badger
// transaction (a very large document, a merge touching many documents):
//
//  1. the change's writes are stored as journal chunks j<seq><n>, each in
//     its own transaction; a crash here leaves chunks without a marker, and
//     Open drops them: the change did not happen;
//  2. the commit marker J<seq> is written in one transaction: from here on
//     the change has happened;
//  3. the writes are applied in as many transactions as needed, and the
//     journal removed. A crash here is repaired at Open by replaying the
//     chunks, which is safe because every write is an absolute put or
//     delete.
//
// Readers never see step 3 half done: it runs under the write side of
// Store.mu, and readers take their snapshot under its read side.

// encodeOps serialises writes: per op, uvarint key length, key, one byte
// (1 delete, 0 put), uvarint value length, value.
func encodeOps(b []byte, k string, o op) []byte {
	b = binary.AppendUvarint(b, uint64(len(k)))
	b = append(b, k...)
	if o.del {
		return append(b, 1)
	}
	b = append(b, 0)
	b = binary.AppendUvarint(b, uint64(len(o.val)))
	return append(b, o.val...)
}

func decodeOps(b []byte, fn func(k string, o op)) error {
	for len(b) > 0 {
		n, m := binary.Uvarint(b)
		if m <= 0 || uint64(len(b)-m) < n+1 {
			return fmt.Errorf("%w: journal chunk", graph.ErrCorrupt)
		}
		k := string(b[m : m+int(n)])
		b = b[m+int(n):]
		if b[0] == 1 {
			fn(k, op{del: true})
			b = b[1:]
			continue
		}
		b = b[1:]
		n, m = binary.Uvarint(b)
		if m <= 0 || uint64(len(b)-m) < n {
			return fmt.Errorf("%w: journal chunk", graph.ErrCorrupt)
		}
		fn(k, op{val: append([]byte(nil), b[m:m+int(n)]...)})
		b = b[m+int(n):]
	}
	return nil
}

func (s *Store) commitJournal(keys []string, puts map[string]op) error {
	seq := uint64(time.Now().UnixNano())
	size := s.chunkSize()
	var chunk []byte
	n := uint32(0)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		k := journalKey(seq, n)
		err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(k, chunk) })
		chunk, n = nil, n+1
		return err
	}
	for _, k := range keys {
		chunk = encodeOps(chunk, k, puts[k])
		if len(chunk) >= size {
			if err := flush(); err != nil {
				return fmt.Errorf("write journal: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error {
		return txn.Set(journalCommitKey(seq), appendU32(nil, n))
	}); err != nil {
		return fmt.Errorf("commit journal: %w", err)
	}
	if hook := testHookJournalCommitted; hook != nil {
		hook()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.writeOps(keys, puts); err != nil {
		return fmt.Errorf("apply journal: %w", err)
	}
	return s.dropJournal(seq)
}

// testHookJournalCommitted, when set by a test, runs between the commit
// marker and the application of a journalled change.
var testHookJournalCommitted func()

func (s *Store) dropJournal(seq uint64) error {
	p := appendU64([]byte{pJournal}, seq)
	var keys []string
	puts := map[string]op{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := string(it.Item().KeyCopy(nil))
			keys = append(keys, k)
			puts[k] = op{del: true}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Chunks first, marker last: a crash in between leaves a marker whose
	// replay finds no chunks left, which is harmless.
	if err := s.writeOps(keys, puts); err != nil {
		return err
	}
	return s.db.Update(func(txn *badger.Txn) error { return txn.Delete(journalCommitKey(seq)) })
}

// recoverJournal replays committed journals and drops uncommitted ones.
func (s *Store) recoverJournal(ctx context.Context) error {
	committed := map[uint64]bool{}
	seqs := map[uint64]bool{}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, p := range []byte{pJCommit, pJournal} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{p}})
			for it.Rewind(); it.Valid(); it.Next() {
				seq, _, err := readU64(it.Item().Key()[1:])
				if err != nil {
					it.Close()
					return fmt.Errorf("%w: journal key", graph.ErrCorrupt)
				}
				if p == pJCommit {
					committed[seq] = true
				}
				seqs[seq] = true
			}
			it.Close()
		}
		return nil
	})
	if err != nil || len(seqs) == 0 {
		return err
	}
	if s.opts.ReadOnly {
		return errNeedsRecovery
	}
	for seq := range seqs {
		if committed[seq] {
			if s.log != nil {
				s.log.Info("replaying an interrupted change", "journal", seq)
			}
			if err := s.replay(seq); err != nil {
				return fmt.Errorf("replay journal %d: %w", seq, err)
			}
		} else if s.log != nil {
			s.log.Info("dropping an uncommitted change", "journal", seq)
		}
		if err := s.dropJournal(seq); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) replay(seq uint64) error {
	for n := uint32(0); ; n++ {
		var chunk []byte
		err := s.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get(journalKey(seq, n))
			if err != nil {
				return err
			}
			chunk, err = item.ValueCopy(nil)
			return err
		})
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var keys []string
		puts := map[string]op{}
		if err := decodeOps(chunk, func(k string, o op) { keys = append(keys, k); puts[k] = o }); err != nil {
			return err
		}
		if err := s.writeOps(keys, puts); err != nil {
			return err
		}
	}
}
