package main

import (
	"context"
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

// gcSettings reads the collector's percent and memory limit.
func gcSettings() (int, int64) {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

func TestTuneGC(t *testing.T) {
	p0, l0 := gcSettings()
	defaults := serveOptions{gcPercent: defaultGCPercent, memLimit: defaultMemLimitMB}
	tests := []struct {
		name    string
		env     map[string]string
		o       serveOptions
		set     map[string]bool
		percent int
		limit   int64
	}{
		{"defaults", nil, defaults, nil, defaultGCPercent, defaultMemLimitMB << 20},
		{"environment wins over the defaults", map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"}, defaults, nil, p0, l0},
		{"flags win over the environment", map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"},
			serveOptions{gcPercent: 250, memLimit: 64}, map[string]bool{"gc-percent": true, "memory-limit-mb": true}, 250, 64 << 20},
		{"no limit, collector off", nil, serveOptions{gcPercent: -1, memLimit: 0}, nil, -1, math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{getenv: func(k string) string { return tc.env[k] }}
			restore := tuneGC(e, tc.o, tc.set)
			p, l := gcSettings()
			restore()
			if p != tc.percent || l != tc.limit {
				t.Errorf("percent %d, limit %d; want %d, %d", p, l, tc.percent, tc.limit)
			}
			if p, l := gcSettings(); p != p0 || l != l0 {
				t.Errorf("after restore: percent %d, limit %d; want %d, %d", p, l, p0, l0)
			}
		})
	}
}

func TestServeMemoryLimitFlag(t *testing.T) {
	for _, v := range []string{"-1", "9223372036854775807"} {
		var out, errb syncBuffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		if code := runEnv(context.Background(), e, []string{"serve", "--db", t.TempDir(), "--memory-limit-mb", v}); code != exitUsage {
			t.Errorf("--memory-limit-mb %s: exit %d, want %d: %s", v, code, exitUsage, errb.String())
		}
	}
}
