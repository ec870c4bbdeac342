package schema

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// sameAsEncodingJSON checks appendJSON against encoding/json: the output is
// valid JSON and decodes to what encoding/json's output decodes to.
func sameAsEncodingJSON(t *testing.T, v any) {
	t.Helper()
	got, err := appendJSON(nil, v)
	if err != nil {
		t.Fatalf("appendJSON(%#v): %v", v, err)
	}
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal(%#v): %v", v, err)
	}
	if !json.Valid(got) {
		t.Fatalf("appendJSON(%#v) = %s: not JSON", v, got)
	}
	var g, w any
	json.Unmarshal(got, &g)
	json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("appendJSON(%#v) = %s, encoding/json %s", v, got, want)
	}
}

func TestAppendJSON(t *testing.T) {
	for _, v := range []any{
		nil, true, false, 0, -7, int64(math.MaxInt64), 0.0, math.Copysign(0, -1), 1.5, 1e20, 1e21, 1e-6, 1e-7, -2.5e-300, 123456789.125,
		"", "国家重点实验室", "quote \" backslash \\ tab \t nl \n cr \r ctrl \x01 \x1f del \x7f", "bad utf8 \xff\xfe end", "\u2028\u2029", "<&>",
		[]any{}, []any{1, "a", nil, []any{map[string]any{}}},
		map[string]any{"b": 1, "a": []any{"x"}, "中": map[string]any{"z": nil}},
		json.RawMessage(`{"nodes":[{"id":"e1"}],"edges":[]}`),
		[]string{"a", "b"},
	} {
		sameAsEncodingJSON(t, v)
	}
	if _, err := appendJSON(nil, math.NaN()); err == nil {
		t.Error("NaN encoded without an error")
	}
	// Map keys are sorted, as encoding/json sorts them, so answers are
	// byte for byte stable.
	got, _ := appendJSON(nil, map[string]any{"type": "A", "to": 1, "from": 2})
	if string(got) != `{"from":2,"to":1,"type":"A"}` {
		t.Errorf("key order: %s", got)
	}
}

// FuzzAppendJSON: any string and float encode to JSON that decodes to what
// encoding/json's encoding decodes to.
func FuzzAppendJSON(f *testing.F) {
	f.Add("国家重点实验室", 1.5)
	f.Add("\x00\"\\\u2028\xff", 1e-7)
	f.Add("", 1e21)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		sameAsEncodingJSON(t, map[string]any{s: []any{s, x, map[string]any{"k": s}}})
	})
}
