package badgerstore

import (
	"bytes"
	"cmp"
	"strings"
	"testing"
)

type tuple struct {
	a string
	n uint64
	b string
}

func encodeTuple(t tuple) []byte {
	k := appendStr([]byte{pRank}, t.a)
	k = appendU64(k, t.n)
	return appendStr(k, t.b)
}

func decodeTuple(k []byte) (tuple, error) {
	var t tuple
	a, rest, err := readStr(k[1:])
	if err != nil {
		return t, err
	}
	n, rest, err := readU64(rest)
	if err != nil {
		return t, err
	}
	b, rest, err := readStr(rest)
	if err != nil || len(rest) != 0 {
		return t, errKey
	}
	return tuple{a, n, b}, nil
}

func cmpTuple(x, y tuple) int {
	if c := strings.Compare(x.a, y.a); c != 0 {
		return c
	}
	if c := cmp.Compare(x.n, y.n); c != 0 {
		return c
	}
	return strings.Compare(x.b, y.b)
}

func clean(s string) string { return strings.ReplaceAll(s, "\x00", "") }

// FuzzKeyRoundTrip: a key decodes to the fields it was built from.
func FuzzKeyRoundTrip(f *testing.F) {
	f.Add("西部(重庆)科学城", uint64(7), "e6381c0708b1c7115")
	f.Add("", uint64(0), "")
	f.Add("a\xffb", uint64(1<<63), "\x01")
	f.Fuzz(func(t *testing.T, a string, n uint64, b string) {
		in := tuple{clean(a), n, clean(b)}
		out, err := decodeTuple(encodeTuple(in))
		if err != nil || out != in {
			t.Fatalf("round trip %+v -> %+v, %v", in, out, err)
		}
		for _, m := range []string{"", in.a, in.b} {
			id, err := rankID(rankCountKey(rankDeg, m, int64(n>>1), in.b))
			if err != nil || id != in.b {
				t.Fatalf("rankID of count key = %q, %v", id, err)
			}
			id, err = rankID(rankNameKey(m, in.a, in.b))
			if err != nil || id != in.b {
				t.Fatalf("rankID of name key = %q, %v", id, err)
			}
		}
		parts, err := splitStrs(key(pOut, in.a, in.b, "x"), 3)
		if err != nil || parts[0] != in.a || parts[1] != in.b || parts[2] != "x" {
			t.Fatalf("splitStrs = %q, %v", parts, err)
		}
		if got, err := lastStr(key(pMention, in.a, in.b)); err != nil || got != in.b {
			t.Fatalf("lastStr = %q, %v", got, err)
		}
	})
}

// FuzzKeyOrder: byte order of keys is the order of their fields, and the
// count rank keys put larger counts first.
func FuzzKeyOrder(f *testing.F) {
	f.Add("重庆", uint64(3), "a", "重庆大学", uint64(2), "b")
	f.Add("a", uint64(1), "", "a", uint64(256), "")
	f.Add("ab", uint64(0), "x", "a", uint64(0), "y")
	f.Fuzz(func(t *testing.T, a1 string, n1 uint64, b1 string, a2 string, n2 uint64, b2 string) {
		x, y := tuple{clean(a1), n1, clean(b1)}, tuple{clean(a2), n2, clean(b2)}
		if got, want := bytes.Compare(encodeTuple(x), encodeTuple(y)), cmpTuple(x, y); got != want {
			t.Fatalf("compare(%+v, %+v) = %d, want %d", x, y, got, want)
		}
		c1, c2 := int64(n1>>1), int64(n2>>1)
		kx, ky := rankCountKey(rankMent, "t", c1, x.b), rankCountKey(rankMent, "t", c2, y.b)
		want := -cmp.Compare(c1, c2)
		if want == 0 {
			want = strings.Compare(x.b, y.b)
		}
		if got := bytes.Compare(kx, ky); got != want {
			t.Fatalf("rank keys of %d/%q and %d/%q compare %d, want %d", c1, x.b, c2, y.b, got, want)
		}
	})
}

func TestCodecRoundTrip(t *testing.T) {
	r := &entRec{
		Type: "platform", Names: map[string]int64{"a": 2, "b": 1}, Aliases: map[string]int64{"c": 1},
		Curated: []string{"d"}, Attrs: map[string]map[string]int64{"level": {"1": 2}},
		Dates: map[string]int64{"2024-01-01": 1}, Mentions: 5, Docs: 3, Degree: 7,
	}
	got, err := decodeEnt(r.encode())
	if err != nil || string(got.encode()) != string(r.encode()) {
		t.Fatalf("entity record round trip: %+v, %v", got, err)
	}
	e, err := decodeEntity("x", r.encode())
	if err != nil || e.First != "2024-01-01" || e.Last != "2024-01-01" || e.Name != "a" || len(e.Aliases) != 3 {
		t.Errorf("decodeEntity = %+v, %v", e, err)
	}
	r.Dates = map[string]int64{"2019-05-01": 2, "2024-01-01": 1, "2021-03-03": 4}
	full, _ := decodeEnt(r.encode())
	e, _ = decodeEntity("x", r.encode())
	if want := full.entity("x"); e.First != want.First || e.Last != want.Last || e.First != "2019-05-01" || e.Last != "2024-01-01" {
		t.Errorf("decodeEntity dates %s..%s, full decode %s..%s", e.First, e.Last, want.First, want.Last)
	}
	for _, bad := range [][]byte{nil, {1}, {2, 0}, append(r.encode(), 0)} {
		if _, err := decodeEnt(bad); err == nil {
			t.Errorf("decodeEnt(%x) accepted garbage", bad)
		}
	}
}
