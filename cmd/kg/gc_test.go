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
	defaults := gcFlags{percent: defaultGCPercent, limitMB: defaultMemLimitMB}
	tests := []struct {
		name    string
		env     map[string]string
		g       gcFlags
		percent int
		limit   int64
	}{
		{"defaults", nil, defaults, defaultGCPercent, defaultMemLimitMB << 20},
		{"environment wins over the defaults", map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"}, defaults, p0, l0},
		{"flags win over the environment", map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"},
			gcFlags{percent: 250, limitMB: 64, set: map[string]bool{"gc-percent": true, "memory-limit-mb": true}}, 250, 64 << 20},
		{"no limit, collector off", nil, gcFlags{percent: -1, limitMB: 0}, -1, math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{getenv: func(k string) string { return tc.env[k] }}
			restore := tc.g.apply(e)
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

func TestMemoryLimitFlag(t *testing.T) {
	for _, cmd := range []string{"serve", "ingest", "demo"} {
		for _, v := range []string{"-1", "9223372036854775807"} {
			var out, errb syncBuffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
			args := []string{cmd, "--memory-limit-mb", v}
			switch cmd {
			case "serve":
				args = append(args, "--db", t.TempDir())
			case "ingest":
				args = append(args, "--db", t.TempDir(), t.TempDir())
			}
			if code := runEnv(context.Background(), e, args); code != exitUsage {
				t.Errorf("%s --memory-limit-mb %s: exit %d, want %d: %s", cmd, v, code, exitUsage, errb.String())
			}
		}
	}
}
