package badgerstore

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"kg/graph"
)

// The contribution record (c keys) is kept in the binary codec of
// codec.go. Its relations name the same few strings over and over (entity
// IDs, relation types, rules, the document), so those go through a string
// table and each use is a small number; and each evidence sentence is its
// number in the document's t keys, not its text. On the policy corpus this
// made the records a tenth of their JSON size.

const recordVersion = 1

// strTable numbers distinct strings in order of first use.
type strTable struct {
	list []string
	idx  map[string]int
}

func (t *strTable) num(s string) int {
	if i, ok := t.idx[s]; ok {
		return i
	}
	t.idx[s] = len(t.list)
	t.list = append(t.list, s)
	return len(t.list) - 1
}

// marshalRecord encodes a record for its c keys; sents numbers the
// document's sentences (docSentences).
func marshalRecord(r *contribRecord, sents map[string]uint32) ([]byte, error) {
	c := r.C
	doc, err := json.Marshal(c.Doc)
	if err != nil {
		return nil, fmt.Errorf("encode contribution of %s: %w", c.Doc.ID, err)
	}
	e := encoder{b: make([]byte, 0, 256+len(doc)+64*len(c.Entities)+24*len(c.Relations))}
	e.b = append(e.b, recordVersion)
	e.str(string(doc))
	keys := sortedKeys(r.Resolved)
	e.uint(len(keys))
	for _, k := range keys {
		e.str(k)
		e.str(r.Resolved[k])
	}
	e.uint(len(c.Entities))
	for i := range c.Entities {
		ec := &c.Entities[i]
		e.str(string(ec.Type))
		e.str(ec.Name)
		e.uint(len(ec.Aliases))
		for _, a := range ec.Aliases {
			e.str(a)
		}
		ks := sortedKeys(ec.Attrs)
		e.uint(len(ks))
		for _, k := range ks {
			e.str(k)
			e.str(ec.Attrs[k])
		}
		e.uint(len(ec.Spans))
		for _, s := range ec.Spans {
			e.int(int64(s.Start))
			e.int(int64(s.End))
		}
	}
	t := strTable{idx: map[string]int{}}
	rels := encoder{b: make([]byte, 0, 24*len(c.Relations))}
	rels.uint(len(c.Relations))
	for i := range c.Relations {
		rc := &c.Relations[i]
		rels.uint(t.num(rc.From))
		rels.uint(t.num(rc.To))
		rels.uint(t.num(string(rc.Type)))
		rels.b = binary.BigEndian.AppendUint64(rels.b, math.Float64bits(rc.Weight))
		rels.uint(len(rc.Evidence))
		for _, ev := range rc.Evidence {
			rels.uint(t.num(ev.Doc))
			rels.uint(int(sents[ev.Sentence]))
			rels.int(int64(ev.Start))
			rels.int(int64(ev.End))
			rels.uint(t.num(ev.Rule))
		}
	}
	e.uint(len(t.list))
	for _, s := range t.list {
		e.str(s)
	}
	return append(e.b, rels.b...), nil
}

// unmarshalRecord decodes a contribution record; sentence returns the text
// of the document's sentence n.
func unmarshalRecord(b []byte, sentence func(n uint32) (string, error)) (*contribRecord, error) {
	if len(b) == 0 || b[0] != recordVersion {
		return nil, errValue
	}
	d := decoder{b: b[1:]}
	c := &graph.Contribution{}
	r := &contribRecord{C: c}
	if err := json.Unmarshal([]byte(d.str()), &c.Doc); d.err != nil || err != nil {
		return nil, errValue
	}
	// Every count below is checked against the bytes left, so a damaged
	// record cannot make it allocate much.
	count := func() int {
		n := d.uint()
		if n > len(d.b) {
			d.err = errValue
			return 0
		}
		return n
	}
	if n := count(); n > 0 {
		r.Resolved = make(map[string]string, n)
		for range n {
			k := d.str()
			r.Resolved[k] = d.str()
		}
	}
	if n := count(); n > 0 {
		c.Entities = make([]graph.EntityContribution, n)
		for i := 0; i < n && d.err == nil; i++ {
			ec := &c.Entities[i]
			ec.Type = graph.EntityType(d.str())
			ec.Name = d.str()
			if m := count(); m > 0 {
				ec.Aliases = make([]string, m)
				for j := range m {
					ec.Aliases[j] = d.str()
				}
			}
			if m := count(); m > 0 {
				ec.Attrs = make(map[string]string, m)
				for range m {
					k := d.str()
					ec.Attrs[k] = d.str()
				}
			}
			if m := count(); m > 0 {
				ec.Spans = make([]graph.Span, m)
				for j := range m {
					ec.Spans[j] = graph.Span{Start: int(d.int()), End: int(d.int())}
				}
			}
		}
	}
	strs := make([]string, count())
	for i := range strs {
		strs[i] = d.str()
	}
	str := func() string {
		i := d.uint()
		if d.err != nil || i >= len(strs) {
			d.err = errValue
			return ""
		}
		return strs[i]
	}
	texts := map[uint32]string{}
	if n := count(); n > 0 {
		c.Relations = make([]graph.RelationContribution, n)
		for i := 0; i < n && d.err == nil; i++ {
			rc := &c.Relations[i]
			rc.From, rc.To, rc.Type = str(), str(), graph.RelationType(str())
			if len(d.b) < 8 {
				d.err = errValue
				break
			}
			rc.Weight = math.Float64frombits(binary.BigEndian.Uint64(d.b))
			d.b = d.b[8:]
			if m := count(); m > 0 {
				rc.Evidence = make([]graph.Evidence, m)
				for j := 0; j < m && d.err == nil; j++ {
					ev := &rc.Evidence[j]
					ev.Doc = str()
					num := uint32(d.uint())
					ev.Start, ev.End, ev.Rule = int(d.int()), int(d.int()), str()
					if d.err != nil {
						break
					}
					text, ok := texts[num]
					if !ok {
						var err error
						if text, err = sentence(num); err != nil {
							return nil, err
						}
						texts[num] = text
					}
					ev.Sentence = text
				}
			}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errValue
	}
	return r, nil
}
