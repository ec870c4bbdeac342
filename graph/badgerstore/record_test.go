package badgerstore

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	for i := range 20 {
		c := testDoc(int64(i), fmt.Sprintf("d%d", i), 30, 8, 20)
		c.Doc.Date = "2024-05-06"
		if i%2 == 0 {
			c.Relations[0].Evidence[0].Doc = c.Doc.ID
		}
		r := &contribRecord{C: c}
		if i%3 == 0 {
			r.Resolved = map[string]string{c.Entities[0].ID(): "elsewhere"}
		}
		texts, sents := docSentences(c)
		b, err := marshalRecord(r, sents)
		if err != nil {
			t.Fatal(err)
		}
		got, err := unmarshalRecord(b, func(n uint32) (string, error) {
			if int(n) >= len(texts) {
				return "", fmt.Errorf("no sentence %d", n)
			}
			return texts[n], nil
		})
		if err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("doc %d: round trip differs:\n got %+v\nwant %+v", i, got.C, r.C)
		}
		// Every truncation is refused, never a panic or a short record.
		for n := range len(b) {
			if _, err := unmarshalRecord(b[:n], func(uint32) (string, error) { return "", nil }); !errors.Is(err, errValue) {
				t.Fatalf("doc %d cut to %d of %d bytes: %v", i, n, len(b), err)
			}
		}
	}
}
