package badgerstore

// Key layout. Every key starts with one prefix byte naming its table. Strings
// inside keys end with a 0x00 byte (IDs, types and normalised names never
// contain one: Normalize drops control characters and the store refuses IDs
// with NUL), and integers are fixed-width big-endian, so the byte order of
// keys is the order of their fields and a prefix of fields is a key prefix.
//
//	!v                                   format version (uint32). Checked at
//	                                     Open: a store written by another
//	                                     version is refused, not misread.
//	!b                                   bulk load in progress. Set before a
//	                                     BulkLoad writes, removed when it is
//	                                     done; Open refuses a store that has it.
//	#<counter>                           int64 counters read by Stats: docs,
//	                                     entities, relations, per entity type
//	                                     (t:<type>), per relation type
//	                                     (r:<type>). Kept by the writer in the
//	                                     same transaction as the change, so
//	                                     Stats is one short prefix scan.
//	d <doc>                              Document (JSON).
//	c <doc> <chunk u32>                  contribution record (binary, see
//	                                     record.go; split in chunks): the
//	                                     document's contribution
//	                                     as given, plus how each of its
//	                                     entities was resolved through the
//	                                     curation records at Apply time. It is
//	                                     what Apply and Delete retract, and
//	                                     what Merge/AddAlias re-apply. Its
//	                                     evidence sentences are numbers into
//	                                     t, like w's.
//	e <entity>                           entity record (binary, see codec.go):
//	                                     counts of names, aliases, attribute
//	                                     values and dates over its documents,
//	                                     so name, aliases, attrs and
//	                                     First/Last follow from the record
//	                                     alone, whatever order documents came
//	                                     and went in.
//	n <norm> <type> <entity>             name index: one key per normalised
//	                                     canonical name and alias. Exact
//	                                     lookup (EntitiesByName) is a prefix
//	                                     scan of "n <norm>\x00"; prefix search
//	                                     a scan of "n <text>"; substring search
//	                                     a key-only scan of the whole table
//	                                     (see Store.Search for why not n-grams).
//	o <from> <rtype> <to>                out-adjacency; the value is the
//	                                     relation record (weight, docs,
//	                                     dates), so a traversal reads edges
//	                                     and weights in one sequential scan.
//	                                     This is also the relation itself:
//	                                     EachRelation scans it, giving the
//	                                     (From, Type, To) order.
//	i <to> <rtype> <from>                in-adjacency, same value as o, for
//	                                     incoming edges without a full scan.
//	                                     Undirected relations are stored once,
//	                                     From < To, and traversals read both
//	                                     tables for them.
//	w <from> <rtype> <to> <doc>          one document's share of a relation:
//	                                     weight, date and its evidence. The
//	                                     evidence of a relation is a prefix
//	                                     scan, already in document order.
//	                                     Evidence names its sentence by
//	                                     number (see t), not by text.
//	t <doc> <n u32>                      the document's evidence sentences,
//	                                     numbered in text order: one copy of
//	                                     each, however many relations it is
//	                                     the evidence of (co-occurrence alone
//	                                     makes up to 120 per sentence, and
//	                                     the copies in w and c were most of
//	                                     the store). Written and removed
//	                                     with the document's c and w keys.
//	m <entity> <doc>                     mentions: one document's spans of an
//	                                     entity (EntityDocuments, in doc order).
//	s <order u8> <type> <rank> <entity>  rank indexes for Entities(): rank is
//	                                     MaxUint64-count (mentions, degree,
//	                                     docs: largest first) or the
//	                                     normalised name (by name). Written
//	                                     once per type and once with type ""
//	                                     (all types), so every listing is one
//	                                     ordered scan from its cursor instead
//	                                     of a sort of the whole table.
//	Cm <from>                            curation: entity from was merged into
//	                                     the value's entity.
//	Ca <type> <norm>                     curation: a curated alias of the
//	                                     value's entity.
//	Cl <entity> <alias>                  curation: the curated aliases of an
//	                                     entity, to rebuild its record.
//	j <seq u64> <chunk u32>              redo journal of a change too big for
//	                                     one Badger transaction (see
//	                                     journal.go).
//	J <seq u64>                          the journal's commit marker: present,
//	                                     the change is replayed at Open;
//	                                     absent, its chunks are dropped.

import (
	"encoding/binary"
	"errors"
	"math"
)

// formatVersion is the on-disk format this code reads and writes.
const formatVersion uint32 = 3

const (
	pMeta     = '!'
	pCounter  = '#'
	pDoc      = 'd'
	pContrib  = 'c'
	pEntity   = 'e'
	pName     = 'n'
	pOut      = 'o'
	pIn       = 'i'
	pRelDoc   = 'w'
	pSentence = 't'
	pMention  = 'm'
	pRank     = 's'
	pCurate   = 'C'
	pJournal  = 'j'
	pJCommit  = 'J'
	cMerge    = 'm'
	cAlias    = 'a'
	cAliasOf  = 'l'
	rankMent  = 0
	rankDeg   = 1
	rankName  = 2
	rankDocs  = 3
	metaVer   = 'v'
	metaBulk  = 'b'
	sepString = 0x00
)

var errKey = errors.New("malformed key")

// appendStr appends s and its terminator.
func appendStr(b []byte, s string) []byte {
	b = append(b, s...)
	return append(b, sepString)
}

func appendU64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func appendU32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// readStr splits a terminated string off the front of b.
func readStr(b []byte) (string, []byte, error) {
	for i, c := range b {
		if c == sepString {
			return string(b[:i]), b[i+1:], nil
		}
	}
	return "", nil, errKey
}

func readU64(b []byte) (uint64, []byte, error) {
	if len(b) < 8 {
		return 0, nil, errKey
	}
	return binary.BigEndian.Uint64(b), b[8:], nil
}

func readU32(b []byte) (uint32, []byte, error) {
	if len(b) < 4 {
		return 0, nil, errKey
	}
	return binary.BigEndian.Uint32(b), b[4:], nil
}

func key(p byte, parts ...string) []byte {
	n := 1
	for _, s := range parts {
		n += len(s) + 1
	}
	b := make([]byte, 1, n+16)
	b[0] = p
	for _, s := range parts {
		b = appendStr(b, s)
	}
	return b
}

func metaKey(m byte) []byte         { return []byte{pMeta, m} }
func counterKey(name string) []byte { return append([]byte{pCounter}, name...) }
func docKey(doc string) []byte      { return key(pDoc, doc) }
func contribKey(doc string, chunk uint32) []byte {
	return appendU32(key(pContrib, doc), chunk)
}
func entityKey(id string) []byte { return key(pEntity, id) }
func nameKey(norm string, t string, id string) []byte {
	return key(pName, norm, t, id)
}
func outKey(from, rt, to string) []byte         { return key(pOut, from, rt, to) }
func inKey(to, rt, from string) []byte          { return key(pIn, to, rt, from) }
func relDocKey(from, rt, to, doc string) []byte { return key(pRelDoc, from, rt, to, doc) }
func mentionKey(id, doc string) []byte          { return key(pMention, id, doc) }
func sentenceKey(doc string, n uint32) []byte   { return appendU32(key(pSentence, doc), n) }
func mergeKey(from string) []byte               { return key(pCurate, string(cMerge), from) }
func aliasKey(t, norm string) []byte            { return key(pCurate, string(cAlias), t, norm) }
func aliasOfKey(id, alias string) []byte        { return key(pCurate, string(cAliasOf), id, alias) }
func journalKey(seq uint64, chunk uint32) []byte {
	return appendU32(appendU64([]byte{pJournal}, seq), chunk)
}
func journalCommitKey(seq uint64) []byte { return appendU64([]byte{pJCommit}, seq) }

// rankCountKey is the rank index key for a count order: larger counts first.
func rankCountKey(order byte, t string, count int64, id string) []byte {
	if count < 0 {
		count = 0
	}
	b := append(key(pRank), order)
	b = appendStr(b, t)
	b = appendU64(b, math.MaxUint64-uint64(count))
	return appendStr(b, id)
}

// rankNameKey is the rank index key for name order.
func rankNameKey(t, norm, id string) []byte {
	b := append(key(pRank), rankName)
	b = appendStr(b, t)
	b = appendStr(b, norm)
	return appendStr(b, id)
}

// rankPrefix is the prefix of one rank index (order, type).
func rankPrefix(order byte, t string) []byte {
	return appendStr(append(key(pRank), order), t)
}

// lastStr returns the final terminated string of a key made only of
// strings: the entity of name keys, the document of mention and
// relation-document keys.
func lastStr(k []byte) (string, error) {
	if len(k) == 0 || k[len(k)-1] != sepString {
		return "", errKey
	}
	i := len(k) - 2
	for i >= 0 && k[i] != sepString {
		i--
	}
	if i < 0 {
		return "", errKey
	}
	return string(k[i+1 : len(k)-1]), nil
}

// rankID returns the entity of a rank index key.
func rankID(k []byte) (string, error) {
	if len(k) < 2 || k[0] != pRank {
		return "", errKey
	}
	order := k[1]
	_, b, err := readStr(k[2:])
	if err != nil {
		return "", err
	}
	if order == rankName {
		_, b, err = readStr(b)
	} else {
		_, b, err = readU64(b)
	}
	if err != nil {
		return "", err
	}
	id, rest, err := readStr(b)
	if err != nil || len(rest) != 0 {
		return "", errKey
	}
	return id, nil
}

// splitStrs decodes a key made of the prefix byte and n terminated strings.
func splitStrs(k []byte, n int) ([]string, error) {
	if len(k) < 1 {
		return nil, errKey
	}
	b := k[1:]
	out := make([]string, n)
	for i := range n {
		s, rest, err := readStr(b)
		if err != nil {
			return nil, err
		}
		out[i], b = s, rest
	}
	if len(b) != 0 {
		return nil, errKey
	}
	return out, nil
}
