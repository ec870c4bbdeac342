package main

import (
	"flag"
	"math"
	"runtime/debug"
)

// gcFlags are the garbage collector settings of a long-running command:
// --gc-percent and --memory-limit-mb. A flag given on the command line
// wins; else the GOGC or GOMEMLIMIT environment variable, when set (the
// runtime has read it); else the command's default.
type gcFlags struct {
	percent int
	limitMB int64 // 0: no limit
	set     map[string]bool
}

// register defines the two flags on fs with the command's defaults.
func (g *gcFlags) register(fs *flag.FlagSet, percent int, limitMB int64) {
	fs.IntVar(&g.percent, "gc-percent", percent, "garbage collector target `percent` (negative: off); GOGC replaces the default")
	fs.Int64Var(&g.limitMB, "memory-limit-mb", limitMB, "soft memory limit in `MiB` (0: none); GOMEMLIMIT replaces the default")
}

// parsed checks the values once fs is parsed and notes which flags were
// given.
func (g *gcFlags) parsed(fs *flag.FlagSet) error {
	if g.limitMB < 0 || g.limitMB > math.MaxInt64>>20 {
		return usagef("--memory-limit-mb must be between 0 and %d", int64(math.MaxInt64>>20))
	}
	g.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { g.set[f.Name] = true })
	return nil
}

// apply sets the collector and returns a function restoring the previous
// settings.
func (g *gcFlags) apply(e *env) (restore func()) {
	prevPercent, prevLimit := 0, int64(-1)
	gc, lim := false, false
	if g.set["gc-percent"] || e.getenv("GOGC") == "" {
		prevPercent, gc = debug.SetGCPercent(g.percent), true
	}
	if g.set["memory-limit-mb"] || e.getenv("GOMEMLIMIT") == "" {
		limit := int64(math.MaxInt64)
		if g.limitMB > 0 {
			limit = g.limitMB << 20
		}
		prevLimit, lim = debug.SetMemoryLimit(limit), true
	}
	return func() {
		if gc {
			debug.SetGCPercent(prevPercent)
		}
		if lim {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
